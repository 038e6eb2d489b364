/**
 * Names people know, beside the ids the kernel uses. A bridge is `br-6403…` to the kernel and
 * `shop-frontend` to whoever created the network; an interface is `veth3ec0c64` to the kernel and
 * "web-01's cable" to the engineer. Every view labels things through these helpers, so a bridge is
 * always shown the same way: `shop-frontend (br-6403…)`. Pure: the snapshot in, strings out.
 * All returned strings are host-derived: render them as text only.
 */
import type { NatRule, Snapshot } from './schema'
import { OPAQUE_OPTION } from '../netfilter/rule'
import { interfaceBridgeRef, vethNetnsOf } from './bridges'

/** Docker's own bridge ids (`br-` + 12 hex digits) shortened to `br-6403…`; other names unchanged. */
export function shortBridgeId(name: string): string {
  return /^br-[0-9a-f]{12}$/.test(name) ? `${name.slice(0, 7)}…` : name
}

/** `network (bridge)` with a short Docker bridge id; the bridge alone when it serves no network. */
export function bridgeDisplayName(bridge: string, network: string | null | undefined): string {
  if (!network || network === bridge) return bridge
  return `${network} (${shortBridgeId(bridge)})`
}

/** What an interface is, in the words of whoever runs the host. */
export interface InterfaceName {
  netns: string
  iface: string
  /** The container that owns this interface (container side) or that this host veth leads to. */
  container: string | null
  /** The docker network of a bridge, or of the bridge a container interface or veth is plugged into. */
  network: string | null
  role: 'container' | 'host-veth' | 'bridge' | 'other'
  /** For a host veth: the container-side interface; for a container interface: its host veth. */
  peer: { netns: string; iface: string } | null
}

/**
 * By `netns/iface`. A container's interfaces are also filed under `pid:<pid>/iface`: the traffic
 * sampler names a namespace by the pid it reads it through, the snapshot by the container id.
 */
export type NameBook = Map<string, InterfaceName>

export const nameKey = (netns: string, iface: string): string => `${netns}/${iface}`

/** Every interface of the snapshot that belongs to a container or a network, by `netns/iface`. */
export function buildNameBook(snapshot: Pick<Snapshot, 'bridges' | 'networks' | 'containers'>): NameBook {
  const book: NameBook = new Map()
  const networkOfBridge = new Map<string, string>()
  for (const n of snapshot.networks)
    if (n.bridge) networkOfBridge.set(nameKey(n.overlay?.netns ?? 'host', n.bridge), n.name)
  for (const b of snapshot.bridges) {
    const network = b.network ?? networkOfBridge.get(nameKey(b.netns, b.name)) ?? null
    if (network) networkOfBridge.set(nameKey(b.netns, b.name), network)
    book.set(nameKey(b.netns, b.name), {
      netns: b.netns,
      iface: b.name,
      container: null,
      network,
      role: 'bridge',
      peer: null
    })
  }
  // Owners of a namespace first: a `container:` joiner shares the owner's interfaces, not its name.
  const joinsAnother = (mode: string): number => (mode.startsWith('container:') ? 1 : 0)
  const owners = [...snapshot.containers].sort((a, b) => joinsAnother(a.networkMode) - joinsAnother(b.networkMode))
  for (const c of owners) {
    if (!c.netns || c.networkMode === 'host') continue
    for (const ci of c.interfaces) {
      const bridge = interfaceBridgeRef(ci)
      const network = ci.network ?? (bridge ? (networkOfBridge.get(nameKey(bridge.netns, bridge.name)) ?? null) : null)
      const vethNetns = vethNetnsOf(ci)
      const hostEnd = vethNetns && ci.hostVeth ? { netns: vethNetns, iface: ci.hostVeth } : null
      const key = nameKey(c.netns, ci.ifname)
      if (!book.has(key))
        book.set(key, {
          netns: c.netns,
          iface: ci.ifname,
          container: c.name,
          network,
          role: 'container',
          peer: hostEnd
        })
      const entry = book.get(key)!
      if (c.pid) book.set(nameKey(`pid:${c.pid}`, ci.ifname), entry)
      if (hostEnd && !book.has(nameKey(hostEnd.netns, hostEnd.iface)))
        book.set(nameKey(hostEnd.netns, hostEnd.iface), {
          ...hostEnd,
          container: c.name,
          network,
          role: 'host-veth',
          peer: { netns: c.netns, iface: ci.ifname }
        })
    }
  }
  return book
}

/**
 * A one-line name for an interface: `web-01 · eth0`, `web-01 · host end veth3ec0c64`,
 * `shop-frontend (br-6403…)`, or the bare interface name.
 */
export function interfaceDisplayName(
  book: NameBook,
  netns: string,
  iface: string,
  words: { hostEnd: string } = { hostEnd: 'host end' }
): string {
  const entry = book.get(nameKey(netns, iface))
  if (!entry) return iface
  if (entry.role === 'bridge') return bridgeDisplayName(iface, entry.network)
  if (entry.role === 'host-veth' && entry.container) return `${entry.container} · ${words.hostEnd} ${iface}`
  if (entry.container) return `${entry.container} · ${iface}`
  return iface
}

/** The networks and containers a NAT rule is about, found from the bridges, subnets and addresses it names. */
export interface RuleSubjects {
  networks: string[]
  containers: string[]
}

const stripPrefix = (token: string): string => token.replace(/\/32$/, '').replace(/\/128$/, '')

export function ruleSubjects(
  rule: Pick<NatRule, 'options' | 'targetOptions'>,
  snapshot: Pick<Snapshot, 'bridges' | 'networks' | 'containers'>
): RuleSubjects {
  const networks = new Set<string>()
  const containers = new Set<string>()
  const byBridge = new Map<string, string>()
  const bySubnet = new Map<string, string>()
  for (const n of snapshot.networks) {
    if (n.bridge && !n.overlay) byBridge.set(n.bridge, n.name)
    for (const s of [n.subnet, ...n.subnets.map((x) => x.subnet)]) if (s) bySubnet.set(s, n.name)
  }
  for (const b of snapshot.bridges) if (b.network && b.netns === 'host') byBridge.set(b.name, b.network)
  const byAddress = new Map<string, string>()
  for (const c of snapshot.containers)
    for (const ci of c.interfaces) for (const a of ci.addresses) byAddress.set(a.split('/')[0], c.name)

  // The values of the rule's typed options (iptables and nft rules alike); a list value (`-s a,b`) names each item.
  const values = [...rule.options.filter((o) => o.option !== OPAQUE_OPTION), ...rule.targetOptions].flatMap(
    (o) => o.values
  )
  for (const raw of values.flatMap((value) => value.split(','))) {
    if (!raw) continue
    const bridgeNet = byBridge.get(raw)
    if (bridgeNet) networks.add(bridgeNet)
    const subnetNet = bySubnet.get(raw)
    if (subnetNet) networks.add(subnetNet)
    // `10.0.0.2/32`, `10.0.0.2:80`, `[fd00::2]:80`, `10.0.0.2-10.0.0.9` (first address only).
    const address = stripPrefix(raw)
      .replace(/^\[(.*)\](:\d+)?$/, '$1')
      .replace(/^(\d+\.\d+\.\d+\.\d+)(:\d+(-\d+)?)?(-.*)?$/, '$1')
    const owner = byAddress.get(address)
    if (owner) containers.add(owner)
  }
  return { networks: [...networks].sort(), containers: [...containers].sort() }
}
