/**
 * Snapshot model speed: buildSnapshot on a generated capture with 262,144 conntrack lines and
 * 1,000 containers on 4 bridges (parsing included). Run with `npm run bench`.
 */
import { performance } from 'node:perf_hooks'
import { buildSnapshot } from '../src/main/model/build-snapshot'
import { parseConntrack } from '../src/main/parsers/conntrack'
import { generateCapture } from './model-capture'

/** The shape every bench returns (see bench/run.ts): rows without a target are informational. */
export interface ModelBenchRow {
  name: string
  value: number
  unit: string
  target?: number
  pass?: boolean
}

/** Whole capture → snapshot, parsing included: what a user waits for after a capture. */
const TARGET_TOTAL_MS = 3000
/** The model's own share (everything but parsing conntrack text). */
const TARGET_MODEL_MS = 1000

const best = (times: number[]): number => Math.round(Math.min(...times))

export async function run(): Promise<ModelBenchRow[]> {
  const capture = generateCapture({ containers: 1000, bridges: 4, conntrack: 262_144 })
  const conntrackText = capture.sections.find((s) => s.name === 'conntrack.list')!.stdout
  buildSnapshot(generateCapture({ containers: 20, bridges: 4, conntrack: 1000 })) // warm-up
  const total: number[] = []
  const parse: number[] = []
  let entries = 0
  for (let i = 0; i < 3; i++) {
    let start = performance.now()
    const snapshot = buildSnapshot(capture)
    total.push(performance.now() - start)
    entries = snapshot.conntrack.entries.length
    start = performance.now()
    parseConntrack(conntrackText)
    parse.push(performance.now() - start)
  }
  const model = Math.max(0, best(total) - best(parse))
  const complete = entries === 262_144
  return [
    {
      name: `buildSnapshot: 1,000 containers on 4 bridges, ${entries.toLocaleString('en')} conntrack entries (best of 3)`,
      value: best(total),
      unit: 'ms',
      target: TARGET_TOTAL_MS,
      pass: complete && best(total) <= TARGET_TOTAL_MS
    },
    { name: 'of which parseConntrack on 262,144 lines (best of 3)', value: best(parse), unit: 'ms' },
    {
      name: 'of which the model itself (total minus conntrack parsing)',
      value: model,
      unit: 'ms',
      target: TARGET_MODEL_MS,
      pass: complete && model <= TARGET_MODEL_MS
    }
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run())
    console.log(
      `${row.pass === undefined ? 'INFO' : row.pass ? 'PASS' : 'FAIL'} ${row.name}: ${row.value} ${row.unit}${row.target !== undefined ? ` (target ≤ ${row.target})` : ''}`
    )
}
