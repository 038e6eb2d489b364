/** Bidi controls in host data are shown as visible marks in every view: the renderer's API door marks them once. */
import { describe, expect, it } from 'vitest'
import { markBidiDeep, withVisibleText } from '@renderer/api/visible-text'
import type { NetLensApi } from '@shared/api/contract'
import { unmarkBidiControls } from '@shared/text-safety'

describe('markBidiDeep', () => {
  it('marks every string, keys included, and keeps unchanged parts as they are', () => {
    const clean = { name: 'web', interfaces: [{ ifname: 'eth1' }] }
    const value = {
      containers: [{ name: 'evil\u202egnp.exe', interfaces: [{ ifname: 'eth0' }] }, clean],
      options: { '\u2066key\u2069': 'v\u200f' },
      count: 3
    }
    const marked = markBidiDeep(value)
    expect(marked.containers[0].name).toBe('evil⟨U+202E⟩gnp.exe')
    expect(marked.options).toEqual({ '⟨U+2066⟩key⟨U+2069⟩': 'v⟨U+200F⟩' })
    expect(marked.containers[1]).toBe(clean)
    expect(marked.containers[0].interfaces).toBe(value.containers[0].interfaces)
    expect(value.containers[0].name).toBe('evil\u202egnp.exe')
    expect(markBidiDeep(clean)).toBe(clean)
  })

  it('is undone by unmarkBidiControls (names sent back, e.g. a trace endpoint)', () => {
    const name = 'a\u202eb\u2066c\u2069\u200e\u061c'
    expect(unmarkBidiControls(markBidiDeep(name))).toBe(name)
  })
})

describe('withVisibleText', () => {
  it('marks call answers and pushed events', async () => {
    let push: ((payload: unknown) => void) | null = null
    const raw = {
      getSnapshot: async () => ({ ok: true, value: { host: { hostname: 'h\u202ex' } } }),
      subscribe: (_event: string, listener: (payload: unknown) => void) => {
        push = listener
        return () => undefined
      }
    } as unknown as NetLensApi
    const api = withVisibleText(raw)
    expect(await api.getSnapshot({ hostId: 'x' })).toEqual({ ok: true, value: { host: { hostname: 'h⟨U+202E⟩x' } } })
    const seen: unknown[] = []
    api.subscribe('hostsChanged', (hosts) => seen.push(hosts))
    push!([{ label: '\u2067x' }])
    expect(seen).toEqual([[{ label: '⟨U+2067⟩x' }]])
  })
})
