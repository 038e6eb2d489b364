/**
 * Rate math for the traffic sampler: two consecutive /proc/net/dev readings of the same host →
 * per-interface bytes/s, packets/s, errors/s and drops/s. Pure: no clock, no I/O.
 *
 * Counters go backwards in two ways, and neither may produce a negative or NaN rate:
 * - a 32-bit counter wraps (some drivers still expose 32-bit counters): the old value sits in the
 *   upper half of the 32-bit range and the new one is small, so the true delta is 2^32 - old + new;
 * - the counter resets (interface deleted and recreated under the same name, driver reload): the
 *   delta is counted from 0, i.e. the new value, and the interface is flagged.
 * Interfaces present in only one of the two frames get no rate; they are listed as appeared or
 * disappeared instead.
 */
import type { InterfaceRate } from '../api/types'

export const COUNTER_FIELDS = [
  'rxBytes',
  'rxPackets',
  'rxErrors',
  'rxDropped',
  'txBytes',
  'txPackets',
  'txErrors',
  'txDropped'
] as const
export type CounterField = (typeof COUNTER_FIELDS)[number]
export type CounterSet = Record<CounterField, number>

/** One interface's counters in one namespace (structurally a ProcNetDevRecord plus its netns). */
export interface IfaceCounters extends CounterSet {
  iface: string
  netns: string
}

/** One reading of a host: its time and every interface's counters. */
export interface ParsedFrame {
  /** Milliseconds since epoch at the host side. */
  t: number
  counters: IfaceCounters[]
}

export interface RateComputation {
  rates: InterfaceRate[]
  /** `netns/iface` keys whose counters went back without looking like a 32-bit wrap. */
  resets: string[]
  /** `netns/iface` keys where at least one counter wrapped at 2^32. */
  wraps: string[]
  appeared: string[]
  disappeared: string[]
  /** Non-empty when the frames cannot give rates (time did not advance, bad numbers). */
  warnings: string[]
}

const TWO_32 = 2 ** 32

export const ifaceKey = (netns: string, iface: string): string => `${netns}/${iface}`

export type CounterDelta = { delta: number; kind: 'normal' | 'wrap' | 'reset' }

/** The increase of one counter between two readings (never negative, never NaN). */
export function counterDelta(before: number, after: number): CounterDelta {
  if (!Number.isFinite(before) || !Number.isFinite(after) || before < 0 || after < 0) return { delta: 0, kind: 'reset' }
  if (after >= before) return { delta: after - before, kind: 'normal' }
  const wrapped = TWO_32 - before + after
  if (before < TWO_32 && before >= TWO_32 / 2 && wrapped > 0 && wrapped <= TWO_32 / 2) return { delta: wrapped, kind: 'wrap' }
  return { delta: after, kind: 'reset' }
}

/**
 * Rates between two frames of the same host. `label` names the container owning an interface
 * (host veth or container-side interface), or returns null.
 */
export function computeRates(
  prev: ParsedFrame,
  next: ParsedFrame,
  label: (netns: string, iface: string) => string | null = () => null
): RateComputation {
  const result: RateComputation = { rates: [], resets: [], wraps: [], appeared: [], disappeared: [], warnings: [] }
  const before = new Map(prev.counters.map((c) => [ifaceKey(c.netns, c.iface), c]))
  const afterKeys = new Set<string>()
  const dtS = (next.t - prev.t) / 1000
  // Readings less than a millisecond apart carry no rate information (and would overflow).
  const usable = Number.isFinite(dtS) && dtS >= 0.001
  if (!usable) result.warnings.push(`sample time did not advance (${prev.t} → ${next.t}); no rates for this frame`)

  for (const current of next.counters) {
    const key = ifaceKey(current.netns, current.iface)
    if (afterKeys.has(key)) {
      result.warnings.push(`interface ${key} listed twice in one frame; kept the first`)
      continue
    }
    afterKeys.add(key)
    const old = before.get(key)
    if (!old) {
      result.appeared.push(key)
      continue
    }
    if (!usable) continue
    const perS = {} as CounterSet
    let reset = false
    let wrap = false
    for (const field of COUNTER_FIELDS) {
      const { delta, kind } = counterDelta(old[field], current[field])
      if (kind === 'reset') reset = true
      if (kind === 'wrap') wrap = true
      const rate = delta / dtS
      // Values beyond any real 64-bit counter: report nothing rather than Infinity.
      if (!Number.isFinite(rate)) reset = true
      perS[field] = Number.isFinite(rate) ? rate : 0
    }
    if (reset) result.resets.push(key)
    if (wrap) result.wraps.push(key)
    result.rates.push({
      iface: current.iface,
      netns: current.netns,
      container: label(current.netns, current.iface),
      rxBytesPerS: perS.rxBytes,
      txBytesPerS: perS.txBytes,
      rxPacketsPerS: perS.rxPackets,
      txPacketsPerS: perS.txPackets,
      rxErrorsPerS: perS.rxErrors,
      txErrorsPerS: perS.txErrors,
      rxDropsPerS: perS.rxDropped,
      txDropsPerS: perS.txDropped
    })
  }
  for (const key of before.keys()) if (!afterKeys.has(key)) result.disappeared.push(key)
  return result
}

/** Total throughput of one rate (rx + tx bytes/s), the sort key of `netlens watch`. */
export const totalBytesPerS = (r: InterfaceRate): number => r.rxBytesPerS + r.txBytesPerS
