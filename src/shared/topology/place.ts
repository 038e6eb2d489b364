/**
 * Placement: each lane draft (lanes.ts) becomes nodes at column x / row y, edges between them and
 * a lane band, after the network filter and the search; big lanes are drawn as one group node.
 */
import type { Container } from '../snapshot/schema'
import { containerNodeId, ifaceNodeId, uplinkNodeId } from './ids'
import { norm, short, type LaneDraft, type LaneItem, type Row, type SnapshotIndex } from './lane-draft'
import {
  COLUMN_X,
  DEFAULT_GROUP_THRESHOLD,
  LANE_GAP,
  ROW_HEIGHT,
  type EdgeKind,
  type Lane,
  type LayoutEdge,
  type LayoutNode,
  type LayoutOptions
} from './layout-types'

type NodeSpec = Omit<LayoutNode, 'matched' | 'x' | 'lane'>

/** The nodes, edges, lanes and aliases placed so far, and what every lane shares. */
class Canvas {
  readonly nodes: LayoutNode[] = []
  readonly nodeById = new Map<string, LayoutNode>()
  readonly edges: LayoutEdge[] = []
  private readonly edgeIds = new Set<string>()
  readonly lanes: Lane[] = []
  readonly aliases: Record<string, string> = {}
  y = 0

  constructor(
    readonly index: SnapshotIndex,
    readonly query: string,
    /** Where routed lanes and host-mode containers connect: the default-route uplinks, else the first. */
    readonly routedFrom: string[]
  ) {}

  /** Adds a node in its lane and column (the first node with an id wins); `text` is what the search matches. */
  addNode(lane: string, node: NodeSpec, text: string): LayoutNode {
    const existing = this.nodeById.get(node.id)
    if (existing) return existing
    const { id, kind, label, sublabel, layer, y, state, count, ref } = node
    const matched = this.query !== '' && text.includes(this.query)
    // Container nodes carry their runtime (after `ref`, where the layout has always put it).
    const runtime = 'runtime' in node ? { runtime: node.runtime } : {}
    const full: LayoutNode = {
      id,
      kind,
      label,
      sublabel,
      layer,
      x: COLUMN_X[layer],
      y,
      lane,
      state,
      count,
      ref,
      ...runtime,
      matched
    }
    this.nodes.push(full)
    this.nodeById.set(full.id, full)
    return full
  }

  addEdge(source: string, target: string, kind: EdgeKind, rateIface: LayoutEdge['rateIface'] = null): void {
    const id = `${source}->${target}`
    if (source === target || this.edgeIds.has(id)) return
    this.edgeIds.add(id)
    this.edges.push({ id, source, target, kind, rateIface })
  }
}

/** One lane's geometry and what is shown of it after the search and the grouping decision. */
interface LanePlan {
  draft: LaneDraft
  rows: Row[]
  left: LaneItem[]
  containerSet: Set<string>
  bareNamespaces: Set<string>
  grouped: boolean
  groupable: boolean
  laneRows: number
  y0: number
  midY: number
}

const rowY = (plan: LanePlan, i: number): number => plan.y0 + i * ROW_HEIGHT

/** The containers drawn in a lane, and the namespaces that hold none. */
function laneContents(canvas: Canvas, draft: LaneDraft): Pick<LanePlan, 'containerSet' | 'bareNamespaces'> {
  const containerSet = new Set<string>()
  const bareNamespaces = new Set<string>()
  for (const row of draft.rows) {
    for (const c of row.containers) containerSet.add(c.name)
    // A veth whose far end could not be placed still leads somewhere: count it by its own name.
    if (!row.containers.length) bareNamespaces.add(row.netns ?? `veth:${row.hostIface?.name ?? row.peer?.name ?? ''}`)
  }
  if (draft.kind === 'host') for (const c of canvas.index.hostModeContainers) containerSet.add(c.name)
  return { containerSet, bareNamespaces }
}

/** What of a lane is shown (null: the network filter or the search hides it all), grouped or not, and how tall. */
function planLane(canvas: Canvas, draft: LaneDraft, options: LayoutOptions): LanePlan | null {
  const isHost = draft.kind === 'host'
  if (options.network && (isHost || draft.network !== options.network)) return null
  const { query } = canvas
  const { containerSet, bareNamespaces } = laneContents(canvas, draft)
  let rows = draft.rows
  let left = draft.left
  if (options.runtime && !isHost) {
    rows = rows.filter((r) => r.containers.some(canvas.index.ofRuntime))
    if (!rows.length) return null
  }
  if (query) {
    rows = rows.filter((r) => r.text.includes(query))
    left = left.filter((l) => l.text.includes(query))
    const headMatch = draft.head?.text.includes(query) ?? false
    const hostMatch = isHost && canvas.index.hostModeContainers.some((c) => norm(c.name).includes(query))
    if (!rows.length && !left.length && !headMatch && !hostMatch) return null
  }
  const threshold = options.groupThreshold ?? DEFAULT_GROUP_THRESHOLD
  const groupable = containerSet.size > 0 && !isHost && draft.kind !== 'none'
  const grouped =
    groupable &&
    ((options.collapsed?.has(draft.id) ?? false) ||
      (!(options.expanded?.has(draft.id) ?? false) &&
        (query ? rows.length > threshold * 5 : containerSet.size > threshold)))
  const laneRows = isHost
    ? Math.max(left.length, canvas.index.hostModeContainers.length ? 1 : 0, 1)
    : grouped
      ? Math.max(left.length, 1)
      : Math.max(rows.length, left.length, 1)
  const y0 = canvas.y
  // Small lanes centre their bridge; tall ones keep it at the top so it stays in view.
  const midY = laneRows > 12 ? y0 : y0 + ((laneRows - 1) * ROW_HEIGHT) / 2
  return { draft, rows, left, containerSet, bareNamespaces, grouped, groupable, laneRows, y0, midY }
}

