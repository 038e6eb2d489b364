/**
 * The real lab capture (Debian 12, docker 20.10, root): every container interface is checked
 * against docker's own data in the same capture, plus consistency checks over the whole snapshot.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { dockerBridgeName } from '../../../src/main/model/joins'
import { parseDockerContainers } from '../../../src/main/parsers/docker-container'
import { parseDockerNetworks } from '../../../src/main/parsers/docker-network'
import { Snapshot } from '../../../src/shared/snapshot/schema'
import type { Capture } from '../../../src/main/capture/capture-types'
import { captureFromDir } from '../../support/capture-from-dir'
import { FIXTURES_DIR } from '../../support/fixtures'

const LAB = join(FIXTURES_DIR, 'lab/debian-12-docker-20.10')
const capture = captureFromDir(LAB)
const stdout = (name: string): string => capture.sections.find((s) => s.name === name)!.stdout
const docker = parseDockerContainers(stdout('docker.containers')).value
const dockerNetworks = parseDockerNetworks(stdout('docker.networks')).value
const snapshot = buildSnapshot(capture)

function without(c: Capture, drop: (name: string) => boolean): Capture {
  return { ...c, sections: c.sections.filter((s) => !drop(s.name)) }
}

describe('lab capture: debian-12 docker 20.10 (root)', () => {
  it('is a valid snapshot with no section warnings', () => {
    expect(Snapshot.safeParse(snapshot).success).toBe(true)
    expect(snapshot.host).toMatchObject({
      hostname: stdout('meta.hostname').trim(),
      dockerVersion: stdout('docker.version').trim(),
      iptablesBackend: 'nf_tables',
      privileged: true
    })
    expect(
      snapshot.warnings.filter((w) => /not captured|permission-denied|missing-tool|parser failed/.test(w))
    ).toEqual([])
    expect(snapshot.sections).toHaveLength(capture.sections.length)
  })

  it('joins every container interface to the host veth and bridge docker says it uses', () => {
    const bridgeOf = new Map(dockerNetworks.map((n) => [n.name, dockerBridgeName(n)]))
    let checked = 0
    for (const record of docker) {
      if (!record.running || record.networkMode === 'host' || record.networkMode.startsWith('container:')) continue
      const c = snapshot.containers.find((x) => x.id === record.id)!
      const endpoints = record.networks.filter((n) => n.ipAddress)
      expect(c.interfaces.map((i) => i.network).sort(), c.name).toEqual(endpoints.map((n) => n.name).sort())
      for (const endpoint of endpoints) {
        const iface = c.interfaces.find((i) =>
          i.addresses.some((a) => a === `${endpoint.ipAddress}/${endpoint.prefixLen}`)
        )
        expect(iface, `${c.name} ${endpoint.name}`).toBeDefined()
        expect(iface!.mac).toBe(endpoint.mac)
        expect(iface!.network).toBe(endpoint.name)
        expect(iface!.bridge).toBe(bridgeOf.get(endpoint.name))
        expect(iface!.evidence).toBe('netns-ifindex')
        const veth = snapshot.interfaces.find((i) => i.netns === 'host' && i.name === iface!.hostVeth)!
        expect(veth.kind).toBe('veth')
        expect(veth.master).toBe(iface!.bridge)
        expect(veth.peer).toEqual({ ifindex: iface!.ifindex, netns: c.netns, name: iface!.ifname })
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8)
  })

  it('models shared namespaces: container: mode members, host mode and none', () => {
    const members = docker.filter((d) => d.running && d.networkMode.startsWith('container:'))
    expect(members.length).toBeGreaterThanOrEqual(1)
    for (const record of members) {
      const c = snapshot.containers.find((x) => x.id === record.id)!
      const owner = docker.find((d) => record.networkMode === `container:${d.id}`)!
      const ownerC = snapshot.containers.find((x) => x.id === owner.id)!
      expect(c.networkMode).toBe(`container:${ownerC.name}`)
      expect(c.netns).toBe(ownerC.netns)
      expect(c.netns).toBe(`container:${owner.id.slice(0, 12)}`)
      expect(c.interfaces.map((i) => [i.ifname, i.addresses, i.network])).toEqual(
        ownerC.interfaces.map((i) => [i.ifname, i.addresses, i.network])
      )
      expect(c.interfaces.every((i) => i.hostVeth === null && i.bridge === null)).toBe(true)
      expect(snapshot.namespaces.find((n) => n.id === c.netns)!.containers).toEqual([c.name, ownerC.name].sort())
    }
    for (const record of docker.filter((d) => d.running && d.networkMode === 'host')) {
      const c = snapshot.containers.find((x) => x.id === record.id)!
      expect([c.netns, c.interfaces]).toEqual(['host', []])
      expect(snapshot.namespaces[0].containers).toContain(c.name)
    }
    for (const record of docker.filter((d) => d.running && d.networkMode === 'none')) {
      const c = snapshot.containers.find((x) => x.id === record.id)!
      expect(c.interfaces).toEqual([])
      expect(snapshot.interfaces.filter((i) => i.netns === c.netns).map((i) => i.name)).toEqual(['lo'])
    }
  })

  it('is consistent: bridge ports exist, host veths sit on their bridge, namespaces match netns.map', () => {
    for (const bridge of snapshot.bridges) {
      expect(
        snapshot.interfaces.some((i) => i.netns === bridge.netns && i.name === bridge.name && i.kind === 'bridge')
      ).toBe(true)
      for (const port of bridge.ports)
        expect(
          snapshot.interfaces.some((i) => i.netns === bridge.netns && i.name === port && i.master === bridge.name),
          port
        ).toBe(true)
    }
    for (const c of snapshot.containers)
      for (const i of c.interfaces)
        if (i.hostVeth) expect(snapshot.bridges.find((b) => b.name === i.bridge)!.ports).toContain(i.hostVeth)
    // one namespace per distinct inode of netns.map (the host-mode pids share the host's)
    const inodes = new Set(
      stdout('netns.map')
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[1])
    )
    expect(snapshot.namespaces).toHaveLength(inodes.size)
    expect(snapshot.networks.filter((n) => n.driver === 'bridge').map((n) => [n.name, n.bridge])).toEqual(
      dockerNetworks
        .filter((n) => n.driver === 'bridge')
        .map((n) => [n.name, dockerBridgeName(n)])
        .sort((a, b) => a[0]!.localeCompare(b[0]!))
    )
    expect(snapshot.bridges.map((b) => b.network).sort()).toEqual(
      snapshot.networks
        .filter((n) => n.driver === 'bridge')
        .map((n) => n.name)
        .sort()
    )
  })

  it('models NAT: every iptables-save rule, docker-owned chains, published ports from three sources', () => {
    const ruleLines = stdout('iptables.save')
      .split('\n')
      .filter((l) => l.startsWith('-A '))
    const v4 = snapshot.nat.rules.filter((r) => r.family === 'iptables')
    expect(v4.map((r) => r.raw).sort()).toEqual(ruleLines.sort())
    expect(v4.filter((r) => /^DOCKER/.test(r.chain)).every((r) => r.owner === 'docker')).toBe(true)
    expect(v4.filter((r) => r.owner !== 'docker').map((r) => r.raw)).toEqual([])
    expect(snapshot.nat.chains.find((c) => c.table === 'filter' && c.chain === 'FORWARD')?.policy).toBe('DROP')
    expect(snapshot.nat.backendsPresent).toContain('nf_tables')
    for (const record of docker) {
      for (const b of record.portBindings.filter((p) => p.hostIp === '0.0.0.0' && record.running)) {
        const port = snapshot.publishedPorts.find(
          (p) => p.hostIp === '0.0.0.0' && p.hostPort === b.hostPort && p.proto === b.proto
        )!
        expect(port.sources).toEqual(['docker', 'dnat', 'proxy'])
        expect(port.rule).toContain(`--dport ${b.hostPort} -j DNAT`)
        expect(port.container).toBe(record.name.replace(/^\//, ''))
        expect(port.proxy).toMatch(new RegExp(`^docker-proxy pid=\\d+ 0\\.0\\.0\\.0:${b.hostPort}$`))
      }
    }
  })

  it('reads conntrack with its cap and attributes flows to containers', () => {
    const lines = stdout('conntrack.list')
      .split('\n')
      .filter((l) => l.trim())
    const total = Number(stdout('conntrack.count').trim())
    expect(snapshot.conntrack).toMatchObject({
      total,
      max: Number(stdout('conntrack.max').trim()),
      truncated: total > lines.length
    })
    expect(snapshot.conntrack.entries).toHaveLength(lines.length)
    const multi = snapshot.containers.find((c) => c.name === 'nltmp-ll-multi')
    const web = snapshot.containers.find((c) => c.name === 'nltmp-ll-web')
    if (multi && web) {
      const flow = snapshot.conntrack.entries.find(
        (e) => e.original.src === multi.interfaces[0].addresses[0].split('/')[0] && e.proto === 'tcp'
      )
      expect(flow?.containers).toEqual(['nltmp-ll-multi', 'nltmp-ll-web'])
      expect(flow?.nat).toBe('none')
    }
  })

  it('falls back to /proc/<pid>/net/igmp without root (evidence proc-igmp) with the same answer', () => {
    const nonRoot = without(capture, (n) => /^ns\/.*\/ip\.(link|addr|route)$/.test(n))
    const s = buildSnapshot(nonRoot)
    expect(Snapshot.safeParse(s).success).toBe(true)
    const pairs = (snap: typeof s, evidence: string): string[] =>
      snap.containers
        .flatMap((c) =>
          c.interfaces
            .filter((i) => i.evidence === evidence)
            .map((i) => `${c.name}/${i.ifname}>${i.hostVeth}@${i.bridge}`)
        )
        .sort()
    expect(pairs(s, 'proc-igmp')).toEqual(pairs(snapshot, 'netns-ifindex'))
    // routes come from /proc/<pid>/net/route instead
    const c = s.containers.find((x) => x.interfaces.length > 0 && x.routes.length > 0)!
    expect(c.defaultGateway).toBe(snapshot.containers.find((x) => x.id === c.id)!.defaultGateway)
  })

  it('falls back to the bridge FDB (evidence fdb-mac) when no namespace data is readable', () => {
    const blind = without(capture, (n) => n.startsWith('ns/'))
    const s = buildSnapshot(blind)
    const viaFdb = s.containers.flatMap((c) =>
      c.interfaces.filter((i) => i.evidence === 'fdb-mac').map((i) => [c.name, i.network, i.hostVeth, i.bridge])
    )
    expect(viaFdb.length).toBeGreaterThan(0)
    for (const [name, network, hostVeth, bridge] of viaFdb) {
      const root = snapshot.containers.find((c) => c.name === name)!.interfaces.find((i) => i.network === network)!
      expect([hostVeth, bridge]).toEqual([root.hostVeth, root.bridge])
    }
  })

  it('turns denied sections into warnings that say what is unknown and what to do', () => {
    const denied: Capture = {
      ...capture,
      sections: capture.sections.map((s) =>
        s.name === 'iptables.save' || s.name === 'nft.ruleset' || s.name === 'conntrack.list'
          ? {
              ...s,
              status: 'permission-denied' as const,
              stdout: '',
              exitCode: 1,
              stderr: 'Permission denied (you must be root)'
            }
          : s
      )
    }
    const s = buildSnapshot(denied)
    expect(s.warnings).toContain('iptables.save: permission-denied — NAT rules unknown; run as root or with --sudo')
    expect(s.warnings).toContain(
      'conntrack.list: permission-denied — live NAT translations unknown; run as root or with --sudo'
    )
    expect(s.nat.rules).toEqual([])
    expect(s.sections.find((x) => x.name === 'iptables.save')).toMatchObject({
      status: 'permission-denied',
      exitCode: 1,
      stderr: 'Permission denied (you must be root)'
    })
  })
})
