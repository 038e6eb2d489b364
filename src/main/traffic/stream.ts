/**
 * The live counter stream: ONE long-lived read-only loop per host (locally `sh -s`, remotely
 * `ssh … HOST sh -s`) that prints a boundary-delimited frame at start and then one per tick:
 *
 *   @@NLFRAME@@ begin
 *   @@NLFRAME@@ file /proc/uptime
 *   <the uptime line>
 *   @@NLFRAME@@ file /proc/net/dev
 *   <the host's /proc/net/dev, whole>
 *   @@NLFRAME@@ file /proc/<pid>/net/dev   (each streamed container namespace's, whole)
 *   <…>
 *   @@NLFRAME@@ end
 *
 * NetLens ticks it: one newline on the loop's stdin per interval, so a frame costs the host no
 * process at all. The reader is a long-lived `sed -u` whose script is, per file, an `a` of the
 * header and an `r` of the file: stdio copies each file whole, with no per-line work (`-u` reads
 * the ticks as they come and flushes each frame). A sed without `-u` (busybox) leaves it to a
 * long-lived `awk` that re-reads the files with getline/close, a file a record where the awk
 * allows (gawk, busybox; mawk must be told `-W interactive` to read its stdin line by line, and
 * then reads every file by lines), printing through one long-lived `cat` (buffered output
 * whatever the awk). A host without awk gets a `grep -H ''` per tick, whose `PATH:line` lines
 * the parser reads too. Per frame on 1,500 interfaces and 250 namespaces, most of the cost is the
 * kernel's: opening 250 /proc/<pid>/net/dev (never cached) and formatting the counters; the
 * reader's share is what sed cut (bench/watch.bench.ts). A `grep -H` and a `sleep` per frame
 * were two fork+execs, more than half of the loop's cost on a host with 250 containers. When
 * NetLens stops or goes away, the stdin ends and so does the loop, at once (no sleep to wait out,
 * no orphan). The uptime, in hundredths of a second and read with the counters, times the frame.
 * A container whose process has exited has no lines (a header alone, or nothing).
 *
 * The script is one `{ … }` block, so the shell has read all of it before the first tick can
 * arrive on the same stdin. It is fixed text with only validated numbers substituted, so no
 * host-derived string ever reaches a shell. Reading /proc/<pid>/net/dev needs no root.
 */
import { execa, type ResultPromise } from 'execa'
import type { AppError } from '../../shared/result'
import { isValidSshAlias } from '../hosts/ssh-config'
import { classifySshFailure, TailBuffer } from '../hosts/ssh-errors'
import type { CounterFrame, CounterStream } from './types'

export type StreamTarget = { kind: 'local' } | { kind: 'ssh'; alias: string; configFile?: string }

export interface CounterStreamOptions {
  intervalS: number
  pids: { netns: string; pid: number }[]
  /** Run the loop through `sudo -n` (never prompts). */
  sudo?: boolean
}

export const BOUNDARY = '@@NLFRAME@@'
/** Heads one file's text, whole, in a frame: `@@NLFRAME@@ file /proc/net/dev`. */
const FILE_KIND = 'file '
const FILE_HEADER = `${BOUNDARY} ${FILE_KIND}`
export const MIN_INTERVAL_S = 0.5
export const MAX_INTERVAL_S = 10

/** Same transport options as the probe: never prompt, fail fast, notice dead links; host keys stay checked. */
export const SSH_BASE_ARGS = ['-T', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=3']

export function clampInterval(intervalS: number): number {
  if (!Number.isFinite(intervalS)) return 1
  return Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, intervalS))
}

/** What NetLens writes to the loop's stdin to have it print the next frame. */
export const TICK = '\n'

/** Above this many files the sed arguments could pass the kernel's limit on argv: awk reads them. */
const MAX_SED_FILES = 2000

