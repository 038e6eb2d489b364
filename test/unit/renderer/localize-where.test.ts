import { describe, expect, it } from 'vitest'
import { localizeWhere } from '../../../src/renderer/src/utils/format'

describe('trace hop labels in Chinese', () => {
  it.each([
    ['nllab-default routing table', 'nllab-default 的路由表'],
    ['host routing decision', '宿主机路由决策'],
    ['host vethc0eb036 → nllab-web eth0', '宿主机 vethc0eb036 → nllab-web eth0'],
    ['nllab-web eth0 → host vethc0eb036', 'nllab-web eth0 → 宿主机 vethc0eb036'],
    ['conntrack (reply, PREROUTING)', 'conntrack（回包，PREROUTING）'],
    ['nat POSTROUTING', 'nat POSTROUTING']
  ])('%s → %s', (where, zh) => {
    expect(localizeWhere(where, 'zh-CN')).toBe(zh)
    expect(localizeWhere(where, 'en')).toBe(where)
  })

  it('leaves host-derived names alone even when they contain the English words', () => {
    expect(localizeWhere('routing table', 'zh-CN')).toBe('routing table')
  })
})
