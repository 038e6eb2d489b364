/**
 * Pure ECharts option builder for the overlay drawn across hosts (the Fleet view): one band per
 * overlay network; in it, one column per host with the host and its VTEP on top, the overlay
 * namespace (br0 + vxlan0, VNI, MTU) below it and its containers at the bottom. VXLAN tunnels join
 * the hosts' VTEPs: solid when both FDBs know each other, dashed red when one side is missing or
 * the VNIs differ. FDB entries towards VTEPs outside the fleet hang off their host as grey nodes.
 * Host-derived strings reach the canvas only as rich text with braces neutralised.
 */
import type { FleetOverlay, FleetOverlayEndpoint, FleetOverlayTunnel } from '@shared/fleet/types'
import { escapeRichText, truncateLabel } from '@shared/escape'
import { palette, type ThemeName } from './palette'

export interface FleetOverlayText {
  /** `VXLAN 4097` on a working tunnel. */
  tunnel: (vni: number | null) => string
  /** `VNI 4097 ≠ 4098`. */
  vniMismatch: (a: number | null, b: number | null) => string
  /** `node1 has no FDB entry for node2`. */
  missing: (from: string, to: string) => string
  /** `not in the fleet`, under a stray VTEP. */
  stray: string
  /** `+3 more`. */
  more: (n: number) => string
  /** `first 16 of 40 hosts`. */
  hostsShown: (shown: number, total: number) => string
  /** `no overlay namespace`. */
  noNamespace: string
}

export interface FleetOverlayOptionContext {
  theme: ThemeName
  text: FleetOverlayText
}

export const MAX_HOSTS_DRAWN = 16
export const MAX_CONTAINERS_DRAWN = 4
const COLUMN = 220
const BAND = 340
const LEFT = 40
const TOP = 85

type NodeKind = 'title' | 'host' | 'netns' | 'container' | 'more' | 'stray'
interface DrawnNode {
  id: string
  name: string
  x: number
  y: number
  kind: NodeKind
  main: string
  sub: string
  /** Full text for the tooltip (never truncated). */
  tip: string
  broken?: boolean
}

const rich = (main: string, sub: string, chars = 26): string => {
  const first = `{main|${escapeRichText(truncateLabel(main, chars))}}`
  return sub ? `${first}\n{sub|${escapeRichText(truncateLabel(sub, chars + 4))}}` : first
}

function tunnelState(t: FleetOverlayTunnel): 'ok' | 'broken' | 'idle' {
  if (t.vniMismatch || t.forward === false || t.backward === false) return 'broken'
  return t.forward === null && t.backward === null ? 'idle' : 'ok'
}

function tunnelLabel(
  t: FleetOverlayTunnel,
  a: FleetOverlayEndpoint,
  b: FleetOverlayEndpoint,
  text: FleetOverlayText
): string {
  if (t.vniMismatch) return text.vniMismatch(a.vni, b.vni)
  if (t.forward === false) return text.missing(a.label, b.label)
  if (t.backward === false) return text.missing(b.label, a.label)
  return text.tunnel(a.vni)
}

