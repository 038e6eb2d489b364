import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { COUNTER_FIELDS, computeRates, counterDelta, type IfaceCounters, type ParsedFrame } from '../../../src/shared/traffic/rates'
import { computeRates as referenceComputeRates } from '../../support/reference-rates'

const counters = (iface: string, value: number, netns = 'host'): IfaceCounters => ({
  iface,
  netns,
  rxBytes: value,
  rxPackets: value,
  rxErrors: value,
  rxDropped: value,
  txBytes: value,
  txPackets: value,
  txErrors: value,
  txDropped: value
})
const frame = (t: number, ...cs: IfaceCounters[]): ParsedFrame => ({ t, counters: cs })

describe('counterDelta', () => {
  it('is the plain difference when the counter grew', () => {
    expect(counterDelta(100, 350)).toEqual({ delta: 250, kind: 'normal' })
  })
  it('recognises a 32-bit wrap', () => {
    expect(counterDelta(2 ** 32 - 100, 50)).toEqual({ delta: 150, kind: 'wrap' })
  })
  it('treats a drop that is not a wrap as a reset counted from zero', () => {
    expect(counterDelta(5_000, 40)).toEqual({ delta: 40, kind: 'reset' })
    // 64-bit counters far above 2^32 never "wrap" at 2^32.
    expect(counterDelta(2 ** 40, 10)).toEqual({ delta: 10, kind: 'reset' })
  })
  it('never returns a negative or NaN delta for garbage input', () => {
    expect(counterDelta(Number.NaN, 5).delta).toBe(0)
    expect(counterDelta(5, -1).delta).toBe(0)
  })
})

describe('computeRates', () => {
  it('divides deltas by the elapsed time and labels interfaces', () => {
    const prev = frame(1_000, { ...counters('eth0', 0), rxBytes: 1_000, txBytes: 500, rxPackets: 10 })
    const next = frame(3_000, { ...counters('eth0', 0), rxBytes: 5_000, txBytes: 700, rxPackets: 30, rxDropped: 4 })
    const out = computeRates(prev, next, (_ns, iface) => (iface === 'eth0' ? 'web' : null))
    expect(out.rates).toEqual([
      {
        iface: 'eth0',
        netns: 'host',
        container: 'web',
        rxBytesPerS: 2_000,
        txBytesPerS: 100,
        rxPacketsPerS: 10,
        txPacketsPerS: 0,
        rxErrorsPerS: 0,
        txErrorsPerS: 0,
        rxDropsPerS: 2,
        txDropsPerS: 0
      }
    ])
    expect(out.resets).toEqual([])
  })

  it('flags resets and wraps', () => {
    const prev = frame(0, counters('a', 9_000), counters('b', 2 ** 32 - 10))
    const next = frame(1_000, counters('a', 100), counters('b', 10))
    const out = computeRates(prev, next)
    expect(out.resets).toEqual(['host/a'])
    expect(out.wraps).toEqual(['host/b'])
    expect(out.rates.find((r) => r.iface === 'a')!.rxBytesPerS).toBe(100)
    expect(out.rates.find((r) => r.iface === 'b')!.rxBytesPerS).toBe(20)
  })

  it('lists appearing and disappearing interfaces without giving them a rate', () => {
    const out = computeRates(frame(0, counters('old', 1), counters('stay', 1)), frame(1_000, counters('stay', 2), counters('new', 5)))
    expect(out.appeared).toEqual(['host/new'])
    expect(out.disappeared).toEqual(['host/old'])
    expect(out.rates.map((r) => r.iface)).toEqual(['stay'])
  })

  it('keeps the same interface name in different namespaces apart', () => {
    const out = computeRates(
      frame(0, counters('eth0', 0, 'pid:1'), counters('eth0', 0, 'pid:2')),
      frame(1_000, counters('eth0', 10, 'pid:1'), counters('eth0', 20, 'pid:2'))
    )
    expect(out.rates.map((r) => [r.netns, r.rxBytesPerS])).toEqual([
      ['pid:1', 10],
      ['pid:2', 20]
    ])
  })

  it('gives no rates but a warning when time did not advance', () => {
    const out = computeRates(frame(5_000, counters('eth0', 0)), frame(5_000, counters('eth0', 10)))
    expect(out.rates).toEqual([])
    expect(out.warnings[0]).toMatch(/did not advance/)
  })

  const counterValue = fc.oneof(fc.nat(), fc.constantFrom(0, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1), fc.double({ noNaN: false }))
  const ifaceArb = fc.record({
    iface: fc.constantFrom('eth0', 'lo', 'veth1', 'docker0'),
    netns: fc.constantFrom('host', 'pid:1'),
    ...Object.fromEntries(COUNTER_FIELDS.map((f) => [f, counterValue]))
  }) as fc.Arbitrary<IfaceCounters>
  const frameArb = fc.record({ t: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.double()), counters: fc.array(ifaceArb, { maxLength: 6 }) })

  it('never yields a negative, NaN or infinite rate (property)', () => {
    fc.assert(
      fc.property(frameArb, frameArb, (a, b) => {
        for (const r of computeRates(a, b).rates) {
          for (const [k, v] of Object.entries(r)) {
            if (k.endsWith('PerS')) {
              expect(Number.isFinite(v)).toBe(true)
              expect(v).toBeGreaterThanOrEqual(0)
            }
          }
        }
      })
    )
  })

  it('a growing counter gives exactly delta / seconds (property)', () => {
    fc.assert(
      fc.property(fc.nat(2 ** 40), fc.nat(2 ** 30), fc.integer({ min: 1, max: 60_000 }), (start, delta, dtMs) => {
        const out = computeRates(frame(0, counters('x', start)), frame(dtMs, counters('x', start + delta)))
        expect(out.rates[0].rxBytesPerS).toBeCloseTo(delta / (dtMs / 1000), 6)
        expect(out.resets).toEqual([])
      })
    )
  })
})

describe('computeRates equals the reference (before it stopped making strings and objects per counter)', () => {
  const value = fc.oneof(
    fc.nat(),
    fc.constantFrom(0, 2 ** 32 - 1, 2 ** 32 - 100, 2 ** 31, 2 ** 40, 2 ** 64, -1, Number.NaN, Number.POSITIVE_INFINITY)
  )
  const reading = fc.record({
    iface: fc.constantFrom('eth0', 'eth1', 'lo', 'veth1'),
    netns: fc.constantFrom('host', 'pid:1', 'pid:2'),
    ...(Object.fromEntries(COUNTER_FIELDS.map((field) => [field, value])) as Record<(typeof COUNTER_FIELDS)[number], typeof value>)
  })
  const parsed = (t: fc.Arbitrary<number>) => fc.record({ t, counters: fc.array(reading, { maxLength: 12 }) })

  it('on random frames: duplicates, missing interfaces, wraps, resets, garbage, time not advancing', () => {
    const label = (netns: string, iface: string): string | null => (netns === 'host' ? null : `${netns}-${iface}`)
    fc.assert(
      fc.property(parsed(fc.integer({ min: 0, max: 3000 })), parsed(fc.integer({ min: 0, max: 3000 })), (prev, next) => {
        expect(computeRates(prev, next, label)).toEqual(referenceComputeRates(prev, next, label))
      }),
      { numRuns: 2000 }
    )
  })
})
