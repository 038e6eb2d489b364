import { describe, expect, it } from 'vitest'
import { buildInterfaces, type IfaceBuild } from '../../../src/main/model/interfaces'
import {
  buildBridges,
  buildNetworks,
  dockerBridgeName,
  joinVethPeers,
  markUnresolvedPeers,
  matchByFdb,
  matchByIgmp,
  overlayNetnsFile,
  resolveParents
} from '../../../src/main/model/joins'
import { parseIpLinkJson } from '../../../src/main/parsers/ip-link'
import type { DockerNetworkRecord, IpLinkRecord } from '../../../src/main/parsers/types'
import { ipLinkRecord } from '../../support/ip-link-record'

const ns = (netns: string, links: IpLinkRecord[]): IfaceBuild[] =>
  buildInterfaces({ netns, links, addrs: null, dev: null, igmp: null })

describe('joinVethPeers', () => {
  it('pairs a host veth and a container eth0 only when both link indexes agree', () => {
    const host = ns('host', [
      ipLinkRecord({ ifindex: 5, name: 'docker0', kind: 'bridge' }),
      ipLinkRecord({ ifindex: 7, name: 'vethA', kind: 'veth', master: 'docker0', linkIndex: 6, linkNetnsId: 0 }),
      ipLinkRecord({ ifindex: 9, name: 'vethB', kind: 'veth', master: 'docker0', linkIndex: 6, linkNetnsId: 1 })
    ])
    // both containers have eth0 with ifindex 6: ifindex alone is ambiguous, the reverse link decides
    const a = ns('container:aaa', [
      ipLinkRecord({ ifindex: 6, name: 'eth0', kind: 'veth', linkIndex: 7, linkNetnsId: 0 })
    ])
    const b = ns('container:bbb', [
      ipLinkRecord({ ifindex: 6, name: 'eth0', kind: 'veth', linkIndex: 9, linkNetnsId: 0 })
    ])
    const all = [...host, ...a, ...b]
    expect(joinVethPeers(all)).toBe(2)
    expect(a[0].iface.peer).toEqual({ ifindex: 7, netns: 'host', name: 'vethA' })
    expect(b[0].iface.peer).toEqual({ ifindex: 9, netns: 'host', name: 'vethB' })
    expect(host[1].iface.peer).toEqual({ ifindex: 6, netns: 'container:aaa', name: 'eth0' })
    expect(host[2].iface.peer).toEqual({ ifindex: 6, netns: 'container:bbb', name: 'eth0' })
    expect(host[0].iface.peer).toBeNull()
  })

  it('pairs veths inside one namespace by name and leaves unmatched veths with an unknown peer', () => {
    const host = ns('host', [
      ipLinkRecord({ ifindex: 3, name: 'v1', kind: 'veth', linkName: 'v2' }),
      ipLinkRecord({ ifindex: 4, name: 'v2', kind: 'veth', linkName: 'v1' }),
      ipLinkRecord({ ifindex: 8, name: 'lonely', kind: 'veth', linkIndex: 2, linkNetnsId: 3 })
    ])
    joinVethPeers(host)
    markUnresolvedPeers(host)
    expect(host[0].iface.peer?.name).toBe('v2')
    expect(host[1].iface.peer?.name).toBe('v1')
    expect(host[2].iface.peer).toEqual({ ifindex: 2, netns: 'unknown', name: null })
  })

  it('reads real ip -j -d link output: the host veth link_index is the container ifindex', () => {
    const hostText = JSON.stringify([
      {
        ifindex: 26,
        ifname: 'br-63226b8903b9',
        flags: ['UP'],
        mtu: 1500,
        operstate: 'UP',
        address: '02:42:30:6c:7f:e2',
        linkinfo: { info_kind: 'bridge', info_data: { stp_state: 0 } }
      },
      {
        ifindex: 29,
        link_index: 28,
        ifname: 'veth6cf0af9',
        flags: ['UP'],
        mtu: 1500,
        master: 'br-63226b8903b9',
        operstate: 'UP',
        address: '4a:ba:99:3f:07:7d',
        link_netnsid: 1,
        linkinfo: { info_kind: 'veth' }
      }
    ])
    const nsText = JSON.stringify([
      {
        ifindex: 1,
        ifname: 'lo',
        flags: ['LOOPBACK', 'UP'],
        mtu: 65536,
        operstate: 'UNKNOWN',
        address: '00:00:00:00:00:00',
        linkinfo: null
      },
      {
        ifindex: 28,
        link_index: 29,
        ifname: 'eth0',
        flags: ['UP'],
        mtu: 1500,
        operstate: 'UP',
        address: '02:42:ac:18:00:02',
        link_netnsid: 0,
        linkinfo: { info_kind: 'veth' }
      }
    ])
    const host = ns('host', parseIpLinkJson(hostText).value)
    const c = ns('container:a23d0f4c3d56', parseIpLinkJson(nsText).value)
    joinVethPeers([...host, ...c])
    expect(c[1].iface.peer).toEqual({ ifindex: 29, netns: 'host', name: 'veth6cf0af9' })
    expect(c[0].iface.kind).toBe('loopback')
  })
})

