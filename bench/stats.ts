/**
 * Helpers the bench files share: a forced GC between timed runs, and min/median/max of repeated
 * measurements (README's performance table reports all three).
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** A forced GC (so one run's garbage is not billed to the next), or a no-op when it cannot be had. */
export function gcFunction(): () => void {
  try {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as unknown
    if (typeof gc === 'function') return gc as () => void
  } catch {
    // no forced GC: the medians are noisier but still valid
  }
  return () => {}
}

export interface Spread {
  median: number
  min: number
  max: number
  runs: number
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
    runs: values.length
  }
}

export const median = (values: number[]): number => spread(values).median

/** `12 ms (10–15, 5 runs)`-style text for a row's input column. */
export function spreadText(s: Spread, unit: string, digits = 0): string {
  const f = (n: number): string =>
    n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })
  return `${f(s.min)}–${f(s.max)} ${unit}, ${s.runs} runs`
}
