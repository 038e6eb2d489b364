/**
 * The seed tutorial's real CentOS 7 outputs (iproute2 3.10 text, collapsed brctl, docker inspect
 * excerpts that are not JSON): they load, with warnings saying what is missing.
 */
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { Snapshot } from '../../../src/shared/snapshot/schema'
import type { Capture } from '../../../src/main/capture/capture-types'
import { readFixture } from '../../support/fixtures'
import { captureOfSections } from '../../support/capture-from-dir'

const sections: Record<string, string> = {
  'ip.link.text': readFixture('iproute2/centos-7-seed/ip-link-text--with-container.out'),
  'ip.addr.text': readFixture('iproute2/centos-7-seed/ip-addr-text--with-container.out'),
  'brctl.show': readFixture('bridge-utils/centos-7-seed/brctl--collapsed-tabs.out'),
  'docker.networks': readFixture('docker/centos-7-seed/docker-network--elided-excerpt.out'),
  'iptables.list.nat': readFixture('model/centos-7-seed/iptables.list.nat.out')
}
const capture: Capture = captureOfSections(sections, 'file:seed', '2026-11-28T00:00:00.000Z')
const snapshot = buildSnapshot(capture)

describe('seed: CentOS 7 text outputs', () => {
  it('is a valid snapshot with warnings for every missing section', () => {
    expect(Snapshot.safeParse(snapshot).success).toBe(true)
    expect(snapshot.warnings.filter((w) => /not captured/.test(w)).sort()).toEqual([
      'conntrack.list: not captured — live NAT translations unknown',
      'docker.containers: not captured — containers unknown',
      'ip.route: not captured — routes unknown',
      'iptables.save: not captured — only the nat table listing (iptables -L) is known; filter/raw tables unknown',
      'proc.net.dev: not captured — interface counters unknown',
      'ss.listen: not captured — listening sockets (docker-proxy) unknown',
      'sysctl: not captured — kernel settings (ip_forward, bridge-nf-call-iptables) unknown'
    ])
    // the elided docker network excerpt is not JSON: the parser says so
    expect(snapshot.warnings.some((w) => w.startsWith('docker.networks: '))).toBe(true)
    expect(snapshot.warnings.some((w) => w.startsWith('ip.addr.text: ') && /elided/.test(w))).toBe(true)
  })

  it('reads the interfaces from iproute2 3.10 text and infers their kinds', () => {
    expect(snapshot.interfaces.map((i) => [i.ifindex, i.name, i.kind, i.master, i.mac, i.addresses])).toEqual([
      [1, 'lo', 'loopback', null, '00:00:00:00:00:00', []],
      [2, 'ens33', 'device', null, '00:0c:29:3f:bf:cf', []],
      [3, 'ens37', 'device', null, '00:0c:29:3f:bf:d9', []],
      [4, 'docker0', 'bridge', null, '02:42:a4:e8:44:11', ['172.17.0.1/16', 'fe80::42:a4ff:fee8:4411/64']],
      [6, 'veth7c1728b', 'veth', 'docker0', '9a:be:3b:60:d7:2e', ['fe80::98be:3bff:fe60:d72e/64']]
    ])
    // the container's namespace was not captured: its ifindex (5) is known, its namespace is not
    expect(snapshot.interfaces[4].peer).toEqual({ ifindex: 5, netns: 'unknown', name: null })
  })

  it('finds the bridge and its port from both ip link and the collapsed brctl output', () => {
    expect(snapshot.bridges).toEqual([
      { name: 'docker0', netns: 'host', ports: ['veth7c1728b'], stp: false, network: null }
    ])
    expect(snapshot.namespaces).toEqual([{ id: 'host', kind: 'host', containers: [], path: null }])
    expect(snapshot.containers).toEqual([])
  })

  it("reads the nat table from iptables -L: docker's MASQUERADE and DOCKER chain", () => {
    expect(snapshot.nat.rules.map((r) => [r.table, r.chain, r.position, r.target, r.match, r.owner])).toEqual([
      ['nat', 'PREROUTING', 1, 'DOCKER', 'ADDRTYPE match dst-type LOCAL', 'docker'],
      ['nat', 'OUTPUT', 1, 'DOCKER', '! -d 127.0.0.0/8 ADDRTYPE match dst-type LOCAL', 'docker'],
      ['nat', 'POSTROUTING', 1, 'MASQUERADE', '-s 172.17.0.0/16', 'docker'],
      ['nat', 'DOCKER', 1, 'RETURN', '', 'docker']
    ])
    expect(snapshot.nat.chains.map((c) => [c.chain, c.policy])).toEqual([
      ['PREROUTING', 'ACCEPT'],
      ['INPUT', 'ACCEPT'],
      ['OUTPUT', 'ACCEPT'],
      ['POSTROUTING', 'ACCEPT'],
      ['DOCKER', null]
    ])
    expect(snapshot.publishedPorts).toEqual([])
  })
})
