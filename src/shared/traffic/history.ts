/**
 * Bounded traffic history: the last hour of samples (3600 at 1 s; fewer, longer ones at larger
 * intervals) in a ring, so memory stays flat however long a host is watched. Long windows are
 * downsampled into min/max/avg buckets so a chart never receives thousands of points it cannot
 * draw, while peaks stay visible (the max of a bucket), unlike plain averaging.
 */
import type { InterfaceRate, TrafficSample } from './types'
import { ifaceKey } from './rates'

export const HISTORY_SECONDS = 3600

/** Fixed-capacity ring buffer; the oldest element is overwritten. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[]
  private start = 0
  private count = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`)
    this.items = new Array<T | undefined>(capacity)
  }

  get size(): number {
    return this.count
  }

  push(item: T): void {
    const end = (this.start + this.count) % this.capacity
    this.items[end] = item
    if (this.count < this.capacity) this.count++
    else this.start = (this.start + 1) % this.capacity
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = []
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as T)
    return out
  }

  last(): T | undefined {
    return this.count ? this.items[(this.start + this.count - 1) % this.capacity] : undefined
  }

  clear(): void {
    this.items.fill(undefined)
    this.start = 0
    this.count = 0
  }
}

/** How many samples one hour needs at this interval. */
export const historyCapacity = (intervalS: number, seconds = HISTORY_SECONDS): number =>
  Math.max(1, Math.ceil(seconds / Math.max(intervalS, 0.001)))

export class TrafficHistory {
  private readonly ring: RingBuffer<TrafficSample>

  constructor(intervalS = 1, seconds = HISTORY_SECONDS) {
    this.ring = new RingBuffer(historyCapacity(intervalS, seconds))
  }

  get size(): number {
    return this.ring.size
  }

  get capacity(): number {
    return this.ring.capacity
  }

  add(sample: TrafficSample): void {
    this.ring.push(sample)
  }

  /** Samples of the last `windowS` seconds, measured back from the newest sample. */
  window(windowS: number): TrafficSample[] {
    const all = this.ring.toArray()
    const newest = all.at(-1)
    if (!newest) return []
    const from = newest.t - windowS * 1000
    return all.filter((s) => s.t > from)
  }

  /** One interface's points over the window (rx/tx bytes per second). */
  series(netns: string, iface: string, windowS: number): SeriesPoint[] {
    const key = ifaceKey(netns, iface)
    const points: SeriesPoint[] = []
    for (const s of this.window(windowS)) {
      const r = s.rates.find((x) => ifaceKey(x.netns, x.iface) === key)
      if (r) points.push({ t: s.t, rx: r.rxBytesPerS, tx: r.txBytesPerS, gapBefore: s.gapBefore })
    }
    return points
  }
}

export interface SeriesPoint {
  t: number
  rx: number
  tx: number
  gapBefore: boolean
}

export interface Bucket {
  /** Start of the bucket (ms). */
  t: number
  min: number
  max: number
  avg: number
  count: number
}

/**
 * Min/max/avg buckets of equal time width over [first.t, last.t]; empty buckets are left out
 * (so a gap stays a gap). At most `maxBuckets` buckets; fewer points than that pass through.
 */
export function bucketize(points: { t: number; v: number }[], maxBuckets: number): Bucket[] {
  const clean = points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v))
  if (clean.length === 0 || maxBuckets < 1) return []
  if (clean.length <= maxBuckets) return clean.map((p) => ({ t: p.t, min: p.v, max: p.v, avg: p.v, count: 1 }))
  const t0 = Math.min(...clean.map((p) => p.t))
  const t1 = Math.max(...clean.map((p) => p.t))
  const width = (t1 - t0) / maxBuckets || 1
  const buckets = new Map<number, Bucket>()
  for (const p of clean) {
    const i = Math.min(maxBuckets - 1, Math.floor((p.t - t0) / width))
    const b = buckets.get(i)
    if (!b) buckets.set(i, { t: t0 + i * width, min: p.v, max: p.v, avg: p.v, count: 1 })
    else {
      b.min = Math.min(b.min, p.v)
      b.max = Math.max(b.max, p.v)
      b.avg += (p.v - b.avg) / (b.count + 1)
      b.count++
    }
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b)
}

/**
 * Downsamples whole samples for long windows: consecutive samples are merged into at most
 * `maxSamples` samples whose rates are the per-interface averages (an interface missing from some
 * samples of a bucket averages over the samples that have it); a bucket keeps `gapBefore` when any
 * of its samples had it.
 */
export function downsampleSamples(samples: TrafficSample[], maxSamples: number): TrafficSample[] {
  if (maxSamples < 1) return []
  if (samples.length <= maxSamples) return samples.slice()
  const per = Math.ceil(samples.length / maxSamples)
  const out: TrafficSample[] = []
  for (let i = 0; i < samples.length; i += per) {
    const group = samples.slice(i, i + per)
    const sums = new Map<string, { rate: InterfaceRate; n: number }>()
    for (const s of group) {
      for (const r of s.rates) {
        const key = ifaceKey(r.netns, r.iface)
        const acc = sums.get(key)
        if (!acc) sums.set(key, { rate: { ...r }, n: 1 })
        else {
          for (const f of RATE_FIELDS) acc.rate[f] += r[f]
          acc.n++
        }
      }
    }
    const rates = [...sums.values()].map(({ rate, n }) => {
      const avg = { ...rate }
      for (const f of RATE_FIELDS) avg[f] = rate[f] / n
      return avg
    })
    const last = group[group.length - 1]
    out.push({
      hostId: last.hostId,
      t: last.t,
      intervalS: group.reduce((a, s) => a + s.intervalS, 0),
      gapBefore: group.some((s) => s.gapBefore),
      rates
    })
  }
  return out
}

export const RATE_FIELDS = [
  'rxBytesPerS',
  'txBytesPerS',
  'rxPacketsPerS',
  'txPacketsPerS',
  'rxErrorsPerS',
  'txErrorsPerS',
  'rxDropsPerS',
  'txDropsPerS'
] as const satisfies readonly (keyof InterfaceRate)[]
