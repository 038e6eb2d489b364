/**
 * computeRates as it was before it stopped making a key string and a delta object per counter:
 * kept as the reference the faster one must equal (test/unit/traffic/rates.test.ts). Not used by src.
 */
import {
  COUNTER_FIELDS,
  counterDelta,
  ifaceKey,
  type CounterSet,
  type ParsedFrame,
  type RateComputation
} from '../../src/shared/traffic/rates'

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
