import { describe, expect, it } from 'vitest'
import { parseSysBrif } from '../../../src/main/parsers/sys-brif'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseSysBrif (/sys/class/net/*/brif listing)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseSysBrif('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('sys-brif')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseSysBrif(pair.input)).toEqual(pair.expected)
  })

  it('groups ports by bridge, keeps order, ignores duplicates and accepts port-less bridges', () => {
    const text = 'docker0 veth1\nbr-x veth3\ndocker0 veth2\ndocker0 veth1\nbr-empty\na b c'
    const { value, warnings } = parseSysBrif(text)
    expect(value.map((r) => [r.bridge, r.interfaces, r.bridgeId, r.stp])).toEqual([
      ['docker0', ['veth1', 'veth2'], null, null],
      ['br-x', ['veth3'], null, null],
      ['br-empty', [], null, null]
    ])
    expect(value[0].raw).toBe('docker0 veth1\ndocker0 veth2\ndocker0 veth1')
    expect(warnings).toHaveLength(1)
  })

  fuzzParser(parseSysBrif, pairs, 'lines')
})
