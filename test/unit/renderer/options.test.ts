import { describe, expect, it } from 'vitest'
import {
  buildTopologyOption,
  nodeTooltip,
  rateLabel,
  topologyScale
} from '../../../src/renderer/src/charts/options/topology'
import { buildTrafficOption, LARGE_THRESHOLD, rateNames } from '../../../src/renderer/src/charts/options/traffic'
import { layoutTopology } from '../../../src/shared/topology/layout'
import { containerNodeId } from '../../../src/shared/topology/ids'
import type { InterfaceRate, TrafficSample } from '../../../src/shared/api/types'
import { generateSnapshot } from './support/generate-snapshot'

const XSS = '<img src=x onerror=alert(1)>{a|b}'
const text = { group: (n: number) => `${n} containers`, kind: (k: string) => k, hostMode: 'host mode' }

type Series = {
  data: { id: string; node: unknown; itemStyle: { opacity: number; borderWidth: number } }[]
  links: { id: string; lineStyle: { width: number }; label: { show: boolean; formatter?: string } }[]
  label: { formatter: (p: unknown) => string }
  width: number
}
const seriesOf = (o: Record<string, unknown>): Series => (o.series as Series[])[0]

describe('buildTopologyOption', () => {
  const snap = generateSnapshot({ containers: 4, firstName: XSS })
  const layout = layoutTopology(snap)

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

  it('labels veth links with live rates', () => {
    const port = layout.edges.find((e) => e.kind === 'port' && e.rateIface)!
    const rate: InterfaceRate = {
      iface: port.rateIface!.name,
      netns: 'host',
      container: 'x',
      rxBytesPerS: 125_000,
      txBytesPerS: 0,
      rxPacketsPerS: 0,
      txPacketsPerS: 0,
      rxErrorsPerS: 0,
      txErrorsPerS: 0,
      rxDropsPerS: 0,
      txDropsPerS: 0
    }
    const rates = new Map([[`host/${rate.iface}`, rate]])
    const o = buildTopologyOption(layout, {
      theme: 'light',
      highlight: [],
      selectedId: null,
      rates,
      viewWidth: 1000,
      text
    })
    const link = seriesOf(o).links.find((l) => l.id === port.id)!
    expect(link.label.show).toBe(true)
    expect(link.label.formatter).toBe(rateLabel(rate))
    expect(rateLabel(rate)).toContain('1.0 Mb/s')
  })

  it('scales down to the view, never up', () => {
    expect(topologyScale(layout, 4000)).toBe(1)
    expect(topologyScale(layout, 700)).toBeLessThan(1)
    expect(topologyScale(layout, 100)).toBe(0.6)
  })
})

describe('buildTrafficOption', () => {
  const rate = (iface: string, rx: number): InterfaceRate => ({
    iface,
    netns: 'host',
    container: iface === 'veth1' ? 'web' : null,
    rxBytesPerS: rx,
    txBytesPerS: rx / 2,
    rxPacketsPerS: 10,
    txPacketsPerS: 5,
    rxErrorsPerS: 0,
    txErrorsPerS: 0,
    rxDropsPerS: 1,
    txDropsPerS: 0
  })
  const samples = (n: number): TrafficSample[] =>
    Array.from({ length: n }, (_, i) => ({
      hostId: 'h',
      t: 1_000_000 + i * 1000,
      intervalS: 1,
      gapBefore: i === 5,
      rates: [rate('veth1', 100 * i), rate('eth0', 10)]
    }))
  const txt = { rx: 'rx', tx: 'tx', rxErr: 'rx err', txErr: 'tx err', rxDrop: 'rx drop', txDrop: 'tx drop' }

  it('draws rx and tx per interface in bits/s, named after the container, with a gap after a reconnect', () => {
    const s = samples(10)
    const o = buildTrafficOption({
      samples: s,
      keys: ['host/veth1'],
      metric: 'bits',
      names: rateNames(s[0].rates),
      windowS: 300,
      theme: 'light',
      text: txt
    })
    const series = o.series as { name: string; data: (number | string)[][]; sampling?: string; large: boolean }[]
    expect(series.map((x) => x.name)).toEqual(['web rx', 'web tx'])
    expect(series[0].data[1]).toEqual([1_001_000, 800])
    expect(series[0].data.some((d) => d[1] === '-')).toBe(true)
    expect(series[0].sampling).toBeUndefined()
    expect((o.tooltip as { renderMode: string }).renderMode).toBe('richText')
    expect(o.dataZoom).toBeTruthy()
  })

  it('uses LTTB and large mode on long windows, four lines for errors and drops', () => {
    const s = samples(LARGE_THRESHOLD + 50)
    const o = buildTrafficOption({
      samples: s,
      keys: ['host/eth0'],
      metric: 'errors',
      names: new Map(),
      windowS: 3600,
      theme: 'dark',
      text: txt
    })
    const series = o.series as { sampling?: string; large: boolean }[]
    expect(series).toHaveLength(4)
    expect(series[0].sampling).toBe('lttb')
    expect(series[0].large).toBe(true)
  })

  it('keeps only the chosen window', () => {
    const s = samples(200)
    const o = buildTrafficOption({
      samples: s,
      keys: ['host/eth0'],
      metric: 'packets',
      names: new Map(),
      windowS: 60,
      theme: 'light',
      text: txt
    })
    const series = o.series as { data: unknown[] }[]
    expect(series[0].data.length).toBeLessThanOrEqual(62)
  })
})
