import { describe, expect, it } from 'vitest'
import { parseBridgeLinkJson } from '../../../src/main/parsers/bridge-link'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseBridgeLinkJson (bridge -j link show)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseBridgeLinkJson('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('bridge-link')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseBridgeLinkJson(pair.input)).toEqual(pair.expected)
  })

  it.each([
    ['-d boolean hairpin on', { hairpin: true }, true],
    ['-d boolean hairpin off', { hairpin: false }, false],
    ['textual hairpin', { hairpin: 'on' }, true],
    ['no hairpin field', {}, null]
  ])('%s', (_case, extra, hairpin) => {
    const text = JSON.stringify([
      { ifindex: 31, ifname: 'veth1', master: 'docker0', state: 'disabled', mtu: 1500, ...extra }
    ])
    expect(parseBridgeLinkJson(text).value[0]).toMatchObject({
      name: 'veth1',
      master: 'docker0',
      state: 'disabled',
      hairpin
    })
  })

  it('warns about entries without ifindex', () => {
    expect(parseBridgeLinkJson('[{"ifname":"x"}]')).toMatchObject({ value: [], warnings: [expect.any(String)] })
  })

  fuzzParser(parseBridgeLinkJson, pairs, 'json')
})