const itemNode = (item: LaneItem, layer: 0 | 1, y: number): NodeSpec => ({
  id: item.id,
  kind: item.kind,
  label: item.label,
  sublabel: item.sublabel,
  layer,
  y,
  state: item.state,
  count: 0,
  ref: item.ref
})

/** Column 0 (uplinks, vxlan and other ports) and column 1 (the bridge or network) with their edges; the head's id. */
function placeHeadAndLeft(canvas: Canvas, plan: LanePlan): string | null {
  const { draft, left } = plan
  left.forEach((l, i) => canvas.addNode(draft.id, itemNode(l, 0, rowY(plan, i)), l.text))
  const h = draft.head
  if (!h) return null
  canvas.addNode(draft.id, itemNode(h, 1, plan.midY), h.text)
  for (const l of left)
    canvas.addEdge(
      l.id,
      h.id,
      draft.kind === 'macvlan' ? 'macvlan' : 'port',
      l.ref.type === 'interface' ? { netns: l.ref.netns, name: l.ref.name } : null
    )
  if (draft.kind === 'macvlan' && !left.length) {
    const net = canvas.index.networkByName.get(draft.network ?? '')
    const parent = net?.parent ?? net?.options['parent']
    if (parent && canvas.nodeById.has(uplinkNodeId(parent))) canvas.addEdge(uplinkNodeId(parent), h.id, 'macvlan')
  }
  if ((draft.kind === 'bridge' || draft.kind === 'other') && !draft.left.length && draft.network)
    for (const u of canvas.routedFrom) canvas.addEdge(u, h.id, 'routed')
  return h.id
}

/** All host-mode containers as one card in the host lane, linked to the uplinks. */
function placeHostContainers(canvas: Canvas, plan: LanePlan): void {
  const hostModeContainers = canvas.index.hostModeContainers
  if (plan.draft.kind !== 'host' || !hostModeContainers.length) return
  const names = hostModeContainers.map((c) => c.name)
  const id = containerNodeId(names[0])
  const text = norm(names.join(' '))
  if (canvas.query && !text.includes(canvas.query) && !plan.left.length) return
  const ref = { type: 'container' as const, netns: 'host', names }
  const label = names.join(', ')
  canvas.addNode(
    plan.draft.id,
    {
      id,
      kind: 'container',
      label,
      sublabel: 'host',
      layer: 4,
      y: plan.y0,
      state: hostModeContainers[0].state,
      count: names.length,
      ref,
      // One badge for the host-mode node only when one runtime runs all of them.
      runtime: new Set(hostModeContainers.map((c) => c.runtime)).size === 1 ? hostModeContainers[0].runtime : undefined
    },
    text
  )
  for (const n of names.slice(1)) canvas.aliases[containerNodeId(n)] = id
  for (const l of plan.left) canvas.addEdge(l.id, id, 'host')
  if (!plan.left.length) for (const u of canvas.routedFrom) canvas.addEdge(u, id, 'host')
}

/** A collapsed lane: one group node standing for its containers and interfaces. */
function placeGroup(canvas: Canvas, plan: LanePlan, headId: string | null): void {
  const { draft } = plan
  const id = `group:${draft.id}`
  const names = [...plan.containerSet].sort()
  const ref = { type: 'group' as const, lane: draft.id, containers: names }
  canvas.addNode(
    draft.id,
    {
      id,
      kind: 'group',
      label: String(names.length),
      sublabel: '',
      layer: 3,
      y: plan.midY,
      state: null,
      count: names.length,
      ref
    },
    ''
  )
  if (headId) canvas.addEdge(headId, id, 'port')
  for (const n of names) if (!canvas.aliases[containerNodeId(n)]) canvas.aliases[containerNodeId(n)] = id
  for (const row of draft.rows) {
    if (row.hostIface) canvas.aliases[ifaceNodeId(row.hostIface.netns, row.hostIface.name)] = id
    if (row.peer) canvas.aliases[ifaceNodeId(row.peer.netns, row.peer.name)] = id
  }
}