export function buildFleetOverlayOption(
  overlays: FleetOverlay[],
  ctx: FleetOverlayOptionContext
): Record<string, unknown> {
  const p = palette(ctx.theme)
  const nodes: DrawnNode[] = []
  const links: Record<string, unknown>[] = []
  let widest = 1
  overlays.forEach((overlay, band) => {
    const y0 = TOP + band * BAND
    const shown = overlay.endpoints.slice(0, MAX_HOSTS_DRAWN)
    widest = Math.max(widest, shown.length)
    const title = `${overlay.name}${overlay.endpoints.length > shown.length ? ` (${ctx.text.hostsShown(shown.length, overlay.endpoints.length)})` : ''}`
    nodes.push({
      id: `ov:${band}`,
      name: `ov:${band}`,
      x: LEFT,
      y: y0 - 70,
      kind: 'title',
      main: title,
      sub: '',
      tip: title
    })
    const hostId = (i: number): string => `ov:${band}:host:${i}`
    shown.forEach((e, i) => {
      const x = LEFT + i * COLUMN
      const vni = e.vni === null ? '' : `VNI ${e.vni}`
      const mtu = e.mtu === null ? '' : `MTU ${e.mtu}`
      nodes.push({
        id: hostId(i),
        name: hostId(i),
        x,
        y: y0,
        kind: 'host',
        main: e.label,
        sub: e.vtep ? `VTEP ${e.vtep}` : '',
        tip: [e.label, e.vtep ? `VTEP ${e.vtep}` : ''].filter(Boolean).join('\n')
      })
      const nsId = `ov:${band}:ns:${i}`
      const nsMain = e.netns ? [e.bridge, e.vxlan].filter(Boolean).join(' + ') || e.netns : ctx.text.noNamespace
      nodes.push({
        id: nsId,
        name: nsId,
        x,
        y: y0 + 100,
        kind: 'netns',
        main: nsMain,
        sub: [vni, mtu].filter(Boolean).join(' · '),
        tip: [
          e.netns ?? ctx.text.noNamespace,
          [e.bridge, e.vxlan].filter(Boolean).join(' + '),
          vni,
          mtu,
          e.subnet ?? ''
        ]
          .filter(Boolean)
          .join('\n')
      })
      links.push({
        source: hostId(i),
        target: nsId,
        lineStyle: { color: p.line, width: 1.5, type: 'dotted', curveness: 0 }
      })
      const drawn = e.containers.slice(0, MAX_CONTAINERS_DRAWN)
      const extra = e.containers.length - drawn.length
      const count = drawn.length + (extra > 0 ? 1 : 0)
      /** The k-th place in the row under the namespace, staggered so neighbouring labels do not overlap. */
      const slot = (k: number): { x: number; y: number } => ({
        x: x + (k - (count - 1) / 2) * 58,
        y: y0 + 200 + (k % 2) * 42
      })
      drawn.forEach((c, k) => {
        const id = `ov:${band}:c:${i}:${k}`
        nodes.push({
          id,
          name: id,
          ...slot(k),
          kind: 'container',
          main: c.name,
          sub: c.address ?? '',
          tip: [c.name, c.address ?? ''].filter(Boolean).join('\n')
        })
        links.push({ source: nsId, target: id, lineStyle: { color: p.line, width: 1.5, type: 'solid', curveness: 0 } })
      })
      if (extra > 0) {
        const id = `ov:${band}:more:${i}`
        nodes.push({
          id,
          name: id,
          ...slot(drawn.length),
          kind: 'more',
          main: ctx.text.more(extra),
          sub: '',
          tip: ctx.text.more(extra)
        })
        links.push({ source: nsId, target: id, lineStyle: { color: p.line, width: 1, type: 'dotted', curveness: 0 } })
      }
      overlay.strays
        .filter((s) => s.hostId === e.hostId)
        .forEach((s, k) => {
          const id = `ov:${band}:stray:${i}:${k}`
          nodes.push({
            id,
            name: id,
            x: x + 105,
            y: y0 + 48 + k * 30,
            kind: 'stray',
            main: s.vtep,
            sub: ctx.text.stray,
            tip: `${s.vtep}\n${ctx.text.stray}`,
            broken: true
          })
          links.push({
            source: hostId(i),
            target: id,
            lineStyle: { color: p.down, width: 1.5, type: 'dashed', curveness: 0 }
          })
        })
    })
    const index = new Map(shown.map((e, i) => [e.hostId, i]))
    for (const t of overlay.tunnels) {
      const i = index.get(t.from)
      const j = index.get(t.to)
      if (i === undefined || j === undefined) continue
      const state = tunnelState(t)
      const [a, b] = i < j ? [i, j] : [j, i]
      links.push({
        source: hostId(a),
        target: hostId(b),
        tunnel: state,
        lineStyle: {
          color: state === 'broken' ? p.down : state === 'ok' ? p.kinds.vxlan : p.line,
          width: state === 'idle' ? 1.5 : 3,
          opacity: 0.95,
          type: state === 'broken' ? 'dashed' : 'solid',
          // Neighbours are joined straight; longer tunnels arc above them, further for further hosts.
          curveness: b - a > 1 ? -0.12 * (b - a - 1) - 0.1 : 0
        },
        label: {
          show: state !== 'idle',
          formatter: escapeRichText(truncateLabel(tunnelLabel(t, shown[i], shown[j], ctx.text), 40)),
          fontSize: 11,
          color: state === 'broken' ? p.down : p.subtext
        }
      })
    }
  })

  const colors: Record<NodeKind, string> = {
    title: 'transparent',
    host: p.kinds.uplink,
    netns: p.kinds.vxlan,
    container: p.kinds.container,
    more: p.kinds.group,
    stray: p.subtext
  }
  const symbols: Record<NodeKind, { symbol: string; size: number | [number, number] }> = {
    title: { symbol: 'none', size: 0 },
    host: { symbol: 'roundRect', size: [26, 26] },
    netns: { symbol: 'diamond', size: 22 },
    container: { symbol: 'roundRect', size: [18, 18] },
    more: { symbol: 'roundRect', size: [16, 16] },
    stray: { symbol: 'circle', size: 16 }
  }
  const data = nodes.map((n) => ({
    id: n.id,
    name: n.name,
    x: n.x,
    y: n.y,
    symbol: symbols[n.kind].symbol,
    symbolSize: symbols[n.kind].size,
    itemStyle: {
      color: colors[n.kind],
      borderColor: n.broken ? p.down : 'transparent',
      borderWidth: n.broken ? 2 : 0,
      borderType: 'dashed'
    },
    label: {
      show: true,
      // Hosts carry their label above: the tunnels run through them at their height.
      position: n.kind === 'host' ? 'top' : n.kind === 'container' || n.kind === 'more' ? 'bottom' : 'right',
      formatter:
        n.kind === 'title'
          ? `{title|${escapeRichText(truncateLabel(n.main, 60))}}`
          : rich(n.main, n.sub, n.kind === 'container' ? 12 : 22)
    },
    kind: n.kind,
    tip: n.tip
  }))
  const width = LEFT + widest * COLUMN + 120
  const height = TOP + overlays.length * BAND
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: {
      show: true,
      renderMode: 'richText',
      confine: true,
      formatter: (params: { dataType?: string; data?: { tip?: string } }) =>
        params.dataType === 'node' && params.data?.tip ? escapeRichText(params.data.tip) : ''
    },
    series: [
      {
        type: 'graph',
        layout: 'none',
        roam: true,
        left: 8,
        top: 8,
        width,
        height,
        edgeSymbol: ['none', 'none'],
        emphasis: { focus: 'none', scale: false },
        labelLayout: { hideOverlap: false },
        label: {
          color: p.text,
          fontSize: 12,
          lineHeight: 15,
          rich: {
            main: { fontSize: 12, color: p.text, fontWeight: 500 },
            sub: { fontSize: 10.5, color: p.subtext },
            title: { fontSize: 14, color: p.text, fontWeight: 700 }
          }
        },
        data: [
          ...data,
          // Two invisible corners pin the view box, so a small fleet is not blown up to fill the chart.
          ...[
            ['__corner0', 0, 0],
            ['__corner1', width, height]
          ].map(([id, x, y]) => ({
            id,
            name: id,
            x,
            y,
            symbol: 'none',
            symbolSize: 0,
            label: { show: false },
            kind: 'corner',
            tip: ''
          }))
        ],
        links
      }
    ]
  }
}

/** Pixel size the drawing wants (the component sizes its box from it). */
export function fleetOverlaySize(overlays: FleetOverlay[]): { width: number; height: number } {
  const widest = Math.max(1, ...overlays.map((o) => Math.min(MAX_HOSTS_DRAWN, o.endpoints.length)))
  return { width: LEFT + widest * COLUMN + 140, height: TOP + overlays.length * BAND + 20 }
}
