/**
 * Fleet at scale (`npm run bench -- fleet`):
 *   1. a folder of 200 generated captures (30 containers on 3 bridges and 2,000 conntrack entries
 *      each, in the probe's own formats) summarized the way `netlens fleet DIR` does it: read,
 *      build every snapshot, diagnose each host and check across hosts. Target < 10 s.
 *   2. the Fleet view's table for those 200 hosts in Debian Chromium, through browser mode (the
 *      real backend and renderer): from the report arriving in the page to 200 rows on screen,
 *      and re-sorting them. Target < 1.5 s.
 *   3. three SSH aliases of a throwaway sshd on 127.0.0.1 captured in parallel against one alone
 *      (root and sshd needed; it captures this machine as it is). Target ≤ 2×. With the host's
 *      floor beside it (the probe's CPU on this same host, three at once), and the same ratio
 *      with a stand-in probe that replays a recorded capture: NetLens's own share.
 * Every row gives min / median / max of its runs; the value is the median.
 */
import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { serializeCapture } from '../src/main/capture/capture-file'
import { captureFileName, captureFleet } from '../src/main/fleet/capture'
import { expandFleetSources } from '../src/main/fleet/members'
import { diagnose } from '../src/shared/diagnose/index'
import { buildFleetReport } from '../src/shared/fleet/report'
import { generateCapture } from './model-capture'
import { median, spread as spreadOf, spreadText } from './stats'

export interface FleetBenchRow {
  name: string
  value: number
  unit: string
  target?: number
  pass?: boolean
  skipped?: boolean
  input?: string
}

const HOSTS = 200
const RUNS = 3
/** Where the UI row looks for Chromium (test/e2e/support/chromium.ts reads the same variable; loaded only when the row runs). */
const CHROMIUM = process.env.NETLENS_CHROMIUM ?? '/usr/bin/chromium'

/** The row's input column: min–max of the runs (the row's value is the median). */
const spread = (xs: number[], unit = 'ms'): string => spreadText(spreadOf(xs), unit)

function skipped(what: string, reason: string): FleetBenchRow {
  console.warn(`\n${'!'.repeat(80)}\n!!!! FLEET BENCH ROW SKIPPED (${what}): ${reason}\n${'!'.repeat(80)}\n`)
  return { name: `SKIPPED ${what}: ${reason}`, value: Number.NaN, unit: '', skipped: true }
}

/** 200 capture files of different hosts (names, addresses; one in ten on another docker release). */
function writeFleetFolder(dir: string): void {
  const base = generateCapture({ containers: 30, bridges: 3, conntrack: 2000 })
  for (let i = 0; i < HOSTS; i++) {
    const host = `fleet-${String(i + 1).padStart(3, '0')}`
    const address = `198.18.${i >> 8}.${(i & 255) + 1}`
    const capture = {
      ...base,
      source: `file:${host}.cap`,
      sections: base.sections.map((s) => {
        if (s.name === 'meta.hostname') return { ...s, stdout: `${host}\n` }
        if (s.name === 'docker.version' && i % 10 === 9) return { ...s, stdout: '24.0.7\n' }
        if (s.name === 'ip.addr') return { ...s, stdout: s.stdout.replaceAll('192.0.2.10', address) }
        return s
      })
    }
    writeFileSync(join(dir, `${host}.cap`), serializeCapture(capture))
  }
}

async function summarize(dir: string): Promise<number> {
  const start = performance.now()
  const { members } = await expandFleetSources([dir])
  const results = await captureFleet(members)
  const report = buildFleetReport(
    results.map((r) => ({ id: r.member.id, label: r.member.label, snapshot: r.snapshot, error: r.error })),
    diagnose
  )
  const ms = performance.now() - start
  if (report.hosts.length !== HOSTS || report.hosts.some((h) => h.state !== 'ok'))
    throw new Error(`summary is wrong: ${report.hosts.filter((h) => h.state !== 'ok').length} hosts not ok`)
  return ms
}

