/**
 * src/shared/shell.ts against a real POSIX shell: for any string, `sh -c "printf %s <quoted>"`
 * prints it back byte for byte (dash is Debian's sh). Strings NUL or lone surrogates cannot be
 * shown as a shell word at all, and every command built from them is omitted.
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import fc from 'fast-check'
import { isQuotable, isShowable, shellCommand, shellQuote } from '../../../src/shared/shell'

/** What `sh -c "printf %s <word>"` writes, as UTF-8 text. */
function printedBySh(word: string): string {
  const run = spawnSync('sh', ['-c', `printf %s ${word}`], { encoding: 'buffer' })
  expect(run.status, run.stderr.toString()).toBe(0)
  return run.stdout.toString('utf8')
}

/** Characters that are special somewhere in sh, plus control characters and bidi controls. */
const nasty = fc.constantFrom(
  ...[...'\'"\\$`(){}[]<>|&;*?~#!= \t\n\r%^@:,+-./'],
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u202e',
  '\u2066',
  '$(reboot)',
  '`reboot`',
  "'\\''",
  '${IFS}',
  '命名空间',
  '😀',
  '\uFFFF'
)
const hostileWord = fc.oneof(
  fc.string({ unit: fc.oneof(nasty, fc.string({ unit: 'grapheme', maxLength: 1 })), maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 })
)

describe('shellQuote', () => {
  it('prints back any quotable string exactly through sh (property)', () => {
    fc.assert(
      fc.property(hostileWord, (word) => {
        fc.pre(isQuotable(word))
        expect(printedBySh(shellQuote(word))).toBe(word)
      }),
      { numRuns: 300 }
    )
  }, 120_000)

  it.each([
    ['eth0;reboot'],
    ['$(reboot)'],
    ['`reboot`'],
    ["it's"],
    [''],
    ['-'],
    ['a\nb'],
    ['\u202eevil'],
    ['!'],
    ['~root'],
    ['#x']
  ])('prints back %j exactly', (word) => {
    expect(printedBySh(shellQuote(word))).toBe(word)
  })

  it('leaves plain words readable', () => {
    expect(shellQuote('br-08358af093c8')).toBe('br-08358af093c8')
    expect(shellQuote('172.17.0.0/16')).toBe('172.17.0.0/16')
    expect(shellQuote('net.ipv4.ip_forward=1')).toBe('net.ipv4.ip_forward=1')
    expect(shellQuote('eth0;reboot')).toBe("'eth0;reboot'")
    expect(shellQuote("it's")).toBe(`'it'\\''s'`)
  })

  it('refuses NUL and lone surrogates; shellCommand also omits commands with controls or bidi characters', () => {
    for (const word of ['a\0b', '\uD800', 'x\uDC00', '\uDC00\uD800']) {
      expect(isQuotable(word)).toBe(false)
      expect(shellCommand`ip link set dev ${word} up`).toBeNull()
    }
    expect(isQuotable('😀')).toBe(true)
    for (const word of ['a\u001b]0;x\u0007', 'x\u202ey', 'a\nb', 'a\tb', '\u0085']) {
      expect(isQuotable(word)).toBe(true)
      expect(isShowable(word)).toBe(false)
      expect(shellCommand`ip link set dev ${word} up`).toBeNull()
    }
    expect(shellCommand`ip link set dev ${'eth0;reboot'} mtu ${1500}`).toBe("ip link set dev 'eth0;reboot' mtu 1500")
    expect(shellCommand`sysctl -w x=${Number.NaN}`).toBeNull()
  })
})
