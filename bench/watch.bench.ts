/**
 * `netlens watch` at 1 s on a host with 2,000 interfaces:
 *   - parse per sample: the loop's output for one frame (a generated /proc/net/dev of 1,500
 *     interfaces plus 250 containers' /proc/<pid>/net/dev of 2 each) through FrameParser,
 *     parseCounterFrame and computeRates with container labels; median of 40 samples after a
 *     warm-up, < 5 ms;
 *   - the remote loop's CPU: the real loop (spawnCounterLoop: the script, ticked at 1 s) run for
 *     20 s in a network namespace made here with 1,500 interfaces (250 veths whose peers are the
 *     eth0 of 250 "container" processes, each in a namespace of its own, and 625 more veth
 *     pairs), streaming those 250 processes: the CPU time of the loop's whole process tree (its
 *     long-lived sed, or awk and cat, and every child it has reaped) from /proc/<pid>/stat over the wall
 *     time, < 1% of one core. Needs root; everything it makes (namespaces, processes, veths) is
 *     removed afterwards. No interface is up, no packet is sent.
 */
import { execa, type ResultPromise } from 'execa'
import { readdirSync, readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { computeRates } from '../src/shared/traffic/rates'
import { parseCounterFrame } from '../src/main/traffic/sampler'
import { BOUNDARY, FrameParser, spawnCounterLoop } from '../src/main/traffic/stream'
import { skippedRow } from './lab'
import type { BenchResult } from './run'
import { spread } from './stats'

const HOST_IFACES = 1500
const CONTAINERS = 250
const SAMPLES = 40
const LOOP_SECONDS = 20
const TARGET_PARSE_MS = 5
const TARGET_CPU_PERCENT = 1

const DEV_HEADER = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed'
]

function devLine(name: string, n: number, tick: number): string {
  const rx = n * 1000 + tick * 1500 * (n % 7)
  const tx = n * 900 + tick * 700 * (n % 5)
  return `${name.padStart(15)}: ${rx} ${Math.floor(rx / 900)} 0 0 0 0 0 0 ${tx} ${Math.floor(tx / 800)} 0 0 0 0 0 0`
}

/** One frame as the loop prints it (sed or awk: each file whole after its header), with counters grown by `tick` seconds of traffic. */
export function loopFrame(tick: number): string {
  const out = [`${BOUNDARY} begin`, `${BOUNDARY} file /proc/uptime`, `${1000 + tick}.00 3999.00`, `${BOUNDARY} file /proc/net/dev`]
  out.push(...DEV_HEADER)
  for (let i = 0; i < HOST_IFACES; i++) out.push(devLine(`veth${i.toString(16).padStart(7, '0')}`, i, tick))
  for (let c = 0; c < CONTAINERS; c++) {
    const pid = 20_000 + c
    out.push(`${BOUNDARY} file /proc/${pid}/net/dev`, ...DEV_HEADER, devLine('lo', c, tick), devLine('eth0', c + 7, tick))
  }
  out.push(`${BOUNDARY} end`, '')
  return out.join('\n')
}

function parseCost(): BenchResult {
  const label = (netns: string, iface: string): string | null =>
    netns.startsWith('pid:') ? `app-${netns.slice(4)}` : iface.startsWith('veth') ? `app-${iface.length}` : null
  const parser = new FrameParser(() => 0)
  const texts = Array.from({ length: SAMPLES + 11 }, (_, i) => loopFrame(i))
  const sample = (text: string, prev: ReturnType<typeof parseCounterFrame>['frame'] | null) => {
    const [raw] = parser.push(text)
    const { frame } = parseCounterFrame(raw)
    const rates = prev ? computeRates(prev, frame, label).rates.length : 0
    return { frame, rates }
  }
  let prev = sample(texts[0], null).frame
  for (let i = 1; i <= 10; i++) prev = sample(texts[i], prev).frame // warm-up
  const times: number[] = []
  let rates = 0
  for (let i = 11; i < texts.length; i++) {
    const start = performance.now()
    const r = sample(texts[i], prev)
    times.push(performance.now() - start)
    prev = r.frame
    rates = r.rates
  }
  const s = spread(times)
  const r2 = (n: number): number => Math.round(n * 100) / 100
  return {
    name: 'watch: parse one sample and compute its rates',
    input: `${(HOST_IFACES + CONTAINERS * 2).toLocaleString('en')} interfaces (${CONTAINERS} container namespaces), ${(texts[20].length / 1e3).toFixed(0)} kB`,
    value: r2(s.median),
    min: r2(s.min),
    max: r2(s.max),
    runs: s.runs,
    unit: 'ms',
    target: TARGET_PARSE_MS,
    pass: s.median < TARGET_PARSE_MS && rates === HOST_IFACES + CONTAINERS * 2
  }
}

