import { describe, expect, it } from 'vitest'
import { en } from '@renderer/i18n/locales/en'
import { zhCN } from '@renderer/i18n/locales/zh-CN'
import { i18n, localized, setLocale } from '@renderer/i18n'
import { leaves } from '../support/catalogue'

describe('messages', () => {
  const a = leaves(en)
  const b = leaves(zhCN)
  it('en and zh-CN have exactly the same keys, none empty', () => {
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort())
    for (const [k, v] of [...a, ...b]) expect(v.trim(), k).not.toBe('')
  })
  it('keeps the same placeholders in both languages', () => {
    const ph = (s: string): string[] => (s.match(/\{\w+\}/g) ?? []).sort()
    for (const [k, v] of a) expect(ph(b.get(k) ?? ''), k).toEqual(ph(v))
  })
  it('is real Chinese with the ops vocabulary', () => {
    expect(zhCN.nav.nat).toBe('地址转换')
    expect(zhCN.nat.conntrack).toBe('连接跟踪表')
    expect(zhCN.nat.ports).toBe('端口映射')
    expect(zhCN.topology.legend.bridge).toBe('网桥')
    const cjk = [...b.values()].filter((v) => /[\u4e00-\u9fff]/.test(v)).length
    expect(cjk / b.size).toBeGreaterThan(0.8)
  })
  it('switches language and picks Localized texts', () => {
    setLocale('zh-CN')
    expect(i18n.global.t('nav.topology')).toBe('拓扑')
    expect(localized({ en: 'Bridge', 'zh-CN': '网桥' })).toBe('网桥')
    setLocale('en')
    expect(i18n.global.t('nav.topology')).toBe('Topology')
    expect(localized({ en: 'Bridge', 'zh-CN': '' }, 'zh-CN')).toBe('Bridge')
  })
})

describe('every message compiles', () => {
  it('renders each key in both languages without a compile error', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      setLocale(locale)
      for (const key of leaves(en).keys()) {
        const out = i18n.global.t(key, {
          n: 1,
          q: 'x',
          time: 't',
          name: 'n',
          done: 1,
          total: 2,
          section: 's',
          p: 'ACCEPT',
          shown: 1,
          s: 1,
          view: 'v',
          what: 'w'
        })
        expect(out, key).not.toBe(key)
      }
    }
    setLocale('en')
    expect(i18n.global.t('hosts.alias')).toBe('SSH alias or user@host')
  })
})
