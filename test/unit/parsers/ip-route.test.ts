import { describe, expect, it } from 'vitest'
import { parseIpRouteJson, parseIpRouteText } from '../../../src/main/parsers/ip-route'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseIpRouteJson (ip -j route show table all)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseIpRouteJson('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('ip-route-json')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseIpRouteJson(pair.input)).toEqual(pair.expected)
  })

  it('defaults the table to main and takes the first hop of a multipath route', () => {
    const text = JSON.stringify([
      {
        dst: 'default',
        nexthops: [
          { gateway: '10.0.0.1', dev: 'eth0', weight: 1 },
          { gateway: '10.0.1.1', dev: 'eth1' }
        ]
      },
      { type: 'blackhole', dst: '10.9.0.0/16', table: '100' },
      { type: 'unicast', dst: '10.1.0.0/16', dev: 'eth0', metric: 5 }
    ])
    expect(parseIpRouteJson(text).value.map((r) => [r.table, r.type, r.dst, r.gateway, r.dev, r.metric])).toEqual([
      ['main', null, 'default', '10.0.0.1', 'eth0', null],
      ['100', 'blackhole', '10.9.0.0/16', null, null, null],
      ['main', null, '10.1.0.0/16', null, 'eth0', 5]
    ])
  })

  fuzzParser(parseIpRouteJson, pairs, 'json')
})

describe('parseIpRouteText (ip route show table all)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseIpRouteText('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('ip-route-text')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseIpRouteText(pair.input)).toEqual(pair.expected)
  })

  it.each([
    [
      'default via 192.0.2.1 dev eth0 proto dhcp src 192.0.2.2 metric 100',
      ['main', null, 'default', '192.0.2.1', 'eth0', 'dhcp', null, '192.0.2.2', 100]
    ],
    [
      '172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 linkdown',
      ['main', null, '172.17.0.0/16', null, 'docker0', 'kernel', 'link', '172.17.0.1', null]
    ],
    [
      'local 172.17.0.1 dev docker0 table local proto kernel scope host src 172.17.0.1',
      ['local', 'local', '172.17.0.1', null, 'docker0', 'kernel', 'host', '172.17.0.1', null]
    ],
    [
      'broadcast 172.17.255.255 dev docker0 table local proto kernel scope link src 172.17.0.1',
      ['local', 'broadcast', '172.17.255.255', null, 'docker0', 'kernel', 'link', '172.17.0.1', null]
    ],
    [
      'unreachable default dev lo proto kernel metric 4294967295 pref medium',
      ['main', 'unreachable', 'default', null, 'lo', 'kernel', null, null, 4294967295]
    ],
    ['blackhole 10.9.0.0/16', ['main', 'blackhole', '10.9.0.0/16', null, null, null, null, null, null]],
    ['10.2.0.0/16 via inet6 fe80::1 dev eth0', ['main', null, '10.2.0.0/16', 'fe80::1', 'eth0', null, null, null, null]]
  ])('%s', (line, fields) => {
    const { value, warnings } = parseIpRouteText(line)
    expect(warnings).toEqual([])
    expect(
      value.map((r) => [r.table, r.type, r.dst, r.gateway, r.dev, r.protocol, r.scope, r.prefsrc, r.metric])
    ).toEqual([fields])
  })

  it('attaches nexthop lines to the route above and warns about orphans', () => {
    const text =
      'nexthop via 10.0.0.9 dev eth9\ndefault proto static metric 10\n\tnexthop via 10.0.0.1 dev eth0 weight 1\n\tnexthop via 10.0.1.1 dev eth1 weight 1'
    const { value, warnings } = parseIpRouteText(text)
    expect(value).toHaveLength(1)
    expect([value[0].gateway, value[0].dev, value[0].raw.split('\n')]).toEqual([
      '10.0.0.1',
      'eth0',
      text.split('\n').slice(1)
    ])
    expect(warnings).toHaveLength(1)
  })

  fuzzParser(parseIpRouteText, pairs, 'lines')
})
