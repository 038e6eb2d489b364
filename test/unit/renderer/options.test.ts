import { describe, expect, it } from 'vitest'
import {
  buildTopologyOption,
  exportSize,
  fitAllScale,
  naturalSize,
  nodeTooltip,
  rateLabel,
  rateWidth,
  topologyScale
} from '../../../src/renderer/src/charts/options/topology'
import { buildTrafficOption, LARGE_THRESHOLD, MIN_AXIS_SPAN_MS } from '../../../src/renderer/src/charts/options/traffic'
import { layoutTopology } from '../../../src/shared/topology/layout'
import { containerNodeId } from '../../../src/shared/topology/ids'
import type { InterfaceRate, TrafficSample } from '../../../src/shared/api/types'
import { generateSnapshot } from './support/generate-snapshot'
import { interfaceRate } from '../../support/rates'

const XSS = '<img src=x onerror=alert(1)>{a|b}'
const text = {
  group: (n: number) => `${n} containers`,
  kind: (k: string) => k,
  hostMode: 'host mode',
  sent: 'sent',
  received: 'received'
}

type Series = {
  data: { id: string; node: unknown; itemStyle: { opacity: number; borderWidth: number } }[]
  links: { id: string; lineStyle: { width: number }; label?: unknown }[]
  label: { formatter: (p: unknown) => string }
  width: number
}
const seriesOf = (o: Record<string, unknown>): Series => (o.series as Series[])[0]

