/**
 * The real Podman captures (test/fixtures/capture/debian-12-podman-4.3): rootful Podman 4.3 with
 * netavark next to the Docker lab, seen by root, and the lab user's rootless Podman seen by that
 * user. The snapshot must join Podman's containers to their veths and bridge like Docker's, label
 * every runtime, own netavark's rules as podman, publish 8090 from its netavark DNAT rule, show
 * the rootless container with its user, tap device and forwarders, and leave Docker's containers
 * as they are.
 */
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { Snapshot, type Container } from '../../../src/shared/snapshot/schema'
import { podmanCapture } from '../../support/podman-capture'

const root = buildSnapshot(podmanCapture('probe--rootful-with-docker.cap'))
const user = buildSnapshot(podmanCapture('probe--rootless-user.cap'))
const named = (s: Snapshot, name: string): Container => {
  const c = s.containers.find((x) => x.name === name)
  if (!c) throw new Error(`no container ${name}`)
  return c
}
const PODMAN = [
  'nllab-pod-web',
  'nllab-pod-app',
  'nllab-pod-side',
  'nllab-pod-pa',
  'nllab-pod-pb',
  'nllab-pod-host',
  'nllab-pod-none'
]
const INFRA = '44f9c8f432eb-infra'

describe('rootful Podman next to Docker (root view)', () => {
  it('is a valid snapshot with Podman’s version, and every container labelled with its runtime', () => {
    expect(Snapshot.safeParse(root).success).toBe(true)
    expect(root.host.podmanVersion).toBe('4.3.1')
    expect(root.host.dockerVersion).toBe('20.10.24+dfsg1')
    for (const name of [...PODMAN, INFRA, 'nllab-pod-rl']) expect(named(root, name).runtime, name).toBe('podman')
    for (const name of [
      'nllab-web',
      'nllab-app',
      'nllab-db',
      'nllab-default',
      'nllab-sidecar',
      'nllab-hostmode',
      'nllab-none'
    ])
      expect(named(root, name).runtime, name).toBe('docker')
  })

  it('joins Podman containers to their netavark veth and bridge, exactly (netns-ifindex)', () => {
    const attach = (name: string) =>
      named(root, name).interfaces.map((i) => ({
        ifname: i.ifname,
        hostVeth: i.hostVeth,
        bridge: i.bridge,
        network: i.network,
        evidence: i.evidence,
        v4: i.addresses.filter((a) => a.includes('.'))
      }))
    expect(attach('nllab-pod-web')).toEqual([
      {
        ifname: 'eth0',
        hostVeth: 'veth0',
        bridge: 'podman1',
        network: 'nllab-pod',
        evidence: 'netns-ifindex',
        v4: ['10.203.5.10/24']
      }
    ])
    expect(attach('nllab-pod-app')).toEqual([
      {
        ifname: 'eth0',
        hostVeth: 'veth1',
        bridge: 'podman1',
        network: 'nllab-pod',
        evidence: 'netns-ifindex',
        v4: ['10.203.5.20/24']
      }
    ])
    expect(attach(INFRA)).toEqual([
      {
        ifname: 'eth0',
        hostVeth: 'veth2',
        bridge: 'podman1',
        network: 'nllab-pod',
        evidence: 'netns-ifindex',
        v4: ['10.203.5.30/24']
      }
    ])
    expect(root.bridges.find((b) => b.name === 'podman1')).toMatchObject({
      network: 'nllab-pod',
      ports: ['veth0', 'veth1', 'veth2']
    })
  })

  it('shows each Podman mode: network, container:, pod members sharing the infra namespace, host, none', () => {
    expect(named(root, 'nllab-pod-web').networkMode).toBe('nllab-pod')
    expect(named(root, 'nllab-pod-side')).toMatchObject({
      networkMode: 'container:nllab-pod-web',
      netns: named(root, 'nllab-pod-web').netns
    })
    for (const member of ['nllab-pod-pa', 'nllab-pod-pb'])
      expect(named(root, member)).toMatchObject({
        networkMode: `container:${INFRA}`,
        pod: 'nllab-pod-pod',
        netns: named(root, INFRA).netns
      })
    expect(named(root, INFRA).pod).toBe('nllab-pod-pod')
    expect(named(root, 'nllab-pod-host')).toMatchObject({ networkMode: 'host', netns: 'host', interfaces: [] })
    expect(named(root, 'nllab-pod-none').networkMode).toBe('none')
    expect(named(root, 'nllab-pod-none').interfaces).toEqual([])
    const podNs = root.namespaces.find((n) => n.id === named(root, INFRA).netns)
    expect(podNs?.containers).toEqual([INFRA, 'nllab-pod-pa', 'nllab-pod-pb'])
  })

  it('lists Podman’s networks beside Docker’s, with bridge, subnet, gateway, internal flag and DNS', () => {
    expect(
      root.networks
        .filter((n) => n.runtime === 'podman')
        .map((n) => [n.name, n.driver, n.bridge, n.subnet, n.gateway, n.internal, n.dns])
    ).toEqual([
      ['nllab-pod', 'bridge', 'podman1', '10.203.5.0/24', '10.203.5.1', false, true],
      ['podman', 'bridge', 'podman0', '10.88.0.0/16', '10.88.0.1', false, false]
    ])
    expect(root.networks.filter((n) => n.runtime === 'docker').map((n) => n.name)).toEqual([
      'bridge',
      'host',
      'nllab-back',
      'nllab-front',
      'none'
    ])
  })

  it('owns netavark’s rules as podman (every NETAVARK chain and the jumps into them), Docker’s as docker', () => {
    const netavark = root.nat.rules.filter((r) => /NETAVARK/.test(r.raw))
    expect(netavark.length).toBeGreaterThan(10)
    expect(netavark.filter((r) => r.owner !== 'podman').map((r) => r.raw)).toEqual([])
    expect(
      root.nat.rules.filter((r) => /^DOCKER/.test(r.chain) && r.chain !== 'DOCKER-USER' && r.owner !== 'docker')
    ).toEqual([])
  })

  it('publishes 8090 from netavark’s DNAT rule, held by conmon, and the rootless 8091 by its rootlessport', () => {
    const port = root.publishedPorts.find((p) => p.hostPort === 8090)
    expect(port).toMatchObject({
      container: 'nllab-pod-web',
      containerIp: '10.203.5.10',
      containerPort: 80,
      runtime: 'podman',
      sources: ['podman', 'dnat', 'proxy'],
      rule: '-A NETAVARK-DN-11FBFF4C83765 -p tcp -m tcp --dport 8090 -j DNAT --to-destination 10.203.5.10:80'
    })
    expect(port?.proxy).toMatch(/^conmon pid=\d+ 0\.0\.0\.0:8090$/)
    expect(root.publishedPorts.find((p) => p.hostPort === 8091)).toMatchObject({
      container: 'nllab-pod-rl',
      runtime: 'podman'
    })
    // Docker's port is unchanged by Podman next to it.
    expect(
      root.publishedPorts.filter((p) => p.hostPort === 18080).map((p) => [p.hostIp, p.container, p.runtime, p.sources])
    ).toEqual([
      ['0.0.0.0', 'nllab-web', 'docker', ['docker', 'dnat', 'proxy']],
      ['::', 'nllab-web', 'docker', ['docker', 'proxy']]
    ])
  })

  it('attributes conntrack entries to Podman containers', () => {
    const podmanEntries = root.conntrack.entries.filter((e) => e.containers.some((c) => c.startsWith('nllab-pod')))
    expect(podmanEntries.length).toBeGreaterThan(0)
    const masq = root.conntrack.entries.find(
      (e) => e.original.src === '10.203.5.20' && e.original.dst === '198.51.100.2'
    )
    expect(masq?.containers).toContain('nllab-pod-app')
  })

  it('shows another user’s rootless container from root: its conmon names it, its namespace has only a tap', () => {
    const rl = named(root, 'nllab-pod-rl')
    expect(rl.networkMode).toBe('slirp4netns')
    expect(rl.rootless).toMatchObject({ uid: 1001, network: 'slirp4netns', tap: 'tap0' })
    expect(rl.rootless?.forwarders.map((f) => f.process).sort()).toEqual(['rootlessport', 'slirp4netns'])
    expect(rl.interfaces.map((i) => [i.ifname, i.hostVeth, i.bridge])).toEqual([['tap0', null, null]])
    expect(root.interfaces.find((i) => i.netns === rl.netns && i.name === 'tap0')?.kind).toBe('tun')
  })
})

