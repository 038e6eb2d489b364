/**
 * CLI cold starts, timed by hyperfine (new processes, no shell in between, 3 warm-up runs, then 15):
 *   - `node bin/netlens.mjs version` against `node -e 0`: at most 4× (issue #16);
 *   - `node bin/netlens.mjs inspect lab.cap` (the real lab capture, test/fixtures/lab/…): < 400 ms;
 *   - for scale, not targets: `npx netlens version` (npm's own lookup of the package's bin comes on
 *     top) and the same `version` run from the TypeScript sources through tsx (what bin/netlens.mjs
 *     falls back to while the bundle is older than the sources).
 * The bundle is rebuilt first and forced (NETLENS_CLI=bundle), so what is timed is the current
 * sources' bundle. Without hyperfine the rows are a loud SKIPPED.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execa } from 'execa'
import { serializeCapture } from '../src/main/capture/capture-file'
import { captureFromDir } from '../test/support/capture-from-dir'
import { BUNDLE_ENV, NETLENS_BIN, buildCliBundle } from './cli-bundle'
import { skippedRow } from './lab'
import type { BenchResult } from './run'
import { spread } from './stats'

const ROOT = resolve(import.meta.dirname, '..')
const TARGET_VERSION_RATIO = 4
const TARGET_INSPECT_MS = 400

interface Timed {
  command: string
  times: number[]
}

async function hyperfine(commands: string[], env: Record<string, string>): Promise<Timed[]> {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-bench-cli-'))
  try {
    const out = join(dir, 'hyperfine.json')
    const r = await execa(
      'hyperfine',
      ['-N', '--warmup', '3', '--runs', '15', '--style', 'none', '--export-json', out, ...commands],
      { reject: false, cwd: ROOT, env: { ...process.env, ...env } }
    )
    if (r.exitCode !== 0) throw new Error(`hyperfine failed: ${r.stderr}`)
    const results = (JSON.parse(readFileSync(out, 'utf8')) as { results: { command: string; times: number[] }[] })
      .results
    return results.map((x) => ({ command: x.command, times: x.times.map((t) => t * 1000) }))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const row = (name: string, times: number[], extra: Partial<BenchResult> = {}): BenchResult => {
  const s = spread(times)
  return {
    name,
    value: Math.round(s.median),
    min: Math.round(s.min),
    max: Math.round(s.max),
    runs: s.runs,
    unit: 'ms',
    ...extra
  }
}

export async function run(): Promise<BenchResult[]> {
  if ((await execa('hyperfine', ['--version'], { reject: false })).exitCode !== 0)
    return [skippedRow('CLI start-up', 'hyperfine is not installed (apt-get install hyperfine)')]
  await buildCliBundle()
  const dir = mkdtempSync(join(tmpdir(), 'netlens-bench-cap-'))
  try {
    const cap = join(dir, 'lab.cap')
    writeFileSync(cap, serializeCapture(captureFromDir(join(ROOT, 'test/fixtures/lab/debian-12-docker-20.10'))))
    const bin = `node ${NETLENS_BIN}`
    const [bare, version, inspect] = await hyperfine(
      ['node -e 0', `${bin} version`, `${bin} inspect ${cap}`],
      BUNDLE_ENV
    )
    const [npx] = await hyperfine(['npx netlens version'], BUNDLE_ENV)
    const [source] = await hyperfine([`${bin} version`], { NETLENS_CLI: 'source' })
    const ratio = spread(version.times).median / spread(bare.times).median
    const perRun = version.times.map((t, i) => t / bare.times[i])
    const r = spread(perRun)
    return [
      row('`node -e 0`', bare.times),
      row('`netlens version` (prebuilt CLI)', version.times),
      {
        name: '`netlens version` / `node -e 0`',
        value: Number(ratio.toFixed(2)),
        min: r.min,
        max: r.max,
        runs: r.runs,
        unit: '×',
        target: TARGET_VERSION_RATIO,
        pass: ratio <= TARGET_VERSION_RATIO
      },
      row('`netlens inspect` of the lab capture (summary)', inspect.times, {
        input: `${(readFileSync(cap).length / 1e3).toFixed(0)} kB, ${captureFromDir(join(ROOT, 'test/fixtures/lab/debian-12-docker-20.10')).sections.length} sections`,
        target: TARGET_INSPECT_MS,
        pass: spread(inspect.times).median < TARGET_INSPECT_MS
      }),
      row('`npx netlens version` (npm resolves the bin first)', npx.times),
      row('`netlens version` from the sources (tsx, the stale-bundle fallback)', source.times)
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run())
    console.log(`${r.pass === undefined ? 'INFO' : r.pass ? 'PASS' : 'FAIL'} ${r.name}: ${r.value} ${r.unit}`)
}