/**
 * utime + stime + cutime + cstime of a process and of every live descendant, in seconds: a child
 * that has exited and been reaped is in its parent's cutime/cstime, a live one only in its own.
 */
export function treeCpuSeconds(pid: number, ticksPerS: number): number {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return 0 // gone meanwhile: reaped into its parent's times
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields 14–17 of proc(5), counted from the state (field 3) here.
  let seconds = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / ticksPerS
  let tasks: string[] = []
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    // gone meanwhile
  }
  for (const tid of tasks) {
    let children: string[] = []
    try {
      children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(' ').filter(Boolean)
    } catch {
      // gone meanwhile
    }
    for (const child of children) seconds += treeCpuSeconds(Number(child), ticksPerS)
  }
  return seconds
}

async function loopCost(): Promise<BenchResult> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return skippedRow('watch remote loop', 'root needed (the bench makes network namespaces)') as BenchResult
  const ns = `nlbench-watch-${process.pid}`
  const containers: ResultPromise[] = []
  let loop: ReturnType<typeof spawnCounterLoop> | null = null
  try {
    await execa('ip', ['netns', 'add', ns])
    for (let c = 0; c < CONTAINERS; c++)
      containers.push(execa('unshare', ['-n', 'sleep', '600'], { reject: false, stdio: 'ignore' }))
    // Wait until each process is in its own namespace (its net/dev shows only lo), then give it an eth0.
    for (let tries = 0; tries < 300; tries++) {
      const ready = containers.filter((p) => {
        try {
          return p.pid !== undefined && readFileSync(`/proc/${p.pid}/net/dev`, 'utf8').trim().split('\n').length === 3
        } catch {
          return false
        }
      }).length
      if (ready === CONTAINERS) break
      await sleep(100)
    }
    const batch = [
      ...containers.map((p, c) => `link add cv${c} type veth peer name eth0 netns ${p.pid}`),
      ...Array.from({ length: (HOST_IFACES - CONTAINERS) / 2 }, (_, i) => `link add ha${i} type veth peer name hb${i}`)
    ]
    await execa('ip', ['-n', ns, '-batch', '-'], { input: batch.join('\n') + '\n' })
    const pids = containers.map((p) => ({ netns: `pid:${p.pid}`, pid: p.pid! }))
    const ticksPerS = Number((await execa('getconf', ['CLK_TCK'])).stdout) || 100
    loop = spawnCounterLoop('ip', ['netns', 'exec', ns, 'sh', '-s'], { intervalS: 1, pids })
    const loopPid = loop.pid!
    let frames = 0
    let lastSize = 0
    const reading = (async () => {
      for await (const frame of loop.frames) {
        frames++
        lastSize = frame.dev.length
      }
    })()
    // From the first frame on: the steady cost, not the shell's start-up.
    while (frames === 0) await sleep(50)
    const cpuAtStart = treeCpuSeconds(loopPid, ticksPerS)
    const framesAtStart = frames
    const started = performance.now()
    await sleep(LOOP_SECONDS * 1000)
    const cpu = treeCpuSeconds(loopPid, ticksPerS) - cpuAtStart
    const wall = (performance.now() - started) / 1000
    const framesMeasured = frames - framesAtStart
    const percent = (cpu / wall) * 100
    const row: BenchResult = {
      name: 'watch: the remote sampler loop, CPU of one core at 1 s',
      input: `${HOST_IFACES + CONTAINERS * 2} interfaces, ${CONTAINERS} container namespaces, ${framesMeasured} frames in ${wall.toFixed(0)} s (${lastSize} namespaces each)`,
      value: Math.round(percent * 100) / 100,
      unit: '%',
      target: TARGET_CPU_PERCENT,
      pass: percent < TARGET_CPU_PERCENT && framesMeasured >= LOOP_SECONDS - 2 && lastSize === CONTAINERS + 1
    }
    loop.stop()
    await reading
    return row
  } finally {
    loop?.stop()
    for (const c of containers) c.kill('SIGKILL')
    await Promise.allSettled(containers)
    await execa('ip', ['netns', 'del', ns], { reject: false })
  }
}

export async function run(): Promise<BenchResult[]> {
  return [parseCost(), await loopCost()]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run())
    console.log(
      `${r.pass === undefined ? 'INFO' : r.pass ? 'PASS' : 'FAIL'} ${r.name}: ${r.value} ${r.unit} (${r.input ?? ''})`
    )
}
