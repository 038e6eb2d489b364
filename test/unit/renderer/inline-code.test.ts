/** Lesson texts: backticked parts become <code>, everything stays text (no markup from lessons). */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { inlineCodeParts } from '../../../src/renderer/src/utils/inline-code'
import { listLessons } from '../../../src/main/sim/index'

describe('inlineCodeParts', () => {
  it('splits on backtick pairs', () => {
    expect(inlineCodeParts('`brctl show` lists veth7c1728b')).toEqual([
      { text: 'brctl show', code: true },
      { text: ' lists veth7c1728b', code: false }
    ])
    expect(inlineCodeParts('no code')).toEqual([{ text: 'no code', code: false }])
    expect(inlineCodeParts('a `b` c `d`')).toEqual([
      { text: 'a ', code: false },
      { text: 'b', code: true },
      { text: ' c ', code: false },
      { text: 'd', code: true }
    ])
  })

  it('keeps an unmatched backtick as plain text', () => {
    expect(inlineCodeParts('a `b` c `d')).toEqual([
      { text: 'a ', code: false },
      { text: 'b', code: true },
      { text: ' c ', code: false },
      { text: '`d', code: false }
    ])
  })

  it('loses no character but the pairs of backticks, for any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parts = inlineCodeParts(text)
        const ticks = (text.match(/`/g) ?? []).length
        const kept = ticks % 2 === 1 ? 1 : 0
        expect(parts.map((p) => p.text).join('')).toBe(reassemble(text))
        expect(parts.map((p) => p.text).join('').length).toBe(text.length - ticks + kept)
      })
    )
  })

  it('finds the commands in the lessons', () => {
    const texts = listLessons().flatMap((l) => l.steps.map((s) => s.text.en))
    const code = texts.flatMap((t) => inlineCodeParts(t).filter((p) => p.code).map((p) => p.text))
    expect(code).toContain('brctl show')
    expect(code.every((c) => !c.includes('`'))).toBe(true)
  })
})

/** The text with every matched pair of backticks removed (an unmatched last one kept). */
function reassemble(text: string): string {
  const pieces = text.split('`')
  if (pieces.length % 2 === 0) return pieces.slice(0, -1).join('') + '`' + pieces[pieces.length - 1]
  return pieces.join('')
}
