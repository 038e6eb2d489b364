/**
 * `nft list chains` (text): the devices of netdev/inet ingress and egress base chains, which the
 * JSON ruleset of nftables 1.0.6 leaves out (issue #13). Fixtures: real listings of a lab
 * namespace (test/fixtures/nftables/debian-12-lab-netns/netdev-chains.sh), hostile names included.
 */
import { describe, expect, it } from 'vitest'
import { parseNftChainsText } from '../../../src/main/parsers/nft-chains-text'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseNftChainsText (nft list chains)', () => {
  it('gives no chains and no warnings for no output', () => {
    expect(parseNftChainsText('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('nft-chains')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseNftChainsText(pair.input)).toEqual(pair.expected)
  })

  it('reads one device, several, none, and device names with quotes, commas and braces', () => {
    const text = [
      'table netdev t {',
      '\tchain a {',
      '\t\ttype filter hook ingress device "x"y" priority filter; policy accept;',
      '\t}',
      '\tchain b {',
      '\t\ttype filter hook egress devices = { c,d}, e{, f } priority 10; policy drop;',
      '\t}',
      '\tchain c {',
      '\t}',
      '}',
      'table ip nat {',
      '\tchain POSTROUTING {',
      '\t\ttype nat hook postrouting priority srcnat; policy accept;',
      '\t}',
      '}'
    ].join('\n')
    const { value, warnings } = parseNftChainsText(text)
    expect(warnings).toEqual([])
    expect(value.map((c) => [c.family, c.table, c.chain, c.hook, c.devices])).toEqual([
      ['netdev', 't', 'a', 'ingress', ['x"y']],
      ['netdev', 't', 'b', 'egress', ['c,d}', 'e{', 'f']],
      ['ip', 'nat', 'POSTROUTING', 'postrouting', []]
    ])
  })

  it('warns about a type line it cannot read or that is outside a chain, and keeps going', () => {
    const text = [
      '\t\ttype filter hook ingress priority 0;',
      'table netdev t {',
      '\tchain a {',
      '\t\ttype nonsense',
      '}'
    ].join('\n')
    const { value, warnings } = parseNftChainsText(text)
    expect(value).toEqual([])
    expect(warnings).toEqual([
      expect.stringContaining('outside a chain'),
      expect.stringContaining('unrecognised chain type line')
    ])
  })

  fuzzParser(parseNftChainsText, pairs, 'lines')
})