describe('buildTopologyOption', () => {
  const snap = generateSnapshot({ containers: 4, firstName: XSS })
  const layout = layoutTopology(snap)
  const ctx = { theme: 'light' as const, highlight: [], selectedId: null, rates: null, viewWidth: 1000, text }

  it('draws every layout node at its computed position (no force layout)', () => {
    const o = buildTopologyOption(layout, {
      theme: 'light',
      highlight: [],
      selectedId: null,
      rates: null,
      viewWidth: 1000,
      text
    })
    const s = seriesOf(o) as unknown as { layout: string; data: { id: string }[] }
    expect(s.layout).toBe('none')
    for (const n of layout.nodes) expect(s.data.some((d) => d.id === n.id)).toBe(true)
  })

  it('never produces HTML: rich-text tooltip, escaped labels', () => {
    const o = buildTopologyOption(layout, {
      theme: 'dark',
      highlight: [],
      selectedId: null,
      rates: null,
      viewWidth: 1000,
      text
    })
    expect((o.tooltip as { renderMode: string }).renderMode).toBe('richText')
    const node = layout.nodes.find((n) => n.id === containerNodeId(XSS))!
    const label = seriesOf(o).label.formatter({ data: { node } })
    expect(label).not.toContain('{a|b}')
    expect(label.startsWith('{main|')).toBe(true)
    const tip = nodeTooltip(node, { text })
    expect(tip).not.toMatch(/[{}]/)
    expect(tip).toContain('<img') // plain text: the canvas draws it literally
  })

  it('highlights a path and dims the rest', () => {
    const path = layout.edges.find((e) => e.kind === 'veth')!
    const o = buildTopologyOption(layout, {
      theme: 'light',
      highlight: [path.source, path.target],
      selectedId: null,
      rates: null,
      viewWidth: 1000,
      text
    })
    const s = seriesOf(o)
    expect(s.data.find((d) => d.id === path.source)!.itemStyle.borderWidth).toBe(3)
    expect(s.data.find((d) => d.id === containerNodeId('app-0002'))!.itemStyle.opacity).toBeLessThan(1)
    expect(s.links.find((l) => l.id === path.id)!.lineStyle.width).toBe(4)
  })

  it('shows live rates as edge width and in the edge tooltip, never as text over the graph', () => {
    const port = layout.edges.find((e) => e.kind === 'port' && e.rateIface)!
    const rate = interfaceRate({ iface: port.rateIface!.name, container: 'x', rxBytesPerS: 125_000 })
    const rates = new Map([[`host/${rate.iface}`, rate]])
    const o = buildTopologyOption(layout, { ...ctx, rates })
    const link = seriesOf(o).links.find((l) => l.id === port.id)!
    expect(link.label).toBeUndefined()
    expect((o.series as { edgeLabel: { show: boolean } }[])[0].edgeLabel.show).toBe(false)
    const idle = buildTopologyOption(layout, { ...ctx, rates: null })
    expect(link.lineStyle.width).toBeGreaterThan(seriesOf(idle).links.find((l) => l.id === port.id)!.lineStyle.width)
    const tooltip = (o.tooltip as { formatter: (p: unknown) => string }).formatter({
      dataType: 'edge',
      data: { edge: port, rate }
    })
    expect(tooltip).toContain(port.rateIface!.name)
    expect(tooltip).toContain('sent 1.0 Mb/s')
    expect(rateLabel(rate, text)).toBe('↑ sent 1.0 Mb/s   ↓ received 0 b/s')
  })

  it('puts bridge names on a plate that hugs the text, so their busy ports pass under the name only', () => {
    for (const theme of ['light', 'dark'] as const) {
      type Label = { backgroundColor?: string; width?: number; rich: { main: { width?: number; color: string } } }
      const data = seriesOf(buildTopologyOption(layout, { ...ctx, theme })).data as unknown as {
        node: { kind: string } | null
        label: Label
      }[]
      const bridges = data.filter((d) => d.node?.kind === 'bridge')
      expect(bridges.length).toBeGreaterThan(0)
      for (const b of bridges) {
        expect(b.label.backgroundColor).toBe(theme === 'dark' ? '#111827' : '#ffffff')
        // A column-wide plate would hide the cables to the bridge's first veths.
        expect(b.label.width).toBeUndefined()
        expect(b.label.rich.main.width).toBeUndefined()
      }
      // Other names keep their halo only (a plate over a veth's own cable would cut it), cut to the column.
      for (const d of data.filter((d) => d.node && d.node.kind !== 'bridge')) {
        expect(d.label.backgroundColor).toBeUndefined()
        expect(d.label.width).toBeGreaterThan(0)
        expect(d.label.rich.main.color).toBe(theme === 'dark' ? '#e5e7eb' : '#1f2937')
      }
    }
  })

  it('makes edges thicker with traffic: idle thin, a factor of ten about one pixel more, capped', () => {
    const r = (bytes: number): InterfaceRate => interfaceRate({ iface: 'v', rxBytesPerS: bytes })
    expect(rateWidth(undefined)).toBe(0)
    expect(rateWidth(r(0))).toBe(1.2)
    expect(rateWidth(r(1_250))).toBeCloseTo(2.2 + 1, 1)
    expect(rateWidth(r(125_000))).toBeGreaterThan(rateWidth(r(1_250)))
    expect(rateWidth(r(1e12))).toBe(8)
  })

  it('cuts labels to the zoomed column, drops second lines, then names, when zoomed out', () => {
    const node = layout.nodes.find((n) => n.kind === 'container')!
    const labelAt = (zoom: number): string =>
      seriesOf(buildTopologyOption(layout, { ...ctx, viewWidth: 4000, zoom })).label.formatter({ data: { node } })
    expect(labelAt(1)).toContain('\n{sub|')
    expect(labelAt(0.6)).not.toContain('\n')
    const far = buildTopologyOption(layout, { ...ctx, viewWidth: 4000, zoom: 0.25 })
    const shown = (seriesOf(far).data as unknown as { id: string; label: { show: boolean } }[]).filter(
      (d) => d.label.show && !d.id.startsWith('__')
    )
    expect(shown).toEqual([])
    const selected = buildTopologyOption(layout, { ...ctx, viewWidth: 4000, zoom: 0.25, selectedId: node.id })
    expect(
      (seriesOf(selected).data as unknown as { id: string; label: { show: boolean } }[]).find((d) => d.id === node.id)!
        .label.show
    ).toBe(true)
  })

  it('exports every label whole, columns widened to fit, under a title block', () => {
    const long = generateSnapshot({ containers: 2, firstName: `a-very-long-container-name-${'x'.repeat(60)}` })
    const l = layoutTopology(long)
    const o = buildTopologyOption(l, { ...ctx, scale: 1, exportTitle: ['NetLens · host1', 'Captured now'] })
    const node = l.nodes.find((n) => n.label.startsWith('a-very-long'))!
    expect(seriesOf(o).label.formatter({ data: { node } })).toContain(node.label)
    expect((o.title as { text: string }).text).toBe('NetLens · host1')
    const size = exportSize(o)
    const natural = naturalSize(l)
    expect(size.width).toBeGreaterThan(natural.width)
    expect(size.height).toBeGreaterThanOrEqual(natural.height)
    // On screen the same label is cut.
    const screen = seriesOf(buildTopologyOption(l, ctx)).label.formatter({ data: { node } })
    expect(screen).not.toContain(node.label)
  })

  it('fits the whole graph into a view, never above natural size', () => {
    const n = naturalSize(layout)
    expect(fitAllScale(layout, n.width * 4, n.height * 4)).toBe(1)
    const s = fitAllScale(layout, n.width, n.height / 2)
    expect(s).toBeLessThan(0.55)
    expect(fitAllScale(layout, 10, 10)).toBe(0.2)
  })

  it('scales down to the view, never up', () => {
    expect(topologyScale(layout, 4000)).toBe(1)
    expect(topologyScale(layout, 700)).toBeLessThan(1)
    expect(topologyScale(layout, 100)).toBe(0.6)
  })
})

