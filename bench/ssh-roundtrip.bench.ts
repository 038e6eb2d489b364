/**
 * SSH capture cost against the lab sshd (127.0.0.1, started here; the lab is brought up when it is
 * not running and taken down again afterwards):
 *   capture   NetLens's runProbe over ssh (one session, probe.sh on stdin)
 *   bare      the same section commands as one plain `ssh HOST sh -s < commands`
 *   separate  the same commands as one `ssh HOST CMD` each (what a naive tool does)
 *   login     `ssh HOST true`, for scale
 * Target: capture ≤ 1.25 × bare (the probe's framing and bookkeeping cost little over the commands).
 * Without root, sshd or docker it prints a loud SKIPPED row instead of a number.
 *
 * BenchResult is defined here as { name, value, unit, target?, pass?, skipped? }, the shape the
 * other benches return (bench/run.ts prints each row).
 */
import { accessSync, constants } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { resolve } from 'node:path'
import { execa } from 'execa'
import { runProbe } from '../src/main/capture/run-probe'
import { SSHD_BINARY, startLabSshd, type LabSshd } from '../test/live/support/sshd'
import { labEnv } from '../test/live/support/lab-env'

export interface BenchResult {
  name: string
  value: number
  unit: string
  target?: number
  pass?: boolean
  skipped?: boolean
}

const RUNS = 3
const TARGET_RATIO = 1.25
const LAB = resolve(import.meta.dirname ?? '.', '../scripts/lab.sh')

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

function skippedRow(reason: string): BenchResult[] {
  const bar = '!'.repeat(90)
  console.warn(`\n${bar}\n!!!! SSH ROUND-TRIP BENCH SKIPPED: ${reason}\n${bar}\n`)
  return [{ name: `SKIPPED ssh round trip: ${reason}`, value: Number.NaN, unit: '', skipped: true }]
}

async function missing(): Promise<string | null> {
  if (process.platform !== 'linux') return `Linux needed (this is ${process.platform})`
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'root needed (the lab sshd and the probe run as root)'
  try {
    accessSync(SSHD_BINARY, constants.X_OK)
  } catch {
    return `${SSHD_BINARY} missing (apt-get install openssh-server)`
  }
  const docker = await execa('docker', ['info'], { reject: false })
  if (docker.exitCode !== 0) return 'docker is not reachable (start dockerd, or run bash scripts/lab.sh up)'
  return null
}

/** The capture's section commands as one plain sh script (placeholders like `<pid>` are not runnable: left out). */
export function bareScript(commands: string[]): string {
  return commands
    .filter((c) => !/<[a-z]+>/.test(c))
    .map((c) => `${c} 2>&1`)
    .join('\n')
    .concat('\n')
}

export async function run(): Promise<BenchResult[]> {
  const why = await missing()
  if (why) return skippedRow(why)

  const status = await execa('bash', [LAB, 'status'], { reject: false })
  const ownLab = status.exitCode !== 0
  let sshd: LabSshd | null = null
  try {
    if (ownLab) {
      const up = await execa('bash', [LAB, 'up'], { reject: false, env: await labEnv() })
      if (up.exitCode !== 0) return skippedRow(`lab.sh up failed: ${up.stderr.trim().split('\n').pop()}`)
    }
    sshd = await startLabSshd()
    const cfg = sshd.configFile
    const alias = sshd.aliases.ok
    const ssh = (args: string[], input?: string) =>
      execa('ssh', ['-T', '-o', 'BatchMode=yes', '-F', cfg, alias, ...args], { input, reject: false, maxBuffer: 1024 ** 3 })

    // Warm-up, and the command list the bare runs repeat.
    const first = await runProbe({ kind: 'ssh', alias }, { sshConfigFile: cfg })
    if (!first.ok) return skippedRow(`probe over ssh failed: ${first.error.message}`)
    const commands = first.value.sections.map((s) => s.command)
    const script = bareScript(commands)

    const capture: number[] = []
    const bare: number[] = []
    const separate: number[] = []
    const login: number[] = []
    for (let i = 0; i < RUNS; i++) {
      capture.push(
        await timed(async () => {
          const r = await runProbe({ kind: 'ssh', alias }, { sshConfigFile: cfg })
          if (!r.ok) throw new Error(r.error.message)
        })
      )
      bare.push(await timed(async () => void (await ssh(['sh', '-s'], script))))
      login.push(await timed(async () => void (await ssh(['true']))))
    }
    // One run is enough to show the cost of a session per command.
    separate.push(
      await timed(async () => {
        for (const c of commands.filter((x) => !/<[a-z]+>/.test(x))) await ssh([c])
      })
    )
    const c = median(capture)
    const b = median(bare)
    const ratio = c / b
    return [
      {
        name: `ssh capture (runProbe, ${commands.length} sections) / bare \`ssh sh -s\` of the same commands`,
        value: Number(ratio.toFixed(2)),
        unit: '×',
        target: TARGET_RATIO,
        pass: ratio <= TARGET_RATIO
      },
      { name: 'ssh capture (runProbe), median of 3', value: Math.round(c), unit: 'ms' },
      { name: 'bare commands in one ssh session, median of 3', value: Math.round(b), unit: 'ms' },
      { name: `the same commands as ${commands.filter((x) => !/<[a-z]+>/.test(x)).length} separate ssh invocations`, value: Math.round(separate[0]), unit: 'ms' },
      { name: 'one ssh login (`ssh host true`), median of 3', value: Math.round(median(login)), unit: 'ms' }
    ]
  } finally {
    await sshd?.stop()
    if (ownLab) await execa('bash', [LAB, 'down'], { reject: false })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run()) {
    const verdict = row.skipped ? 'SKIPPED' : row.pass === undefined ? 'INFO' : row.pass ? 'PASS' : 'FAIL'
    console.log(`${verdict} ${row.name}: ${row.value} ${row.unit}${row.target !== undefined ? ` (target ≤ ${row.target})` : ''}`)
  }
}
