/** `netlens watch`'s text: one table per sample, busiest interface first, rates in SI units. */
import type { InterfaceRate, TrafficSample } from '../../../shared/traffic/types'
import { totalBytesPerS } from '../../../shared/traffic/rates'
import { cleanCell as clean, table } from './terminal'

const SI = ['', 'k', 'M', 'G', 'T', 'P']

/** 1234567 → "1.23 M" (SI steps of 1000, about 3 significant digits). */
export function humanSI(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return '0 '
  let i = 0
  let v = value
  while (v >= 1000 && i < SI.length - 1) {
    v /= 1000
    i++
  }
  const text = i === 0 ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)
  return `${text} ${SI[i]}`
}

export const bitsPerS = (bytesPerS: number): string => `${humanSI(bytesPerS * 8)}b/s`
export const perS = (n: number): string => `${humanSI(n)}/s`.replace(' /s', '/s')

export function formatSampleTable(sample: TrafficSample): string {
  const rows = [...sample.rates].sort((a, b) => totalBytesPerS(b) - totalBytesPerS(a) || a.iface.localeCompare(b.iface))
  const header = ['IFACE', 'NETNS', 'CONTAINER', 'RX', 'TX', 'RX PKT', 'TX PKT', 'ERRS', 'DROPS']
  const body = rows.map((r: InterfaceRate) => [
    clean(r.iface),
    clean(r.netns),
    clean(r.container),
    bitsPerS(r.rxBytesPerS),
    bitsPerS(r.txBytesPerS),
    perS(r.rxPacketsPerS),
    perS(r.txPacketsPerS),
    perS(r.rxErrorsPerS + r.txErrorsPerS),
    perS(r.rxDropsPerS + r.txDropsPerS)
  ])
  const lines = table([header, ...body], { rightAligned: (column) => column >= 3 })
  const when = new Date(sample.t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
  const title = `${clean(sample.hostId)}  ${when}  interval ${sample.intervalS.toFixed(2)} s${sample.gapBefore ? '  (reconnected: gap before this sample)' : ''}`
  return [title, ...lines].join('\n')
}
