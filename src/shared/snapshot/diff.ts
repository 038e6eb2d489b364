/**
 * diffSnapshots(a, b): what changed between two snapshots of a host, for `netlens diff` and the
 * app's compare view. Pure.
 *
 * Identities: containers and networks by name, interfaces by `<netns>/<name>`, bridge ports by
 * `<netns>/<bridge>:<port>`, published ports by `<proto> <hostIp>:<hostPort>`, NAT rules by
 * family + table + chain + the rule text with counters removed. Rules are compared as multisets,
 * so a rule that only moved (another rule inserted above it) or whose counters grew is unchanged.
 * Interfaces inside a namespace that exists in only one snapshot (a container that came or went)
 * are folded into that container's entry instead of being listed one by one.
 */
import type { Container, Interface, NatRule, PublishedPort, Snapshot } from './schema'

export interface DiffEntry {
  kind: 'container' | 'interface' | 'bridge-port' | 'nat-rule' | 'published-port' | 'network'
  change: 'added' | 'removed' | 'changed'
  id: string
  before?: unknown
  after?: unknown
}

export interface SnapshotDiff {
  a: string
  b: string
  entries: DiffEntry[]
}

const KIND_ORDER: DiffEntry['kind'][] = [
  'container',
  'network',
  'interface',
  'bridge-port',
  'published-port',
  'nat-rule'
]
const CHANGE_ORDER: DiffEntry['change'][] = ['removed', 'added', 'changed']

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : v
  )
}

function diffKeyed<T>(
  kind: DiffEntry['kind'],
  before: Map<string, T>,
  after: Map<string, T>,
  view: (item: T) => unknown,
  out: DiffEntry[]
): void {
  for (const [id, item] of before) {
    const other = after.get(id)
    if (other === undefined) out.push({ kind, change: 'removed', id, before: view(item) })
    else if (stable(view(item)) !== stable(view(other)))
      out.push({ kind, change: 'changed', id, before: view(item), after: view(other) })
  }
  for (const [id, item] of after) if (!before.has(id)) out.push({ kind, change: 'added', id, after: view(item) })
}

const containerView = (c: Container): unknown => ({
  id: c.id,
  image: c.image,
  state: c.state,
  networkMode: c.networkMode,
  networks: [...c.networks].sort(),
  interfaces: c.interfaces
    .map((i) => ({
      ifname: i.ifname,
      addresses: [...i.addresses].sort(),
      network: i.network,
      hostVeth: i.hostVeth,
      bridge: i.bridge,
      mac: i.mac
    }))
    .sort((x, y) => x.ifname.localeCompare(y.ifname)),
  portBindings: c.portBindings.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.proto}`).sort()
})

const interfaceView = (i: Interface): unknown => ({
  kind: i.kind,
  state: i.state,
  mtu: i.mtu,
  mac: i.mac,
  addresses: [...i.addresses].sort(),
  master: i.master,
  peer: i.peer ? `${i.peer.netns}/${i.peer.name ?? i.peer.ifindex}` : null,
  parent: i.parent,
  vni: i.vni
})

const portView = (p: PublishedPort): unknown => ({
  container: p.container,
  containerIp: p.containerIp,
  containerPort: p.containerPort,
  sources: [...p.sources].sort(),
  rule: p.rule ? normaliseRuleText(p.rule) : null
})

/** Rule text without counters: `[12:345] -A …` → `-A …`; nft `counter packets 1 bytes 2` → `counter`. */
export function normaliseRuleText(raw: string): string {
  return raw
    .replace(/^\s*\[\d+:\d+\]\s*/, '')
    .replace(/^\s*-c\s+\d+\s+\d+\s+/, '')
    .replace(/\bcounter packets \d+ bytes \d+/g, 'counter')
    .replace(/\s+/g, ' ')
    .trim()
}

export function ruleKey(r: NatRule): string {
  return `${r.family} ${r.table} ${r.chain}: ${normaliseRuleText(r.raw)}`
}

function diffRules(a: NatRule[], b: NatRule[], out: DiffEntry[]): void {
  const count = (rules: NatRule[]): Map<string, NatRule[]> => {
    const m = new Map<string, NatRule[]>()
    for (const r of rules) {
      const k = ruleKey(r)
      const list = m.get(k)
      if (list) list.push(r)
      else m.set(k, [r])
    }
    return m
  }
  const ca = count(a)
  const cb = count(b)
  const view = (r: NatRule): unknown => ({
    family: r.family,
    table: r.table,
    chain: r.chain,
    owner: r.owner,
    raw: normaliseRuleText(r.raw)
  })
  for (const [k, list] of ca) {
    const n = list.length - (cb.get(k)?.length ?? 0)
    for (let i = 0; i < n; i++) out.push({ kind: 'nat-rule', change: 'removed', id: k, before: view(list[i]) })
  }
  for (const [k, list] of cb) {
    const n = list.length - (ca.get(k)?.length ?? 0)
    for (let i = 0; i < n; i++) out.push({ kind: 'nat-rule', change: 'added', id: k, after: view(list[i]) })
  }
}

export function diffSnapshots(a: Snapshot, b: Snapshot, labels?: { a?: string; b?: string }): SnapshotDiff {
  const entries: DiffEntry[] = []
  diffKeyed(
    'container',
    new Map(a.containers.map((c) => [c.name, c])),
    new Map(b.containers.map((c) => [c.name, c])),
    containerView,
    entries
  )
  diffKeyed(
    'network',
    new Map(a.networks.map((n) => [n.name, n])),
    new Map(b.networks.map((n) => [n.name, n])),
    (n) => ({
      id: n.id,
      driver: n.driver,
      subnet: n.subnet,
      gateway: n.gateway,
      bridge: n.bridge,
      internal: n.internal
    }),
    entries
  )
  const netnsA = new Set(a.interfaces.map((i) => i.netns))
  const netnsB = new Set(b.interfaces.map((i) => i.netns))
  const shared = (i: Interface): boolean => netnsA.has(i.netns) && netnsB.has(i.netns)
  const ifaceMap = (s: Snapshot): Map<string, Interface> =>
    new Map(s.interfaces.filter(shared).map((i) => [`${i.netns}/${i.name}`, i]))
  diffKeyed('interface', ifaceMap(a), ifaceMap(b), interfaceView, entries)
  type Port = { netns: string; bridge: string; port: string; network: string | null }
  const portMap = (s: Snapshot): Map<string, Port> =>
    new Map(
      s.bridges.flatMap((br) =>
        br.ports.map((port): [string, Port] => [
          `${br.netns}/${br.name}:${port}`,
          { netns: br.netns, bridge: br.name, port, network: br.network }
        ])
      )
    )
  diffKeyed('bridge-port', portMap(a), portMap(b), (p) => p, entries)
  const published = (s: Snapshot): Map<string, PublishedPort> =>
    new Map(
      s.publishedPorts.map((p) => [
        `${p.proto} ${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}`,
        p
      ])
    )
  diffKeyed('published-port', published(a), published(b), portView, entries)
  diffRules(a.nat.rules, b.nat.rules, entries)
  entries.sort(
    (x, y) =>
      KIND_ORDER.indexOf(x.kind) - KIND_ORDER.indexOf(y.kind) ||
      CHANGE_ORDER.indexOf(x.change) - CHANGE_ORDER.indexOf(y.change) ||
      x.id.localeCompare(y.id)
  )
  return {
    a: labels?.a ?? `${a.host.source} ${a.host.capturedAt}`,
    b: labels?.b ?? `${b.host.source} ${b.host.capturedAt}`,
    entries
  }
}
