/**
 * What the lane builders (lanes.ts) produce and the placement (place.ts) draws: a lane draft with
 * its column-0 and column-1 nodes and its rows (host veth → container interface → namespace), and
 * the lookups of the snapshot every builder shares, made once per layout.
 */
import type { Container, Interface, Runtime, Snapshot } from '../snapshot/schema'
import { networkBridgeRef, vethNetnsOf } from '../snapshot/bridges'
import type { LaneKind, LayoutNodeKind, NodeRef } from './layout-types'

export interface Row {
  /** Host-side interface (veth) or null for macvlan rows. */
  hostIface: { netns: string; name: string; iface: Interface | null } | null
  /** Container-side interface. */
  peer: { netns: string; name: string; iface: Interface | null; addresses: string[]; mac: string | null } | null
  /** Netns of the peer; container names living there. */
  netns: string | null
  containers: Container[]
  text: string
}

/** A node of a lane's first two columns (bridge or network head, uplinks, vxlan and other ports). */
export interface LaneItem {
  id: string
  kind: LayoutNodeKind
  label: string
  sublabel: string
  ref: NodeRef
  state: string | null
  /** Lower-cased text the search matches. */
  text: string
}

export interface LaneDraft {
  id: string
  kind: LaneKind
  label: string
  sublabel: string
  network: string | null
  /** Column-1 node (bridge or macvlan network). */
  head: LaneItem | null
  /** Column-0 nodes of this lane (vxlan, physical ports, macvlan parent). */
  left: LaneItem[]
  rows: Row[]
}

type DockerVethEnd = { container: Container; ci: Container['interfaces'][number] }

/** The snapshot's lookups, by (namespace, name) wherever a name alone is ambiguous. */
export interface SnapshotIndex {
  snapshot: Snapshot
  ifByName: Map<string, Interface>
  ifByIndex: Map<string, Interface>
  /** Containers by the namespace they live in (none- and host-mode containers left out). */
  containersByNetns: Map<string, Container[]>
  netnsOf: Map<Container, string>
  /** Container interface by host veth: docker's own view when the kernel peer lookup is missing. */
  byHostVeth: Map<string, DockerVethEnd>
  networkByName: Map<string, Snapshot['networks'][number]>
  /** Docker network by the name of its host bridge. */
  networkByBridge: Map<string, string>
  /** Host interfaces holding a default route. */
  defaultDevs: Set<string>
  uplinks: Interface[]
  /** Host-mode containers (of the runtime shown, when the layout shows one). */
  hostModeContainers: Container[]
  /** True when a container is of the runtime shown (every container when no runtime is chosen). */
  ofRuntime: (c: Container) => boolean
}

export const key = (netns: string, name: string | number): string => `${netns}\u0000${name}`
export const norm = (s: string): string => s.toLowerCase()
export const short = (addrs: string[]): string => addrs.filter((a) => !a.startsWith('fe80')).join(', ')

export function containerNetns(container: Container, byName: Map<string, Container>): string {
  if (container.netns) return container.netns
  if (container.networkMode === 'host') return 'host'
  if (container.networkMode.startsWith('container:')) {
    const target = byName.get(container.networkMode.slice('container:'.length))
    if (target && target !== container) return containerNetns(target, new Map())
  }
  return `container:${container.id.slice(0, 12)}`
}

/** Interfaces worth drawing as host uplinks: real devices in the host namespace. */
function isUplink(iface: Interface, defaultDevs: Set<string>): boolean {
  if (iface.netns !== 'host' || iface.name === 'lo') return false
  if (defaultDevs.has(iface.name)) return true
  return iface.kind === 'device' && iface.master === null
}

function containersByNamespace(snapshot: Snapshot): Pick<SnapshotIndex, 'containersByNetns' | 'netnsOf'> {
  const containerByName = new Map(snapshot.containers.map((c) => [c.name, c]))
  const containersByNetns = new Map<string, Container[]>()
  const netnsOf = new Map<Container, string>()
  for (const c of snapshot.containers) {
    const ns = containerNetns(c, containerByName)
    netnsOf.set(c, ns)
    if (c.networkMode === 'none' || c.networkMode === 'host') continue
    const list = containersByNetns.get(ns) ?? []
    list.push(c)
    containersByNetns.set(ns, list)
  }
  return { containersByNetns, netnsOf }
}

