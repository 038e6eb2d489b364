/** Dates and numbers in the chosen language, with the browser's region when it speaks it (item 11). */
import { describe, expect, it } from 'vitest'
import { formatBytes, formatCount, formatTime, formattingLocale } from '../../../src/renderer/src/utils/format'

describe('formatting locale', () => {
  it('takes the browser’s region when it speaks the UI language', () => {
    expect(formattingLocale('en', ['en-GB', 'en'])).toBe('en-GB')
    expect(formattingLocale('en', ['de-DE', 'en-AU'])).toBe('en-AU')
    expect(formattingLocale('en', ['de-DE'])).toBe('en')
    expect(formattingLocale('zh-CN', ['zh-CN'])).toBe('zh-CN')
    // Another Chinese region does not replace the chosen one.
    expect(formattingLocale('zh-CN', ['zh-TW'])).toBe('zh-CN')
    expect(formattingLocale('zh-CN', ['en-US'])).toBe('zh-CN')
  })

  it('writes dates year-first in Chinese (the browser side, en-GB day-first, is an E2E test)', () => {
    const iso = '2026-01-12T10:00:00.000Z'
    expect(formatTime(iso, 'zh-CN')).toMatch(/^2026\/1\/12/)
    expect(formatTime('not a date', 'en')).toBe('not a date')
  })

  it('groups digits by the locale', () => {
    expect(formatCount(262144, 'en')).toBe('262,144')
    expect(formatCount(262144, 'zh-CN')).toBe('262,144')
    expect(formatCount(null)).toBe('–')
    expect(formatBytes(1536, 'en')).toBe('1.5 KiB')
    expect(formatBytes(512, 'en')).toBe('512 B')
  })
})
