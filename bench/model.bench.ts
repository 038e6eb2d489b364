/**
 * Snapshot model speed: buildSnapshot on a generated capture with 262,144 conntrack lines and
 * 1,000 containers on 4 bridges (parsing included). Run with `npm run bench`.
 */
import { performance } from 'node:perf_hooks'
import { buildSnapshot } from '../src/main/model/build-snapshot'
import { generateCapture } from './model-capture'

export interface ModelBenchRow {
  name: string
  value: number
  unit: string
  target: number
  pass: boolean
}

const TARGET_MS = 4000

export async function run(): Promise<ModelBenchRow[]> {
  const capture = generateCapture({ containers: 1000, bridges: 4, conntrack: 262_144 })
  buildSnapshot(generateCapture({ containers: 20, bridges: 4, conntrack: 1000 })) // warm-up
  const times: number[] = []
  let entries = 0
  for (let i = 0; i < 3; i++) {
    const start = performance.now()
    const snapshot = buildSnapshot(capture)
    times.push(performance.now() - start)
    entries = snapshot.conntrack.entries.length
  }
  const best = Math.round(Math.min(...times))
  return [
    {
      name: `buildSnapshot: 1,000 containers on 4 bridges, ${entries.toLocaleString('en')} conntrack entries (best of 3)`,
      value: best,
      unit: 'ms',
      target: TARGET_MS,
      pass: best <= TARGET_MS && entries === 262_144
    }
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run())
    console.log(`${row.pass ? 'PASS' : 'FAIL'} ${row.name}: ${row.value} ${row.unit} (target ≤ ${row.target})`)
}
