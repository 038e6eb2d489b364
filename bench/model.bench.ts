/**
 * Snapshot model speed and memory: buildSnapshot on a generated capture with 262,144 conntrack
 * lines and 1,000 containers on 4 bridges (parsing included), 5 runs after a warm-up:
 *   - the whole build (what a user waits for after a capture), ≤ 3,000 ms;
 *   - the model's own share: the build minus parseConntrack on the same text, timed right after
 *     it in the same run, < 1,000 ms (median; min and max shown);
 *   - the heap a snapshot keeps per conntrack entry, < 400 bytes: heapUsed after a forced GC with
 *     the 262,144-entry snapshot alive (its capture dropped) minus the same with a snapshot of the
 *     same host without conntrack entries, divided by 262,144. The conntrack text the entries' raw
 *     lines come from counts: the snapshot keeps it.
 */
import { performance } from 'node:perf_hooks'
import { buildSnapshot } from '../src/main/model/build-snapshot'
import { parseConntrack } from '../src/main/parsers/conntrack'
import type { Snapshot } from '../src/shared/snapshot/schema'
import { generateCapture } from './model-capture'
import type { BenchResult } from './run'
import { gcFunction, spread } from './stats'

const RUNS = 5
const ENTRIES = 262_144
const TARGET_TOTAL_MS = 3000
const TARGET_MODEL_MS = 1000
const TARGET_BYTES_PER_ENTRY = 400

const SHAPE = { containers: 1000, bridges: 4 }

/** Heap kept by a snapshot of a capture with `conntrack` entries (the capture itself dropped). */
function retainedBytes(conntrack: number, gc: () => void): { bytes: number; snapshot: Snapshot } {
  gc()
  gc()
  const before = process.memoryUsage().heapUsed
  let capture: ReturnType<typeof generateCapture> | null = generateCapture({ ...SHAPE, conntrack })
  const snapshot = buildSnapshot(capture)
  capture = null
  gc()
  gc()
  return { bytes: process.memoryUsage().heapUsed - before, snapshot }
}

export async function run(): Promise<BenchResult[]> {
  const gc = gcFunction()
  const capture = generateCapture({ ...SHAPE, conntrack: ENTRIES })
  const conntrackText = capture.sections.find((s) => s.name === 'conntrack.list')!.stdout
  buildSnapshot(generateCapture({ containers: 20, bridges: 4, conntrack: 1000 })) // warm-up
  parseConntrack(conntrackText)
  const total: number[] = []
  const parse: number[] = []
  const model: number[] = []
  let entries = 0
  for (let i = 0; i < RUNS; i++) {
    gc()
    let start = performance.now()
    const snapshot = buildSnapshot(capture)
    const built = performance.now() - start
    entries = snapshot.conntrack.entries.length
    gc()
    start = performance.now()
    parseConntrack(conntrackText)
    const parsed = performance.now() - start
    total.push(built)
    parse.push(parsed)
    model.push(Math.max(0, built - parsed))
  }
  const complete = entries === ENTRIES

  const without = retainedBytes(0, gc)
  const withConntrack = retainedBytes(ENTRIES, gc)
  const perEntry = (withConntrack.bytes - without.bytes) / ENTRIES
  const keptEntries = withConntrack.snapshot.conntrack.entries.length

  const t = spread(total)
  const p = spread(parse)
  const m = spread(model)
  const ms = (s: ReturnType<typeof spread>) => ({
    value: Math.round(s.median),
    min: Math.round(s.min),
    max: Math.round(s.max),
    runs: s.runs
  })
  return [
    {
      name: 'buildSnapshot, parsing included',
      input: `1,000 containers on 4 bridges, ${entries.toLocaleString('en')} conntrack entries`,
      ...ms(t),
      unit: 'ms',
      target: TARGET_TOTAL_MS,
      pass: complete && t.median <= TARGET_TOTAL_MS
    },
    { name: 'of which parseConntrack on the same 262,144 lines', ...ms(p), unit: 'ms' },
    {
      name: 'of which the model itself (build minus parseConntrack, per run)',
      ...ms(m),
      unit: 'ms',
      target: TARGET_MODEL_MS,
      pass: complete && m.median < TARGET_MODEL_MS
    },
    {
      name: 'heap a snapshot keeps per conntrack entry (raw text included)',
      input: `${(withConntrack.bytes / 1e6).toFixed(1)} MB with, ${(without.bytes / 1e6).toFixed(1)} MB without conntrack`,
      value: Math.round(perEntry),
      unit: 'bytes',
      target: TARGET_BYTES_PER_ENTRY,
      pass: keptEntries === ENTRIES && perEntry < TARGET_BYTES_PER_ENTRY
    }
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run())
    console.log(
      `${row.pass === undefined ? 'INFO' : row.pass ? 'PASS' : 'FAIL'} ${row.name}: ${row.value} ${row.unit}` +
        (row.min !== undefined ? ` (${row.min}–${row.max})` : '') +
        (row.target !== undefined ? ` (target ${row.target})` : '')
    )
}
