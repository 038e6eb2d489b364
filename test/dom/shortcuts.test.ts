import { describe, expect, it } from 'vitest'
import { shortcutFor, type KeyLike } from '@renderer/composables/shortcuts'
import { parseHash } from '@renderer/stores/router'

const key = (k: Partial<KeyLike> & { key: string }): KeyLike => ({
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  typing: false,
  ...k
})

describe('shortcuts', () => {
  it('maps the documented keys', () => {
    expect(shortcutFor(key({ key: 'k', ctrlKey: true }))).toEqual({ type: 'search' })
    expect(shortcutFor(key({ key: 'K', metaKey: true }))).toEqual({ type: 'search' })
    expect(shortcutFor(key({ key: 'r', ctrlKey: true }))).toEqual({ type: 'refresh' })
    expect(shortcutFor(key({ key: 'F5' }))).toEqual({ type: 'refresh' })
    expect(shortcutFor(key({ key: '¡', code: 'Digit1', altKey: true }))).toEqual({ type: 'view', view: 'topology' })
    expect(shortcutFor(key({ key: '5', altKey: true }))).toEqual({ type: 'view', view: 'training' })
    expect(shortcutFor(key({ key: '6', altKey: true }))).toEqual({ type: 'view', view: 'packets' })
    expect(shortcutFor(key({ key: '7', altKey: true }))).toEqual({ type: 'view', view: 'fleet' })
    expect(shortcutFor(key({ key: 'ArrowDown', altKey: true }))).toEqual({ type: 'host', delta: 1 })
    expect(shortcutFor(key({ key: 'ArrowUp', altKey: true }))).toEqual({ type: 'host', delta: -1 })
    expect(shortcutFor(key({ key: '?' }))).toEqual({ type: 'help' })
    expect(shortcutFor(key({ key: 'Escape' }))).toEqual({ type: 'escape' })
  })
  it('leaves plain typing alone', () => {
    expect(shortcutFor(key({ key: '?', typing: true }))).toBeNull()
    expect(shortcutFor(key({ key: 'k' }))).toBeNull()
    expect(shortcutFor(key({ key: '8', altKey: true }))).toBeNull()
  })
  it('parses view hashes', () => {
    expect(parseHash('#/nat')).toBe('nat')
    expect(parseHash('#traffic')).toBe('traffic')
    expect(parseHash('#/nope')).toBeNull()
    expect(parseHash('')).toBeNull()
  })
})