/** The loop script. Only integers are substituted. */
export function counterLoopScript(pids: { netns: string; pid: number }[]): string {
  const validPids = [...new Set(pids.map((p) => p.pid).filter((pid) => Number.isSafeInteger(pid) && pid > 0))]
  const files = ['/proc/uptime', '/proc/net/dev', ...validPids.map((pid) => `/proc/${pid}/net/dev`)]
  const sed =
    files.length > MAX_SED_FILES
      ? []
      : [
          // Whole files through stdio with no per-line work; `-u` (GNU, FreeBSD, toybox) flushes
          // every frame and reads the ticks as they come. A sed without it (busybox) fails the test.
          "if sed -u -n '' </dev/null >/dev/null 2>&1; then",
          `  set -- -n -u -e 'i\\`,
          `${BOUNDARY} begin'`,
          '  for f in $F; do set -- "$@" -e "a\\\\',
          `${FILE_HEADER}$f`,
          'r $f"; done',
          `  set -- "$@" -e 'a\\`,
          `${BOUNDARY} end'`,
          // The first frame comes unasked; `r` of a file that is gone prints nothing.
          '  echo | sed "$@" 2>/dev/null',
          '  exec sed "$@" 2>/dev/null',
          'fi'
        ]
  const lines = [
    '{',
    `F='${files.join(' ')}'`,
    ...sed,
    'if command -v awk >/dev/null 2>&1; then',
    "  W=; awk -W interactive 'BEGIN { exit 0 }' </dev/null >/dev/null 2>&1 && W='-W interactive'",
    // Single-quoted shell text: the program holds no single quote.
    "  exec awk $W 'BEGIN {",
    // The files are operands only to be out of the 128 kB limit of one argument: emptied, the
    // main input (the ticks) is stdin.
    '    for (i = 1; i < ARGC; i++) { file[i] = ARGV[i]; ARGV[i] = "" }',
    '    out = "cat"',
    '    do {',
    // A file is one record (\001 never occurs in /proc text; where a hostile name holds one, the
    // file comes in pieces all the same). mawk -W interactive reads lines whatever RS says.
    '      RS = "\\001"',
    `      print "${BOUNDARY} begin" | out`,
    '      for (i = 1; i < ARGC; i++) {',
    '        f = file[i]',
    '        if ((getline text < f) > 0) {',
    `          print "${FILE_HEADER}" f | out`,
    '          do print text | out; while ((getline text < f) > 0)',
    '        }',
    '        close(f)',
    '      }',
    `      print "${BOUNDARY} end" | out`,
    '      fflush(out)',
    '      RS = "\\n"',
    '    } while ((getline tick) > 0)',
    '    close(out)',
    '    exit 0',
    "  }' $F 2>/dev/null",
    'fi',
    "B='" + BOUNDARY + "'",
    // Any failed write (reader gone) ends the loop; so does the end of the ticks.
    'trap "exit 0" PIPE HUP TERM',
    'while :; do',
    '  printf "%s begin\\n" "$B" || exit 0',
    "  grep -H '' $F 2>/dev/null",
    '  printf "%s end\\n" "$B" || exit 0',
    '  read -r tick || exit 0',
    'done',
    '}',
    ''
  ]
  return lines.join('\n')
}

/** argv for the stream process. Exported for tests and for the benchmark. */
export function streamCommand(target: StreamTarget, sudo = false): { file: string; args: string[] } {
  const remote = sudo ? ['sudo', '-n', 'sh', '-s'] : ['sh', '-s']
  if (target.kind === 'local') return { file: remote[0], args: remote.slice(1) }
  if (!isValidSshAlias(target.alias)) throw new Error(`invalid ssh host alias: ${JSON.stringify(target.alias)}`)
  const config = target.configFile ? ['-F', target.configFile] : []
  return { file: 'ssh', args: [...SSH_BASE_ARGS, ...config, '--', target.alias, remote.join(' ')] }
}

/** A counter-loop line longer than this (no newline in sight) is dropped: /proc/net/dev lines are short. */
export const MAX_STREAM_LINE_CHARS = 64 * 1024
/** Lines kept per namespace per frame: far above any real /proc/net/dev, bounded for a hostile host. */
export const MAX_STREAM_SECTION_LINES = 100_000
/** Namespaces kept per frame (one section each). */
export const MAX_STREAM_SECTIONS = 10_000

/** Where the lines of the file being read in a frame go. */
type Section = { kind: 'uptime' } | { kind: 'lines'; lines: string[] } | { kind: 'skip' }
const SKIP: Section = { kind: 'skip' }
const UPTIME_SECTION: Section = { kind: 'uptime' }

interface OpenFrame {
  uptime: number | null
  host: string[]
  pids: Map<number, string[]>
}

/**
 * Incremental frame parser: feed it stdout chunks, it returns the frames completed so far. It
 * reads both forms of a frame: whole files, each after a `@@NLFRAME@@ file PATH` line (sed, awk),
 * and `PATH:line` per line (`grep -H`). The frame's time is the host's uptime (from the epoch of
 * `now()` at the first frame); without an uptime line, `now()` itself.
 */
export class FrameParser {
  private buffer = ''
  /** Inside an over-long line: its rest is skipped up to the next newline. */
  private skippingLine = false
  private frame: OpenFrame | null = null
  /** The file whose text the next lines are, after a file header; null between files. */
  private section: Section | null = null
  private uptimeBase: { uptimeS: number; epochMs: number } | null = null
  /** Frames completed so far. */
  framesSeen = 0

  constructor(private readonly now: () => number = Date.now) {}