describe('non-root matches', () => {
  const host = ns('host', [
    ipLinkRecord({ ifindex: 10, name: 'vethX', kind: 'veth', master: 'docker0', linkIndex: 4, linkNetnsId: 0 }),
    ipLinkRecord({ ifindex: 11, name: 'vethY', kind: 'veth', master: 'br-1', linkIndex: 4, linkNetnsId: 1 }),
    ipLinkRecord({ ifindex: 12, name: 'vethZ', kind: 'veth', master: 'br-1', linkIndex: 5, linkNetnsId: 2 })
  ])
  it('matchByIgmp takes the unique candidate, narrowed by the expected bridge', () => {
    expect(matchByIgmp(5, host, null)?.iface.name).toBe('vethZ')
    expect(matchByIgmp(4, host, null)).toBeNull()
    expect(matchByIgmp(4, host, 'br-1')?.iface.name).toBe('vethY')
    expect(matchByIgmp(99, host, null)).toBeNull()
  })
  it('matchByFdb uses learnt entries on veth ports only', () => {
    const fdb = [
      {
        mac: '02:42:AC:11:00:02',
        dev: 'vethX',
        master: 'docker0',
        vlan: null,
        dst: null,
        flags: [],
        state: null,
        raw: ''
      },
      {
        mac: '02:42:ac:11:00:09',
        dev: 'docker0',
        master: null,
        vlan: null,
        dst: null,
        flags: [],
        state: 'permanent',
        raw: ''
      }
    ]
    const names = new Set(['vethX', 'vethY', 'vethZ'])
    expect(matchByFdb('02:42:ac:11:00:02', fdb, names)?.dev).toBe('vethX')
    expect(matchByFdb('02:42:ac:11:00:09', fdb, names)).toBeNull()
    expect(matchByFdb(null, fdb, names)).toBeNull()
  })
})