/** Column 2: the host end of a veth. */
function placeHostIface(canvas: Canvas, lane: string, hi: NonNullable<Row['hostIface']>, y: number): string {
  const id = ifaceNodeId(hi.netns, hi.name)
  const ref = { type: 'interface' as const, netns: hi.netns, name: hi.name }
  const text = norm([hi.name, hi.iface?.mac ?? ''].join(' '))
  canvas.addNode(
    lane,
    {
      id,
      kind: 'veth',
      label: hi.name,
      sublabel: hi.iface?.mac ?? '',
      layer: 2,
      y,
      state: hi.iface?.state ?? null,
      count: 0,
      ref
    },
    text
  )
  return id
}

/** Column 3: the container's end (of a veth, or a macvlan interface). */
function placePeer(canvas: Canvas, lane: string, p: NonNullable<Row['peer']>, y: number): string {
  const id = ifaceNodeId(p.netns, p.name)
  const ref = { type: 'interface' as const, netns: p.netns, name: p.name }
  const text = norm([p.name, p.mac ?? '', ...p.addresses].join(' '))
  canvas.addNode(
    lane,
    {
      id,
      kind: 'iface',
      label: p.name,
      sublabel: short(p.addresses),
      layer: 3,
      y,
      state: p.iface?.state ?? null,
      count: 0,
      ref
    },
    text
  )
  return id
}

/** Column 4: the containers sharing the row's namespace as one card, or the bare namespace. */
function placeNamespace(canvas: Canvas, draft: LaneDraft, row: Row, y: number): string {
  if (!row.containers.length) {
    const id = `netns:${row.netns}`
    const ref = { type: 'netns' as const, netns: row.netns ?? '' }
    canvas.addNode(
      draft.id,
      { id, kind: 'netns', label: row.netns ?? '', sublabel: '', layer: 4, y, state: null, count: 0, ref },
      norm(row.netns ?? '')
    )
    return id
  }
  const names = row.containers.map((c) => c.name)
  const id = containerNodeId(names[0])
  for (const n of names.slice(1)) canvas.aliases[containerNodeId(n)] = id
  const c0: Container = row.containers[0]
  const ref = { type: 'container' as const, netns: row.netns, names }
  const label = names.join(' + ')
  const sublabel = draft.kind === 'none' ? 'none' : c0.image
  const text = norm(row.containers.flatMap((c) => [c.name, c.id.slice(0, 12), c.image]).join(' '))
  canvas.addNode(
    draft.id,
    {
      id,
      kind: 'container',
      label,
      sublabel,
      layer: 4,
      y,
      state: c0.state,
      count: names.length,
      ref,
      runtime: c0.runtime
    },
    text
  )
  return id
}

/** One row, left to right, each node linked to the one before it. */
function placeRow(canvas: Canvas, plan: LanePlan, headId: string | null, row: Row, i: number): void {
  const y = rowY(plan, i)
  const lane = plan.draft.id
  let prev = headId
  if (row.hostIface) {
    const id = placeHostIface(canvas, lane, row.hostIface, y)
    if (prev) canvas.addEdge(prev, id, 'port', { netns: row.hostIface.netns, name: row.hostIface.name })
    prev = id
  }
  if (row.peer) {
    const id = placePeer(canvas, lane, row.peer, y)
    if (prev)
      canvas.addEdge(
        prev,
        id,
        row.hostIface ? 'veth' : 'macvlan',
        row.hostIface ? null : { netns: row.peer.netns, name: row.peer.name }
      )
    prev = id
  }
  if (row.netns || row.containers.length) {
    const id = placeNamespace(canvas, plan.draft, row, y)
    if (prev && prev !== headId) canvas.addEdge(prev, id, 'member')
  }
}

function placeLane(canvas: Canvas, plan: LanePlan): void {
  const headId = placeHeadAndLeft(canvas, plan)
  placeHostContainers(canvas, plan)
  if (plan.grouped) placeGroup(canvas, plan, headId)
  else plan.rows.forEach((row, i) => placeRow(canvas, plan, headId, row, i))
  const { draft } = plan
  const y1 = plan.y0 + (plan.laneRows - 1) * ROW_HEIGHT
  canvas.lanes.push({
    id: draft.id,
    kind: draft.kind,
    label: draft.label,
    sublabel: draft.sublabel,
    network: draft.network,
    y0: plan.y0,
    y1,
    containerCount: plan.containerSet.size,
    namespaceCount: plan.bareNamespaces.size,
    grouped: plan.grouped,
    groupable: plan.groupable
  })
  canvas.y = y1 + ROW_HEIGHT + LANE_GAP
}

/** Places every lane shown, top to bottom. */
export function placeLanes(index: SnapshotIndex, drafts: LaneDraft[], options: LayoutOptions, query: string): Canvas {
  const defaultUplinkIds = index.uplinks.filter((u) => index.defaultDevs.has(u.name)).map((u) => uplinkNodeId(u.name))
  const routedFrom = defaultUplinkIds.length
    ? defaultUplinkIds
    : index.uplinks.slice(0, 1).map((u) => uplinkNodeId(u.name))
  const canvas = new Canvas(index, query, routedFrom)
  for (const draft of drafts) {
    const plan = planLane(canvas, draft, options)
    if (plan) placeLane(canvas, plan)
  }
  return canvas
}
