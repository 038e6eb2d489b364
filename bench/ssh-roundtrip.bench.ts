/**
 * SSH capture cost against the lab sshd (127.0.0.1, started here) and the live lab (bench/lab.ts:
 * a running lab is used as it is; otherwise it is brought up under the lab lock and taken down
 * again), each timed over 5 runs, interleaved, after a warm-up:
 *   cli       `netlens capture HOST -o FILE`, end to end: node start, ssh, the probe, parsing and
 *             writing the file (the prebuilt CLI, as `npx netlens` runs it)
 *   capture   NetLens's runProbe over ssh in this process (one session, probe.sh on stdin)
 *   bare      the same section commands as one plain `ssh HOST sh -s < commands`
 *   separate  the same commands as one `ssh HOST CMD` each (what a naive tool does), once
 *   login     `ssh HOST true`, for scale
 * Targets: cli ≤ 1.5 × bare (issue #16), capture ≤ 1.25 × bare (the probe's framing and
 * bookkeeping cost little over the commands). Without root, sshd or docker it prints a loud
 * SKIPPED row instead of a number.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { execa } from 'execa'
import { runProbe } from '../src/main/capture/run-probe'
import { startLabSshd, type LabSshd } from '../test/live/support/sshd'
import { BUNDLE_ENV, NETLENS_BIN, buildCliBundle } from './cli-bundle'
import { labMissing, skippedRow, withLab } from './lab'
import type { BenchResult } from './run'
import { spread, type Spread } from './stats'

const RUNS = 5
const TARGET_CLI_RATIO = 1.5
const TARGET_PROBE_RATIO = 1.25

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

/** The capture's section commands as one plain sh script (placeholders like `<pid>` are not runnable: left out). */
export function bareScript(commands: string[]): string {
  return commands
    .filter((c) => !/<[a-z]+>/.test(c))
    .map((c) => `${c} 2>&1`)
    .join('\n')
    .concat('\n')
}

const msRow = (name: string, s: Spread): BenchResult => ({
  name,
  value: Math.round(s.median),
  min: Math.round(s.min),
  max: Math.round(s.max),
  runs: s.runs,
  unit: 'ms'
})

export async function run(): Promise<BenchResult[]> {
  const why = await labMissing()
  if (why) return [skippedRow('ssh round trip', why)]
  await buildCliBundle()
  const result = await withLab(async () => {
    let sshd: LabSshd | null = null
    const dir = await mkdtemp(join(tmpdir(), 'netlens-bench-ssh-'))
    try {
      sshd = await startLabSshd()
      const cfg = sshd.configFile
      const alias = sshd.aliases.ok
      const ssh = (args: string[], input?: string) =>
        execa('ssh', ['-T', '-o', 'BatchMode=yes', '-F', cfg, alias, ...args], { input, reject: false, maxBuffer: 1024 ** 3 })
      const cli = () =>
        execa(process.execPath, [NETLENS_BIN, 'capture', alias, '-F', cfg, '-o', join(dir, 'host.cap'), '--quiet'], {
          reject: false,
          env: BUNDLE_ENV
        })

      // Warm-up, and the command list the bare runs repeat.
      const first = await runProbe({ kind: 'ssh', alias }, { sshConfigFile: cfg })
      if (!first.ok) return [skippedRow('ssh round trip', `probe over ssh failed: ${first.error.message}`)]
      const warm = await cli()
      if (warm.exitCode !== 0) throw new Error(`netlens capture failed: ${warm.stderr}`)
      const commands = first.value.sections.map((s) => s.command)
      const script = bareScript(commands)
      const runnable = commands.filter((x) => !/<[a-z]+>/.test(x))

      const times = { cli: [] as number[], capture: [] as number[], bare: [] as number[], login: [] as number[] }
      const ratios = { cli: [] as number[], capture: [] as number[] }
      for (let i = 0; i < RUNS; i++) {
        const c = await timed(async () => {
          const r = await cli()
          if (r.exitCode !== 0) throw new Error(`netlens capture failed: ${r.stderr}`)
        })
        const p = await timed(async () => {
          const r = await runProbe({ kind: 'ssh', alias }, { sshConfigFile: cfg })
          if (!r.ok) throw new Error(r.error.message)
        })
        const b = await timed(async () => void (await ssh(['sh', '-s'], script)))
        times.cli.push(c)
        times.capture.push(p)
        times.bare.push(b)
        ratios.cli.push(c / b)
        ratios.capture.push(p / b)
        times.login.push(await timed(async () => void (await ssh(['true']))))
      }
      // One run is enough to show the cost of a session per command.
      const separate = await timed(async () => {
        for (const c of runnable) await ssh([c])
      })
      const cliRatio = spread(times.cli).median / spread(times.bare).median
      const probeRatio = spread(times.capture).median / spread(times.bare).median
      const ratioRow = (name: string, value: number, per: number[], target: number): BenchResult => {
        const s = spread(per)
        return { name, value: Number(value.toFixed(2)), min: s.min, max: s.max, runs: s.runs, unit: '×', target, pass: value <= target }
      }
      return [
        ratioRow('`netlens capture HOST` (CLI, end to end) / one bare ssh of the same commands', cliRatio, ratios.cli, TARGET_CLI_RATIO),
        ratioRow(`runProbe over ssh (${commands.length} sections) / the same bare ssh`, probeRatio, ratios.capture, TARGET_PROBE_RATIO),
        msRow('`netlens capture HOST -o FILE`, wall time', spread(times.cli)),
        msRow('runProbe over ssh, in process', spread(times.capture)),
        msRow('bare commands in one ssh session', spread(times.bare)),
        { name: `the same commands as ${runnable.length} separate ssh invocations (once)`, value: Math.round(separate), unit: 'ms' },
        msRow('one ssh login (`ssh host true`)', spread(times.login))
      ]
    } finally {
      await sshd?.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })
  return 'labFailed' in result ? [skippedRow('ssh round trip', result.labFailed)] : result
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run()) {
    const verdict = row.skipped ? 'SKIPPED' : row.pass === undefined ? 'INFO' : row.pass ? 'PASS' : 'FAIL'
    console.log(`${verdict} ${row.name}: ${row.value} ${row.unit}${row.target !== undefined ? ` (target ≤ ${row.target})` : ''}`)
  }
}
