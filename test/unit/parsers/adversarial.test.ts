/**
 * Issue #12 item 6: no reader of host data is super-linear. Every parser, the capture-file reader,
 * the scenario loader and the ssh error classifier read 1 MB adversarial texts
 * (test/support/adversarial-child.ts: long lines, blank runs, unclosed quotes, repeated option
 * words…) in a child process. A backtracking pattern like the old `authenticity of host .* can't`
 * needs hours on 1 MB (800 KB of stderr took 31 s); linear readers take well under a second each.
 * The deadline only stops a hung run so the failure can name it: it is not a speed target.
 */
import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../../..')
const DEADLINE_MS = 20 * 60_000

describe('readers of host data on 1 MB adversarial input', () => {
  it(
    'every reader completes on every shape, without throwing',
    async () => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/tsx-run.mjs'), join(ROOT, 'test/support/adversarial-child.ts')], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      let killed = false
      const killer = setTimeout(() => {
        killed = true
        child.kill('SIGKILL')
      }, DEADLINE_MS)
      const exitCode = await new Promise<number | null>((done) => child.on('close', done))
      clearTimeout(killer)
      const lines = stdout.split('\n').filter(Boolean)
      const hung = killed ? lines.filter((l) => l.startsWith('start ')).at(-1) : undefined
      expect(hung, `still running after ${DEADLINE_MS / 60_000} min`).toBeUndefined()
      expect(stderr, 'the child crashed').not.toMatch(/FATAL ERROR|out of memory|Maximum call stack/)
      expect(exitCode).toBe(0)
      expect(lines.at(-1)).toBe('all done')
      expect(lines.filter((l) => l.startsWith('threw '))).toEqual([])
      // Every reader ran: the parsers folder plus the capture reader, scenario loader and ssh classifier.
      const readers = new Set(lines.filter((l) => l.startsWith('done ')).map((l) => l.slice(5).split(' | ')[0]))
      expect(readers.size).toBeGreaterThan(25)
      for (const reader of ['parseIptablesSave', 'parseConntrack', 'parseCaptureFile', 'parseScenarioText', 'classifySshFailure']) {
        expect(readers, reader).toContain(reader)
      }
    },
    DEADLINE_MS + 60_000
  )
})