  push(chunk: string): CounterFrame[] {
    const text = this.buffer + chunk
    const frames: CounterFrame[] = []
    let start = 0
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const skipped = this.skippingLine
      this.skippingLine = false
      if (!skipped) {
        const frame = this.line(text, start, nl)
        if (frame) frames.push(frame)
      }
      start = nl + 1
    }
    this.buffer = text.slice(start)
    if (this.buffer.length > MAX_STREAM_LINE_CHARS) {
      // A hostile or broken host streaming without newlines must not grow this buffer forever.
      this.buffer = ''
      this.skippingLine = true
    }
    return frames
  }

  /** text[start, end) is one line. */
  private line(text: string, start: number, end: number): CounterFrame | null {
    if (text.startsWith(BOUNDARY, start)) {
      this.section = null
      return this.control(text.slice(start + BOUNDARY.length + 1, end))
    }
    const frame = this.frame
    if (!frame) return null
    if (this.section) {
      // An empty line is the awk's own end of a whole file (print adds a newline): /proc has none.
      if (end > start) this.add(frame, this.section, text.slice(start, end))
      return null
    }
    if (!text.startsWith(PROC, start)) return null
    const colon = colonOfPath(text, start, end)
    if (colon === -1) return null
    this.add(frame, this.sectionFor(frame, text.slice(start, colon)), text.slice(colon + 1, end))
    return null
  }

  private add(frame: OpenFrame, section: Section, value: string): void {
    if (section.kind === 'lines') {
      if (section.lines.length < MAX_STREAM_SECTION_LINES) section.lines.push(value)
    } else if (section.kind === 'uptime') {
      const up = UPTIME.exec(value)
      if (up) frame.uptime = Number(up[1])
    }
  }

  private sectionFor(frame: OpenFrame, path: string): Section {
    if (path === '/proc/net/dev') return { kind: 'lines', lines: frame.host }
    if (path === '/proc/uptime') return UPTIME_SECTION
    const pid = PID_DEV.exec(path)
    if (!pid) return SKIP
    const key = Number(pid[1])
    let lines = frame.pids.get(key)
    if (!lines) {
      // The host's namespace is one of the sections a frame may hold.
      if (frame.pids.size + 1 >= MAX_STREAM_SECTIONS) return SKIP
      frame.pids.set(key, (lines = []))
    }
    return { kind: 'lines', lines }
  }

  /** The rest of a `@@NLFRAME@@ …` line. */
  private control(kind: string): CounterFrame | null {
    const frame = this.frame
    if (kind === 'begin') {
      this.frame = { uptime: null, host: [], pids: new Map() }
      return null
    }
    if (!frame) return null
    if (kind.startsWith(FILE_KIND)) {
      this.section = this.sectionFor(frame, kind.slice(FILE_KIND.length))
      return null
    }
    if (kind !== 'end') return null
    this.frame = null
    this.framesSeen++
    const containers = [...frame.pids].filter(([, lines]) => lines.length > 0)
    return {
      t: this.timestamp(frame.uptime),
      dev: [
        { netns: 'host', text: joined(frame.host) },
        // A container whose process is gone has a header and no lines (sed's `r` prints nothing).
        ...containers.map(([pid, lines]) => ({ netns: `pid:${pid}`, text: joined(lines) }))
      ]
    }
  }

  private timestamp(uptimeS: number | null): number {
    if (uptimeS === null || !Number.isFinite(uptimeS)) return this.now()
    if (!this.uptimeBase) this.uptimeBase = { uptimeS, epochMs: this.now() }
    return Math.round(this.uptimeBase.epochMs + (uptimeS - this.uptimeBase.uptimeS) * 1000)
  }
}

const PROC = '/proc/'
/** Longer than any path the loop reads (`/proc/<pid>/net/dev`). */
const MAX_PATH_CHARS = 40

/** The colon after a line's path, looked for in its first MAX_PATH_CHARS only (a hostile line may be long). */
function colonOfPath(text: string, start: number, end: number): number {
  const stop = Math.min(end, start + MAX_PATH_CHARS)
  for (let i = start; i < stop; i++) if (text.charCodeAt(i) === 58) return i
  return -1
}
const PID_DEV = /^\/proc\/(\d+)\/net\/dev$/
const UPTIME = /^(\d+(?:\.\d+)?) \d+(?:\.\d+)?$/
const joined = (lines: string[]): string => (lines.length ? lines.join('\n') + '\n' : '')

/** A single-consumer async queue that the process feeds and the sampler drains. */
class FrameQueue implements AsyncIterable<CounterFrame> {
  private items: CounterFrame[] = []
  private waiting: { resolve: (r: IteratorResult<CounterFrame>) => void; reject: (e: unknown) => void } | null = null
  private done = false
  private error: unknown = null