async function tableRender(dir: string): Promise<FleetBenchRow[]> {
  try {
    accessSync(CHROMIUM, constants.X_OK)
  } catch {
    if (process.env.NETLENS_REQUIRE_ALL_TIERS === '1') throw new Error(`Chromium not found at ${CHROMIUM}`)
    return [skipped('fleet table render', `Chromium not found at ${CHROMIUM}`)]
  }
  const [
    { buildRendererOnly, rendererOut },
    { startBrowserServer },
    { createBackend },
    { createDefaultDeps },
    { launchChromium }
  ] = await Promise.all([
    import('../test/e2e/support/build-renderer'),
    import('../src/main/server/browser-server'),
    import('../src/main/service/backend'),
    import('../src/main/service/default-deps'),
    import('../test/e2e/support/chromium')
  ])
  await buildRendererOnly()
  const state = mkdtempSync(join(tmpdir(), 'netlens-bench-fleet-ui-'))
  writeFileSync(join(state, 'ssh_config'), '')
  const backend = createBackend(
    createDefaultDeps({ stateFile: null, sshConfigFile: join(state, 'ssh_config') }),
    'browser'
  )
  const server = await startBrowserServer({ backend, staticDir: rendererOut })
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(server.url)
    await page.click('button[data-view=fleet]')
    await page.waitForSelector('[data-testid=view-fleet]')
    // In-page code is plain JavaScript text (this file is type-checked without the DOM library).
    // The page notes when the report has arrived (the response is read): rendering starts there.
    const instrument = `(() => {
      const original = window.fetch.bind(window)
      window.fetch = async (...args) => {
        const response = await original(...args)
        if (String(args[0]).includes('fleetOpenFolder')) {
          const body = await response.clone().text()
          window.__fleetArrived = performance.now()
          return new Response(body, { status: response.status, headers: response.headers })
        }
        return response
      }
    })()`
    const rendered = `new Promise((resolve) => {
      const check = () => {
        const rows = document.querySelectorAll('[data-testid=fleet-row]').length
        if (window.__fleetArrived !== undefined && rows === ${HOSTS} && document.querySelector('[data-testid=fleet-summary]'))
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - window.__fleetArrived)))
        else requestAnimationFrame(check)
      }
      check()
    })`
    const resorted = `new Promise((resolve) => {
      const first = document.querySelector('[data-testid=fleet-row] .name')?.textContent
      const start = performance.now()
      document.querySelector('th[data-sort=label] button').click()
      const check = () => {
        if (document.querySelector('[data-testid=fleet-row] .name')?.textContent !== first)
          requestAnimationFrame(() => resolve(performance.now() - start))
        else requestAnimationFrame(check)
      }
      check()
    })`
    const render: number[] = []
    const sort: number[] = []
    for (let i = 0; i < RUNS; i++) {
      // A fresh page each run: an empty table, so the rows counted are the new ones.
      if (i > 0) await page.reload()
      await page.waitForSelector('[data-testid=view-fleet]')
      await page.evaluate(instrument)
      await page.fill('[data-testid=fleet-folder]', dir)
      await page.click('[data-testid=fleet-folder] ~ button')
      render.push((await page.evaluate(rendered)) as number)
      sort.push((await page.evaluate(resorted)) as number)
    }
    return [
      {
        name: `Fleet view: ${HOSTS}-host table rendered after the report arrives (Chromium, browser mode)`,
        value: Math.round(median(render)),
        unit: 'ms',
        target: 1500,
        pass: Math.max(...render) < 1500,
        input: spread(render)
      },
      {
        name: `Fleet view: re-sort the ${HOSTS} rows by host name`,
        value: Math.round(median(sort)),
        unit: 'ms',
        target: 1500,
        pass: Math.max(...sort) < 1500,
        input: spread(sort)
      }
    ]
  } finally {
    await browser.close()
    backend.dispose()
    await server.close()
    rmSync(state, { recursive: true, force: true })
  }
}

/** The host CPU (user + system of the probe shell's children: every command it ran) of one probe run, s. */
async function probeHostCpuSeconds(alias: string, config: string): Promise<number> {
  const { sshCommand, probeScriptPath } = await import('../src/main/capture/run-probe')
  const { readFile } = await import('node:fs/promises')
  const { execa } = await import('execa')
  // `times` prints the shell's own times, then its children's: the probe is that child.
  const ssh = await sshCommand(alias, config, 'sh -s -- NLBENCHTIMES 200000 0 >/dev/null; times >&2')
  if (!ssh.ok) throw new Error(ssh.error.message)
  const r = await execa(ssh.value.file, ssh.value.args, { input: await readFile(probeScriptPath(), 'utf8'), reject: false })
  const children = String(r.stderr).trim().split('\n').at(-1) ?? ''
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]))
  if (seconds.length !== 2) throw new Error(`no times from the probe run: ${String(r.stderr).slice(-200)}`)
  return seconds[0] + seconds[1]
}

/**
 * Three aliases of one sshd on this machine against one alone, twice: with the real probe, and with
 * a stand-in probe that only `cat`s a capture recorded from the real one (same bytes over the same
 * ssh, parsed and built the same way). The real probe spends over a second of CPU on the host per
 * run (docker, iptables-save, conntrack), and all three aliases are this same 2-core host: three
 * probes at once cannot take less than 3 × that / 2 cores, whatever NetLens does. The stand-in row
 * is NetLens's own share (ssh, transfer, parse, build, scheduling); the real row states the host's
 * floor beside its ratio and keeps its target. An informational row gives where the time of three
 * goes: bare ssh logins (`ssh HOST true`) three against one, and per run of three, when each probe
 * ended, how long each host's model took (on NetLens's one thread) and that thread's CPU.
 */
