/** Maps a finding's objects to topology node ids (ids already in node-id form pass through). */
import type { FindingObject } from '@shared/api/types'
import { bridgeNodeId, containerNodeId, ifaceNodeId, parseNodeId } from '@shared/topology/ids'

export function findingNodeIds(objects: readonly FindingObject[]): string[] {
  const out: string[] = []
  for (const o of objects) {
    if (parseNodeId(o.id)) {
      out.push(o.id)
      continue
    }
    if (o.kind === 'container') out.push(containerNodeId(o.id))
    else if (o.kind === 'bridge') out.push(bridgeNodeId('host', o.id))
    else if (o.kind === 'interface') {
      const cut = o.id.lastIndexOf('/')
      out.push(cut > 0 ? ifaceNodeId(o.id.slice(0, cut), o.id.slice(cut + 1)) : ifaceNodeId('host', o.id))
    } else if (o.kind === 'network') out.push(`network:${o.id}`)
  }
  return out
}
