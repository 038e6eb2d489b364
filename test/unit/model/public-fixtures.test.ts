/**
 * Snapshots from real public outputs (attribution in test/fixtures/SOURCES.md and
 * test/fixtures/model/README.md): watchtower's docker inspect mocks (a container: mode pair and a
 * portainer publishing 9000/tcp), moby's iptables golden and Docker 29's native nftables ruleset.
 */
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { Snapshot } from '../../../src/shared/snapshot/schema'
import type { Capture } from '../../../src/main/capture/capture-types'
import { readFixture } from '../../support/fixtures'
import { captureOfSections } from '../../support/capture-from-dir'

const capture = (sections: Record<string, string>): Capture => captureOfSections(sections)

describe('watchtower docker inspect (public)', () => {
  const inspect = ['running', 'net-supplier', 'net-consumer']
    .map((c) => readFixture(`docker/watchtower-public/docker-container--watchtower-${c}.out`))
    .join('\n')
  const snapshot = buildSnapshot(capture({ 'docker.containers': inspect }))

  it('loads with warnings for everything the capture lacks', () => {
    expect(Snapshot.safeParse(snapshot).success).toBe(true)
    expect(snapshot.warnings).toEqual(
      expect.arrayContaining([
        'ip.link: not captured — interfaces unknown',
        'iptables.save: not captured — NAT rules unknown',
        'docker.networks: not captured — docker networks unknown'
      ])
    )
  })

  it('resolves container: mode to the joined container by name and shares its namespace', () => {
    const byName = Object.fromEntries(snapshot.containers.map((c) => [c.name, c]))
    expect(snapshot.containers.map((c) => [c.name, c.networkMode, c.netns])).toEqual([
      ['portainer', 'bridge', `container:${byName.portainer.id.slice(0, 12)}`],
      ['wt-contnet-consumer-1', 'container:wt-contnet-producer-1', 'container:25e75393800b'],
      ['wt-contnet-producer-1', 'wt-contnet_default', 'container:25e75393800b']
    ])
    expect(snapshot.namespaces.find((n) => n.id === 'container:25e75393800b')).toEqual({
      id: 'container:25e75393800b',
      kind: 'container',
      containers: ['wt-contnet-consumer-1', 'wt-contnet-producer-1'],
      path: '/proc/3648/ns/net'
    })
    // no namespace data: docker's endpoint is all there is, and nothing is claimed about the host side
    expect(byName['wt-contnet-producer-1'].interfaces).toEqual([
      {
        ifname: '?',
        ifindex: null,
        mac: expect.stringMatching(/^02:42:/),
        addresses: ['172.19.0.2/16'],
        network: 'wt-contnet_default',
        hostVeth: null,
        vethNetns: null,
        bridge: null,
        bridgeNetns: null,
        evidence: 'none',
        mtu: null,
        state: null
      }
    ])
    expect(byName['wt-contnet-consumer-1'].interfaces).toEqual([])
  })

  it('publishes portainer 9000/tcp from docker data only', () => {
    expect(snapshot.publishedPorts).toEqual([
      {
        hostIp: '0.0.0.0',
        hostPort: 9000,
        proto: 'tcp',
        containerIp: '172.17.0.2',
        containerPort: 9000,
        container: 'portainer',
        rule: null,
        proxy: null,
        sources: ['docker'],
        runtime: 'docker'
      }
    ])
  })
})

describe("moby's iptables golden (docker 29, iptables backend)", () => {
  const snapshot = buildSnapshot(capture({ 'iptables.save': readFixture('model/moby-public/iptables.save.out') }))

  it('publishes 8080 from the DNAT rule and gives docker every rule', () => {
    expect(Snapshot.safeParse(snapshot).success).toBe(true)
    expect(snapshot.publishedPorts).toEqual([
      {
        hostIp: '0.0.0.0',
        hostPort: 8080,
        proto: 'tcp',
        containerIp: '192.168.0.2',
        containerPort: 80,
        container: null,
        rule: '-A DOCKER ! -i br-dummy -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.0.2:80',
        proxy: null,
        sources: ['dnat'],
        runtime: 'docker'
      }
    ])
    expect(
      snapshot.nat.rules.filter((r) => r.target === 'MASQUERADE').map((r) => [r.table, r.chain, r.match, r.owner])
    ).toEqual([['nat', 'POSTROUTING', '-s 192.168.0.0/24 ! -o br-dummy', 'docker']])
    const expected = [
      'raw/PREROUTING/1',
      'filter/FORWARD/1',
      'filter/DOCKER/1',
      'filter/DOCKER/2',
      'filter/DOCKER-BRIDGE/1',
      'filter/DOCKER-CT/1'
    ]
      .concat([
        'filter/DOCKER-FORWARD/1',
        'filter/DOCKER-FORWARD/2',
        'filter/DOCKER-FORWARD/3',
        'filter/DOCKER-FORWARD/4'
      ])
      .concat(['nat/PREROUTING/1', 'nat/OUTPUT/1', 'nat/POSTROUTING/1', 'nat/DOCKER/1'])
    expect(snapshot.nat.rules.map((r) => `${r.table}/${r.chain}/${r.position}/${r.owner}`).sort()).toEqual(
      expected.map((r) => `${r}/docker`).sort()
    )
  })
})

describe("Docker 29's native nftables table (ip docker-bridges)", () => {
  const snapshot = buildSnapshot(capture({ 'nft.ruleset': readFixture('model/docker-29-nftables/nft.ruleset.out') }))

  it('reads nft rules as family nft, owned by docker, with the published port and the masquerade', () => {
    expect(Snapshot.safeParse(snapshot).success).toBe(true)
    expect(snapshot.nat.backendsPresent).toEqual(['nft-native'])
    expect(new Set(snapshot.nat.rules.map((r) => `${r.family} ${r.table} ${r.owner}`))).toEqual(
      new Set(['nft ip docker-bridges docker'])
    )
    expect(snapshot.publishedPorts).toMatchObject([
      {
        hostIp: '0.0.0.0',
        hostPort: 8080,
        proto: 'tcp',
        containerIp: '192.168.0.2',
        containerPort: 80,
        sources: ['dnat']
      }
    ])
    expect(snapshot.publishedPorts[0].rule).toMatch(/tcp dport 8080 .*dnat to 192\.168\.0\.2:80/)
    expect(snapshot.nat.rules.filter((r) => r.target === 'MASQUERADE').map((r) => r.chain)).toEqual([
      'nat-postrouting-out__br-dummy'
    ])
    expect(snapshot.nat.chains.find((c) => c.chain === 'nat-PREROUTING')).toEqual({
      table: 'ip docker-bridges',
      chain: 'nat-PREROUTING',
      policy: 'accept',
      family: 'nft',
      // Its base chain: `type nat hook prerouting priority dstnat` (schema 5).
      hook: 'prerouting',
      priority: -100,
      type: 'nat',
      // Not an ingress/egress chain: no devices (schema 7).
      devices: null
    })
  })
})
