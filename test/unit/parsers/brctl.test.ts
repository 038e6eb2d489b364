import { describe, expect, it } from 'vitest'
import { parseBrctlShow } from '../../../src/main/parsers/brctl'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseBrctlShow (brctl show)', () => {
  it('gives no records and no warnings for empty output or a bare header', () => {
    expect(parseBrctlShow('')).toEqual({ value: [], warnings: [] })
    expect(parseBrctlShow('bridge name\tbridge id\t\tSTP enabled\tinterfaces\n')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('brctl')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseBrctlShow(pair.input)).toEqual(pair.expected)
  })

  it.each([
    [
      'tabs, one port',
      'docker0\t\t8000.024276ee0c86\tno\t\tveth53058af',
      'docker0',
      '8000.024276ee0c86',
      false,
      ['veth53058af']
    ],
    ['no ports', 'br-empty\t\t8000.024201da1854\tno\t\t', 'br-empty', '8000.024201da1854', false, []],
    ['stp on', 'br0\t\t8000.000000000000\tyes\t\teth1', 'br0', '8000.000000000000', true, ['eth1']],
    [
      'seed: tabs lost',
      'docker08000.0242a4e84411noveth7c1728b',
      'docker0',
      '8000.0242a4e84411',
      false,
      ['veth7c1728b']
    ],
    ['tabs lost, no port', 'br18000.0242a4e84411yes', 'br1', '8000.0242a4e84411', true, []]
  ])('%s', (_case, line, bridge, bridgeId, stp, interfaces) => {
    expect(parseBrctlShow(line)).toEqual({ value: [{ bridge, bridgeId, stp, interfaces, raw: line }], warnings: [] })
  })

  it('adds continuation lines to the bridge above and warns about orphans', () => {
    const text =
      '\t\t\t\t\t\t\torphan0\nbr-a\t\t8000.0242306c7fe2\tno\t\tveth1\n\t\t\t\t\t\t\tveth2\nbr-b\t\t8000.0242c6fd184e\tno\t\t'
    const { value, warnings } = parseBrctlShow(text)
    expect(value.map((r) => [r.bridge, r.interfaces])).toEqual([
      ['br-a', ['veth1', 'veth2']],
      ['br-b', []]
    ])
    expect(warnings).toHaveLength(1)
  })

  it('warns about error lines', () => {
    expect(parseBrctlShow("can't get info Operation not supported").warnings).toHaveLength(1)
  })

  fuzzParser(parseBrctlShow, pairs, 'lines')
})
