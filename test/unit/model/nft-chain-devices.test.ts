/**
 * The devices of netdev/inet ingress and egress chains (issue #13): `nft list chains` joined with
 * the JSON ruleset by exact family, table and chain name. Real listings of one lab namespace
 * (test/fixtures/nftables/debian-12-lab-netns/netdev-chains.sh): chains on one device, on several,
 * hostile device names, and a chain whose name holds line breaks and imitates two other chains in
 * the text listing, which is why a line break in any name makes the listing untrusted.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildNat } from '../../../src/main/model/nat'
import { parseNftChainsText } from '../../../src/main/parsers/nft-chains-text'
import { parseNftJson } from '../../../src/main/parsers/nft-json'
import type { NftChainDevices, NftRuleset } from '../../../src/main/parsers/types'
import { FIXTURES_DIR } from '../../support/fixtures'

const DIR = join(FIXTURES_DIR, 'nftables/debian-12-lab-netns')
const ruleset = parseNftJson(readFileSync(join(DIR, 'nft-json--netdev-devices.out'), 'utf8')).value
const listing = parseNftChainsText(readFileSync(join(DIR, 'nft-chains--netdev-devices.out'), 'utf8')).value

function devicesBy(nft: NftRuleset, nftDevices: NftChainDevices[] | null): Record<string, string[] | null> {
  const nat = buildNat({
    save: null,
    save6: null,
    list: null,
    otherSave: null,
    nft,
    nftDevices,
    versionText: null,
    dockerBridges: new Set(),
    dockerSubnets: []
  })
  return Object.fromEntries(nat.chains.map((c) => [`${c.table} ${c.chain}`, c.devices]))
}

/** The ruleset without the table whose chain name holds line breaks (`t x{`). */
const withoutSpoof: NftRuleset = {
  ...ruleset,
  tables: ruleset.tables.filter((t) => t.name !== 't x{'),
  chains: ruleset.chains.filter((c) => c.table !== 't x{'),
  rules: ruleset.rules.filter((r) => r.table !== 't x{')
}

describe('devices of nft ingress/egress chains (nft list chains joined with nft -j)', () => {
  it('the real namespace has a chain name that imitates others in the text listing', () => {
    expect(ruleset.chains.some((c) => c.name.includes('\n'))).toBe(true)
    expect(listing.map((c) => `${c.table} ${c.chain}`)).toEqual(expect.arrayContaining(['t x{ x', 't x{ y']))
  })

  it('names each ingress/egress chain’s devices, hostile names as they are; other chains have none', () => {
    expect(devicesBy(withoutSpoof, listing)).toEqual({
      'netdev lab wan_in': ['veth-wan'],
      'netdev lab both_in': ['br-lab', 'veth-wan'],
      'netdev lab lan_out': ['veth-lan'],
      'netdev lab helper': null,
      'netdev lab odd': ['$(x)', 'c,d}', 'e;f{', 'zz', 'ü'],
      'inet filter forward': null,
      'inet filter early_in': ['br-lab']
    })
  })

  it('trusts the listing nowhere when a table or chain name holds a line break', () => {
    const devices = devicesBy(ruleset, listing)
    expect(Object.keys(devices)).toHaveLength(9)
    expect(Object.values(devices).every((d) => d === null)).toBe(true)
  })

  it('leaves devices unknown without the listing, for a chain listed twice, and for a hook that differs', () => {
    expect(Object.values(devicesBy(withoutSpoof, null)).every((d) => d === null)).toBe(true)
    const wanIn = listing.find((c) => c.chain === 'wan_in')!
    const doubled = devicesBy(withoutSpoof, [...listing, { ...wanIn, devices: ['eth9'] }])
    expect(doubled['netdev lab wan_in']).toBeNull()
    expect(doubled['netdev lab lan_out']).toEqual(['veth-lan'])
    const otherHook = listing.map((c) => (c.chain === 'lan_out' ? { ...c, hook: 'ingress' } : c))
    expect(devicesBy(withoutSpoof, otherHook)['netdev lab lan_out']).toBeNull()
  })
})
