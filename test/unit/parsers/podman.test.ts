import { describe, expect, it } from 'vitest'
import { parsePodmanContainers, parsePodmanNetworks, parsePodmanPods } from '../../../src/main/parsers/podman'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

const container = (overrides: Record<string, unknown>) => ({
  Id: 'ab12000000000000000000000000000000000000000000000000000000000000',
  Name: 'web',
  ImageName: 'localhost/lab/busybox:1',
  State: { Status: 'running', Running: true, Pid: 4242, ConmonPid: 4240 },
  Pod: '',
  IsInfra: false,
  HostConfig: { NetworkMode: 'bridge', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8090' }] } },
  NetworkSettings: {
    SandboxKey: '/run/netns/netns-3f2acf0e',
    Ports: { '80/tcp': [{ HostIp: '', HostPort: '8090' }] },
    Networks: {
      labpod: {
        NetworkID: 'labpod',
        Gateway: '10.90.0.1',
        IPAddress: '10.90.0.2',
        IPPrefixLen: 24,
        MacAddress: '8a:48:b4:91:27:0f'
      }
    }
  },
  ...overrides
})

describe('parsePodmanContainers (podman container inspect)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parsePodmanContainers('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('podman-container')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parsePodmanContainers(pair.input)).toEqual(pair.expected)
  })

  it('names the network of a netavark bridge container as its network mode (Docker does the same)', () => {
    const [record] = parsePodmanContainers(JSON.stringify([container({})])).value
    expect(record).toMatchObject({
      runtime: 'podman',
      networkMode: 'labpod',
      image: 'localhost/lab/busybox:1',
      pid: 4242,
      networks: [{ name: 'labpod', ipAddress: '10.90.0.2', prefixLen: 24, mac: '8a:48:b4:91:27:0f' }],
      portBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 8090 }],
      pod: null,
      isInfra: false
    })
  })

  it.each([
    ['host', 'host'],
    ['none', 'none'],
    ['slirp4netns', 'slirp4netns'],
    ['pasta', 'pasta'],
    ['ns:/run/netns/x', 'ns:/run/netns/x']
  ])('keeps the %s network mode', (mode, expected) => {
    const [record] = parsePodmanContainers(
      JSON.stringify([container({ HostConfig: { NetworkMode: mode }, NetworkSettings: { Networks: {}, Ports: {} } })])
    ).value
    expect(record.networkMode).toBe(expected)
  })

  it('leaves the owner’s networks and ports off container: and pod members (podman repeats them)', () => {
    const member = container({
      Pod: '44f9c8f432eb774738ecd1f8d507adcd0d3776546f9d2838d3a7a6e1f42dca85',
      HostConfig: { NetworkMode: 'container:9c130f852b05', PortBindings: { '80/tcp': [{ HostPort: '8090' }] } }
    })
    const [record] = parsePodmanContainers(JSON.stringify([member])).value
    expect(record).toMatchObject({ networkMode: 'container:9c130f852b05', networks: [], portBindings: [] })
    expect(record.pod).toBe('44f9c8f432eb774738ecd1f8d507adcd0d3776546f9d2838d3a7a6e1f42dca85')
  })

  it('keeps a stopped container’s HostConfig.PortBindings as configured, not bound, and warns about entries without Id', () => {
    const stopped = container({
      State: { Status: 'exited', Running: false, Pid: 0 },
      NetworkSettings: { Ports: {}, Networks: {} }
    })
    const { value, warnings } = parsePodmanContainers(JSON.stringify([stopped, { Name: 'noid' }]))
    expect(value).toHaveLength(1)
    expect(value[0]).toMatchObject({
      running: false,
      pid: null,
      networkMode: 'bridge',
      portBindings: [],
      configuredPortBindings: [{ hostPort: 8090 }]
    })
    expect(warnings).toHaveLength(1)
  })

  fuzzParser(parsePodmanContainers, pairs, 'json')
})

describe('parsePodmanNetworks (podman network inspect)', () => {
  const pairs = loadFixturePairs('podman-network')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parsePodmanNetworks(pair.input)).toEqual(pair.expected)
  })

  it('reads bridge, subnets, internal and DNS; a macvlan network’s interface is its parent', () => {
    const { value, warnings } = parsePodmanNetworks(
      JSON.stringify([
        {
          name: 'int',
          id: 'i1',
          driver: 'bridge',
          network_interface: 'podman3',
          subnets: [{ subnet: '10.91.0.0/24', gateway: '10.91.0.1' }],
          internal: true,
          dns_enabled: true
        },
        { name: 'mv', id: 'm1', driver: 'macvlan', network_interface: 'eth0', subnets: [{ subnet: '192.0.2.0/24' }] },
        { driver: 'bridge' }
      ])
    )
    expect(value[0]).toMatchObject({
      bridge: 'podman3',
      internal: true,
      dnsEnabled: true,
      subnets: [{ subnet: '10.91.0.0/24', gateway: '10.91.0.1' }]
    })
    expect(value[1]).toMatchObject({
      bridge: null,
      options: { parent: 'eth0' },
      subnets: [{ subnet: '192.0.2.0/24', gateway: null }],
      dnsEnabled: null
    })
    expect(warnings).toHaveLength(1)
  })

  fuzzParser(parsePodmanNetworks, pairs, 'json')
})

describe('parsePodmanPods (podman pod ps --format json)', () => {
  const pairs = loadFixturePairs('podman-pods')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parsePodmanPods(pair.input)).toEqual(pair.expected)
  })

  it('keeps the infra id and the member ids', () => {
    const [pod] = parsePodmanPods(
      JSON.stringify([{ Id: 'p1', Name: 'web-pod', InfraId: 'c1', Containers: [{ Id: 'c1' }, { Id: 'c2' }, 7] }])
    ).value
    expect(pod).toMatchObject({ id: 'p1', name: 'web-pod', infraId: 'c1', containerIds: ['c1', 'c2'] })
  })

  fuzzParser(parsePodmanPods, pairs, 'json')
})
