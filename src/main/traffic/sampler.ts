/**
 * The traffic sampler: drains a CounterStream, turns consecutive frames into rates, keeps one
 * hour of history and survives a dropped stream. When the stream ends without `stop()` it is
 * reopened after 1, 2, 4, … 30 s, and the first sample after a reconnect carries `gapBefore` so the
 * chart draws a gap instead of a line across the outage.
 */
import { parseProcNetDev } from '../parsers/proc-net-dev'
import type { TrafficSample } from '../../shared/traffic/types'
import { TrafficHistory } from '../../shared/traffic/history'
import { computeRates, type IfaceCounters, type ParsedFrame } from '../../shared/traffic/rates'
import type { CounterFrame, CounterStream } from './types'

export interface SamplerOptions {
  hostId: string
  openStream: () => CounterStream
  intervalS: number
  /** Container name for an interface (see containerLabeller), or null. */
  labels: (netns: string, iface: string) => string | null
  onSample(s: TrafficSample): void
  onError?(e: unknown): void
  /** Waits before a reconnect; tests pass an instant one. Resolves early when `signal` aborts. */
  delay?: (ms: number, signal: AbortSignal) => Promise<void>
}

export interface Sampler {
  stop(): void
  history(windowS: number): TrafficSample[]
  /** Settles when the sampler has stopped (for tests and clean shutdown). */
  done: Promise<void>
}

export const MAX_BACKOFF_S = 30

export function backoffSeconds(attempt: number): number {
  return Math.min(MAX_BACKOFF_S, 2 ** Math.max(0, attempt))
}

const defaultDelay = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })

/** Parses every /proc/net/dev text of a frame into counters tagged with their namespace. */
export function parseCounterFrame(frame: CounterFrame): { frame: ParsedFrame; warnings: string[] } {
  const counters: IfaceCounters[] = []
  const warnings: string[] = []
  for (const dev of frame.dev) {
    const parsed = parseProcNetDev(dev.text)
    warnings.push(...parsed.warnings.map((w) => `${dev.netns}: ${w}`))
    for (const r of parsed.value)
      counters.push({
        iface: r.iface,
        netns: dev.netns,
        rxBytes: r.rxBytes,
        rxPackets: r.rxPackets,
        rxErrors: r.rxErrors,
        rxDropped: r.rxDropped,
        txBytes: r.txBytes,
        txPackets: r.txPackets,
        txErrors: r.txErrors,
        txDropped: r.txDropped
      })
  }
  return { frame: { t: frame.t, counters }, warnings }
}

export function startSampler(opts: SamplerOptions): Sampler {
  const history = new TrafficHistory(opts.intervalS)
  const abort = new AbortController()
  const delay = opts.delay ?? defaultDelay
  let stream: CounterStream | null = null
  const report = (e: unknown): void => {
    try {
      opts.onError?.(e)
    } catch {
      // A failing error handler must not kill the sampler.
    }
  }

  async function run(): Promise<void> {
    let gapBefore = false
    let attempt = 0
    while (!abort.signal.aborted) {
      let prev: ParsedFrame | null = null
      try {
        stream = opts.openStream()
        for await (const raw of stream.frames) {
          if (abort.signal.aborted) break
          const { frame } = parseCounterFrame(raw)
          if (prev) {
            const computed = computeRates(prev, frame, opts.labels)
            if (computed.warnings.length === 0) {
              const sample: TrafficSample = {
                hostId: opts.hostId,
                t: frame.t,
                intervalS: (frame.t - prev.t) / 1000,
                gapBefore,
                rates: computed.rates
              }
              gapBefore = false
              attempt = 0
              history.add(sample)
              opts.onSample(sample)
            }
          }
          // A frame whose clock went backwards is skipped as the baseline too.
          if (!prev || frame.t > prev.t) prev = frame
        }
        if (abort.signal.aborted) break
        report(new Error(`traffic stream for ${opts.hostId} ended; reconnecting`))
      } catch (e) {
        if (abort.signal.aborted) break
        report(e)
      } finally {
        stream?.stop()
        stream = null
      }
      gapBefore = true
      await delay(backoffSeconds(attempt) * 1000, abort.signal)
      attempt++
    }
  }

  const done = run().catch(report)
  return {
    stop() {
      abort.abort()
      stream?.stop()
    },
    history: (windowS) => history.window(windowS),
    done
  }
}
