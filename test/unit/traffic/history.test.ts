import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { InterfaceRate, TrafficSample } from '../../../src/shared/api/types'
import { bucketize, downsampleSamples, historyCapacity, RingBuffer, TrafficHistory } from '../../../src/shared/traffic/history'
import { interfaceRate } from '../../support/rates'

const rate = (iface: string, rx: number, tx = 0): InterfaceRate => interfaceRate({ iface, rxBytesPerS: rx, txBytesPerS: tx })
const sample = (t: number, rates: InterfaceRate[], gapBefore = false): TrafficSample => ({ hostId: 'h', t, intervalS: 1, gapBefore, rates })

describe('RingBuffer', () => {
  it('keeps the newest capacity items, oldest first', () => {
    const ring = new RingBuffer<number>(3)
    for (let i = 1; i <= 5; i++) ring.push(i)
    expect(ring.toArray()).toEqual([3, 4, 5])
    expect(ring.last()).toBe(5)
    expect(ring.size).toBe(3)
  })
  it('rejects a useless capacity', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError)
  })
  it('never exceeds its capacity and always ends with the last push (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer(), { maxLength: 200 }), (cap, items) => {
        const ring = new RingBuffer<number>(cap)
        items.forEach((i) => ring.push(i))
        expect(ring.size).toBe(Math.min(cap, items.length))
        expect(ring.toArray()).toEqual(items.slice(Math.max(0, items.length - cap)))
      })
    )
  })
})

describe('TrafficHistory', () => {
  it('holds one hour at 1 s and drops older samples', () => {
    expect(historyCapacity(1)).toBe(3600)
    expect(historyCapacity(2)).toBe(1800)
    const h = new TrafficHistory(1)
    for (let i = 0; i < 4000; i++) h.add(sample(i * 1000, [rate('eth0', i)]))
    expect(h.size).toBe(3600)
    expect(h.window(10_000).length).toBe(3600)
    expect(h.window(10).map((s) => s.t)).toEqual([3990, 3991, 3992, 3993, 3994, 3995, 3996, 3997, 3998, 3999].map((s) => s * 1000))
  })
  it('gives one interface series with gaps', () => {
    const h = new TrafficHistory(1)
    h.add(sample(1000, [rate('a', 1, 2), rate('b', 9)]))
    h.add(sample(2000, [rate('b', 9)]))
    h.add(sample(3000, [rate('a', 3, 4)], true))
    expect(h.series('host', 'a', 60)).toEqual([
      { t: 1000, rx: 1, tx: 2, gapBefore: false },
      { t: 3000, rx: 3, tx: 4, gapBefore: true }
    ])
  })
})

describe('downsampling', () => {
  it('bucketize keeps the peak of each bucket', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({ t: i * 1000, v: i === 42 ? 1000 : 1 }))
    const buckets = bucketize(points, 10)
    expect(buckets.length).toBe(10)
    expect(Math.max(...buckets.map((b) => b.max))).toBe(1000)
    expect(buckets.reduce((a, b) => a + b.count, 0)).toBe(100)
    const peak = buckets.find((b) => b.max === 1000)!
    expect(peak.min).toBe(1)
    expect(peak.avg).toBeCloseTo((9 + 1000) / 10)
  })
  it('bucketize passes short series through', () => {
    expect(bucketize([{ t: 1, v: 2 }], 10)).toEqual([{ t: 1, min: 2, max: 2, avg: 2, count: 1 }])
  })
  it('bucket min ≤ avg ≤ max and counts add up (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ t: fc.integer({ min: 0, max: 1e7 }), v: fc.double({ min: 0, max: 1e12, noNaN: true }) }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        (points, n) => {
          const buckets = bucketize(points, n)
          expect(buckets.length).toBeLessThanOrEqual(Math.max(n, 0))
          expect(buckets.reduce((a, b) => a + b.count, 0)).toBe(points.length)
          for (const b of buckets) {
            expect(b.min).toBeLessThanOrEqual(b.avg * (1 + 1e-9) + 1e-9)
            expect(b.avg).toBeLessThanOrEqual(b.max * (1 + 1e-9) + 1e-9)
          }
        }
      )
    )
  })
  it('downsampleSamples averages rates and keeps gaps', () => {
    const samples = [sample(1000, [rate('a', 10)]), sample(2000, [rate('a', 30)], true), sample(3000, [rate('a', 5)]), sample(4000, [rate('a', 7)])]
    const out = downsampleSamples(samples, 2)
    expect(out.map((s) => [s.t, s.gapBefore, s.rates[0].rxBytesPerS, s.intervalS])).toEqual([
      [2000, true, 20, 2],
      [4000, false, 6, 2]
    ])
    expect(downsampleSamples(samples, 10)).toEqual(samples)
  })
})