export function indexSnapshot(snapshot: Snapshot, runtime: Runtime | null = null): SnapshotIndex {
  const ifByName = new Map<string, Interface>()
  const ifByIndex = new Map<string, Interface>()
  for (const iface of snapshot.interfaces) {
    ifByName.set(key(iface.netns, iface.name), iface)
    ifByIndex.set(key(iface.netns, iface.ifindex), iface)
  }
  // Keyed by (namespace, name): an overlay's veth ends live in its own namespace, not on the host.
  const byHostVeth = new Map<string, DockerVethEnd>()
  for (const c of snapshot.containers)
    for (const ci of c.interfaces) {
      const vethNetns = vethNetnsOf(ci)
      if (vethNetns && ci.hostVeth) byHostVeth.set(key(vethNetns, ci.hostVeth), { container: c, ci })
    }
  const networkByBridge = new Map<string, string>()
  for (const n of snapshot.networks) {
    const ref = networkBridgeRef(n)
    if (ref?.netns === 'host') networkByBridge.set(ref.name, n.name)
  }
  const ofRuntime = (c: Container): boolean => !runtime || c.runtime === runtime
  const defaultDevs = new Set(
    snapshot.routes.filter((r) => r.netns === 'host' && r.dst === 'default' && r.dev).map((r) => r.dev as string)
  )
  return {
    snapshot,
    ifByName,
    ifByIndex,
    ...containersByNamespace(snapshot),
    byHostVeth,
    networkByName: new Map(snapshot.networks.map((n) => [n.name, n])),
    networkByBridge,
    defaultDevs,
    uplinks: snapshot.interfaces.filter((i) => isUplink(i, defaultDevs)),
    hostModeContainers: snapshot.containers.filter((c) => c.networkMode === 'host' && ofRuntime(c)),
    ofRuntime
  }
}

/** The far end of a veth: the kernel's peer, else docker's record of the container interface. */
function vethPeer(index: SnapshotIndex, iface: Interface | null): Row['peer'] {
  if (iface?.peer && iface.peer.netns !== 'unknown') {
    const p =
      index.ifByIndex.get(key(iface.peer.netns, iface.peer.ifindex)) ??
      (iface.peer.name ? index.ifByName.get(key(iface.peer.netns, iface.peer.name)) : undefined)
    const pname = p?.name ?? iface.peer.name
    if (pname)
      return {
        netns: iface.peer.netns,
        name: pname,
        iface: p ?? null,
        addresses: p?.addresses ?? [],
        mac: p?.mac ?? null
      }
  }
  return null
}

/** The row of one veth: its host end, its peer, the namespace and containers behind it. */
export function vethRow(index: SnapshotIndex, netns: string, name: string): Row {
  const iface = index.ifByName.get(key(netns, name)) ?? null
  let peer = vethPeer(index, iface)
  let peerNetns: string | null = peer?.netns ?? null
  const docker = index.byHostVeth.get(key(netns, name))
  if (docker) {
    const ns = index.netnsOf.get(docker.container) ?? 'unknown'
    if (!peer || peer.netns === 'unknown') {
      peerNetns = ns
      const p = index.ifByName.get(key(ns, docker.ci.ifname)) ?? null
      peer = { netns: ns, name: docker.ci.ifname, iface: p, addresses: docker.ci.addresses, mac: docker.ci.mac }
    } else if (peer.addresses.length === 0) {
      peer.addresses = docker.ci.addresses
      peer.mac = peer.mac ?? docker.ci.mac
    }
  }
  const containers = peerNetns ? (index.containersByNetns.get(peerNetns) ?? (docker ? [docker.container] : [])) : []
  const text = norm(
    [
      name,
      iface?.mac ?? '',
      peer?.name ?? '',
      peer?.mac ?? '',
      ...(peer?.addresses ?? []),
      peerNetns ?? '',
      ...containers.flatMap((c) => [c.name, c.id.slice(0, 12), c.image])
    ].join(' ')
  )
  return { hostIface: { netns, name, iface }, peer, netns: peerNetns, containers, text }
}