  constructor(private readonly onReturn: () => void) {}

  push(frame: CounterFrame): void {
    if (this.done) return
    if (this.waiting) {
      this.waiting.resolve({ value: frame, done: false })
      this.waiting = null
    } else this.items.push(frame)
  }

  end(error?: unknown): void {
    if (this.done) return
    this.done = true
    this.error = error ?? null
    if (this.waiting) {
      if (this.error) this.waiting.reject(this.error)
      else this.waiting.resolve({ value: undefined, done: true })
      this.waiting = null
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<CounterFrame> {
    return {
      next: () => {
        const item = this.items.shift()
        if (item) return Promise.resolve({ value: item, done: false })
        if (this.done) {
          if (this.error) {
            const e = this.error
            this.error = null
            return Promise.reject(e)
          }
          return Promise.resolve({ value: undefined, done: true })
        }
        return new Promise((resolve, reject) => (this.waiting = { resolve, reject }))
      },
      return: () => {
        this.onReturn()
        this.end()
        return Promise.resolve({ value: undefined, done: true })
      }
    }
  }
}

/** Why a stream ended; `appError` is set when ssh itself failed (auth, host key, refused, …). */
export class CounterStreamError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly appError: AppError | null = null
  ) {
    super(message)
  }
}

export function openCounterStream(target: StreamTarget, opts: CounterStreamOptions): CounterStream {
  const { file, args } = streamCommand(target, opts.sudo)
  return spawnCounterLoop(file, args, opts, (exitCode, stderr, signal) => {
    const where = target.kind === 'local' ? 'local counter loop' : `counter loop on ${target.alias}`
    const appError = target.kind === 'ssh' ? classifySshFailure(exitCode, stderr, { alias: target.alias }) : null
    const detail = appError?.message ?? (stderr.trim() || `exit code ${exitCode ?? signal ?? 'unknown'}`)
    return new CounterStreamError(`${where} ended: ${detail}`, exitCode, stderr, appError)
  })
}

/**
 * Runs the loop script through `file args` (a shell reading its script on stdin, possibly through
 * ssh or `ip netns exec`), ticks it every interval from its first frame on, and parses its frames.
 * Exported for the benchmark, which runs it in a namespace of its own; `pid` is the local process.
 */
export function spawnCounterLoop(
  file: string,
  args: string[],
  opts: CounterStreamOptions,
  failure: (exitCode: number | null, stderr: string, signal?: string) => Error = (exitCode, stderr, signal) =>
    new CounterStreamError(`counter loop ended: ${stderr.trim() || `exit code ${exitCode ?? signal ?? 'unknown'}`}`, exitCode, stderr)
): CounterStream & { pid: number | undefined } {
  let stopped = false
  let ticker: ReturnType<typeof setInterval> | null = null
  const stopTicking = (): void => {
    if (ticker) clearInterval(ticker)
    ticker = null
  }
  const subprocess: ResultPromise = execa(file, args, {
    reject: false,
    buffer: false,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    env: { LC_ALL: 'C' },
    forceKillAfterDelay: 2000
  })
  const stop = (): void => {
    if (stopped) return
    stopped = true
    stopTicking()
    // The end of the ticks ends the loop on the host; the signal ends ssh (or the local shell).
    subprocess.stdin?.end()
    subprocess.kill('SIGTERM')
  }
  const queue = new FrameQueue(stop)
  const parser = new FrameParser()
  const stderrTail = new TailBuffer()
  // A loop that is gone makes writes fail: its end is reported through the exit below.
  subprocess.stdin?.on('error', stopTicking)
  subprocess.stdin?.write(counterLoopScript(opts.pids))
  subprocess.stdout?.setEncoding('utf8')
  subprocess.stdout?.on('data', (chunk: string) => {
    for (const frame of parser.push(chunk)) queue.push(frame)
    // Ticks start once the loop runs (its first frame), never while the shell still reads the script.
    if (!ticker && !stopped && parser.framesSeen > 0)
      ticker = setInterval(() => subprocess.stdin?.write(TICK), clampInterval(opts.intervalS) * 1000)
  })
  subprocess.stderr?.setEncoding('utf8')
  subprocess.stderr?.on('data', (chunk: string) => stderrTail.push(chunk))
  subprocess.then(
    (result) => {
      stopTicking()
      if (stopped) return queue.end()
      queue.end(failure(result.exitCode ?? null, stderrTail.toString(), result.signal ?? undefined))
    },
    (e: unknown) => {
      stopTicking()
      queue.end(stopped ? undefined : e)
    }
  )
  return { frames: queue, stop, pid: subprocess.pid }
}
