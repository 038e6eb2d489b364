/**
 * The overlay drawing across hosts (buildFleetOverlayOption), in Node: one column per host with its
 * VTEP, overlay namespace and containers; tunnels solid when both FDBs know each other, dashed red
 * with a reason when not; stray VTEPs; caps; and host-derived text only as neutralised rich text.
 */
import { describe, expect, it } from 'vitest'
import {
  MAX_CONTAINERS_DRAWN,
  MAX_HOSTS_DRAWN,
  buildFleetOverlayOption,
  fleetOverlaySize,
  type FleetOverlayText
} from '../../../src/renderer/src/charts/options/fleet-overlay'
import { palette } from '../../../src/renderer/src/charts/options/palette'
import { FleetContext } from '../../../src/shared/diagnose/fleet/context'
import { buildOverlayModel } from '../../../src/shared/fleet/overlay-model'
import type { FleetOverlay } from '../../../src/shared/fleet/types'
import { healthyPair } from '../../support/fleet-fixtures'

const text: FleetOverlayText = {
  tunnel: (vni) => `VXLAN ${vni}`,
  vniMismatch: (a, b) => `VNI ${a} != ${b}`,
  missing: (from, to) => `${from} lacks ${to}`,
  stray: 'not in the fleet',
  more: (n) => `+${n}`,
  hostsShown: (shown, total) => `${shown} of ${total}`,
  noNamespace: 'no namespace'
}

type Node = { id: string; x: number; y: number; kind: string; label: { formatter: string }; tip: string }
type Link = {
  source: string
  target: string
  tunnel?: string
  lineStyle: { type: string; color: string; curveness: number }
  label?: { show: boolean; formatter: string }
}
const series = (o: Record<string, unknown>) => (o.series as { data: Node[]; links: Link[]; layout: string }[])[0]
const build = (overlays: FleetOverlay[]) => series(buildFleetOverlayOption(overlays, { theme: 'light', text }))
const p = palette('light')

function overlay(endpoints: number, extra: Partial<FleetOverlay> = {}): FleetOverlay {
  const list = Array.from({ length: endpoints }, (_, i) => ({
    hostId: `h${i}`,
    label: `node${i + 1}`,
    netns: `docker-netns:1-abc${i}`,
    bridge: 'br0',
    vxlan: 'vxlan0',
    vni: 4097,
    mtu: 1450,
    subnet: '10.0.1.0/24',
    vtep: `10.10.0.${11 + i}`,
    containers: [{ name: `c${i}`, address: `10.0.1.${2 + i}` }]
  }))
  const tunnels = []
  for (let i = 0; i < endpoints; i++)
    for (let j = i + 1; j < endpoints; j++)
      tunnels.push({ from: `h${i}`, to: `h${j}`, forward: true, backward: true, vniMismatch: false })
  return { name: 'appnet', endpoints: list, tunnels, strays: [], ...extra }
}

