/**
 * Layered topology layout, computed in pure code (no force layout, no DOM): the same snapshot always
 * gives the same picture, and 1,000 containers cost one linear pass.
 *
 * Columns, left to right:
 *   0 host uplinks / vxlan / macvlan parents → 1 bridges (docker network + subnet) → 2 host-side veth
 *   → 3 container-side interface (the other end of the veth pair) → 4 container namespace (containers
 *   sharing a netns form one node: `container:` mode, and all host-mode containers share the host's).
 * Rows are grouped in lanes, one lane per bridge (host bridges, overlay namespace bridges, non-docker
 * bridges), then macvlan/ipvlan networks, veths attached to no bridge, and none-mode containers.
 * A lane with more than `groupThreshold` containers shows one group node ("312 containers") until
 * it is expanded; a collapsed lane shows its group node whatever its size.
 */
import type { Container, Interface, Runtime, Snapshot } from '../snapshot/schema'
import { bridgeDisplayName } from '../snapshot/names'
import { bridgeNodeId, containerNodeId, ifaceNodeId, uplinkNodeId } from './ids'
import { interfaceBridgeRef, networkBridgeRef, sameBridge, vethNetnsOf } from '../snapshot/bridges'

export const COLUMN_X = [0, 230, 460, 690, 920] as const
export const ROW_HEIGHT = 44
export const LANE_GAP = 36
export const DEFAULT_GROUP_THRESHOLD = 40

export type LayoutNodeKind =
  'uplink' | 'bridge' | 'veth' | 'iface' | 'vxlan' | 'network' | 'container' | 'netns' | 'group'
export type LaneKind = 'host' | 'bridge' | 'overlay' | 'macvlan' | 'other' | 'none'

export type NodeRef =
  | { type: 'interface'; netns: string; name: string }
  | { type: 'bridge'; netns: string; name: string }
  | { type: 'network'; name: string }
  | { type: 'container'; netns: string | null; names: string[] }
  | { type: 'netns'; netns: string }
  | { type: 'group'; lane: string; containers: string[] }

export interface LayoutNode {
  id: string
  kind: LayoutNodeKind
  /** Main label (host-derived: render as text only). */
  label: string
  /** Second line: addresses, subnet, counts. */
  sublabel: string
  layer: number
  x: number
  y: number
  lane: string
  /** True when the current search matches this node. */
  matched: boolean
  /** Operational state for interfaces (`UP`, `DOWN`…), or container state. */
  state: string | null
  /** Container count for group nodes. */
  count: number
  ref: NodeRef
  /** Container nodes: the runtime running them (Docker or Podman), for their badge. */
  runtime?: Runtime
}

export type EdgeKind = 'port' | 'veth' | 'member' | 'routed' | 'macvlan' | 'host'
export interface LayoutEdge {
  id: string
  source: string
  target: string
  kind: EdgeKind
  /** The interface whose live rate labels this edge (host-side veth for bridge ports). */
  rateIface: { netns: string; name: string } | null
}

export interface Lane {
  id: string
  kind: LaneKind
  label: string
  sublabel: string
  network: string | null
  y0: number
  y1: number
  containerCount: number
  /** Namespaces drawn in the lane that hold no container (`ip netns` pairs, hand-made namespaces, unplaced veths). */
  namespaceCount: number
  grouped: boolean
  /** True when the lane could be expanded or collapsed (it has containers). */
  groupable: boolean
}

export interface TopologyLayout {
  nodes: LayoutNode[]
  edges: LayoutEdge[]
  lanes: Lane[]
  /** Ids that are not drawn themselves but stand for a drawn node (grouped or shared-netns containers). */
  aliases: Record<string, string>
  width: number
  height: number
  /** Every docker network name, for the filter menu. */
  networks: string[]
  /** The container runtimes on this host, for the runtime filter and badges. */
  runtimes: Runtime[]
}

