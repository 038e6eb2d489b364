import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { escapeHtml, escapeRichText, truncateLabel } from '../../../src/shared/escape'

describe('escapeHtml', () => {
  it('escapes markup', () => {
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;')
    expect(escapeHtml(`a&b"c'd\``)).toBe('a&amp;b&quot;c&#39;d&#96;')
    expect(escapeHtml(null)).toBe('')
    expect(escapeHtml(42)).toBe('42')
  })
  it('never leaves a markup character', () => {
    fc.assert(fc.property(fc.string(), (s) => !/[<>"'`]/.test(escapeHtml(s))))
  })
  it('round-trips through a decoder', () => {
    const decode = (s: string): string =>
      s
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&#96;/g, '`')
        .replace(/&amp;/g, '&')
    fc.assert(fc.property(fc.string(), (s) => decode(escapeHtml(s)) === s))
  })
})

describe('escapeRichText', () => {
  it('removes rich-text braces', () => {
    expect(escapeRichText('{a|x}')).not.toMatch(/[{}]/)
  })
})

describe('truncateLabel', () => {
  it('shortens long labels', () => {
    expect(truncateLabel('x'.repeat(40), 10)).toHaveLength(10)
    expect(truncateLabel('short')).toBe('short')
  })
})