describe('buildFleetOverlayOption', () => {
  it('draws each host with its VTEP, overlay namespace and containers at fixed positions', () => {
    const s = build([overlay(3)])
    expect(s.layout).toBe('none')
    const hosts = s.data.filter((n) => n.kind === 'host')
    expect(hosts.map((h) => h.label.formatter)).toEqual([
      '{main|node1}\n{sub|VTEP 10.10.0.11}',
      '{main|node2}\n{sub|VTEP 10.10.0.12}',
      '{main|node3}\n{sub|VTEP 10.10.0.13}'
    ])
    // One column per host, left to right; namespace under its host, containers under the namespace.
    expect(hosts.map((h) => h.x)).toEqual([...hosts.map((h) => h.x)].sort((a, b) => a - b))
    const ns = s.data.filter((n) => n.kind === 'netns')
    expect(ns.map((n) => n.x)).toEqual(hosts.map((h) => h.x))
    expect(ns[0].y).toBeGreaterThan(hosts[0].y)
    expect(ns[0].label.formatter).toBe('{main|br0 + vxlan0}\n{sub|VNI 4097 · MTU 1450}')
    const containers = s.data.filter((n) => n.kind === 'container')
    expect(containers.map((c) => c.label.formatter)).toEqual([
      '{main|c0}\n{sub|10.0.1.2}',
      '{main|c1}\n{sub|10.0.1.3}',
      '{main|c2}\n{sub|10.0.1.4}'
    ])
    expect(containers[0].y).toBeGreaterThan(ns[0].y)
  })

  it('joins every pair of VTEPs with a solid VXLAN tunnel; longer ones arc over the neighbours', () => {
    const tunnels = build([overlay(3)]).links.filter((l) => l.tunnel)
    expect(tunnels.map((l) => [l.source, l.target, l.tunnel, l.lineStyle.type])).toEqual([
      ['ov:0:host:0', 'ov:0:host:1', 'ok', 'solid'],
      ['ov:0:host:0', 'ov:0:host:2', 'ok', 'solid'],
      ['ov:0:host:1', 'ov:0:host:2', 'ok', 'solid']
    ])
    expect(tunnels[0].lineStyle.curveness).toBe(0)
    expect(tunnels[1].lineStyle.curveness).not.toBe(0)
    expect(tunnels[0].lineStyle.color).toBe(p.kinds.vxlan)
    expect(tunnels[0].label?.formatter).toBe('VXLAN 4097')
  })

  it('draws a missing FDB entry and a VNI mismatch as dashed red tunnels that say why', () => {
    const o = overlay(3)
    o.tunnels[0] = { ...o.tunnels[0], forward: false }
    o.tunnels[1] = { ...o.tunnels[1], vniMismatch: true }
    o.endpoints[2] = { ...o.endpoints[2], vni: 4098 }
    const tunnels = build([o]).links.filter((l) => l.tunnel)
    expect(tunnels.map((l) => [l.tunnel, l.lineStyle.type, l.lineStyle.color, l.label?.formatter])).toEqual([
      ['broken', 'dashed', p.down, 'node1 lacks node2'],
      ['broken', 'dashed', p.down, 'VNI 4097 != 4098'],
      ['ok', 'solid', p.kinds.vxlan, 'VXLAN 4097']
    ])
  })

  it('hangs VTEPs outside the fleet off their host', () => {
    const s = build([overlay(2, { strays: [{ hostId: 'h1', vtep: '10.10.0.99' }] })])
    const stray = s.data.find((n) => n.kind === 'stray')!
    expect(stray.label.formatter).toBe('{main|10.10.0.99}\n{sub|not in the fleet}')
    expect(s.links.find((l) => l.target === stray.id)).toMatchObject({
      source: 'ov:0:host:1',
      lineStyle: { type: 'dashed' }
    })
  })

  it(`draws at most ${MAX_HOSTS_DRAWN} hosts and ${MAX_CONTAINERS_DRAWN} containers per host, and says so`, () => {
    const o = overlay(MAX_HOSTS_DRAWN + 4)
    o.endpoints[0] = {
      ...o.endpoints[0],
      containers: Array.from({ length: 9 }, (_, i) => ({ name: `x${i}`, address: null }))
    }
    const s = build([o])
    expect(s.data.filter((n) => n.kind === 'host')).toHaveLength(MAX_HOSTS_DRAWN)
    expect(s.data.find((n) => n.kind === 'title')!.label.formatter).toContain(
      `${MAX_HOSTS_DRAWN} of ${MAX_HOSTS_DRAWN + 4}`
    )
    expect(s.data.filter((n) => n.id.startsWith('ov:0:c:0:'))).toHaveLength(MAX_CONTAINERS_DRAWN)
    expect(s.data.find((n) => n.kind === 'more')!.label.formatter).toBe(`{main|+${9 - MAX_CONTAINERS_DRAWN}}`)
    // Tunnels to hosts that are not drawn are left out rather than pointing nowhere.
    const ids = new Set(s.data.map((n) => n.id))
    for (const l of s.links) expect(ids.has(l.source) && ids.has(l.target)).toBe(true)
    expect(fleetOverlaySize([o]).width).toBe(fleetOverlaySize([overlay(MAX_HOSTS_DRAWN)]).width)
  })

  it('stacks one band per overlay network', () => {
    const s = build([overlay(2), { ...overlay(2), name: 'backnet' }])
    const titles = s.data.filter((n) => n.kind === 'title')
    expect(titles.map((t) => t.label.formatter)).toEqual(['{title|appnet}', '{title|backnet}'])
    expect(titles[1].y).toBeGreaterThan(
      s.data.filter((n) => n.id.startsWith('ov:0:')).reduce((m, n) => Math.max(m, n.y), 0)
    )
  })

  it('neutralises rich-text markup and keeps HTML as inert canvas text', () => {
    const XSS = '<img src=x onerror=alert(1)>{a|b}'
    const o = overlay(2)
    o.endpoints[0] = { ...o.endpoints[0], label: XSS, containers: [{ name: XSS, address: null }] }
    const opt = buildFleetOverlayOption([o], { theme: 'dark', text })
    const s = series(opt)
    for (const n of s.data) expect(n.label.formatter ?? '').not.toMatch(/\{a\|/)
    const tooltip = opt.tooltip as { formatter: (p: unknown) => string; renderMode: string }
    expect(tooltip.renderMode).toBe('richText')
    const hostNode = s.data.find((n) => n.kind === 'host')!
    expect(tooltip.formatter({ dataType: 'node', data: hostNode })).not.toContain('{a|')
  })

  it('draws the real two-node fixture fleet', () => {
    const [model] = buildOverlayModel(new FleetContext(healthyPair()))
    const s = build([model])
    expect(s.data.filter((n) => n.kind === 'host').map((n) => n.tip)).toEqual([
      'node1\nVTEP 198.51.100.11',
      'node2\nVTEP 198.51.100.12'
    ])
    expect(s.links.filter((l) => l.tunnel).map((l) => l.tunnel)).toEqual(['ok'])
  })
})
