import { describe, expect, it } from 'vitest'
import { parseDockerContainers } from '../../../src/main/parsers/docker-container'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

const container = (overrides: Record<string, unknown>) => ({
  Id: 'c0ffee0000000000000000000000000000000000000000000000000000000000',
  Name: '/web',
  State: { Status: 'running', Running: true, Pid: 4242 },
  Config: { Image: 'lab/busybox:1' },
  HostConfig: { NetworkMode: 'default', PortBindings: {} },
  NetworkSettings: {
    SandboxKey: '/var/run/docker/netns/7430521a52e7',
    Ports: {},
    Networks: {
      bridge: {
        NetworkID: 'n1',
        EndpointID: 'e1',
        Gateway: '172.17.0.1',
        IPAddress: '172.17.0.2',
        IPPrefixLen: 16,
        MacAddress: '02:42:ac:11:00:02',
        GlobalIPv6Address: ''
      }
    }
  },
  ...overrides
})

describe('parseDockerContainers (docker container inspect)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseDockerContainers('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('docker-container')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseDockerContainers(pair.input)).toEqual(pair.expected)
  })

  it('normalises a bridge container', () => {
    const [record] = parseDockerContainers(JSON.stringify([container({})])).value
    expect(record).toMatchObject({
      name: 'web',
      image: 'lab/busybox:1',
      state: 'running',
      running: true,
      pid: 4242,
      networkMode: 'default',
      sandboxKey: '/var/run/docker/netns/7430521a52e7',
      networks: [
        {
          name: 'bridge',
          networkId: 'n1',
          endpointId: 'e1',
          ipAddress: '172.17.0.2',
          prefixLen: 16,
          gateway: '172.17.0.1',
          mac: '02:42:ac:11:00:02',
          ipv6: null
        }
      ],
      portBindings: []
    })
  })

  it.each([
    [
      'container: mode (empty settings)',
      { HostConfig: { NetworkMode: 'container:abc' }, NetworkSettings: { SandboxKey: '', Networks: {}, Ports: {} } },
      { networkMode: 'container:abc', sandboxKey: null, networks: [] }
    ],
    [
      'Networks null',
      { NetworkSettings: { SandboxKey: '', Networks: null, Ports: null } },
      { networks: [], portBindings: [] }
    ],
    ['NetworkSettings missing', { NetworkSettings: undefined }, { sandboxKey: null, networks: [] }],
    [
      'stopped (Pid 0)',
      { State: { Status: 'exited', Running: false, Pid: 0 } },
      { state: 'exited', running: false, pid: null }
    ],
    [
      'none network without addresses',
      {
        NetworkSettings: {
          Networks: {
            none: { NetworkID: 'n0', EndpointID: 'e0', IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '' }
          }
        }
      },
      {
        networks: [
          {
            name: 'none',
            networkId: 'n0',
            endpointId: 'e0',
            ipAddress: null,
            prefixLen: null,
            gateway: null,
            mac: null,
            ipv6: null
          }
        ]
      }
    ]
  ])('accepts %s', (_case, overrides, expected) => {
    const { value, warnings } = parseDockerContainers(JSON.stringify([container(overrides)]))
    expect(warnings).toEqual([])
    expect(value[0]).toMatchObject(expected)
  })

  it('keeps what NetworkSettings.Ports bound apart from what HostConfig.PortBindings configured', () => {
    const running = container({
      HostConfig: { NetworkMode: 'default', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '18080' }] } },
      NetworkSettings: {
        Ports: {
          '80/tcp': [
            { HostIp: '0.0.0.0', HostPort: '18080' },
            { HostIp: '::', HostPort: '18080' }
          ],
          '53/udp': null
        },
        Networks: {}
      }
    })
    const stopped = container({
      HostConfig: {
        NetworkMode: 'default',
        PortBindings: {
          '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
          '53/udp': [{ HostIp: '', HostPort: '5353' }]
        }
      },
      NetworkSettings: { Ports: {}, Networks: {} }
    })
    const { value, warnings } = parseDockerContainers(JSON.stringify([running, stopped]))
    expect(warnings).toEqual([])
    expect(value.map((r) => r.portBindings)).toEqual([
      [
        { containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 18080 },
        { containerPort: 80, proto: 'tcp', hostIp: '::', hostPort: 18080 }
      ],
      // stopped: nothing is bound
      []
    ])
    expect(value.map((r) => r.configuredPortBindings)).toEqual([
      [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 18080 }],
      [
        { containerPort: 80, proto: 'tcp', hostIp: '127.0.0.1', hostPort: 0 },
        { containerPort: 53, proto: 'udp', hostIp: '', hostPort: 5353 }
      ]
    ])
  })

  it('accepts a single object (Engine API /containers/{id}/json) and concatenated arrays', () => {
    const one = JSON.stringify(container({ Name: '/a' }))
    const two = JSON.stringify([container({ Name: '/b' })])
    expect(parseDockerContainers(`${one}\n${two}\n${two}`).value.map((r) => r.name)).toEqual(['a', 'b', 'b'])
  })

  it('warns about bad port keys, bad host ports and entries without Id', () => {
    const bad = container({
      NetworkSettings: { Ports: { 'eighty/tcp': [], '81/tcp': [{ HostPort: 'x' }] }, Networks: {} }
    })
    const { value, warnings } = parseDockerContainers(JSON.stringify([bad, { Name: '/noid' }]))
    expect(value).toHaveLength(1)
    expect(warnings).toHaveLength(3)
  })

  fuzzParser(parseDockerContainers, pairs, 'json')
})