export interface LayoutOptions {
  groupThreshold?: number
  expanded?: ReadonlySet<string>
  collapsed?: ReadonlySet<string>
  /** Show only lanes of this docker network. */
  network?: string | null
  /** Show only containers of this runtime (and the lanes that hold them). */
  runtime?: Runtime | null
  /** Case-insensitive match on names, IPs and MACs; lanes without a match are hidden. */
  search?: string
}

interface Row {
  /** Host-side interface (veth) or null for macvlan rows. */
  hostIface: { netns: string; name: string; iface: Interface | null } | null
  /** Container-side interface. */
  peer: { netns: string; name: string; iface: Interface | null; addresses: string[]; mac: string | null } | null
  /** Netns of the peer; container names living there. */
  netns: string | null
  containers: Container[]
  text: string
}

interface LaneDraft {
  id: string
  kind: LaneKind
  label: string
  sublabel: string
  network: string | null
  /** Column-1 node (bridge or macvlan network). */
  head: {
    id: string
    kind: LayoutNodeKind
    label: string
    sublabel: string
    ref: NodeRef
    state: string | null
    text: string
  } | null
  /** Column-0 nodes of this lane (vxlan, physical ports, macvlan parent). */
  left: {
    id: string
    kind: LayoutNodeKind
    label: string
    sublabel: string
    ref: NodeRef
    state: string | null
    text: string
  }[]
  rows: Row[]
}

const key = (netns: string, name: string | number): string => `${netns}\u0000${name}`
const norm = (s: string): string => s.toLowerCase()
const short = (addrs: string[]): string => addrs.filter((a) => !a.startsWith('fe80')).join(', ')

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

