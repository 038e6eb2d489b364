import { describe, expect, it } from 'vitest'
import { parseBridgeFdbJson } from '../../../src/main/parsers/bridge-fdb'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseBridgeFdbJson (bridge -j fdb show)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseBridgeFdbJson('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('bridge-fdb')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseBridgeFdbJson(pair.input)).toEqual(pair.expected)
  })

  it('reads vxlan remote VTEPs, vlans, learned and permanent entries', () => {
    const text = JSON.stringify([
      { mac: '00:00:00:00:00:00', ifname: 'vxlan0', dst: '10.0.0.2', flags: ['self'], state: 'permanent' },
      { mac: '02:42:0a:00:01:03', ifname: 'vxlan0', master: 'br0', flags: ['extern_learn'], state: '' },
      { mac: '02:42:ac:11:00:02', ifname: 'veth1', vlan: 10, master: 'docker0', flags: [], state: '' },
      { mac: '33:33:00:00:00:01', ifname: 'docker0', flags: ['self'], state: 'permanent' }
    ])
    expect(
      parseBridgeFdbJson(text).value.map((r) => [r.mac, r.dev, r.master, r.vlan, r.dst, r.flags, r.state])
    ).toEqual([
      ['00:00:00:00:00:00', 'vxlan0', null, null, '10.0.0.2', ['self'], 'permanent'],
      ['02:42:0a:00:01:03', 'vxlan0', 'br0', null, null, ['extern_learn'], null],
      ['02:42:ac:11:00:02', 'veth1', 'docker0', 10, null, [], null],
      ['33:33:00:00:00:01', 'docker0', null, null, null, ['self'], 'permanent']
    ])
  })

  fuzzParser(parseBridgeFdbJson, pairs, 'json')
})
