import { describe, expect, it } from 'vitest'
import { parseIpNeighJson, parseIpNeighText } from '../../../src/main/parsers/ip-neigh'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseIpNeighJson (ip -j neigh show)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseIpNeighJson('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('ip-neigh-json')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseIpNeighJson(pair.input)).toEqual(pair.expected)
  })

  it('accepts state as a list or a string and entries without lladdr', () => {
    const text =
      '[{"dst":"10.0.0.7","dev":"eth0","state":["FAILED"]},{"dst":"fe80::1","dev":"eth0","lladdr":"02:00:00:00:00:01","router":null,"state":"STALE"}]'
    expect(parseIpNeighJson(text).value.map((r) => [r.dst, r.lladdr, r.state])).toEqual([
      ['10.0.0.7', null, ['FAILED']],
      ['fe80::1', '02:00:00:00:00:01', ['STALE']]
    ])
  })

  fuzzParser(parseIpNeighJson, pairs, 'json')
})

describe('parseIpNeighText (ip neigh show)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseIpNeighText('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('ip-neigh-text')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseIpNeighText(pair.input)).toEqual(pair.expected)
  })

  it.each([
    [
      '172.17.0.2 dev docker0 lladdr 02:42:ac:11:00:02 REACHABLE',
      '172.17.0.2',
      'docker0',
      '02:42:ac:11:00:02',
      ['REACHABLE']
    ],
    ['fe80::1 dev eth0 lladdr 02:00:00:00:00:01 router STALE', 'fe80::1', 'eth0', '02:00:00:00:00:01', ['STALE']],
    ['10.0.0.7 dev eth0 FAILED', '10.0.0.7', 'eth0', null, ['FAILED']],
    [
      '10.0.0.8 dev eth0 lladdr 02:00:00:00:00:08 PROBE DELAY',
      '10.0.0.8',
      'eth0',
      '02:00:00:00:00:08',
      ['PROBE', 'DELAY']
    ]
  ])('%s', (line, dst, dev, lladdr, state) => {
    expect(parseIpNeighText(line)).toEqual({ value: [{ dst, dev, lladdr, state, raw: line }], warnings: [] })
  })

  it('warns about lines that are not neighbours', () => {
    expect(parseIpNeighText('Dump was interrupted').warnings).toHaveLength(1)
  })

  fuzzParser(parseIpNeighText, pairs, 'lines')
})
