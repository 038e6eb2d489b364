/**
 * fast-check properties shared by the netfilter parser tests (iptables-save, iptables -L, nft JSON,
 * conntrack): random text, soups of real fixture lines and every truncation prefix of every
 * fixture never make a parser throw, and always give string warnings. `check` adds per-parser
 * invariants (for example: every record's raw line came from the input).
 */
import fc from 'fast-check'
import { expect, it } from 'vitest'
import type { ParseResult } from '../../../src/main/parsers/types'
import type { FixturePair } from '../../support/fixtures'

export function netfilterProperties<T>(
  parse: (text: string) => ParseResult<T>,
  pairs: FixturePair[],
  check: (result: ParseResult<T>, input: string) => void = () => {}
): void {
  const run = (input: string): void => {
    const result = parse(input)
    expect(Array.isArray(result.warnings)).toBe(true)
    for (const warning of result.warnings) expect(typeof warning).toBe('string')
    check(result, input)
  }
  const fixtureLines = [...new Set(pairs.flatMap((pair) => pair.input.split('\n')))]

  it('never throws on random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), run), { numRuns: 300 })
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'-![]:*#" =\\\n\tabc0123/'.split('')), { maxLength: 200 }), (chars) =>
        run(chars.join(''))
      ),
      { numRuns: 300 }
    )
  })

  it('never throws on a soup of real fixture lines', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fixtureLines), { maxLength: 60 }), (picked) => run(picked.join('\n'))),
      { numRuns: 300 }
    )
  })

  // Every prefix of the small fixtures; for the larger ones every line end plus cuts one character
  // in, halfway and one character short of each line end (inside words, quotes and JSON values).
  it('never throws on any truncation prefix of a fixture', { timeout: 120_000 }, () => {
    for (const pair of pairs) {
      const input = pair.input
      if (input.length <= EXHAUSTIVE) {
        for (let length = 0; length <= input.length; length++) run(input.slice(0, length))
        continue
      }
      const cuts = new Set<number>([0, input.length])
      for (let start = 0; start < input.length;) {
        let end = input.indexOf('\n', start)
        if (end === -1) end = input.length
        for (const cut of [start + 1, start + Math.floor((end - start) / 2), end - 1, end, end + 1]) {
          if (cut >= 0 && cut <= input.length) cuts.add(cut)
        }
        start = end + 1
      }
      for (const cut of cuts) run(input.slice(0, cut))
    }
  })
}

const EXHAUSTIVE = 3_000

/** Every record's raw text is a line (or, for JSON, valid JSON) that the parser saw. */
export function rawComesFromInput(raw: string, input: string): void {
  expect(typeof raw).toBe('string')
  expect(input.includes(raw.trim())).toBe(true)
}
