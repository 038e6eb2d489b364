/**
 * `iptables-save` (v1.8.9, nf_tables backend) as Docker 20.10 leaves it. Modelled on the real
 * output in test/fixtures/sim-reference/debian12-docker20.10/iptables-save.out: rules of newer
 * networks are inserted above older ones, port rules are appended, internal networks get the
 * two ISOLATION-STAGE-1 DROP rules and no MASQUERADE.
 */
import type { SimWorld } from './world'
import { isPodman, netavarkRules } from './podman'

function stamp(capturedAt: string): string {
  const d = new Date(capturedAt)
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`
}

export function renderIptablesSave(world: SimWorld, capturedAt: string): string {
  const when = stamp(capturedAt)
  const bridges = world.networks
    .filter((n) => n.driver === 'bridge' && !isPodman(n))
    .sort((a, b) => b.order - a.order) // newest first
  const missing = (net: string, rule: 'masquerade' | 'dnat'): boolean =>
    world.faults.some((f) => f.type === 'missing-rule' && f.network === net && f.rule === rule)

  // Podman's netavark next to Docker: its rules go where netavark puts them (see ./podman.ts).
  const netavark = netavarkRules(world, missing)
  const filter: string[] = [
    ...(netavark?.forwardTop ?? []),
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-ISOLATION-STAGE-1'
  ]
  for (const n of bridges) {
    const br = n.bridge!
    if (n.internal) {
      filter.push(`-A FORWARD -i ${br} -o ${br} -j ${n.icc ? 'ACCEPT' : 'DROP'}`)
      continue
    }
    filter.push(
      `-A FORWARD -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A FORWARD -o ${br} -j DOCKER`,
      `-A FORWARD -i ${br} ! -o ${br} -j ACCEPT`,
      `-A FORWARD -i ${br} -o ${br} -j ${n.icc ? 'ACCEPT' : 'DROP'}`
    )
  }
  const published = world.containers.flatMap((c) =>
    c.state !== 'running' || isPodman(c)
      ? []
      : c.ports.flatMap((p) => {
          const ep = c.endpoints.find(
            (e) => e.hostVeth !== null && world.networks.find((n) => n.name === e.network)?.driver === 'bridge'
          )
          const net = ep ? world.networks.find((n) => n.name === ep.network) : undefined
          return ep && net && !net.internal ? [{ p, ep, br: net.bridge!, net: net.name }] : []
        })
  )
  for (const { p, ep, br } of published)
    filter.push(
      `-A DOCKER -d ${ep.ip}/32 ! -i ${br} -o ${br} -p ${p.proto} -m ${p.proto} --dport ${p.containerPort} -j ACCEPT`
    )
  for (const n of bridges) {
    if (n.internal)
      filter.push(
        `-A DOCKER-ISOLATION-STAGE-1 ! -s ${n.subnet} -o ${n.bridge} -j DROP`,
        `-A DOCKER-ISOLATION-STAGE-1 ! -d ${n.subnet} -i ${n.bridge} -j DROP`
      )
  }
  for (const n of bridges)
    if (!n.internal)
      filter.push(`-A DOCKER-ISOLATION-STAGE-1 -i ${n.bridge} ! -o ${n.bridge} -j DOCKER-ISOLATION-STAGE-2`)
  filter.push('-A DOCKER-ISOLATION-STAGE-1 -j RETURN')
  for (const n of bridges) if (!n.internal) filter.push(`-A DOCKER-ISOLATION-STAGE-2 -o ${n.bridge} -j DROP`)
  filter.push('-A DOCKER-ISOLATION-STAGE-2 -j RETURN', '-A DOCKER-USER -j RETURN', ...(netavark?.filterRules ?? []))

  const nat: string[] = [
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    ...(netavark?.preroutingEnd ?? []),
    '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    ...(netavark?.outputEnd ?? []),
    ...(netavark?.postroutingTop ?? [])
  ]
  for (const n of bridges)
    if (n.masquerade && !missing(n.name, 'masquerade'))
      nat.push(`-A POSTROUTING -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`)
  for (const { p, ep } of published)
    nat.push(
      `-A POSTROUTING -s ${ep.ip}/32 -d ${ep.ip}/32 -p ${p.proto} -m ${p.proto} --dport ${p.containerPort} -j MASQUERADE`
    )
  nat.push(...(netavark?.postroutingEnd ?? []))
  for (const n of bridges) if (!n.internal) nat.push(`-A DOCKER -i ${n.bridge} -j RETURN`)
  for (const { p, ep, br, net } of published) {
    if (missing(net, 'dnat')) continue
    const dst = p.hostIp === '0.0.0.0' ? '' : `-d ${p.hostIp}/32 `
    nat.push(
      `-A DOCKER ${dst}! -i ${br} -p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${ep.ip}:${p.containerPort}`
    )
  }
  nat.push(...(netavark?.natRules ?? []))

  const extra = (table: string): string[] => world.host.rules.filter((r) => r.table === table).map((r) => r.rule)
  const forwardPolicy = 'DROP'
  const out: string[] = []
  // One table as iptables-save prints it: its built-in chains ("NAME POLICY"), then the chains its
  // rules use (netavark's, and those of the scenario's extra rules), then the rules.
  const table = (name: string, builtin: string[], chains: string[], rules: string[], extraRules: string[]): void => {
    const builtinNames = builtin.map((c) => c.split(' ')[0])
    const used = [...new Set(extraRules.map((r) => r.split(' ')[1]))].filter((c) => !builtinNames.includes(c))
    out.push(
      `# Generated by iptables-save v1.8.9 (nf_tables) on ${when}`,
      `*${name}`,
      ...builtin.map((c) => `:${c} [0:0]`),
      ...chains,
      ...used.map((c) => `:${c} - [0:0]`),
      ...rules,
      ...extraRules,
      'COMMIT',
      `# Completed on ${when}`
    )
  }
  const raw = extra('raw')
  if (raw.length > 0) table('raw', ['PREROUTING ACCEPT', 'OUTPUT ACCEPT'], [], [], raw)
  const mangle = extra('mangle')
  const mangleChains = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'].map((c) => `${c} ACCEPT`)
  if (mangle.length > 0) table('mangle', mangleChains, [], [], mangle)
  const dockerChains = ['DOCKER', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2', 'DOCKER-USER']
  table(
    'filter',
    ['INPUT ACCEPT', `FORWARD ${forwardPolicy}`, 'OUTPUT ACCEPT', ...dockerChains.map((c) => `${c} -`)],
    netavark?.filterChains ?? [],
    filter,
    extra('filter')
  )
  const natChains = ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'].map((c) => `${c} ACCEPT`)
  table('nat', [...natChains, 'DOCKER -'], netavark?.natChains ?? [], nat, extra('nat'))
  return out.join('\n') + '\n'
}