describe('buildTrafficOption', () => {
  const rate = (iface: string, rx: number): InterfaceRate =>
    interfaceRate({
      iface,
      container: iface === 'veth1' ? 'web' : null,
      rxBytesPerS: rx,
      txBytesPerS: rx / 2,
      rxPacketsPerS: 10,
      txPacketsPerS: 5,
      rxDropsPerS: 1
    })
  const samples = (n: number): TrafficSample[] =>
    Array.from({ length: n }, (_, i) => ({
      hostId: 'h',
      t: 1_000_000 + i * 1000,
      intervalS: 1,
      gapBefore: i === 5,
      rates: [rate('veth1', 100 * i), rate('eth0', 10)]
    }))
  const txt = {
    sent: '↑ sent',
    received: '↓ received',
    sentErrors: '↑ send errors',
    receivedErrors: '↓ receive errors',
    sentDrops: '↑ sent, dropped',
    receivedDrops: '↓ received, dropped'
  }
  const base = {
    title: 'web · eth0',
    windowS: 300,
    theme: 'light' as const,
    text: txt,
    formatTime: (t: number) => `t=${t}`
  }
  type SeriesOut = { name: string; data: (number | string)[][]; sampling?: string; large: boolean }

  it('draws sent and received of one subject in bits/s, with a gap after a reconnect', () => {
    const o = buildTrafficOption({
      ...base,
      samples: samples(10),
      endpoint: { netns: 'host', iface: 'eth0', flip: false },
      metric: 'bits'
    })
    const series = o.series as SeriesOut[]
    expect(series.map((x) => x.name)).toEqual(['↑ sent', '↓ received'])
    // Not flipped: sent is tx (10 B/s / 2 × 8), received is rx.
    expect(series[0].data[1]).toEqual([1_001_000, 40])
    expect(series[1].data[1]).toEqual([1_001_000, 80])
    expect(series[0].data.some((d) => d[1] === '-')).toBe(true)
    expect(series[0].sampling).toBeUndefined()
    expect((o.tooltip as { renderMode: string }).renderMode).toBe('richText')
  })

  it('spans at least a minute of time axis, and draws the first sample alone as a dot', () => {
    const axisOf = (n: number): { min: number; max: number; dot: boolean } => {
      const o = buildTrafficOption({
        ...base,
        samples: samples(n),
        endpoint: { netns: 'host', iface: 'eth0', flip: false },
        metric: 'bits'
      })
      const x = o.xAxis as { min: number; max: number }
      return { min: x.min, max: x.max, dot: (o.series as { showSymbol: boolean }[])[0].showSymbol }
    }
    // One sample: min used to equal max, and ECharts stretched the axis over two days.
    expect(axisOf(1)).toEqual({ min: 1_000_000 - MIN_AXIS_SPAN_MS, max: 1_000_000, dot: true })
    expect(axisOf(10)).toEqual({ min: 1_009_000 - MIN_AXIS_SPAN_MS, max: 1_009_000, dot: false })
    // A long run fills the chart from its first sample, and never more than the window (300 s).
    const long = axisOf(400)
    expect(long.max - long.min).toBe(300_000)
    expect(axisOf(90).min).toBe(1_000_000)
  })

  it('turns a host veth around: what it receives is what its container sent', () => {
    const o = buildTrafficOption({
      ...base,
      samples: samples(3),
      endpoint: { netns: 'host', iface: 'veth1', flip: true },
      metric: 'bits'
    })
    const [sent, received] = o.series as SeriesOut[]
    expect(sent.data[2]).toEqual([1_002_000, 200 * 8])
    expect(received.data[2]).toEqual([1_002_000, 100 * 8])
  })

  it('shows a crosshair whose tooltip escapes the host-derived title and keeps decimals', () => {
    const o = buildTrafficOption({
      ...base,
      title: '{evil|x} <b>',
      samples: samples(3),
      endpoint: { netns: 'host', iface: 'eth0', flip: false },
      metric: 'errors'
    })
    const tooltip = o.tooltip as { trigger: string; axisPointer: { type: string }; formatter: (p: unknown) => string }
    expect(tooltip.trigger).toBe('axis')
    expect(tooltip.axisPointer.type).toBe('line')
    const text = tooltip.formatter([
      { axisValue: 5, seriesName: '↑ send errors', value: [5, 0.25] },
      { axisValue: 5, seriesName: '↓ receive errors', value: [5, 2] }
    ])
    expect(text).toBe('｛evil|x｝ <b>\nt=5\n↑ send errors  0.25 /s\n↓ receive errors  2 /s')
  })

  it('labels the errors axis with decimals or integers, never rounded to the same number', () => {
    const o = buildTrafficOption({
      ...base,
      samples: samples(3),
      endpoint: { netns: 'host', iface: 'eth0', flip: false },
      metric: 'errors'
    })
    const f = (o.yAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter
    expect([0, 0.2, 0.4, 0.6, 0.8, 1].map(f)).toEqual(['0 /s', '0.2 /s', '0.4 /s', '0.6 /s', '0.8 /s', '1 /s'])
    expect(new Set([0.25, 0.5, 0.75, 1].map(f)).size).toBe(4)
  })

  it('uses LTTB and large mode on long windows, four lines for errors and drops', () => {
    const o = buildTrafficOption({
      ...base,
      samples: samples(LARGE_THRESHOLD + 50),
      endpoint: { netns: 'host', iface: 'eth0', flip: false },
      metric: 'errors',
      windowS: 3600,
      theme: 'dark'
    })
    const series = o.series as SeriesOut[]
    expect(series).toHaveLength(4)
    expect(series[0].sampling).toBe('lttb')
    expect(series[0].large).toBe(true)
  })

  it('keeps only the chosen window', () => {
    const o = buildTrafficOption({
      ...base,
      samples: samples(200),
      endpoint: { netns: 'host', iface: 'eth0', flip: false },
      metric: 'packets',
      windowS: 60
    })
    const series = o.series as { data: unknown[] }[]
    expect(series[0].data.length).toBeLessThanOrEqual(62)
  })
})
