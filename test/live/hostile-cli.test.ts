/**
 * The real CLI (`node bin/netlens.mjs`, what `npx netlens` runs) on every file of the hostile
 * corpus (test/fixtures/hostile/): inspect, diagnose, trace and diff each end with an exit status of
 * their own (never a crash or a signal), and nothing they print holds a raw control or bidi
 * character, on stdout or stderr, in text or --json form.
 */
import { describe, expect, inject, it } from 'vitest'
import { hostileFile, hostileFiles, TERMINAL_UNSAFE } from '../support/hostile-corpus'
import { netlens, type RunResult } from './support/live'
import './support/provided'

const skipReason = inject('liveSkip')

/** Exit statuses the commands use: 0 ok, 1 a finding/difference/refusal, 2 a usage error. */
function endedCleanly(what: string, r: RunResult): void {
  expect(r.exitCode, `${what} ended without an exit status of its own\n${r.stderr}`).toBeTypeOf('number')
  expect([0, 1, 2], `${what}: exit ${r.exitCode}\n${r.stderr}`).toContain(r.exitCode)
  expect(r.stderr, `${what} crashed`).not.toMatch(/Maximum call stack|out of memory|Invalid string length|\n\s+at \S+ \(/)
  expect(r.stdout, `${what}: raw control or bidi character on stdout`).not.toMatch(TERMINAL_UNSAFE)
  expect(r.stderr, `${what}: raw control or bidi character on stderr`).not.toMatch(TERMINAL_UNSAFE)
}

/** The parts of a shell command line outside single quotes (where `$(…)`, backquotes and `;` act). */
function unquotedParts(line: string): string {
  let out = ''
  let quoted = false
  for (const c of line.replace(/^\s*\$ /, '')) {
    if (c === "'") quoted = !quoted
    else if (!quoted) out += c
  }
  return out
}

describe.skipIf(skipReason)('the real CLI on the hostile corpus', () => {
  const files = hostileFiles().filter((f) => f.kind !== 'scenario')

  it.each(files.map((f) => [f.name, f.path]))('inspect %s (text and --json)', async (name, path) => {
    endedCleanly(`inspect ${name}`, await netlens(['inspect', path]))
    const json = await netlens(['inspect', path, '--json'])
    endedCleanly(`inspect ${name} --json`, json)
    if (json.exitCode === 0) expect(() => JSON.parse(json.stdout)).not.toThrow()
  })

  it.each(files.map((f) => [f.name, f.path]))('diagnose %s (en, zh-CN, --json)', async (name, path) => {
    for (const args of [[], ['--lang', 'zh-CN'], ['--json']]) {
      endedCleanly(`diagnose ${name} ${args.join(' ')}`, await netlens(['diagnose', path, ...args]))
    }
  })

  it.each(files.map((f) => [f.name, f.path]))('trace %s, from a hostile name and from outside', async (name, path) => {
    for (const [from, to] of [
      ['web\u001b]0;pwned\u0007\u202egnp.exe', 'outside'],
      ['outside', '172.28.0.2:80/tcp'],
      ['\u001b[2J', '\u202e']
    ]) {
      endedCleanly(`trace ${name} ${JSON.stringify([from, to])}`, await netlens(['trace', path, '--from', from, '--to', to]))
    }
  })

  it('diff of the hostile capture and its later state, and of every file against it', async () => {
    const before = hostileFile('names.cap').path
    const after = hostileFile('names-changed.cap').path
    const diff = await netlens(['diff', before, after])
    endedCleanly('diff names.cap names-changed.cap', diff)
    expect(diff.exitCode).toBe(1)
    expect(diff.stdout).toContain('\\u001B[5m\\u202Eeth9')
    endedCleanly('diff --json', await netlens(['diff', before, after, '--json']))
    for (const file of files) endedCleanly(`diff ${file.name}`, await netlens(['diff', before, file.path]))
  })

  it('the diagnose fixes it prints never hold a raw hostile name unquoted', async () => {
    const r = await netlens(['diagnose', hostileFile('names.cap').path])
    endedCleanly('diagnose names.cap', r)
    const fixes = r.stdout.split('\n').filter((line) => line.trimStart().startsWith('$ '))
    expect(fixes.length).toBeGreaterThan(0)
    // Only NetLens's own `$(docker inspect …)` may be a command substitution outside quotes.
    for (const fix of fixes) {
      const outside = unquotedParts(fix).split('$(docker inspect -f {{.State.Pid}} -- ').join('')
      expect(outside, fix).not.toMatch(/\$\(|`|;|\|/)
    }
    expect(fixes.join('\n')).toContain("'br-$(reboot)'")
    expect(fixes.join('\n')).toContain("'veth;reboot'")
  })
})
