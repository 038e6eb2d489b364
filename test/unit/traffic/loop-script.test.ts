/**
 * The counter loop script run for real on this machine, by every shell and reader it must work
 * with: dash with GNU sed (Debian), dash with mawk and with gawk on a host whose sed lacks `-u`,
 * busybox sh with busybox sed (no `-u`) and awk, and dash on a host without awk (the grep loop). Each must print frames the FrameParser reads into the same namespaces and interfaces
 * as the files hold, print a frame per tick and no other, and end by itself when the ticks end or its
 * reader goes away, even with SIGPIPE ignored.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { counterLoopScript, FrameParser, spawnCounterLoop, TICK } from '../../../src/main/traffic/stream'
import type { CounterFrame } from '../../../src/main/traffic/types'

/** Why an executable these runs need is missing (loud skip; a failure with every tier required), or null. */
function missingExecutable(path: string, what: string, pkg: string): string | null {
  try {
    accessSync(path, constants.X_OK)
    return null
  } catch {
    const why = `${path} missing (apt-get install ${pkg})`
    if (process.env.NETLENS_REQUIRE_ALL_TIERS === '1') throw new Error(why)
    console.warn(`\n!!!! SKIPPED ${what} counter-loop tests: ${why}\n`)
    return why
  }
}
const BUSYBOX = '/bin/busybox'
const busyboxMissing = missingExecutable(BUSYBOX, 'busybox', 'busybox-static')
const GAWK = '/usr/bin/gawk'
const gawkMissing = missingExecutable(GAWK, 'gawk', 'gawk')

/** A PATH holding only the named commands, each a link to `target(name)`. */
const dirs: string[] = []
function pathOf(names: string[], target: (name: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-loop-path-'))
  dirs.push(dir)
  for (const name of names) symlinkSync(target(name), join(dir, name))
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const which = (name: string): string =>
  ['/usr/bin', '/bin'].map((d) => join(d, name)).find((p) => {
    try {
      accessSync(p, constants.X_OK)
      return true
    } catch {
      return false
    }
  }) ?? name

interface Variant {
  name: string
  shell: string
  path: () => string
}

/** Links `awk` to one awk, the rest to this machine's commands (no sed: the awk reads). */
const awkPath = (awk: string) => (): string =>
  pathOf(['awk', 'cat', 'grep'], (name) => (name === 'awk' ? awk : which(name)))

const variants: Variant[] = [
  { name: 'dash + GNU sed (Debian)', shell: '/bin/dash', path: () => '/usr/bin:/bin' },
  { name: 'dash + mawk', shell: '/bin/dash', path: awkPath('/usr/bin/mawk') },
  ...(gawkMissing ? [] : [{ name: 'dash + gawk', shell: '/bin/dash', path: awkPath(GAWK) }]),
  ...(busyboxMissing
    ? []
    : [
        {
          name: 'busybox sh + busybox sed (no -u) and awk',
          shell: BUSYBOX,
          path: () => pathOf(['sh', 'sed', 'awk', 'cat', 'grep'], () => BUSYBOX)
        }
      ]),
  { name: 'dash without awk (grep loop)', shell: '/bin/dash', path: () => pathOf(['cat', 'grep'], which) }
]

/** A pid that cannot be running: pid_max is at most 2^22. */
const GONE_PID = 2 ** 22 + 17

/** argv running the variant's shell on its script from stdin, after `prelude` (in dash). */
function loopArgv(v: Variant, prelude = ''): { file: string; args: string[] } {
  const shell = v.shell === BUSYBOX ? `${BUSYBOX} sh` : v.shell
  return { file: '/bin/dash', args: ['-c', `${prelude}exec env PATH=${v.path()} ${shell} -s`] }
}

/** The loop as a bare process: the script written, stdin left open for ticks. */
function startBare(v: Variant, prelude = ''): ChildProcessWithoutNullStreams {
  const { file, args } = loopArgv(v, prelude)
  const child = spawn(file, args, { stdio: 'pipe' })
  child.stdin.write(counterLoopScript([{ netns: `pid:${process.pid}`, pid: process.pid }]))
  child.stderr.resume()
  return child
}

async function firstFrame(child: ChildProcessWithoutNullStreams): Promise<CounterFrame> {
  const parser = new FrameParser()
  child.stdout.setEncoding('utf8')
  for await (const chunk of child.stdout) {
    const [frame] = parser.push(chunk as string)
    if (frame) return frame
  }
  throw new Error('the loop printed no frame')
}

const exited = (child: ChildProcessWithoutNullStreams): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)))

