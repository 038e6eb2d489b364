import { describe, expect, it } from 'vitest'
import { parseProcRoute } from '../../../src/main/parsers/proc-route'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

const HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n'

describe('parseProcRoute (/proc/<pid>/net/route)', () => {
  it('gives no records and no warnings for empty output or the header only', () => {
    expect(parseProcRoute('')).toEqual({ value: [], warnings: [] })
    expect(parseProcRoute(HEADER)).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('proc-route')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseProcRoute(pair.input)).toEqual(pair.expected)
  })

  it.each([
    [
      'default via gateway',
      'eth0\t00000000\t010017AC\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'default',
      '172.23.0.1',
      null,
      0
    ],
    ['connected /16', 'eth0\t000017AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0', '172.23.0.0/16', null, null, 0],
    [
      'host route with metric',
      'eth1\t0A01A8C0\t00000000\t0005\t0\t0\t100\tFFFFFFFF\t0\t0\t0',
      '192.168.1.10/32',
      null,
      null,
      100
    ],
    ['/28', 'wan0\t406433C6\t00000000\t0001\t0\t0\t0\tF0FFFFFF\t0\t0\t0', '198.51.100.64/28', null, null, 0],
    ['reject route', '*\t0000090A\t00000000\t0201\t0\t0\t0\t0000FFFF\t0\t0\t0', '10.9.0.0/16', null, 'unreachable', 0]
  ])('%s', (_case, line, dst, gateway, type, metric) => {
    const { value, warnings } = parseProcRoute(HEADER + line)
    expect(warnings).toEqual([])
    expect(value.map((r) => [r.dst, r.gateway, r.type, r.metric, r.table])).toEqual([
      [dst, gateway, type, metric, 'main']
    ])
  })

  it.each([
    ['a non-contiguous mask', 'eth0\t000017AC\t00000000\t0001\t0\t0\t0\t00FF00FF\t0\t0\t0'],
    ['bad hex', 'eth0\tXXXXXXXX\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0'],
    ['too few fields', 'eth0\t000017AC\t00000000']
  ])('warns about %s', (_case, line) => {
    expect(parseProcRoute(line)).toMatchObject({ value: [], warnings: [expect.any(String)] })
  })

  fuzzParser(parseProcRoute, pairs, 'lines')
})
