/**
 * `netlens inspect`'s text: how a host is wired (bridges and their containers, other containers,
 * published ports, NAT rules, conntrack, sections not read, warnings), every host string cleaned.
 */
import type { Snapshot } from '../../../shared/snapshot/schema'
import { interfaceBridgeRef, sameBridge, vethNetnsOf } from '../../../shared/snapshot/bridges'
import { sectionRemedy } from '../../hosts/ssh-errors'
import { cleanCell as clean, table } from './terminal'

const INDENT = { indent: '  ' }

/** NAT rules listed in the text summary. */
export const SUMMARY_RULES = 1000

export function formatSnapshotSummary(s: Snapshot): string {
  const out: string[] = []
  /** `container:<64 hex>` → `container:<name>` (or a short id) so rows stay readable. */
  const mode = (m: string): string => {
    const id = /^container:([0-9a-f]{12,64})$/.exec(m)?.[1]
    if (!id) return clean(m)
    const owner = s.containers.find((c) => c.id.startsWith(id) || id.startsWith(c.id))
    return `container:${clean(owner?.name ?? id.slice(0, 12))}`
  }
  const h = s.host
  out.push(
    `Host ${clean(h.hostname)}  (source ${clean(h.source)}, captured ${clean(h.capturedAt)}${h.privileged ? ', privileged' : ', not root'})`,
    `  kernel ${clean(h.kernel)}, docker ${clean(h.dockerVersion)}${h.podmanVersion ? `, podman ${clean(h.podmanVersion)}` : ''}, iptables backend ${clean(h.iptablesBackend)}` +
      (s.nat.backendsPresent.length ? ` (rules seen: ${s.nat.backendsPresent.join(', ')})` : '')
  )

  /** `docker`, `podman`, `podman rootless (user)`. */
  const runtime = (c: Snapshot['containers'][number]): string =>
    c.rootless ? `${c.runtime} rootless (${clean(c.rootless.user ?? (c.rootless.uid !== null ? `uid ${c.rootless.uid}` : '?'))})` : c.runtime
  const modeOf = (c: Snapshot['containers'][number]): string =>
    `${mode(c.networkMode)}${c.pod ? ` (pod ${clean(c.pod)})` : ''}`

  /** A join that is not the kernel's own word (netns-ifindex) says what it rests on. */
  const inferredBy = (evidence: Snapshot['containers'][number]['interfaces'][number]['evidence']): string =>
    evidence === 'proc-igmp'
      ? ' (matched by /proc igmp)'
      : evidence === 'proc-if-inet6'
        ? ' (matched by /proc if_inet6)'
        : evidence === 'fdb-mac'
          ? ' (matched by bridge FDB)'
          : ''

  // Bridges and the containers attached to them. A bridge is (name, namespace): every overlay
  // network has its own br0, whose veth ends live in the overlay's namespace, not on the host.
  const header = ['CONTAINER', 'RUNTIME', 'MODE', 'IFNAME', 'IP', 'PEER VETH']
  const attached = new Set<string>()
  out.push('', `Bridges (${s.bridges.length})`)
  for (const b of s.bridges) {
    const where = b.netns === 'host' ? '' : ` in ${clean(b.netns)}`
    out.push(
      `  ${clean(b.name)}${where}${b.network ? ` (network ${clean(b.network)})` : ''}: ${b.ports.length} port(s)${b.ports.length ? ' ' + b.ports.map(clean).join(' ') : ''}`
    )
    const rows: string[][] = []
    for (const c of s.containers) {
      for (const i of c.interfaces) {
        if (!sameBridge(interfaceBridgeRef(i), { name: b.name, netns: b.netns })) continue
        attached.add(c.id)
        const vethNetns = vethNetnsOf(i)
        rows.push([
          clean(c.name),
          runtime(c),
          modeOf(c),
          clean(i.ifname),
          i.addresses.map(clean).join(',') || '-',
          `${clean(i.hostVeth)}${vethNetns && vethNetns !== 'host' ? ` (in ${clean(vethNetns)})` : ''}${i.hostVeth ? inferredBy(i.evidence) : ''}`
        ])
      }
    }
    if (rows.length) for (const line of table([header, ...rows], { indent: '    ' })) out.push(line)
  }
  const others = s.containers.filter((c) => !attached.has(c.id))
  if (others.length) {
    out.push('', `Other containers (${others.length})`)
    const rows = others.map((c) => [
      clean(c.name),
      runtime(c),
      modeOf(c),
      clean(c.state),
      (c.interfaces
        .map((i) => `${clean(i.ifname)}${i.addresses.length ? ' ' + i.addresses.map(clean).join(',') : ''}`)
        .join('; ') || '-') + (c.rootless?.forwarders.length ? `  via ${c.rootless.forwarders.map((f) => clean(f.detail)).join('; ')}` : '')
    ])
    for (const line of table([['CONTAINER', 'RUNTIME', 'MODE', 'STATE', 'INTERFACES'], ...rows], INDENT)) out.push(line)
  }

  out.push('', `Published ports (${s.publishedPorts.length})`)
  const portRows = s.publishedPorts.map((p) => [
    `${clean(p.hostIp)}:${p.hostPort}/${clean(p.proto)}`,
    '→',
    `${clean(p.containerIp)}:${p.containerPort}`,
    clean(p.container),
    `[${p.sources.join(',')}]${p.rule ? '' : ' no DNAT rule'}${p.proxy ? ` held by ${clean(p.proxy)}` : ''}`
  ])
  for (const line of table(portRows, INDENT)) out.push(line)

  // A stopped container keeps its -p configuration, but nothing is bound or translated for it.
  const configured = s.containers.flatMap((c) =>
    /^(running|up)/i.test(c.state) ? [] : c.configuredPorts.map((p) => ({ c, p }))
  )
  if (configured.length) {
    out.push('', `Configured on stopped containers, not published (${configured.length})`)
    out.push(
      ...table(
        configured.map(({ c, p }) => [
          `${clean(p.hostIp || '0.0.0.0')}:${p.hostPort || 'any'}/${clean(p.proto)}`,
          '→',
          `:${p.containerPort}`,
          clean(c.name),
          `[${clean(c.state)}]`
        ]),
        INDENT
      )
    )
  }

  const natRules = s.nat.rules.filter((r) => r.table === 'nat')
  out.push('', `NAT rules, nat table (${natRules.length})`)
  // A summary, not a dump: a kube-proxy host has hundreds of thousands of rules (all in --json).
  const ruleRows = natRules.slice(0, SUMMARY_RULES).map((r) => [
    `${clean(r.family)} ${clean(r.chain)}#${r.position}`,
    clean(r.owner),
    `${clean(r.match)} -j ${clean(r.target)}${r.targetArgs ? ' ' + clean(r.targetArgs) : ''}`
  ])
  for (const line of table(ruleRows, INDENT)) out.push(line)
  if (natRules.length > SUMMARY_RULES)
    out.push(`  … and ${natRules.length - SUMMARY_RULES} more (netlens inspect SOURCE --json lists every rule)`)

  const ct = s.conntrack
  const byNat = new Map<string, number>()
  for (const e of ct.entries) byNat.set(e.nat, (byNat.get(e.nat) ?? 0) + 1)
  out.push(
    '',
    `Conntrack: ${ct.entries.length} entries read` +
      // `total` is nf_conntrack_count: without it the table size is unknown, not the entries read.
      (ct.total !== null ? `, ${ct.total} in the table` : ' (table size not captured)') +
      (ct.max !== null ? ` (max ${ct.max})` : '') +
      (ct.truncated ? ', TRUNCATED at the cap' : '') +
      (byNat.size ? `; ${[...byNat].map(([k, v]) => `${k} ${v}`).join(', ')}` : '')
  )

  const notOk = s.sections.filter((sec) => sec.status !== 'ok')
  if (notOk.length) {
    out.push('', `Sections not ok (${notOk.length})`)
    for (const sec of notOk) {
      // A skipped section's stderr is the probe's reason ("nf_tables is not loaded (not loading
      // it)"); after a dash so its own parentheses do not nest in ours.
      const why = sec.status === 'skipped' ? sec.stderr.split('\n')[0].trim() : ''
      const remedy = sectionRemedy(sec.name, sec.status)
      const detail = why ? ` — ${clean(why)}` : remedy ? ` (${remedy})` : ''
      out.push(`  ${clean(sec.name)}: ${sec.status}${detail}`)
    }
  }
  if (s.warnings.length) {
    out.push('', `Warnings (${s.warnings.length})`)
    for (const w of s.warnings) out.push(`  - ${clean(w)}`)
  }
  return out.join('\n')
}
