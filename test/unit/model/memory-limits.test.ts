/**
 * Issue #12 item 9: any input gives a snapshot or a clear refusal, with peak memory under 1.5 GB.
 * The real CLI runs in a child process on generated captures (too large to commit: written to a
 * temporary folder and removed); its peak RSS is read from the process itself at exit
 * (test/support/report-max-rss.mjs). The assertions are on memory and on the outcome, never on time.
 * Before the limits, 5,000,000 rules ended in "Maximum call stack size exceeded" after 3.4 GB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, openSync, closeSync, readFileSync, readSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { writeHugeIptablesCapture } from '../../support/hostile-corpus'
import { MAX_SECTION_LINES } from '../../../src/shared/limits'

const ROOT = resolve(import.meta.dirname, '../../..')
const PEAK_RSS_LIMIT_KIB = 1.5 * 1024 * 1024
/** Generous: the slowest run seen on a loaded 2-core machine took 45 s; this is a hang guard, not a speed target. */
const CHILD_TIMEOUT_MS = 600_000

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-memory-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** `netlens ARGS` with stdout to a file; its exit status, stderr and peak RSS in KiB. */
async function cliPeak(args: string[], stdoutFile: string): Promise<{ exitCode: number | null; stderr: string; maxRssKiB: number }> {
  const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}`)
  // A file descriptor of our own: execa's { file } output stops at its maxBuffer (100 MB).
  const stdout = openSync(stdoutFile, 'w')
  try {
    const child = spawn(
      process.execPath,
      ['--import', pathToFileURL(join(ROOT, 'test/support/report-max-rss.mjs')).href, join(ROOT, 'bin/netlens.mjs'), ...args],
      { cwd: ROOT, env: { ...process.env, NETLENS_MAX_RSS_FILE: rssFile, NO_COLOR: '1' }, stdio: ['ignore', stdout, 'pipe'] }
    )
    let stderr = ''
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const killer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS)
    const [exitCode] = (await once(child, 'close')) as [number | null]
    clearTimeout(killer)
    return { exitCode, stderr, maxRssKiB: Number(readFileSync(rssFile, 'utf8')) }
  } finally {
    closeSync(stdout)
  }
}

/** The last `bytes` bytes of a file (a snapshot of a million rules is too big to read whole here). */
function tail(path: string, bytes: number): string {
  const size = statSync(path).size
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.alloc(Math.min(bytes, size))
    readSync(fd, buffer, 0, buffer.length, size - buffer.length)
    return buffer.toString('utf8')
  } finally {
    closeSync(fd)
  }
}

describe('memory and size limits (the real CLI in a child process)', () => {
  it('refuses a 5,000,000-line iptables-save section by name, size and limit, under 1.5 GB', async () => {
    const capture = join(dir, 'five-million.cap')
    await writeHugeIptablesCapture(capture, 5_000_000, 'short')
    const r = await cliPeak(['inspect', capture], join(dir, 'five-million.out'))
    expect(r.stderr).toContain('capture section iptables.save has 5,000,004 lines; NetLens reads up to 1,000,000')
    expect(r.stderr).not.toMatch(/Maximum call stack|out of memory|Invalid string length/)
    expect(r.exitCode).toBe(1)
    expect(r.maxRssKiB).toBeGreaterThan(0)
    expect(r.maxRssKiB).toBeLessThan(PEAK_RSS_LIMIT_KIB)
  }, CHILD_TIMEOUT_MS + 60_000)

  it('builds and prints the snapshot of a section just under the limit (--json), under 1.5 GB', async () => {
    const lines = MAX_SECTION_LINES - 10 // the section also has its table, chain and COMMIT lines
    const capture = join(dir, 'at-limit.cap')
    await writeHugeIptablesCapture(capture, lines, 'kube')
    const out = join(dir, 'at-limit.json')
    const r = await cliPeak(['inspect', capture, '--json'], out)
    expect(r.stderr).toBe('')
    expect(r.exitCode).toBe(0)
    // The last rule made it into the snapshot, and the JSON is complete.
    const end = tail(out, 64 * 1024)
    expect(end).toContain(`"position": ${lines}`)
    expect(end.trimEnd().endsWith('}')).toBe(true)
    expect(r.maxRssKiB).toBeLessThan(PEAK_RSS_LIMIT_KIB)
  }, CHILD_TIMEOUT_MS + 60_000)
})