export async function sshParallel(): Promise<FleetBenchRow[]> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return [skipped('ssh parallel fleet', 'root needed (the throwaway sshd and the probe run as root)')]
  const { SSHD_BINARY, startLabSshd, hostBlock } = await import('../test/live/support/sshd')
  try {
    accessSync(SSHD_BINARY, constants.X_OK)
  } catch {
    return [skipped('ssh parallel fleet', `${SSHD_BINARY} missing (apt-get install openssh-server)`)]
  }
  const sshd = await startLabSshd()
  const aliases = ['bench-a', 'bench-b', 'bench-c']
  try {
    const config = join(sshd.dir, 'fleet_config')
    writeFileSync(
      config,
      aliases
        .map((a) => hostBlock(a, sshd.port, join(sshd.dir, 'client'), join(sshd.dir, 'known_hosts'), sshd.dir))
        .join('\n')
    )
    const { members } = await expandFleetSources(aliases)
    const recordedDir = join(sshd.dir, 'recorded')
    const timelines: string[] = []
    const wall = async (list: typeof members, probeScript?: string, outDir?: string): Promise<number> => {
      const cpuBefore = process.cpuUsage()
      const results = await captureFleet(list, { sshConfigFile: config, parallel: 3, probeScript, outDir })
      const cpu = process.cpuUsage(cpuBefore)
      const failed = results.find((r) => r.error)
      if (failed) throw new Error(`${failed.member.label}: ${failed.error!.message}`)
      const start = Math.min(...results.map((r) => r.startedAt))
      const ms = Math.max(...results.map((r) => r.endedAt)) - start
      if (list.length === 3 && !probeScript)
        timelines.push(
          `${ms} ms: probes ended at +${results.map((r) => r.endedAt - start).join('/+')} ms, models ${results.map((r) => r.modelMs).join('/')} ms; ` +
            `NetLens's process ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU`
        )
      return ms
    }
    const { execa } = await import('execa')
    const logins = async (n: number): Promise<number> => {
      const start = performance.now()
      await Promise.all(aliases.slice(0, n).map((alias) => execa('ssh', ['-F', config, alias, 'true'])))
      return performance.now() - start
    }
    await wall(members.slice(0, 1), undefined, recordedDir) // warm-up, and the capture the stand-in replays
    const recorded = join(recordedDir, captureFileName(members[0].label))
    const standIn = `cat '${recorded}'\n`
    const recordedBytes = statSync(recorded).size
    const one: number[] = []
    const three: number[] = []
    const standInOne: number[] = []
    const standInThree: number[] = []
    const probeCpu: number[] = []
    const loginOne: number[] = []
    const loginThree: number[] = []
    for (let i = 0; i < RUNS; i++) {
      loginOne.push(await logins(1))
      loginThree.push(await logins(3))
      one.push(await wall(members.slice(0, 1)))
      three.push(await wall(members))
      standInOne.push(await wall(members.slice(0, 1), standIn))
      standInThree.push(await wall(members, standIn))
      probeCpu.push(await probeHostCpuSeconds(aliases[0], config))
    }
    const ratio = median(three) / median(one)
    const standInRatio = median(standInThree) / median(standInOne)
    const cores = availableParallelism()
    const cpu = median(probeCpu)
    const floorMs = ((3 * cpu) / cores) * 1000
    const r2 = (n: number): string => n.toFixed(2)
    const loginRatio = median(loginThree) / median(loginOne)
    return [
      {
        name: 'ssh fleet: where three hosts’ time goes (bare ssh logins three / one; each three-alias run)',
        value: Number(loginRatio.toFixed(2)),
        unit: '×',
        input:
          `ssh HOST true, three: ${spread(loginThree)}; one: ${spread(loginOne)}. Runs of three: ` +
          timelines.join('; ')
      },
      {
        name: 'ssh fleet: three aliases in parallel / one alone (median wall time)',
        value: Number(ratio.toFixed(2)),
        unit: '×',
        target: 2,
        pass: ratio <= 2,
        input:
          `three: ${spread(three)}; one: ${spread(one)}; the probe's own CPU on the host ${r2(cpu)} s per run ` +
          `(${spreadText(spreadOf(probeCpu), 's', 2)}, dockerd's not counted), all three aliases on this ${cores}-core host: ` +
          `three need ≥ ${Math.round(floorMs)} ms = ${r2(floorMs / median(one))}× one alone`
      },
      {
        name: "ssh fleet, NetLens's own share: three / one with a stand-in probe (cat of a recorded capture)",
        value: Number(standInRatio.toFixed(2)),
        unit: '×',
        target: 2,
        pass: standInRatio <= 2,
        input: `${(recordedBytes / 1e6).toFixed(2)} MB each; three: ${spread(standInThree)}; one: ${spread(standInOne)}`
      }
    ]
  } finally {
    await sshd.stop()
  }
}

export async function run(): Promise<FleetBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-bench-fleet-'))
  try {
    writeFleetFolder(dir)
    await summarize(dir) // warm-up
    const times: number[] = []
    for (let i = 0; i < RUNS; i++) times.push(await summarize(dir))
    return [
      {
        name: `netlens fleet DIR: ${HOSTS} captures read, built, diagnosed and checked across hosts`,
        value: Math.round(median(times)),
        unit: 'ms',
        target: 10_000,
        pass: Math.max(...times) < 10_000,
        input: spread(times)
      },
      ...(await tableRender(dir)),
      ...(await sshParallel())
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run())
    console.log(
      `${row.skipped ? 'SKIP' : row.pass ? 'PASS' : 'FAIL'} ${row.name}: ${row.value} ${row.unit} (${row.input ?? ''})`
    )
}
