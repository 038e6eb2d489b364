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
 *
 * The parts: lane-draft.ts (the snapshot's lookups, a veth's row), lanes.ts (one builder per lane),
 * place.ts (columns, rows, edges, grouping, search), layout-types.ts (the shapes).
 */
import type { Snapshot } from '../snapshot/schema'
import { indexSnapshot, norm } from './lane-draft'
import { laneDrafts } from './lanes'
import { COLUMN_X, LANE_GAP, ROW_HEIGHT, type LayoutOptions, type TopologyLayout } from './layout-types'
import { placeLanes } from './place'

export * from './layout-types'

export function layoutTopology(snapshot: Snapshot, options: LayoutOptions = {}): TopologyLayout {
  const index = indexSnapshot(snapshot, options.runtime ?? null)
  const canvas = placeLanes(index, laneDrafts(index), options, norm(options.search?.trim() ?? ''))
  // Edges may point at nodes hidden by a filter: keep only edges whose both ends are drawn.
  const drawnEdges = canvas.edges.filter((e) => canvas.nodeById.has(e.source) && canvas.nodeById.has(e.target))
  // A drawn node is never an alias of something else.
  const { aliases } = canvas
  for (const id of Object.keys(aliases)) if (canvas.nodeById.has(id)) delete aliases[id]
  return {
    nodes: canvas.nodes,
    edges: drawnEdges,
    lanes: canvas.lanes,
    aliases,
    width: COLUMN_X[4],
    height: Math.max(0, canvas.y - ROW_HEIGHT - LANE_GAP),
    networks: [...new Set(snapshot.networks.map((n) => n.name))].sort(),
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
