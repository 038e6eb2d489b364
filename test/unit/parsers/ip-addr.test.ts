import { describe, expect, it } from 'vitest'
import { parseIpAddrJson, parseIpAddrText } from '../../../src/main/parsers/ip-addr'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseIpAddrJson (ip -j addr show)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseIpAddrJson('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('ip-addr-json')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseIpAddrJson(pair.input)).toEqual(pair.expected)
  })

  it('builds CIDRs and skips non-IP families', () => {
    const text = JSON.stringify([
      {
        ifindex: 70,
        ifname: 'eth0',
        mtu: 1500,
        operstate: 'UP',
        address: '02:42:ac:1c:00:03',
        addr_info: [
          { family: 'inet', local: '172.28.0.3', prefixlen: 16, scope: 'global' },
          { family: 'inet6', local: 'fe80::42:acff:fe1c:3', prefixlen: 64, scope: 'link' },
          { family: 'inet', local: '10.0.0.1' },
          { family: 'mpls', local: 'x' },
          'junk'
        ]
      }
    ])
    expect(parseIpAddrJson(text).value[0].addresses).toEqual([
      { family: 'inet', cidr: '172.28.0.3/16', scope: 'global' },
      { family: 'inet6', cidr: 'fe80::42:acff:fe1c:3/64', scope: 'link' },
      { family: 'inet', cidr: '10.0.0.1/32', scope: null }
    ])
  })

  fuzzParser(parseIpAddrJson, pairs, 'json')
})

describe('parseIpAddrText (ip addr show)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseIpAddrText('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('ip-addr-text')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseIpAddrText(pair.input)).toEqual(pair.expected)
  })

  it.each([
    [
      'indented v4',
      '    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0',
      'inet',
      '172.17.0.1/16',
      'global'
    ],
    [
      'collapsed v6 (seed)',
      'inet6 fe80::42:a4ff:fee8:4411/64 scope link',
      'inet6',
      'fe80::42:a4ff:fee8:4411/64',
      'link'
    ],
    ['point-to-point', '    inet 10.8.0.1 peer 10.8.0.2/32 scope global tun0', 'inet', '10.8.0.1/32', 'global'],
    ['no prefix', '    inet6 2001:db8::1 scope global', 'inet6', '2001:db8::1/128', 'global']
  ])('reads %s', (_case, line, family, cidr, scope) => {
    const text = `4: docker0: <UP> mtu 1500 qdisc noqueue state UP group default\n${line}\n    valid_lft forever preferred_lft forever`
    expect(parseIpAddrText(text).value[0].addresses).toEqual([{ family, cidr, scope }])
  })

  it('skips the seed "..." elisions with one warning', () => {
    const { value, warnings } = parseIpAddrText(
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN\n...\n2: ens33: <UP> mtu 1500 state UP\n...'
    )
    expect(value.map((r) => [r.name, r.addresses])).toEqual([
      ['lo', []],
      ['ens33', []]
    ])
    expect(warnings).toEqual(['ip addr: skipped 2 elided line(s) ("...")'])
  })

  fuzzParser(parseIpAddrText, pairs, 'lines')
})
