/**
 * One builder per lane of the topology, in drawing order: the host (uplinks, host-mode containers),
 * one lane per bridge (docker0 first, then docker bridges, overlay bridges, other bridges),
 * macvlan/ipvlan networks, veths attached to no bridge, and none-mode containers.
 */
import type { Container, Interface, Snapshot } from '../snapshot/schema'
import { bridgeDisplayName } from '../snapshot/names'
import { interfaceBridgeRef, sameBridge, vethNetnsOf } from '../snapshot/bridges'
import { bridgeNodeId, ifaceNodeId, uplinkNodeId } from './ids'
import { key, norm, short, vethRow, type LaneDraft, type LaneItem, type Row, type SnapshotIndex } from './lane-draft'

type Bridge = Snapshot['bridges'][number]
type Network = Snapshot['networks'][number]

/** Host lane: uplinks and host-mode containers. */
export function hostLane(index: SnapshotIndex): LaneDraft {
  return {
    id: 'lane:host',
    kind: 'host',
    label: index.snapshot.host.hostname,
    sublabel: '',
    network: 'host',
    head: null,
    left: index.uplinks.map((u) => ({
      id: uplinkNodeId(u.name),
      kind: 'uplink' as const,
      label: u.name,
      sublabel: short(u.addresses),
      ref: { type: 'interface' as const, netns: 'host', name: u.name },
      state: u.state,
      text: norm([u.name, u.mac ?? '', ...u.addresses].join(' '))
    })),
    rows: []
  }
}

/** Docker bridges first (docker0 leading), then overlay namespaces' bridges, then other bridges. */
function bridgeOrder(a: Bridge, b: Bridge): number {
  const rank = (x: Bridge): number => (x.name === 'docker0' ? 0 : x.network ? (x.netns === 'host' ? 1 : 2) : 3)
  return rank(a) - rank(b) || a.name.localeCompare(b.name)
}

function bridgeHead(bridge: Bridge, netName: string | null, subnet: string, brIface: Interface | undefined): LaneItem {
  const v4 = brIface
    ? brIface.addresses.filter((a) => !a.startsWith('fe80') && !a.includes(':')).map((a) => a.split('/')[0])
    : []
  return {
    id: bridgeNodeId(bridge.netns, bridge.name),
    kind: 'bridge',
    // The network name first: when the label is cut, the id is what goes.
    label: bridgeDisplayName(bridge.name, netName),
    sublabel: [subnet, ...v4].filter(Boolean).join(' · '),
    ref: { type: 'bridge', netns: bridge.netns, name: bridge.name },
    state: brIface?.state ?? null,
    text: norm([bridge.name, netName ?? '', subnet, ...(brIface?.addresses ?? [])].join(' '))
  }
}

/** A bridge port that is no container's veth (a vxlan, a physical port): a column-0 node. */
function portItem(bridge: Bridge, port: string, iface: Interface, net: Network | undefined): LaneItem {
  const isVxlan = iface.kind === 'vxlan'
  const vteps = net?.overlay?.remoteVteps ?? []
  return {
    id: ifaceNodeId(bridge.netns, port),
    kind: isVxlan ? 'vxlan' : 'iface',
    label: port,
    sublabel: isVxlan ? [`VNI ${iface.vni ?? net?.overlay?.vni ?? '?'}`, ...vteps].join(' · ') : short(iface.addresses),
    ref: { type: 'interface', netns: bridge.netns, name: port },
    state: iface.state,
    text: norm([port, iface.mac ?? '', ...iface.addresses, ...vteps].join(' '))
  }
}

/** The bridge's ports as the kernel lists them, plus the host veths docker says are plugged into it. */
function bridgePorts(index: SnapshotIndex, bridge: Bridge): string[] {
  const portNames = new Set(bridge.ports)
  for (const v of index.byHostVeth.values())
    if (v.ci.hostVeth && vethNetnsOf(v.ci) === bridge.netns && sameBridge(interfaceBridgeRef(v.ci), bridge))
      portNames.add(v.ci.hostVeth)
  return [...portNames].sort()
}

/** One bridge's lane; marks its ports used so the loose-veth lane leaves them out. */
function bridgeLane(index: SnapshotIndex, bridge: Bridge, usedPorts: Set<string>): LaneDraft {
  const netName = bridge.network ?? (bridge.netns === 'host' ? (index.networkByBridge.get(bridge.name) ?? null) : null)
  const net = netName ? index.networkByName.get(netName) : undefined
  const isOverlay = net?.driver === 'overlay' || bridge.netns !== 'host'
  const subnet = net?.subnet ?? net?.subnets[0]?.subnet ?? ''
  const draft: LaneDraft = {
    id: `lane:${bridgeNodeId(bridge.netns, bridge.name)}`,
    kind: isOverlay && net?.driver === 'overlay' ? 'overlay' : net ? 'bridge' : 'other',
    label: netName ?? bridge.name,
    sublabel: subnet,
    network: netName,
    head: bridgeHead(bridge, netName, subnet, index.ifByName.get(key(bridge.netns, bridge.name))),
    left: [],
    rows: []
  }
  for (const port of bridgePorts(index, bridge)) {
    usedPorts.add(key(bridge.netns, port))
    const iface = index.ifByName.get(key(bridge.netns, port))
    if (iface && iface.kind !== 'veth' && !index.byHostVeth.has(key(bridge.netns, port)))
      draft.left.push(portItem(bridge, port, iface, net))
    else draft.rows.push(vethRow(index, bridge.netns, port))
  }
  return draft
}

export function bridgeLanes(index: SnapshotIndex, usedPorts: Set<string>): LaneDraft[] {
  return [...index.snapshot.bridges].sort(bridgeOrder).map((bridge) => bridgeLane(index, bridge, usedPorts))
}