describe('rootless Podman seen by its user', () => {
  it('shows the user, the tap device inside, the forwarders on the host and no veth on any host bridge', () => {
    expect(Snapshot.safeParse(user).success).toBe(true)
    const rl = named(user, 'nllab-pod-rl')
    expect(rl).toMatchObject({ runtime: 'podman', networkMode: 'slirp4netns', state: 'running' })
    expect(rl.rootless).toMatchObject({ uid: 1001, user: 'nllabpod', network: 'slirp4netns', tap: 'tap0' })
    const forwarders = rl.rootless!.forwarders
    expect(forwarders.find((f) => f.process === 'slirp4netns')?.detail).toMatch(
      /^slirp4netns pid=\d+ serves \/tmp\/podman-run-1001\/netns\/netns-\S+ \(tap0\)$/
    )
    expect(forwarders.find((f) => f.process === 'rootlessport')?.detail).toMatch(/^rootlessport pid=\d+ \*:8091$/)
    expect(rl.interfaces.map((i) => [i.ifname, i.hostVeth, i.bridge, i.evidence])).toEqual([
      ['tap0', null, null, 'none']
    ])
    const hostVeths = new Set(user.bridges.flatMap((b) => b.ports))
    expect(rl.interfaces.some((i) => i.hostVeth !== null && hostVeths.has(i.hostVeth))).toBe(false)
    expect(user.publishedPorts.find((p) => p.hostPort === 8091)).toMatchObject({
      container: 'nllab-pod-rl',
      runtime: 'podman',
      containerPort: 80,
      sources: ['podman', 'proxy']
    })
    expect(user.warnings.filter((w) => w.includes('nllab-pod-rl'))).toEqual([])
  })

  it('names root’s rootful Podman containers from their conmon, and does not claim Docker’s', () => {
    expect(named(user, 'nllab-pod-web')).toMatchObject({ runtime: 'podman', rootless: null })
    expect(user.containers.filter((c) => c.runtime === 'docker').every((c) => /^[0-9a-f]{12}$/.test(c.name))).toBe(true)
  })
})
