/**
 * The topology layout's shapes: nodes in five columns, edges, lanes; and its geometry.
 * Computed by layout.ts; drawn by the renderer's topology chart.
 */
import type { Runtime } from '../snapshot/schema'

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
