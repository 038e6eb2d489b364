import { describe, expect, it } from 'vitest'
import { parseDockerNetworks } from '../../../src/main/parsers/docker-network'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

const network = (overrides: Record<string, unknown>) => ({
  Name: 'bridge',
  Id: '591c75b7dbea0000000000000000000000000000000000000000000000000000',
  Scope: 'local',
  Driver: 'bridge',
  EnableIPv6: false,
  IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] },
  Internal: false,
  Containers: {},
  Options: { 'com.docker.network.bridge.name': 'docker0' },
  ...overrides
})

describe('parseDockerNetworks (docker network inspect)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseDockerNetworks('')).toEqual({ value: [], warnings: [] })
    expect(parseDockerNetworks('[]\n')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('docker-network')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseDockerNetworks(pair.input)).toEqual(pair.expected)
  })

  it('normalises containers, options and IPAM', () => {
    const text = JSON.stringify([
      network({
        Containers: {
          abc: {
            Name: 'vh2',
            EndpointID: 'ep1',
            MacAddress: '02:42:ac:11:00:02',
            IPv4Address: '172.17.0.2/16',
            IPv6Address: ''
          }
        }
      })
    ])
    const [record] = parseDockerNetworks(text).value
    expect(record).toMatchObject({
      name: 'bridge',
      driver: 'bridge',
      scope: 'local',
      internal: false,
      ipv6: false,
      subnets: [{ subnet: '172.17.0.0/16', gateway: '172.17.0.1' }],
      options: { 'com.docker.network.bridge.name': 'docker0' },
      containers: [
        { id: 'abc', name: 'vh2', ipv4: '172.17.0.2/16', ipv6: null, mac: '02:42:ac:11:00:02', endpointId: 'ep1' }
      ]
    })
    expect(JSON.parse(record.raw)).toMatchObject({ Name: 'bridge' })
  })

  it.each([
    ['IPAM.Config null', { IPAM: { Driver: 'default', Config: null } }, { subnets: [] }],
    ['IPAM missing', { IPAM: undefined }, { subnets: [] }],
    ['Containers null', { Containers: null }, { containers: [] }],
    ['Options null', { Options: null }, { options: {} }],
    ['internal network', { Internal: true }, { internal: true }],
    [
      'overlay',
      { Driver: 'overlay', Scope: 'swarm', Options: { 'com.docker.network.driver.overlay.vxlanid_list': '4097' } },
      { driver: 'overlay', scope: 'swarm', options: { 'com.docker.network.driver.overlay.vxlanid_list': '4097' } }
    ]
  ])('accepts %s', (_case, overrides, expected) => {
    const { value, warnings } = parseDockerNetworks(JSON.stringify([network(overrides)]))
    expect(warnings).toEqual([])
    expect(value[0]).toMatchObject(expected)
  })

  it('accepts several concatenated arrays and a single object', () => {
    const text = `${JSON.stringify([network({ Name: 'a', Id: '1' })], null, 4)}\n${JSON.stringify([network({ Name: 'b', Id: '2' })], null, 4)}\n${JSON.stringify(network({ Name: 'c', Id: '3' }))}`
    expect(parseDockerNetworks(text)).toMatchObject({
      value: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
      warnings: []
    })
  })

  it('warns about error text, broken JSON and entries without Id', () => {
    const text = 'Error: No such network: x\n[{"Name": "noid"}]\n[{"Name": "cut", "Id": "9"'
    const { value, warnings } = parseDockerNetworks(text)
    expect(value).toEqual([])
    expect(warnings).toHaveLength(3)
  })

  fuzzParser(parseDockerNetworks, pairs, 'json')
})