/** The parent interface of a macvlan network when it is not drawn as a host uplink already. */
function macvlanParent(index: SnapshotIndex, parent: string | null): LaneItem[] {
  if (!parent || index.uplinks.some((u) => u.name === parent)) return []
  const p = index.ifByName.get(key('host', parent))
  return [
    {
      id: uplinkNodeId(parent),
      kind: 'uplink',
      label: parent,
      sublabel: p ? short(p.addresses) : '',
      ref: { type: 'interface', netns: 'host', name: parent },
      state: p?.state ?? null,
      text: norm(parent)
    }
  ]
}

/** A macvlan / ipvlan network: containers hang off a parent interface, no bridge, no veth. */
function macvlanLane(index: SnapshotIndex, net: Network): LaneDraft {
  const rows: Row[] = []
  for (const c of index.snapshot.containers) {
    for (const ci of c.interfaces) {
      if (ci.network !== net.name) continue
      const ns = index.netnsOf.get(c) ?? 'unknown'
      const p = index.ifByName.get(key(ns, ci.ifname)) ?? null
      rows.push({
        hostIface: null,
        peer: { netns: ns, name: ci.ifname, iface: p, addresses: ci.addresses, mac: ci.mac },
        netns: ns,
        containers: index.containersByNetns.get(ns) ?? [c],
        text: norm([c.name, c.id.slice(0, 12), c.image, ci.ifname, ci.mac ?? '', ...ci.addresses].join(' '))
      })
    }
  }
  return {
    id: `lane:network:${net.name}`,
    kind: 'macvlan',
    label: net.name,
    sublabel: net.subnet ?? '',
    network: net.name,
    head: {
      id: `network:${net.name}`,
      kind: 'network',
      label: `${net.name} (${net.driver})`,
      sublabel: net.subnet ?? '',
      ref: { type: 'network', name: net.name },
      state: null,
      text: norm([net.name, net.driver, net.subnet ?? ''].join(' '))
    },
    left: macvlanParent(index, net.parent ?? net.options['parent'] ?? null),
    rows
  }
}

export function macvlanLanes(index: SnapshotIndex): LaneDraft[] {
  return index.snapshot.networks
    .filter((n) => n.driver === 'macvlan' || n.driver === 'ipvlan')
    .map((n) => macvlanLane(index, n))
}

/** veths in the host namespace attached to no bridge (routed setups, hand-made namespaces). */
export function looseVethLane(index: SnapshotIndex, usedPorts: Set<string>): LaneDraft[] {
  const loose = index.snapshot.interfaces
    .filter((i) => i.netns === 'host' && i.kind === 'veth' && !i.master && !usedPorts.has(key('host', i.name)))
    .map((i) => vethRow(index, 'host', i.name))
  if (!loose.length) return []
  return [
    { id: 'lane:other', kind: 'other', label: '', sublabel: '', network: null, head: null, left: [], rows: loose }
  ]
}

/** One rootless user-mode network's containers: their tap devices, no veth on the host. */
function rootlessLane(index: SnapshotIndex, via: string, containers: Container[]): LaneDraft {
  const rows = containers.flatMap((c) => {
    const ns = index.netnsOf.get(c) ?? 'unknown'
    return c.interfaces.map((ci) => ({
      hostIface: null,
      peer: {
        netns: ns,
        name: ci.ifname,
        iface: index.ifByName.get(key(ns, ci.ifname)) ?? null,
        addresses: ci.addresses,
        mac: ci.mac
      },
      netns: ns,
      containers: index.containersByNetns.get(ns) ?? [c],
      text: norm([c.name, c.id.slice(0, 12), c.image, ci.ifname, ...ci.addresses].join(' '))
    }))
  })
  const head: LaneItem = {
    id: `network:rootless:${via}`,
    kind: 'network',
    label: via,
    sublabel: 'rootless',
    ref: { type: 'network', name: via },
    state: null,
    text: norm(`${via} rootless`)
  }
  return {
    id: `lane:rootless:${via}`,
    kind: 'other',
    label: via,
    sublabel: 'rootless',
    network: null,
    head,
    left: [],
    rows
  }
}

/** Rootless Podman containers: one lane per user-mode network (slirp4netns, pasta), headed by it. */
export function rootlessLanes(index: SnapshotIndex): LaneDraft[] {
  const rootless = index.snapshot.containers.filter(
    (c) => c.rootless && c.networkMode !== 'host' && c.networkMode !== 'none' && !c.networkMode.startsWith('container:')
  )
  return [...new Set(rootless.map((c) => c.rootless!.network))].sort().map((via) =>
    rootlessLane(
      index,
      via,
      rootless.filter((c) => c.rootless!.network === via)
    )
  )
}

/** none-mode containers: an isolated lane, one namespace each, no links. */
export function noneLane(index: SnapshotIndex): LaneDraft[] {
  const noneContainers = index.snapshot.containers.filter((c) => c.networkMode === 'none')
  if (!noneContainers.length) return []
  const rows = noneContainers.map((c) => ({
    hostIface: null,
    peer: null,
    netns: index.netnsOf.get(c) ?? null,
    containers: [c],
    text: norm([c.name, c.id.slice(0, 12), c.image].join(' '))
  }))
  return [{ id: 'lane:none', kind: 'none', label: '', sublabel: '', network: 'none', head: null, left: [], rows }]
}

/** Every lane of the snapshot, in drawing order. */
export function laneDrafts(index: SnapshotIndex): LaneDraft[] {
  const usedPorts = new Set<string>()
  return [
    hostLane(index),
    ...bridgeLanes(index, usedPorts),
    ...macvlanLanes(index),
    ...looseVethLane(index, usedPorts),
    ...rootlessLanes(index),
    ...noneLane(index)
  ]
}