/** The interface names of a /proc/net/dev text (the two header lines skipped). */
const ifaces = (text: string): string[] =>
  text
    .split('\n')
    .slice(2)
    .filter(Boolean)
    .map((l) => l.split(':')[0].trim())
    .sort()

describe.each(variants)('the counter loop under $name', (v) => {
  it('prints a frame at start and one per tick: the host and each live container namespace, timed by the uptime', async () => {
    const { file, args } = loopArgv(v)
    const stream = spawnCounterLoop(file, args, { intervalS: 0.5, pids: [process.pid, GONE_PID].map((pid) => ({ netns: `pid:${pid}`, pid })) })
    // Other work on this machine adds and removes interfaces meanwhile: every frame must hold
    // those that were there both before and after, and only well-formed lines.
    const hostBefore = ifaces(readFileSync('/proc/net/dev', 'utf8'))
    const got: CounterFrame[] = []
    try {
      for await (const frame of stream.frames) {
        got.push(frame)
        if (got.length === 3) break
      }
    } finally {
      stream.stop()
    }
    const hostAfter = new Set(ifaces(readFileSync('/proc/net/dev', 'utf8')))
    const stable = hostBefore.filter((name) => hostAfter.has(name))
    expect(stable).toContain('lo')
    expect(got).toHaveLength(3)
    for (const frame of got) {
      // The namespace of a process that is gone has no section; the host's comes first.
      expect(frame.dev.map((d) => d.netns)).toEqual(['host', `pid:${process.pid}`])
      for (const { text } of frame.dev) {
        expect(text.split('\n')[0]).toMatch(/^Inter-\|/)
        expect(ifaces(text)).toEqual(expect.arrayContaining(stable))
        for (const line of text.trimEnd().split('\n').slice(2)) expect(line).toMatch(/^ *[^ :]+: *\d+( +\d+){15}$/)
      }
    }
    expect(got[1].t).toBeGreaterThan(got[0].t)
    expect(got[2].t).toBeGreaterThan(got[1].t)
  })

  it('prints nothing more until ticked, and one frame per tick', async () => {
    const child = startBare(v)
    try {
      const parser = new FrameParser()
      let frames = 0
      child.stdout.setEncoding('utf8')
      child.stdout.on('data', (chunk: string) => (frames += parser.push(chunk).length))
      while (frames < 1) await new Promise((r) => setTimeout(r, 20))
      for (let tick = 1; tick <= 3; tick++) {
        child.stdin.write(TICK)
        while (frames < 1 + tick) await new Promise((r) => setTimeout(r, 20))
      }
      // Ticks are the only clock: without one, no frame (the loop sleeps in a read).
      await new Promise((r) => setTimeout(r, 1200))
      expect(frames).toBe(4)
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('ends at once, cleanly, when the ticks end', async () => {
    const child = startBare(v)
    expect((await firstFrame(child)).dev[0].netns).toBe('host')
    child.stdout.resume()
    child.stdin.end()
    // No kill: the end of stdin must end the loop (the test's timeout is the failure).
    expect(await exited(child)).toBe(0)
  })

  it('ends when its reader goes away, with SIGPIPE ignored too', async () => {
    for (const prelude of ['', "trap '' PIPE; "]) {
      const child = startBare(v, prelude)
      expect((await firstFrame(child)).dev).toHaveLength(2)
      child.stdout.destroy()
      child.stdin.write(TICK)
      child.stdin.end()
      await exited(child)
    }
  })
})
