/**
 * Pure option builder for the traffic charts: one line per interface and direction, time axis,
 * gaps after reconnects, dataZoom, and LTTB down-sampling for long windows.
 */
import type { InterfaceRate, TrafficSample } from '@shared/api/types'
import { escapeRichText } from '@shared/escape'
import { formatRate } from '@renderer/utils/format'
import { palette, type ThemeName } from './palette'

export type TrafficMetric = 'bits' | 'packets' | 'errors'

export interface TrafficOptionInput {
  samples: readonly TrafficSample[]
  /** `netns/iface` keys to draw. */
  keys: string[]
  metric: TrafficMetric
  /** Display name per key (container name or interface). */
  names: Map<string, string>
  windowS: number
  theme: ThemeName
  text: { rx: string; tx: string; rxErr: string; txErr: string; rxDrop: string; txDrop: string }
}

/** Points above which a series is down-sampled (LTTB) and drawn in large mode. */
export const LARGE_THRESHOLD = 600

type Pick = (r: InterfaceRate) => number
function pickers(metric: TrafficMetric, text: TrafficOptionInput['text']): { label: string; pick: Pick }[] {
  if (metric === 'bits')
    return [
      { label: text.rx, pick: (r) => r.rxBytesPerS * 8 },
      { label: text.tx, pick: (r) => r.txBytesPerS * 8 }
    ]
  if (metric === 'packets')
    return [
      { label: text.rx, pick: (r) => r.rxPacketsPerS },
      { label: text.tx, pick: (r) => r.txPacketsPerS }
    ]
  return [
    { label: text.rxErr, pick: (r) => r.rxErrorsPerS },
    { label: text.txErr, pick: (r) => r.txErrorsPerS },
    { label: text.rxDrop, pick: (r) => r.rxDropsPerS },
    { label: text.txDrop, pick: (r) => r.txDropsPerS }
  ]
}

export function unitOf(metric: TrafficMetric): string {
  return metric === 'bits' ? 'b/s' : metric === 'packets' ? 'pkt/s' : '/s'
}

export function buildTrafficOption(input: TrafficOptionInput): Record<string, unknown> {
  const p = palette(input.theme)
  const lastT = input.samples.length ? input.samples[input.samples.length - 1].t : 0
  const fromT = lastT - input.windowS * 1000
  const visible = input.samples.filter((s) => s.t >= fromT)
  const unit = unitOf(input.metric)
  const series: Record<string, unknown>[] = []
  const picks = pickers(input.metric, input.text)
  input.keys.forEach((key, k) => {
    const [netns, ...rest] = key.split('/')
    const iface = rest.join('/')
    picks.forEach((pk, j) => {
      const data: (number | string)[][] = []
      for (const s of visible) {
        if (s.gapBefore && data.length) data.push([s.t - 1, '-'])
        const r = s.rates.find((x) => x.iface === iface && x.netns === netns)
        data.push([s.t, r ? pk.pick(r) : '-'])
      }
      const large = data.length > LARGE_THRESHOLD
      series.push({
        type: 'line',
        name: escapeRichText(`${input.names.get(key) ?? iface} ${pk.label}`),
        showSymbol: false,
        connectNulls: false,
        sampling: large ? 'lttb' : undefined,
        large,
        lineStyle: { width: 1.5, type: j % 2 === 1 ? 'dashed' : 'solid' },
        color: p.series[k % p.series.length],
        emphasis: { focus: 'series' },
        data
      })
    })
  })
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: p.text },
    grid: { left: 70, right: 20, top: 40, bottom: 70 },
    legend: { type: 'scroll', top: 4, textStyle: { color: p.text } },
    tooltip: {
      trigger: 'axis',
      renderMode: 'richText',
      confine: true,
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatRate(v, unit) : '–')
    },
    xAxis: {
      type: 'time',
      min: visible.length ? Math.max(fromT, visible[0].t) : undefined,
      axisLabel: { color: p.subtext, hideOverlap: true },
      axisLine: { lineStyle: { color: p.line } }
    },
    yAxis: {
      type: 'value',
      min: 0,
      axisLabel: { color: p.subtext, formatter: (v: number) => formatRate(v, unit) },
      splitLine: { lineStyle: { color: p.line, opacity: 0.5 } }
    },
    dataZoom: [
      { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
      {
        type: 'slider',
        xAxisIndex: 0,
        bottom: 16,
        height: 22,
        filterMode: 'none',
        textStyle: { color: p.subtext },
        labelFormatter: ''
      }
    ],
    series
  }
}

/** Display names for rate keys: the container name when the interface belongs to one. */
export function rateNames(rates: readonly InterfaceRate[]): Map<string, string> {
  const names = new Map<string, string>()
  const perContainer = new Map<string, number>()
  for (const r of rates) if (r.container) perContainer.set(r.container, (perContainer.get(r.container) ?? 0) + 1)
  for (const r of rates) {
    const ambiguous = r.container ? (perContainer.get(r.container) ?? 0) > 1 : false
    names.set(
      `${r.netns}/${r.iface}`,
      r.container ? (ambiguous ? `${r.container} (${r.iface})` : r.container) : r.iface
    )
  }
  return names
}
