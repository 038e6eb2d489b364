/**
 * Pure option builder for the traffic charts: one small chart per subject (a container interface,
 * a bridge, a host interface), ↑ sent and ↓ received in the view's one direction convention, a
 * time axis with gaps after reconnects, LTTB down-sampling for long windows, and a hover crosshair
 * whose tooltip lists the values. The tooltip is rich text (drawn on the canvas, never HTML) and
 * every host-derived word in it is escaped.
 */
import type { InterfaceRate, TrafficSample } from '@shared/api/types'
import { escapeRichText } from '@shared/escape'
import { formatRate } from '@renderer/utils/format'
import type { Endpoint, TrafficMetric } from '@renderer/utils/traffic-subjects'
import { palette, type ThemeName } from './palette'

export type { TrafficMetric }

export interface TrafficText {
  sent: string
  received: string
  sentErrors: string
  receivedErrors: string
  sentDrops: string
  receivedDrops: string
}

export interface TrafficOptionInput {
  samples: readonly TrafficSample[]
  /** Chart title, shown in the tooltip (host-derived: escaped here). */
  title: string
  /** The interface the numbers come from, and whether its rx is the subject's "sent". */
  endpoint: Endpoint
  metric: TrafficMetric
  windowS: number
  theme: ThemeName
  text: TrafficText
  /** Formats the time at the top of the tooltip (locale-aware, from the view). */
  formatTime: (t: number) => string
}

/** Points above which a series is down-sampled (LTTB) and drawn in large mode. */
export const LARGE_THRESHOLD = 600
/**
 * The time axis spans at least this much: with the first sample alone, min equal to max made
 * ECharts stretch the axis over two days, and a line of one point draws nothing.
 */
export const MIN_AXIS_SPAN_MS = 60_000

type PickRate = (r: InterfaceRate) => number
interface Line {
  label: string
  pick: PickRate
  color: number
  dashed: boolean
}

/** The lines of one chart, in the direction convention: `flip` swaps rx and tx. */
function lines(metric: TrafficMetric, text: TrafficText, flip: boolean): Line[] {
  const sent = (rx: PickRate, tx: PickRate): PickRate => (flip ? rx : tx)
  const received = (rx: PickRate, tx: PickRate): PickRate => (flip ? tx : rx)
  if (metric === 'errors') {
    const rxE: PickRate = (r) => r.rxErrorsPerS
    const txE: PickRate = (r) => r.txErrorsPerS
    const rxD: PickRate = (r) => r.rxDropsPerS
    const txD: PickRate = (r) => r.txDropsPerS
    return [
      { label: text.sentErrors, pick: sent(rxE, txE), color: 0, dashed: false },
      { label: text.receivedErrors, pick: received(rxE, txE), color: 1, dashed: false },
      { label: text.sentDrops, pick: sent(rxD, txD), color: 0, dashed: true },
      { label: text.receivedDrops, pick: received(rxD, txD), color: 1, dashed: true }
    ]
  }
  const rx: PickRate = metric === 'bits' ? (r) => r.rxBytesPerS * 8 : (r) => r.rxPacketsPerS
  const tx: PickRate = metric === 'bits' ? (r) => r.txBytesPerS * 8 : (r) => r.txPacketsPerS
  return [
    { label: text.sent, pick: sent(rx, tx), color: 0, dashed: false },
    { label: text.received, pick: received(rx, tx), color: 1, dashed: false }
  ]
}

export function unitOf(metric: TrafficMetric): string {
  return metric === 'bits' ? 'b/s' : metric === 'packets' ? 'pkt/s' : '/s'
}

/** The colours of sent and received, for the view's one legend. */
export function directionColors(theme: ThemeName): { sent: string; received: string } {
  const p = palette(theme)
  return { sent: p.series[0], received: p.series[1] }
}

interface AxisParam {
  axisValue?: number
  seriesName?: string
  value?: unknown
  color?: string
}

/** The crosshair's tooltip: the title, the time, then each line's value (plain rich text). */
export function trafficTooltip(
  params: AxisParam | AxisParam[],
  input: Pick<TrafficOptionInput, 'title' | 'metric' | 'formatTime'>
): string {
  const list = Array.isArray(params) ? params : [params]
  const t = list[0]?.axisValue
  const unit = unitOf(input.metric)
  const rows = list.map((p) => {
    const v = Array.isArray(p.value) ? p.value[1] : p.value
    return `${escapeRichText(p.seriesName ?? '')}  ${typeof v === 'number' ? formatRate(v, unit) : '–'}`
  })
  return [escapeRichText(input.title), typeof t === 'number' ? input.formatTime(t) : '', ...rows]
    .filter(Boolean)
    .join('\n')
}

export function buildTrafficOption(input: TrafficOptionInput): Record<string, unknown> {
  const p = palette(input.theme)
  const lastT = input.samples.length ? input.samples[input.samples.length - 1].t : 0
  const fromT = lastT - input.windowS * 1000
  const visible = input.samples.filter((s) => s.t >= fromT)
  const unit = unitOf(input.metric)
  const { netns, iface, flip } = input.endpoint
  const series = lines(input.metric, input.text, flip).map((line) => {
    const data: (number | string)[][] = []
    for (const s of visible) {
      if (s.gapBefore && data.length) data.push([s.t - 1, '-'])
      const r = s.rates.find((x) => x.iface === iface && x.netns === netns)
      data.push([s.t, r ? line.pick(r) : '-'])
    }
    const large = data.length > LARGE_THRESHOLD
    return {
      type: 'line',
      name: escapeRichText(line.label),
      // A lone sample is a dot (no line to draw yet).
      showSymbol: visible.length === 1,
      connectNulls: false,
      sampling: large ? 'lttb' : undefined,
      large,
      lineStyle: { width: 1.6, type: line.dashed ? 'dashed' : 'solid' },
      color: p.series[line.color],
      areaStyle: line.dashed ? undefined : { opacity: 0.08 },
      emphasis: { disabled: true },
      data
    }
  })
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: p.text },
    grid: { left: 64, right: 12, top: 8, bottom: 22 },
    tooltip: {
      trigger: 'axis',
      renderMode: 'richText',
      confine: true,
      axisPointer: { type: 'line', lineStyle: { color: p.subtext } },
      formatter: (params: AxisParam | AxisParam[]) => trafficTooltip(params, input)
    },
    xAxis: {
      type: 'time',
      min: visible.length ? Math.max(fromT, Math.min(visible[0].t, lastT - MIN_AXIS_SPAN_MS)) : undefined,
      max: visible.length ? lastT : undefined,
      axisLabel: { color: p.subtext, hideOverlap: true, fontSize: 10 },
      axisLine: { lineStyle: { color: p.line } },
      splitLine: { show: false }
    },
    yAxis: {
      type: 'value',
      min: 0,
      splitNumber: 3,
      axisLabel: { color: p.subtext, fontSize: 10, formatter: (v: number) => formatRate(v, unit) },
      splitLine: { lineStyle: { color: p.line, opacity: 0.5 } }
    },
    series
  }
}
