/**
 * Runtimes in the topology, on the real Podman-next-to-Docker capture: container nodes know their
 * runtime, the runtime filter keeps one runtime's containers and lanes, labels carry a runtime badge
 * (fixed words, never host text) once Podman is on the host, and a rootless port's forwarder is its
 * normal path, not a missing DNAT rule.
 */
import { describe, expect, it } from 'vitest'
import { buildTopologyOption, nodeTooltip } from '../../../src/renderer/src/charts/options/topology'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { layoutTopology } from '../../../src/shared/topology/layout'
import { publishedPortView } from '../../../src/shared/snapshot/published-port-view'
import { podmanCapture } from '../../support/podman-capture'
import { generateSnapshot } from './support/generate-snapshot'

const text = { group: (n: number) => `${n} containers`, kind: (k: string) => k, hostMode: 'host mode', sent: 'sent', received: 'received' }
const ctx = { theme: 'light' as const, highlight: [], selectedId: null, rates: null, viewWidth: 1400, text }
const snap = buildSnapshot(podmanCapture('probe--rootful-with-docker.cap'))
const containerLabels = (runtime?: 'docker' | 'podman'): string[] =>
  layoutTopology(snap, { runtime, expanded: new Set(snap.bridges.map((b) => `lane:bridge:host:${b.name}`)) })
    .nodes.filter((n) => n.kind === 'container')
    .map((n) => n.label)
    .sort()

describe('runtime in the topology layout', () => {
  it('knows each container node’s runtime and the host’s runtimes', () => {
    const layout = layoutTopology(snap)
    expect(layout.runtimes).toEqual(['docker', 'podman'])
    const runtimeOf = new Map(layout.nodes.filter((n) => n.kind === 'container').map((n) => [n.label, n.runtime]))
    expect(runtimeOf.get('nllab-pod-rl')).toBe('podman')
    expect(runtimeOf.get('nllab-db')).toBe('docker')
    // Docker's and Podman's host-mode containers share one node: no single runtime to badge.
    expect(layout.nodes.find((n) => n.kind === 'container' && n.sublabel === 'host')?.runtime).toBeUndefined()
  })

  it('filters by runtime: Podman’s containers and lanes only, or Docker’s only', () => {
    const podman = containerLabels('podman')
    expect(podman.some((l) => l.includes('nllab-pod-web'))).toBe(true)
    expect(podman.some((l) => l.includes('nllab-pod-rl'))).toBe(true)
    expect(podman.some((l) => /nllab-(web|app|db|default)\b/.test(l))).toBe(false)
    expect(podman).toContain('nllab-pod-host')
    const docker = containerLabels('docker')
    expect(docker.some((l) => l.includes('nllab-pod'))).toBe(false)
    expect(docker).toContain('nllab-hostmode')
    expect(docker.some((l) => l.includes('nllab-web'))).toBe(true)
    expect(layoutTopology(snap, { runtime: 'podman' }).lanes.map((l) => l.label)).not.toContain('nllab-front')
  })
})

describe('runtime badges on container labels', () => {
  it('prefixes each container label with its runtime badge when Podman is on the host', () => {
    const layout = layoutTopology(snap)
    const o = buildTopologyOption(layout, ctx)
    const formatter = (o.series as { label: { formatter: (p: unknown) => string } }[])[0].label.formatter
    const rl = layout.nodes.find((n) => n.kind === 'container' && n.label === 'nllab-pod-rl')!
    expect(formatter({ data: { node: rl } })).toMatch(/^\{podman\|podman\} \{mainBadged\|nllab-pod-rl\}/)
    const db = layout.nodes.find((n) => n.kind === 'container' && n.label === 'nllab-db')!
    expect(formatter({ data: { node: db } })).toMatch(/^\{docker\|docker\} \{mainBadged\|nllab-db\}/)
    expect(nodeTooltip(rl, { text })).toContain('podman')
    const bridge = layout.nodes.find((n) => n.kind === 'bridge')!
    expect(formatter({ data: { node: bridge } })).toMatch(/^\{main\|/)
  })

  it('leaves the badge its room: the name after it is narrower, and the badge has no halo over its white text', () => {
    const o = buildTopologyOption(layoutTopology(snap), ctx)
    // ECharts takes a node's rich styles whole: the badge styles live on each container's label.
    type Rich = Record<string, { width?: number; textBorderWidth?: number }>
    const data = (o.series as { data: { node?: { kind: string; label: string }; label?: { rich?: Rich } }[] }[])[0].data
    const rich = data.find((d) => d.node?.kind === 'container' && d.node.label === 'nllab-pod-rl')!.label!.rich!
    expect(rich.mainBadged.width!).toBeLessThan(rich.main.width!)
    expect(rich.podman.textBorderWidth).toBe(0)
    expect(rich.docker.textBorderWidth).toBe(0)
  })

  it('draws no badges on a Docker-only host', () => {
    const docker = generateSnapshot({ containers: 3 })
    const layout = layoutTopology(docker)
    const o = buildTopologyOption(layout, ctx)
    const formatter = (o.series as { label: { formatter: (p: unknown) => string } }[])[0].label.formatter
    for (const n of layout.nodes.filter((x) => x.kind === 'container')) expect(formatter({ data: { node: n } })).toMatch(/^\{main\|/)
  })
})

describe('published ports of rootless Podman', () => {
  it('are carried by their forwarder (healthy), not a missing DNAT rule', () => {
    const user = buildSnapshot(podmanCapture('probe--rootless-user.cap'))
    const port = user.publishedPorts.find((p) => p.hostPort === 8091)!
    expect(publishedPortView(port, user.publishedPorts).path).toBe('rootless')
    const conmon = snap.publishedPorts.find((p) => p.hostPort === 8090)!
    expect(publishedPortView(conmon, snap.publishedPorts).path).toBe('dnat')
  })
})