describe('bridges and networks', () => {
  const network = (
    p: Partial<DockerNetworkRecord> & { name: string; id: string; driver: string }
  ): DockerNetworkRecord => ({
    scope: 'local',
    internal: false,
    ipv6: false,
    subnets: [],
    options: {},
    containers: [],
    raw: '',
    ...p
  })

  it('names the bridge of a docker network', () => {
    expect(dockerBridgeName(network({ name: 'bridge', id: '591c75b7dbea00', driver: 'bridge' }))).toBe('docker0')
    expect(dockerBridgeName(network({ name: 'app', id: '63226b8903b9aaaabbbb', driver: 'bridge' }))).toBe(
      'br-63226b8903b9'
    )
    expect(
      dockerBridgeName(
        network({ name: 'x', id: 'ffff', driver: 'bridge', options: { 'com.docker.network.bridge.name': 'mybr' } })
      )
    ).toBe('mybr')
    expect(dockerBridgeName(network({ name: 'host', id: 'abc', driver: 'host' }))).toBeNull()
  })

  it('collects ports from ip link master, brctl and sysfs, and finds overlay namespaces', () => {
    const host = ns('host', [
      ipLinkRecord({ ifindex: 4, name: 'docker0', kind: 'bridge' }),
      ipLinkRecord({ ifindex: 6, name: 'veth1', kind: 'veth', master: 'docker0' }),
      ipLinkRecord({ ifindex: 7, name: 'bond0', kind: 'bond' }),
      ipLinkRecord({ ifindex: 8, name: 'eth1', kind: 'device', master: 'bond0' })
    ])
    const overlay = ns('docker-netns:1-mqx6k2jqsx', [
      ipLinkRecord({ ifindex: 2, name: 'br0', kind: 'bridge' }),
      ipLinkRecord({ ifindex: 5, name: 'vxlan0', kind: 'vxlan', master: 'br0', vxlanId: 4097 }),
      ipLinkRecord({ ifindex: 7, name: 'veth0', kind: 'veth', master: 'br0' })
    ])
    const ifaces = [...host, ...overlay]
    const bridges = buildBridges({
      ifaces,
      bridgeLink: null,
      brctl: [{ bridge: 'docker0', bridgeId: null, stp: false, interfaces: ['veth2'], raw: '' }],
      sysBrif: null
    })
    expect(bridges.map((b) => [b.netns, b.name, b.ports])).toEqual([
      ['host', 'docker0', ['veth1', 'veth2']],
      ['docker-netns:1-mqx6k2jqsx', 'br0', ['veth0', 'vxlan0']]
    ])
    expect(overlayNetnsFile('mqx6k2jqsxabcdef', ['1-mqx6k2jqsx', 'ingress_sbox', 'abc123'])).toBe('1-mqx6k2jqsx')
    const fdb = [
      {
        mac: '02:42:0a:00:00:03',
        dev: 'vxlan0',
        master: null,
        vlan: null,
        dst: '198.51.100.7',
        flags: [],
        state: null,
        raw: ''
      }
    ]
    const networks = buildNetworks({
      networks: [
        network({
          name: 'bridge',
          id: 'b1',
          driver: 'bridge',
          subnets: [{ subnet: '172.17.0.0/16', gateway: '172.17.0.1' }]
        }),
        network({
          name: 'ov',
          id: 'mqx6k2jqsxabcdef',
          driver: 'overlay',
          scope: 'swarm',
          options: { 'com.docker.network.driver.overlay.vxlanid_list': '4097' }
        }),
        network({ name: 'mv', id: 'm1', driver: 'macvlan', options: { parent: 'eth0' } })
      ],
      ifaces,
      bridges,
      fdbByNetns: new Map([['docker-netns:1-mqx6k2jqsx', fdb]]),
      dockerNetnsFiles: new Map([['1-mqx6k2jqsx', 'docker-netns:1-mqx6k2jqsx']])
    })
    expect(networks.find((n) => n.name === 'ov')).toMatchObject({
      bridge: 'br0',
      overlay: { vni: 4097, netns: 'docker-netns:1-mqx6k2jqsx', vxlan: 'vxlan0', remoteVteps: ['198.51.100.7'] }
    })
    expect(networks.find((n) => n.name === 'mv')?.parent).toBe('eth0')
    expect(bridges.map((b) => b.network)).toEqual(['bridge', 'ov'])
  })

  it('links macvlan interfaces to their parent', () => {
    const host = ns('host', [ipLinkRecord({ ifindex: 2, name: 'eth0', kind: 'device' })])
    const c = ns('container:abc', [
      ipLinkRecord({ ifindex: 9, name: 'eth0', kind: 'macvlan', linkIndex: 2, linkNetnsId: 0 })
    ])
    resolveParents([...host, ...c])
    expect(c[0].iface.parent).toBe('eth0')
  })
})
