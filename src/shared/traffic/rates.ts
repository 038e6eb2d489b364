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
import type { InterfaceRate } from './types'

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
  deltaKinds = 0
  const delta = increase(before, after)
  return { delta, kind: deltaKinds & WRAP ? 'wrap' : deltaKinds & RESET ? 'reset' : 'normal' }
}

const WRAP = 1
const RESET = 2
/** What the counters read since it was last cleared did: WRAP and/or RESET bits (see increase). */
let deltaKinds = 0

/** counterDelta's delta, noting a wrap or a reset in deltaKinds instead of making an object. */
function increase(before: number, after: number): number {
  if (!Number.isFinite(before) || !Number.isFinite(after) || before < 0 || after < 0) {
    deltaKinds |= RESET
    return 0
  }
  if (after >= before) return after - before
  const wrapped = TWO_32 - before + after
  if (before < TWO_32 && before >= TWO_32 / 2 && wrapped > 0 && wrapped <= TWO_32 / 2) {
    deltaKinds |= WRAP
    return wrapped
  }
  deltaKinds |= RESET
  return after
}

/** increase() per second: 0 and a reset instead of ±Infinity. */
function rate(before: number, after: number, dtS: number): number {
  const perS = increase(before, after) / dtS
  // Values beyond any real 64-bit counter: report nothing rather than Infinity.
  if (!Number.isFinite(perS)) {
    deltaKinds |= RESET
    return 0
  }
  return perS
}

/**
 * Rates between two frames of the same host. `label` names the container owning an interface
 * (host veth or container-side interface), or returns null. Runs every second on 2,000 interfaces
 * (`netlens watch`): no string is made per interface unless it is reported.
 */
export function computeRates(
  prev: ParsedFrame,
  next: ParsedFrame,
  label: (netns: string, iface: string) => string | null = () => null
): RateComputation {
  const result: RateComputation = { rates: [], resets: [], wraps: [], appeared: [], disappeared: [], warnings: [] }
  // netns → iface → counters; of an interface listed twice, the last reading (as a Map of keys keeps it).
  const before = new Map<string, Map<string, IfaceCounters>>()
  for (const c of prev.counters) inner(before, c.netns).set(c.iface, c)
  const seen = new Map<string, Set<string>>()
  const dtS = (next.t - prev.t) / 1000
  // Readings less than a millisecond apart carry no rate information (and would overflow).
  const usable = Number.isFinite(dtS) && dtS >= 0.001
  if (!usable) result.warnings.push(`sample time did not advance (${prev.t} → ${next.t}); no rates for this frame`)

  for (const current of next.counters) {
    const { netns, iface } = current
    let ifaces = seen.get(netns)
    if (!ifaces) seen.set(netns, (ifaces = new Set()))
    if (ifaces.has(iface)) {
      result.warnings.push(`interface ${ifaceKey(netns, iface)} listed twice in one frame; kept the first`)
      continue
    }
    ifaces.add(iface)
    const old = before.get(netns)?.get(iface)
    if (!old) {
      result.appeared.push(ifaceKey(netns, iface))
      continue
    }
    if (!usable) continue
    deltaKinds = 0
    const rxBytes = rate(old.rxBytes, current.rxBytes, dtS)
    const txBytes = rate(old.txBytes, current.txBytes, dtS)
    const rxPackets = rate(old.rxPackets, current.rxPackets, dtS)
    const txPackets = rate(old.txPackets, current.txPackets, dtS)
    const rxErrors = rate(old.rxErrors, current.rxErrors, dtS)
    const txErrors = rate(old.txErrors, current.txErrors, dtS)
    const rxDropped = rate(old.rxDropped, current.rxDropped, dtS)
    const txDropped = rate(old.txDropped, current.txDropped, dtS)
    if (deltaKinds & RESET) result.resets.push(ifaceKey(netns, iface))
    if (deltaKinds & WRAP) result.wraps.push(ifaceKey(netns, iface))
    result.rates.push({
      iface,
      netns,
      container: label(netns, iface),
      rxBytesPerS: rxBytes,
      txBytesPerS: txBytes,
      rxPacketsPerS: rxPackets,
      txPacketsPerS: txPackets,
      rxErrorsPerS: rxErrors,
      txErrorsPerS: txErrors,
      rxDropsPerS: rxDropped,
      txDropsPerS: txDropped
    })
  }
  // In the order the previous frame first listed them.
  const reported = new Map<string, Set<string>>()
  for (const { netns, iface } of prev.counters) {
    if (seen.get(netns)?.has(iface)) continue
    const done = inner(reported, netns, () => new Set<string>())
    if (done.has(iface)) continue
    done.add(iface)
    result.disappeared.push(ifaceKey(netns, iface))
  }
  return result
}

function inner<V>(outer: Map<string, V>, key: string, make: () => V = () => new Map() as V): V {
  let value = outer.get(key)
  if (value === undefined) outer.set(key, (value = make()))
  return value
}

/** Total throughput of one rate (rx + tx bytes/s), the sort key of `netlens watch`. */
export const totalBytesPerS = (r: InterfaceRate): number => r.rxBytesPerS + r.txBytesPerS
