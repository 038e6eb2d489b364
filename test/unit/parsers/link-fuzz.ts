/**
 * fast-check properties shared by the link-layer and docker parser tests: random text, soups of
 * real fixture lines, and truncated fixtures never make a parser throw, always give an array (or
 * record) and string warnings, and every record keeps raw text that came from the input.
 */
import fc from 'fast-check'
import { expect, it } from 'vitest'
import type { ParseResult } from '../../../src/main/parsers/types'
import type { FixturePair } from '../../support/fixtures'

type Parser = (text: string) => ParseResult<unknown>

function checkShape(parse: Parser, input: string, rawFrom: 'lines' | 'json' | 'none'): void {
  const result = parse(input)
  expect(Array.isArray(result.warnings)).toBe(true)
  for (const warning of result.warnings) expect(typeof warning).toBe('string')
  if (rawFrom === 'none') return
  expect(Array.isArray(result.value)).toBe(true)
  for (const record of result.value as { raw: unknown }[]) {
    expect(typeof record.raw).toBe('string')
    const raw = record.raw as string
    if (rawFrom === 'lines') {
      for (const line of raw.split('\n')) expect(input).toContain(line)
    } else {
      expect(() => JSON.parse(raw)).not.toThrow()
    }
  }
}

export function fuzzParser(parse: Parser, pairs: FixturePair[], rawFrom: 'lines' | 'json' | 'none'): void {
  const fixtureLines = [...new Set(pairs.flatMap((pair) => pair.input.split('\n')))]
  const inputs = pairs.map((pair) => pair.input)

  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => checkShape(parse, text, rawFrom)),
      { numRuns: 200 }
    )
  })

  it('never throws on a soup of real fixture lines', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fixtureLines), { maxLength: 40 }), (picked) =>
        checkShape(parse, picked.join('\n'), rawFrom)
      ),
      { numRuns: 150 }
    )
  })

  it('never throws on truncated fixtures', () => {
    fc.assert(
      fc.property(fc.constantFrom(...inputs), fc.double({ min: 0, max: 1, noNaN: true }), (input, fraction) =>
        checkShape(parse, input.slice(0, Math.floor(input.length * fraction)), rawFrom)
      ),
      { numRuns: 150 }
    )
  })
}
