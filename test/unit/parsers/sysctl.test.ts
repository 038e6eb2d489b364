import { describe, expect, it } from 'vitest'
import { parseSysctl } from '../../../src/main/parsers/sysctl'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseSysctl (key = value lines)', () => {
  it('gives an empty record and no warnings for empty output', () => {
    expect(parseSysctl('')).toEqual({ value: {}, warnings: [] })
  })

  const pairs = loadFixturePairs('sysctl')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseSysctl(pair.input)).toEqual(pair.expected)
  })

  it('reads key = value, key=value and /proc/sys path lines', () => {
    const text = [
      'net.ipv4.ip_forward = 1',
      'net.ipv4.conf.all.rp_filter=2',
      '/proc/sys/net/bridge/bridge-nf-call-iptables:1',
      '/proc/sys/net/ipv4/conf/eth0.10/rp_filter:0',
      'net.ipv4.ping_group_range = 0\t2147483647',
      'kernel.hostname = ',
      'net.ipv4.ip_forward = 0'
    ].join('\n')
    expect(parseSysctl(text)).toEqual({
      value: {
        'net.ipv4.ip_forward': '0',
        'net.ipv4.conf.all.rp_filter': '2',
        'net.bridge.bridge-nf-call-iptables': '1',
        'net.ipv4.conf.eth0/10.rp_filter': '0',
        'net.ipv4.ping_group_range': '0\t2147483647',
        'kernel.hostname': ''
      },
      warnings: []
    })
  })

  it('warns about sysctl errors and keeps prototype keys as plain data', () => {
    const { value, warnings } = parseSysctl(
      'sysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory\n__proto__ = 1'
    )
    expect(warnings).toHaveLength(1)
    expect(Object.keys(value)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  fuzzParser(parseSysctl, pairs, 'none')
})