export function layoutTopology(snapshot: Snapshot, options: LayoutOptions = {}): TopologyLayout {
  const threshold = options.groupThreshold ?? DEFAULT_GROUP_THRESHOLD
  const expanded = options.expanded ?? new Set<string>()
  const collapsed = options.collapsed ?? new Set<string>()
  const query = norm(options.search?.trim() ?? '')

  const ifByName = new Map<string, Interface>()
  const ifByIndex = new Map<string, Interface>()
  for (const iface of snapshot.interfaces) {
    ifByName.set(key(iface.netns, iface.name), iface)
    ifByIndex.set(key(iface.netns, iface.ifindex), iface)
  }
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
  // Container interface by host veth: docker's own view when the kernel peer lookup is missing.
  // Keyed by (namespace, name): an overlay's veth ends live in its own namespace, not on the host.
  const byHostVeth = new Map<string, { container: Container; ci: Container['interfaces'][number] }>()
  for (const c of snapshot.containers)
    for (const ci of c.interfaces) {
      const vethNetns = vethNetnsOf(ci)
      if (vethNetns && ci.hostVeth) byHostVeth.set(key(vethNetns, ci.hostVeth), { container: c, ci })
    }
  const networkByName = new Map(snapshot.networks.map((n) => [n.name, n]))
  const networkByBridge = new Map<string, string>()
  for (const n of snapshot.networks) {
    const ref = networkBridgeRef(n)
    if (ref?.netns === 'host') networkByBridge.set(ref.name, n.name)
  }

  const usedPorts = new Set<string>()

  function vethRow(netns: string, name: string): Row {
    const iface = ifByName.get(key(netns, name)) ?? null
    let peer: Row['peer'] = null
    let peerNetns: string | null = null
    if (iface?.peer && iface.peer.netns !== 'unknown') {
      const p =
        ifByIndex.get(key(iface.peer.netns, iface.peer.ifindex)) ??
        (iface.peer.name ? ifByName.get(key(iface.peer.netns, iface.peer.name)) : undefined)
      const pname = p?.name ?? iface.peer.name
      if (pname) {
        peerNetns = iface.peer.netns
        peer = { netns: peerNetns, name: pname, iface: p ?? null, addresses: p?.addresses ?? [], mac: p?.mac ?? null }
      }
    }
    const docker = byHostVeth.get(key(netns, name))
    if (docker) {
      const ns = netnsOf.get(docker.container) ?? 'unknown'
      if (!peer || peer.netns === 'unknown') {
        peerNetns = ns
        const p = ifByName.get(key(ns, docker.ci.ifname)) ?? null
        peer = { netns: ns, name: docker.ci.ifname, iface: p, addresses: docker.ci.addresses, mac: docker.ci.mac }
      } else if (peer.addresses.length === 0) {
        peer.addresses = docker.ci.addresses
        peer.mac = peer.mac ?? docker.ci.mac
      }
    }
    const containers = peerNetns ? (containersByNetns.get(peerNetns) ?? (docker ? [docker.container] : [])) : []
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

  const drafts: LaneDraft[] = []

  // Host lane: uplinks and host-mode containers.
  const defaultDevs = new Set(
    snapshot.routes.filter((r) => r.netns === 'host' && r.dst === 'default' && r.dev).map((r) => r.dev as string)
  )
  const uplinks = snapshot.interfaces.filter((i) => isUplink(i, defaultDevs))
  const ofRuntime = (c: Container): boolean => !options.runtime || c.runtime === options.runtime
  const hostModeContainers = snapshot.containers.filter((c) => c.networkMode === 'host' && ofRuntime(c))
  drafts.push({
    id: 'lane:host',
    kind: 'host',
    label: snapshot.host.hostname,
    sublabel: '',
    network: 'host',
    head: null,
    left: uplinks.map((u) => ({
      id: uplinkNodeId(u.name),
      kind: 'uplink' as const,
      label: u.name,
      sublabel: short(u.addresses),
      ref: { type: 'interface' as const, netns: 'host', name: u.name },
      state: u.state,
      text: norm([u.name, u.mac ?? '', ...u.addresses].join(' '))
    })),
    rows: []
  })

  // Bridge lanes: docker bridges first (docker0 leading), then other bridges.
  const bridges = [...snapshot.bridges].sort((a, b) => {
    const rank = (x: typeof a): number => (x.name === 'docker0' ? 0 : x.network ? (x.netns === 'host' ? 1 : 2) : 3)
    return rank(a) - rank(b) || a.name.localeCompare(b.name)
  })
  for (const bridge of bridges) {
    const netName = bridge.network ?? (bridge.netns === 'host' ? (networkByBridge.get(bridge.name) ?? null) : null)
    const net = netName ? networkByName.get(netName) : undefined
    const isOverlay = net?.driver === 'overlay' || bridge.netns !== 'host'
    const brIface = ifByName.get(key(bridge.netns, bridge.name))
    const subnet = net?.subnet ?? net?.subnets[0]?.subnet ?? ''
    const draft: LaneDraft = {
      id: `lane:${bridgeNodeId(bridge.netns, bridge.name)}`,
      kind: isOverlay && net?.driver === 'overlay' ? 'overlay' : net ? 'bridge' : 'other',
      label: netName ?? bridge.name,
      sublabel: subnet,
      network: netName,
      head: {
        id: bridgeNodeId(bridge.netns, bridge.name),
        kind: 'bridge',
        // The network name first: when the label is cut, the id is what goes.
        label: bridgeDisplayName(bridge.name, netName),
        sublabel: [
          subnet,
          ...(brIface
            ? brIface.addresses.filter((a) => !a.startsWith('fe80') && !a.includes(':')).map((a) => a.split('/')[0])
            : [])
        ]
          .filter(Boolean)
          .join(' · '),
        ref: { type: 'bridge', netns: bridge.netns, name: bridge.name },
        state: brIface?.state ?? null,
        text: norm([bridge.name, netName ?? '', subnet, ...(brIface?.addresses ?? [])].join(' '))
      },
      left: [],
      rows: []
    }
    const portNames = new Set(bridge.ports)
    for (const v of byHostVeth.values())
      if (v.ci.hostVeth && vethNetnsOf(v.ci) === bridge.netns && sameBridge(interfaceBridgeRef(v.ci), bridge))
        portNames.add(v.ci.hostVeth)
    for (const port of [...portNames].sort()) {
      usedPorts.add(key(bridge.netns, port))
      const iface = ifByName.get(key(bridge.netns, port))
      if (iface && iface.kind !== 'veth' && !byHostVeth.has(key(bridge.netns, port))) {
        const isVxlan = iface.kind === 'vxlan'
        const vteps = net?.overlay?.remoteVteps ?? []
        draft.left.push({
          id: ifaceNodeId(bridge.netns, port),
          kind: isVxlan ? 'vxlan' : 'iface',
          label: port,
          sublabel: isVxlan
            ? [`VNI ${iface.vni ?? net?.overlay?.vni ?? '?'}`, ...vteps].join(' · ')
            : short(iface.addresses),
          ref: { type: 'interface', netns: bridge.netns, name: port },
          state: iface.state,
          text: norm([port, iface.mac ?? '', ...iface.addresses, ...vteps].join(' '))
        })
        continue
      }
      draft.rows.push(vethRow(bridge.netns, port))
    }
    drafts.push(draft)
  }

  // macvlan / ipvlan networks: containers hang off a parent interface, no bridge, no veth.
  for (const net of snapshot.networks) {
    if (net.driver !== 'macvlan' && net.driver !== 'ipvlan') continue
    const parent = net.parent ?? net.options['parent'] ?? null
    const draft: LaneDraft = {
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
      left: [],
      rows: []
    }
    if (parent && !uplinks.some((u) => u.name === parent)) {
      const p = ifByName.get(key('host', parent))
      draft.left.push({
        id: uplinkNodeId(parent),
        kind: 'uplink',
        label: parent,
        sublabel: p ? short(p.addresses) : '',
        ref: { type: 'interface', netns: 'host', name: parent },
        state: p?.state ?? null,
        text: norm(parent)
      })
    }
    for (const c of snapshot.containers) {
      for (const ci of c.interfaces) {
        if (ci.network !== net.name) continue
        const ns = netnsOf.get(c) ?? 'unknown'
        const p = ifByName.get(key(ns, ci.ifname)) ?? null
        draft.rows.push({
          hostIface: null,
          peer: { netns: ns, name: ci.ifname, iface: p, addresses: ci.addresses, mac: ci.mac },
          netns: ns,
          containers: containersByNetns.get(ns) ?? [c],
          text: norm([c.name, c.id.slice(0, 12), c.image, ci.ifname, ci.mac ?? '', ...ci.addresses].join(' '))
        })
      }
    }
    drafts.push(draft)
  }

  // veths in the host namespace attached to no bridge (routed setups, hand-made namespaces).
  const loose: Row[] = []
  for (const iface of snapshot.interfaces) {
    if (iface.netns !== 'host' || iface.kind !== 'veth' || iface.master) continue
    if (usedPorts.has(key('host', iface.name))) continue
    loose.push(vethRow('host', iface.name))
  }
  if (loose.length)
    drafts.push({
      id: 'lane:other',
      kind: 'other',
      label: '',
      sublabel: '',
      network: null,
      head: null,
      left: [],
      rows: loose
    })

  // Rootless Podman containers: no veth on the host; one lane per user-mode network (slirp4netns,
  // pasta), headed by it, with each container's tap device.
  const rootless = snapshot.containers.filter(
    (c) => c.rootless && c.networkMode !== 'host' && c.networkMode !== 'none' && !c.networkMode.startsWith('container:')
  )
  for (const via of [...new Set(rootless.map((c) => c.rootless!.network))].sort()) {
    drafts.push({
      id: `lane:rootless:${via}`,
      kind: 'other',
      label: via,
      sublabel: 'rootless',
      network: null,
      head: {
        id: `network:rootless:${via}`,
        kind: 'network',
        label: via,
        sublabel: 'rootless',
        ref: { type: 'network', name: via },
        state: null,
        text: norm(`${via} rootless`)
      },
      left: [],
      rows: rootless
        .filter((c) => c.rootless!.network === via)
        .flatMap((c) => {
          const ns = netnsOf.get(c) ?? 'unknown'
          return c.interfaces.map((ci) => ({
            hostIface: null,
            peer: { netns: ns, name: ci.ifname, iface: ifByName.get(key(ns, ci.ifname)) ?? null, addresses: ci.addresses, mac: ci.mac },
            netns: ns,
            containers: containersByNetns.get(ns) ?? [c],
            text: norm([c.name, c.id.slice(0, 12), c.image, ci.ifname, ...ci.addresses].join(' '))
          }))
        })
    })
  }

  // none-mode containers: an isolated lane, one namespace each, no links.
  const noneContainers = snapshot.containers.filter((c) => c.networkMode === 'none')
  if (noneContainers.length) {
    drafts.push({
      id: 'lane:none',
      kind: 'none',
      label: '',
      sublabel: '',
      network: 'none',
      head: null,
      left: [],
      rows: noneContainers.map((c) => ({
        hostIface: null,
        peer: null,
        netns: netnsOf.get(c) ?? null,
        containers: [c],
        text: norm([c.name, c.id.slice(0, 12), c.image].join(' '))
      }))
    })
  }

  // ---- placement ----
  const nodes: LayoutNode[] = []
  const nodeById = new Map<string, LayoutNode>()
  const edges: LayoutEdge[] = []
  const edgeIds = new Set<string>()
  const lanes: Lane[] = []
  const aliases: Record<string, string> = {}
  let y = 0

  function addNode(node: Omit<LayoutNode, 'matched'>, text: string): LayoutNode {
    const existing = nodeById.get(node.id)
    if (existing) return existing
    const full: LayoutNode = { ...node, matched: query !== '' && text.includes(query) }
    nodes.push(full)
    nodeById.set(full.id, full)
    return full
  }
  function addEdge(source: string, target: string, kind: EdgeKind, rateIface: LayoutEdge['rateIface'] = null): void {
    const id = `${source}->${target}`
    if (source === target || edgeIds.has(id)) return
    edgeIds.add(id)
    edges.push({ id, source, target, kind, rateIface })
  }

  const defaultUplinkIds = uplinks.filter((u) => defaultDevs.has(u.name)).map((u) => uplinkNodeId(u.name))
  const routedFrom = defaultUplinkIds.length ? defaultUplinkIds : uplinks.slice(0, 1).map((u) => uplinkNodeId(u.name))

  for (const draft of drafts) {
    const isHost = draft.kind === 'host'
    if (options.network && !isHost && draft.network !== options.network) continue
    if (options.network && isHost) continue

    const containerSet = new Set<string>()
    const bareNamespaces = new Set<string>()
    for (const row of draft.rows) {
      for (const c of row.containers) containerSet.add(c.name)
      // A veth whose far end could not be placed still leads somewhere: count it by its own name.
      if (!row.containers.length) bareNamespaces.add(row.netns ?? `veth:${row.hostIface?.name ?? row.peer?.name ?? ''}`)
    }
    if (isHost) for (const c of hostModeContainers) containerSet.add(c.name)

    let rows = draft.rows
    let left = draft.left
    if (options.runtime && !isHost) {
      rows = rows.filter((r) => r.containers.some(ofRuntime))
      if (!rows.length) continue
    }
    const headMatch = query !== '' && (draft.head?.text.includes(query) ?? false)
    if (query) {
      rows = rows.filter((r) => r.text.includes(query))
      left = left.filter((l) => l.text.includes(query))
      const hostMatch = isHost && hostModeContainers.some((c) => norm(c.name).includes(query))
      if (!rows.length && !left.length && !headMatch && !hostMatch) continue
    }
    const groupable = containerSet.size > 0 && !isHost && draft.kind !== 'none'
    const grouped =
      groupable &&
      (collapsed.has(draft.id) ||
        (!expanded.has(draft.id) && (query ? rows.length > threshold * 5 : containerSet.size > threshold)))

    const laneRows = isHost
      ? Math.max(left.length, hostModeContainers.length ? 1 : 0, 1)
      : grouped
        ? Math.max(left.length, 1)
        : Math.max(rows.length, left.length, 1)
    const y0 = y
    const rowY = (i: number): number => y0 + i * ROW_HEIGHT
    // Small lanes centre their bridge; tall ones keep it at the top so it stays in view.
    const midY = laneRows > 12 ? y0 : y0 + ((laneRows - 1) * ROW_HEIGHT) / 2

    for (let i = 0; i < left.length; i++) {
      const l = left[i]
      addNode(
        {
          id: l.id,
          kind: l.kind,
          label: l.label,
          sublabel: l.sublabel,
          layer: 0,
          x: COLUMN_X[0],
          y: rowY(i),
          lane: draft.id,
          state: l.state,
          count: 0,
          ref: l.ref
        },
        l.text
      )
    }
    let headId: string | null = null
    if (draft.head) {
      const h = draft.head
      headId = h.id
      addNode(
        {
          id: h.id,
          kind: h.kind,
          label: h.label,
          sublabel: h.sublabel,
          layer: 1,
          x: COLUMN_X[1],
          y: midY,
          lane: draft.id,
          state: h.state,
          count: 0,
          ref: h.ref
        },
        h.text
      )
      for (const l of left)
        addEdge(
          l.id,
          h.id,
          draft.kind === 'macvlan' ? 'macvlan' : 'port',
          l.ref.type === 'interface' ? { netns: l.ref.netns, name: l.ref.name } : null
        )
      if (draft.kind === 'macvlan' && !left.length) {
        const net = networkByName.get(draft.network ?? '')
        const parent = net?.parent ?? net?.options['parent']
        if (parent && nodeById.has(uplinkNodeId(parent))) addEdge(uplinkNodeId(parent), h.id, 'macvlan')
      }
      if ((draft.kind === 'bridge' || draft.kind === 'other') && !draft.left.length && draft.network)
        for (const u of routedFrom) addEdge(u, h.id, 'routed')
    }

    if (isHost && hostModeContainers.length) {
      const names = hostModeContainers.map((c) => c.name)
      const id = containerNodeId(names[0])
      const text = norm(names.join(' '))
      if (!query || text.includes(query) || left.length) {
        addNode(
          {
            id,
            kind: 'container',
            label: names.join(', '),
            sublabel: 'host',
            layer: 4,
            x: COLUMN_X[4],
            y: y0,
            lane: draft.id,
            state: hostModeContainers[0].state,
            count: names.length,
            ref: { type: 'container', netns: 'host', names },
            // One badge for the host-mode node only when one runtime runs all of them.
            runtime: new Set(hostModeContainers.map((c) => c.runtime)).size === 1 ? hostModeContainers[0].runtime : undefined
          },
          text
        )
        for (const n of names.slice(1)) aliases[containerNodeId(n)] = id
        for (const l of left) addEdge(l.id, id, 'host')
        if (!left.length) for (const u of routedFrom) addEdge(u, id, 'host')
      }
    }

    if (grouped) {
      const id = `group:${draft.id}`
      const names = [...containerSet].sort()
      addNode(
        {
          id,
          kind: 'group',
          label: String(names.length),
          sublabel: '',
          layer: 3,
          x: COLUMN_X[3],
          y: midY,
          lane: draft.id,
          state: null,
          count: names.length,
          ref: { type: 'group', lane: draft.id, containers: names }
        },
        ''
      )
      if (headId) addEdge(headId, id, 'port')
      for (const n of names) if (!aliases[containerNodeId(n)]) aliases[containerNodeId(n)] = id
      for (const row of draft.rows) {
        if (row.hostIface) aliases[ifaceNodeId(row.hostIface.netns, row.hostIface.name)] = id
        if (row.peer) aliases[ifaceNodeId(row.peer.netns, row.peer.name)] = id
      }
    } else {
      rows.forEach((row, i) => {
        const ry = rowY(i)
        let prev = headId
        if (row.hostIface) {
          const hi = row.hostIface
          const id = ifaceNodeId(hi.netns, hi.name)
          addNode(
            {
              id,
              kind: 'veth',
              label: hi.name,
              sublabel: hi.iface?.mac ?? '',
              layer: 2,
              x: COLUMN_X[2],
              y: ry,
              lane: draft.id,
              state: hi.iface?.state ?? null,
              count: 0,
              ref: { type: 'interface', netns: hi.netns, name: hi.name }
            },
            norm([hi.name, hi.iface?.mac ?? ''].join(' '))
          )
          if (prev) addEdge(prev, id, 'port', { netns: hi.netns, name: hi.name })
          prev = id
        }
        if (row.peer) {
          const p = row.peer
          const id = ifaceNodeId(p.netns, p.name)
          addNode(
            {
              id,
              kind: 'iface',
              label: p.name,
              sublabel: short(p.addresses),
              layer: 3,
              x: COLUMN_X[3],
              y: ry,
              lane: draft.id,
              state: p.iface?.state ?? null,
              count: 0,
              ref: { type: 'interface', netns: p.netns, name: p.name }
            },
            norm([p.name, p.mac ?? '', ...p.addresses].join(' '))
          )
          if (prev)
            addEdge(
              prev,
              id,
              row.hostIface ? 'veth' : 'macvlan',
              row.hostIface ? null : { netns: p.netns, name: p.name }
            )
          prev = id
        }
        if (row.netns || row.containers.length) {
          let id: string
          if (row.containers.length) {
            const names = row.containers.map((c) => c.name)
            id = containerNodeId(names[0])
            for (const n of names.slice(1)) aliases[containerNodeId(n)] = id
            const c0 = row.containers[0]
            addNode(
              {
                id,
                kind: 'container',
                label: names.join(' + '),
                sublabel: draft.kind === 'none' ? 'none' : c0.image,
                layer: 4,
                x: COLUMN_X[4],
                y: ry,
                lane: draft.id,
                state: c0.state,
                count: names.length,
                ref: { type: 'container', netns: row.netns, names },
                runtime: c0.runtime
              },
              norm(row.containers.flatMap((c) => [c.name, c.id.slice(0, 12), c.image]).join(' '))
            )
          } else {
            id = `netns:${row.netns}`
            addNode(
              {
                id,
                kind: 'netns',
                label: row.netns ?? '',
                sublabel: '',
                layer: 4,
                x: COLUMN_X[4],
                y: ry,
                lane: draft.id,
                state: null,
                count: 0,
                ref: { type: 'netns', netns: row.netns ?? '' }
              },
              norm(row.netns ?? '')
            )
          }
          if (prev && prev !== headId) addEdge(prev, id, 'member')
        }
      })
    }

    const y1 = y0 + (laneRows - 1) * ROW_HEIGHT
    lanes.push({
      id: draft.id,
      kind: draft.kind,
      label: draft.label,
      sublabel: draft.sublabel,
      network: draft.network,
      y0,
      y1,
      containerCount: containerSet.size,
      namespaceCount: bareNamespaces.size,
      grouped,
      groupable
    })
    y = y1 + ROW_HEIGHT + LANE_GAP
  }

  // Edges may point at nodes hidden by a filter: keep only edges whose both ends are drawn.
  const drawnEdges = edges.filter((e) => nodeById.has(e.source) && nodeById.has(e.target))
  // A drawn node is never an alias of something else.
  for (const id of Object.keys(aliases)) if (nodeById.has(id)) delete aliases[id]

  const networks = [...new Set(snapshot.networks.map((n) => n.name))].sort()
  return {
    nodes,
    edges: drawnEdges,
    lanes,
    aliases,
    width: COLUMN_X[4],
    height: Math.max(0, y - ROW_HEIGHT - LANE_GAP),
    networks,
    runtimes: [...new Set(snapshot.containers.map((c) => c.runtime))].sort()
  }
}

/** Resolves a node id from trace/diagnose/lessons to the node actually drawn (after grouping). */
export function resolveNodeId(
  layout: Pick<TopologyLayout, 'aliases'> & { nodes: { id: string }[] },
  id: string,
  drawn?: Set<string>
): string | null {
  const ids = drawn ?? new Set(layout.nodes.map((n) => n.id))
  if (ids.has(id)) return id
  const alias = layout.aliases[id]
  if (alias && ids.has(alias)) return alias
  return null
}
