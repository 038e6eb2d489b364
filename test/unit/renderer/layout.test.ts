import { describe, expect, it } from 'vitest'
import { layoutTopology, resolveNodeId, ROW_HEIGHT, type TopologyLayout } from '../../../src/shared/topology/layout'
import { bridgeNodeId, containerNodeId, ifaceNodeId, uplinkNodeId } from '../../../src/shared/topology/ids'
import { generateSnapshot } from './support/generate-snapshot'

function assertWellFormed(layout: TopologyLayout): void {
  const ids = new Set<string>()
  for (const n of layout.nodes) {
    expect(ids.has(n.id), `duplicate node ${n.id}`).toBe(false)
    ids.add(n.id)
  }
  for (const e of layout.edges) {
    expect(ids.has(e.source), `edge source ${e.source}`).toBe(true)
    expect(ids.has(e.target), `edge target ${e.target}`).toBe(true)
  }
  // No two nodes of one column closer than a row: labels cannot overlap.
  const byColumn = new Map<number, number[]>()
  for (const n of layout.nodes) byColumn.set(n.x, [...(byColumn.get(n.x) ?? []), n.y])
  for (const ys of byColumn.values()) {
    ys.sort((a, b) => a - b)
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(ROW_HEIGHT)
  }
}

describe('layoutTopology', () => {
  it('draws the layers uplink → bridge → veth → container interface → container', () => {
    const snap = generateSnapshot({ containers: 4, bridges: 2 })
    const layout = layoutTopology(snap)
    assertWellFormed(layout)
    const byId = new Map(layout.nodes.map((n) => [n.id, n]))
    expect(byId.get(uplinkNodeId('eth0'))?.layer).toBe(0)
    expect(byId.get(bridgeNodeId('host', 'docker0'))?.label).toContain('bridge')
    expect(byId.get(bridgeNodeId('host', 'docker0'))?.sublabel).toContain('172.17.0.0/16')
    const veth = snap.containers[0].interfaces[0].hostVeth as string
    expect(byId.get(ifaceNodeId('host', veth))?.layer).toBe(2)
    expect(byId.get(ifaceNodeId(snap.containers[0].netns as string, 'eth0'))?.layer).toBe(3)
    expect(byId.get(containerNodeId('app-0000'))?.layer).toBe(4)
    expect(
      layout.edges.some((e) => e.source === bridgeNodeId('host', 'docker0') && e.target === ifaceNodeId('host', veth))
    ).toBe(true)
    expect(layout.edges.some((e) => e.kind === 'routed' && e.source === uplinkNodeId('eth0'))).toBe(true)
  })

  it('places host-mode containers with the host and none-mode containers in an isolated lane', () => {
    const layout = layoutTopology(generateSnapshot({ containers: 4 }))
    const exporter = layout.nodes.find((n) => n.id === containerNodeId('node-exporter'))
    expect(exporter?.lane).toBe('lane:host')
    const batch = layout.nodes.find((n) => n.id === containerNodeId('batch-job'))
    expect(batch?.lane).toBe('lane:none')
    expect(layout.edges.some((e) => e.target === batch?.id || e.source === batch?.id)).toBe(false)
  })

  it('draws containers sharing a netns as one node and aliases the others', () => {
    const layout = layoutTopology(generateSnapshot({ containers: 4 }))
    const shared = layout.nodes.find((n) => n.id === containerNodeId('app-0001'))
    expect(shared?.label).toBe('app-0001 + sidecar')
    expect(resolveNodeId(layout, containerNodeId('sidecar'))).toBe(containerNodeId('app-0001'))
  })

  it('groups 1,000 containers on 4 bridges and keeps the structure sound', () => {
    const snap = generateSnapshot({ containers: 1000, bridges: 4, conntrack: 0 })
    const layout = layoutTopology(snap)
    assertWellFormed(layout)
    const groups = layout.nodes.filter((n) => n.kind === 'group')
    expect(groups).toHaveLength(4)
    expect(groups.map((g) => g.count)).toEqual([250, 251, 250, 250]) // the sidecar shares app-0001's netns
    expect(layout.nodes.length).toBeLessThan(30)
    expect(resolveNodeId(layout, containerNodeId('app-0500'))).toBe(groups[0].id)
    // Opening one group draws its 250 containers, still without overlaps.
    const open = layoutTopology(snap, { expanded: new Set([layout.lanes[1].id]) })
    assertWellFormed(open)
    expect(open.nodes.filter((n) => n.kind === 'container').length).toBeGreaterThanOrEqual(250)
    expect(open.nodes.filter((n) => n.kind === 'group')).toHaveLength(3)
  })

  it('collapses a lane, filters by network and searches by name, IP and MAC', () => {
    const snap = generateSnapshot({ containers: 10, bridges: 2 })
    const lane = `lane:${bridgeNodeId('host', 'docker0')}`
    expect(layoutTopology(snap, { collapsed: new Set([lane]) }).lanes.find((l) => l.id === lane)?.grouped).toBe(true)
    const net1 = layoutTopology(snap, { network: 'net1' })
    expect(net1.lanes.map((l) => l.network)).toEqual(['net1'])
    const byName = layoutTopology(snap, { search: 'app-0003' })
    expect(byName.nodes.filter((n) => n.kind === 'container').map((n) => n.label)).toEqual(['app-0003'])
    expect(byName.nodes.find((n) => n.kind === 'container')?.matched).toBe(true)
    const ip = snap.containers[4].interfaces[0].addresses[0].split('/')[0]
    expect(
      layoutTopology(snap, { search: ip })
        .nodes.filter((n) => n.kind === 'container')
        .map((n) => n.label)
    ).toEqual(['app-0004'])
    const mac = snap.containers[5].interfaces[0].mac as string
    expect(layoutTopology(snap, { search: mac.toUpperCase() }).nodes.some((n) => n.label === 'app-0005')).toBe(true)
  })

  it('handles an empty snapshot', () => {
    const snap = generateSnapshot({ containers: 0, bridges: 0, extras: false })
    const layout = layoutTopology(snap)
    assertWellFormed(layout)
    expect(layout.nodes.map((n) => n.id)).toEqual([uplinkNodeId('eth0')])
  })
})
