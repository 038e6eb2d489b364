/**
 * Item 8 of the hardening issue: every string the CLI prints is cleaned for the terminal (errors
 * included), and bidi controls are neutralised. cleanForTerminal is checked as a function (also as
 * a JSON-preserving filter), then the real CLI process runs on the hostile corpus's error cases.
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import fc from 'fast-check'
import { cleanForTerminal, cleanLineForTerminal, markBidiControls } from '../../../src/shared/text-safety'
import { hostileFile, TERMINAL_UNSAFE } from '../../support/hostile-corpus'

const anyText = fc.string({ unit: 'binary', maxLength: 200 })

describe('cleanForTerminal', () => {
  it.each([
    ['OSC window title', 'a\u001b]0;pwned\u0007b', 'a\\u001B]0;pwned\\u0007b'],
    ['clear screen', '\u001b[2J\u001b[H', '\\u001B[2J\\u001B[H'],
    ['8-bit CSI', '\u009b31m', '\\u009B31m'],
    ['carriage return', 'ok\rFAIL', 'ok\\u000DFAIL'],
    ['bidi override', 'evil\u202etxt.exe', 'evil\\u202Etxt.exe'],
    ['bidi isolates', '\u2066x\u2069', '\\u2066x\\u2069'],
    ['marks', '\u200e\u200f\u061c', '\\u200E\\u200F\\u061C'],
    ['lone surrogate', 'a\ud800b', 'a\\uD800b'],
    ['kept as they are', 'tab\there\nnext line 命名空间 😀', 'tab\there\nnext line 命名空间 😀']
  ])('%s', (_name, input, output) => {
    expect(cleanForTerminal(input)).toBe(output)
  })

  it('leaves nothing a terminal would act on, for any string (property)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(cleanForTerminal(text)).not.toMatch(TERMINAL_UNSAFE)
      })
    )
  })

  it('keeps JSON valid and meaning the same: JSON.parse(clean(JSON.stringify(s))) = s (property)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(JSON.parse(cleanForTerminal(JSON.stringify(text)))).toBe(text)
      })
    )
  })

  it('one-line form escapes tab and newline too', () => {
    expect(cleanLineForTerminal('a\nb\tc')).toBe('a\\u000Ab\\u0009c')
  })
})

describe('markBidiControls (UI)', () => {
  it('shows each bidi control as a visible mark and leaves other text alone', () => {
    expect(markBidiControls('evil\u202etxt.exe')).toBe('evil⟨U+202E⟩txt.exe')
    expect(markBidiControls('\u2066a\u2069 命名空间')).toBe('⟨U+2066⟩a⟨U+2069⟩ 命名空间')
  })
})

describe('the real CLI on hostile files', () => {
  const root = join(__dirname, '../../..')
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'bin/netlens.mjs'), ...args], { encoding: 'utf8', cwd: root })

  it.each([
    ['malformed.json', 'JSON.parse message quoting raw escape sequences'],
    ['zod-path.json', 'a zod path through a hostile key']
  ])('prints the refusal of %s (%s) without raw control or bidi characters', (name) => {
    const file = hostileFile(name)
    const result = run('inspect', file.path)
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^netlens inspect: /)
    expect(result.stderr).toMatch(/\\u001B/)
    expect(result.stderr).not.toMatch(TERMINAL_UNSAFE)
    expect(result.stdout).not.toMatch(TERMINAL_UNSAFE)
  })

  it('prints the warning of a capture cut off in a hostile section cleaned, naming it', () => {
    const result = run('inspect', hostileFile('truncated.cap').path)
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('it ends inside evil\\u001B]0;section\\u0007\\u202E')
    expect(result.stdout).not.toMatch(TERMINAL_UNSAFE)
  })
})
