/**
 * Snapshots from real public outputs (attribution in test/fixtures/SOURCES.md): watchtower's
 * docker inspect mocks (a container: mode pair and a portainer publishing 9000/tcp).
 */
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { Snapshot } from '../../../src/shared/snapshot/schema'
import type { Capture } from '../../../src/main/capture/capture-types'
import { readFixture } from '../../support/fixtures'

const capture = (sections: Record<string, string>): Capture => ({
  formatVersion: 1,
  source: 'file:public',
  capturedAt: '2026-11-28T00:00:00.000Z',
  sections: Object.entries(sections).map(([name, stdout]) => ({
    name,
    command: name,
    exitCode: 0,
    ms: 0,
    status: 'ok',
    stderr: '',
    stdout
  }))
})

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
        bridge: null,
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
        sources: ['docker']
      }
    ])
  })
})
