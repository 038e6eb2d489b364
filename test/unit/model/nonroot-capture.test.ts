/**
 * The real non-root capture of the lab (Debian 12, docker 20.10, uid 1001, not in the docker group):
 * docker, iptables, nft and the conntrack listing are denied, but netns.map names each container's
 * pid and id and /proc/<pid>/net/{dev,igmp,route} are readable. The snapshot must show what /proc
 * proves (bridges, veths, containers by short id joined by proc-igmp) and say what it does not know.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import type { Capture } from '../../../src/main/capture/capture-types'
import { formatSnapshotSummary } from '../../../src/main/cli/format/snapshot-summary'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { buildConntrack } from '../../../src/main/model/conntrack'
import { buildInterfaces, type IfaceBuild } from '../../../src/main/model/interfaces'
import { resolveIgmpJoins, sameNamespaceNsids } from '../../../src/main/model/joins'
import { parseNetnsMap } from '../../../src/main/model/netns'
import { Snapshot } from '../../../src/shared/snapshot/schema'
import { FIXTURES_DIR } from '../../support/fixtures'
import { ipLinkRecord } from '../../support/ip-link-record'

const FILE = join(FIXTURES_DIR, 'capture/debian-12-docker-20.10/probe--nonroot-lab.cap')
const parsed = parseCaptureText(readFileSync(FILE, 'utf8'))
if (!parsed.ok) throw new Error(`fixture does not parse: ${parsed.error.message}`)
const capture: Capture = parsed.value
const section = (name: string) => capture.sections.find((s) => s.name === name)!
const snapshot = buildSnapshot(capture)
const map = parseNetnsMap(section('netns.map').stdout).value
const containerPids = map.filter((e) => e.containerId)
const HOSTMODE_PID = 7974 // its /proc/<pid>/net/dev lists exactly the host's interfaces
const SHARED_PIDS = [7584, 7907] // a web container and its container: sidecar: one namespace, inodes unreadable

function withSections(c: Capture, edit: (name: string, stdout: string) => string | null): Capture {
  const sections = c.sections.flatMap((s) => {
    const stdout = edit(s.name, s.stdout)
    return stdout === null ? [] : [{ ...s, stdout }]
  })
  return { ...c, sections }
}

describe('non-root lab capture', () => {
  it('is a valid, unprivileged snapshot whose root-only sections are denied or skipped', () => {
    expect(Snapshot.safeParse(snapshot).success).toBe(true)
    expect(snapshot.host.privileged).toBe(false)
    const status = new Map(snapshot.sections.map((s) => [s.name, s.status]))
    for (const name of ['docker.version', 'iptables.save', 'ip6tables.save', 'nft.ruleset', 'conntrack.list'])
      expect(status.get(name), name).toBe('permission-denied')
    for (const name of ['docker.networks', 'docker.containers']) expect(status.get(name), name).toBe('skipped')
    expect(snapshot.networks).toEqual([])
    expect(snapshot.nat.rules).toEqual([])
  })

  it('has the bridges with their veth ports', () => {
    const ports = Object.fromEntries(snapshot.bridges.map((b) => [b.name, b.ports]))
    expect(ports).toEqual({
      docker0: ['veth05ec195'],
      'br-1b3a9cc71417': ['veth240c1c9', 'veth362ac0d'],
      'br-6bc1f0e7fdb9': ['veth33f2367', 'vethf98af57']
    })
    for (const b of snapshot.bridges) {
      expect(b.network).toBeNull()
      for (const port of b.ports) {
        const veth = snapshot.interfaces.find((i) => i.netns === 'host' && i.name === port)!
        expect(veth.kind).toBe('veth')
        expect(veth.master).toBe(b.name)
      }
    }
  })

  it('lists one container per netns.map container pid, named by short id, with its pid namespace', () => {
    expect(containerPids.length).toBe(7)
    expect(snapshot.containers.map((c) => c.id).sort()).toEqual(containerPids.map((e) => e.containerId).sort())
    for (const entry of containerPids) {
      const c = snapshot.containers.find((x) => x.id === entry.containerId)!
      const pid = Number(entry.nsid.slice('pid:'.length))
      expect(c).toMatchObject({ name: entry.containerId!.slice(0, 12), image: '', state: 'running', pid })
      expect(c.networks).toEqual([])
      expect(c.portBindings).toEqual([])
      if (pid === HOSTMODE_PID || SHARED_PIDS.includes(pid)) continue
      expect(c.netns).toBe(`container:${c.name}`)
      const ns = snapshot.namespaces.find((n) => n.id === c.netns)!
      expect(ns).toMatchObject({ kind: 'container', path: `/proc/${pid}/ns/net`, containers: [c.name] })
    }
  })

  it('never claims a container: mode it cannot prove', () => {
    for (const c of snapshot.containers) expect(['host', 'unknown']).toContain(c.networkMode)
  })

  it('takes the pid that sees exactly the host interfaces as host mode (inode unreadable)', () => {
    const hostmode = snapshot.containers.find((c) => c.pid === HOSTMODE_PID)!
    expect(hostmode).toMatchObject({ networkMode: 'host', netns: 'host', interfaces: [], defaultGateway: null })
    expect(snapshot.namespaces.find((n) => n.id === 'host')!.containers).toEqual([hostmode.name])
    // its sections are not a second copy of the host's interfaces
    expect(snapshot.interfaces.filter((i) => i.name === 'docker0').map((i) => i.netns)).toEqual(['host'])
    expect(snapshot.warnings.some((w) => w.includes(`pid ${HOSTMODE_PID} sees exactly the host's interfaces`))).toBe(
      true
    )
  })

  it('joins container interfaces to host veths by proc-igmp; the bridge is the veth master', () => {
    const joined: string[] = []
    for (const c of snapshot.containers) {
      for (const i of c.interfaces) {
        expect(i.addresses, `${c.name} ${i.ifname}`).toEqual([]) // /proc/net/route has subnets, not addresses
        expect(i.network).toBeNull()
        if (i.hostVeth === null) {
          expect(i.evidence).toBe('none')
          expect(i.bridge).toBeNull()
          continue
        }
        expect(i.evidence, `${c.name} ${i.ifname}`).toBe('proc-igmp')
        const veth = snapshot.interfaces.find((x) => x.netns === 'host' && x.name === i.hostVeth)!
        expect(i.bridge).toBe(veth.master)
        expect(veth.peer).toEqual({ ifindex: i.ifindex, netns: c.netns, name: i.ifname })
        joined.push(`${c.name} ${i.ifname} ${i.hostVeth}`)
      }
    }
    expect(joined.sort()).toEqual([
      '57f6f2eb717b eth0 veth240c1c9',
      '57f6f2eb717b eth1 veth33f2367',
      '829d72db03da eth0 veth05ec195',
      '91a614e46081 eth0 vethf98af57',
      'bd810a9b6372 eth0 veth362ac0d',
      'd14c742b523c eth0 veth362ac0d'
    ])
  })

  it('joins the namespace a web container and its container: sidecar share, told by the veth link-netnsid (issue #13, item 7)', () => {
    // Both pids hold ifindex 321 and their inodes were unreadable; veth362ac0d's link-netnsid is
    // the only netnsid whose veths lead to an ifindex of theirs, so both are that one namespace.
    const both = snapshot.containers.filter((c) => c.interfaces.some((i) => i.ifindex === 321))
    expect(both.map((c) => c.pid).sort()).toEqual(SHARED_PIDS)
    expect(new Set(both.map((c) => c.netns)).size).toBe(1)
    const ns = snapshot.namespaces.find((n) => n.id === both[0].netns)!
    expect(ns).toMatchObject({ kind: 'container', containers: ['bd810a9b6372', 'd14c742b523c'] })
    for (const c of both) {
      expect(c.networkMode).toBe('unknown')
      expect(c.interfaces).toMatchObject([
        { ifname: 'eth0', hostVeth: 'veth362ac0d', bridge: 'br-1b3a9cc71417', evidence: 'proc-igmp' }
      ])
    }
    expect(snapshot.warnings.filter((w) => w.includes('host veth of eth0 unknown'))).toEqual([])
    const veth = snapshot.interfaces.find((i) => i.name === 'veth362ac0d')!
    expect(veth.peer).toEqual({ ifindex: 321, netns: both[0].netns, name: 'eth0' })
    expect(snapshot.interfaces.filter((i) => i.netns === both[0].netns && i.name === 'eth0')).toHaveLength(1)
  })

  it('keeps the routes /proc/<pid>/net/route gives', () => {
    const app = snapshot.containers.find((c) => c.pid === 7782)!
    expect(app.defaultGateway).toBe('10.203.1.1')
    expect(app.routes.map((r) => r.dst).sort()).toEqual(['10.203.1.0/24', '10.203.2.0/24', 'default'])
  })

  it('does not call a denied conntrack listing truncated; it says the entries are unknown', () => {
    expect(snapshot.conntrack).toEqual({ total: 103, max: 262144, truncated: false, entries: [] })
    expect(snapshot.warnings.some((w) => /capture cap/.test(w))).toBe(false)
    expect(snapshot.warnings).toContain(
      'conntrack.list: permission-denied — 103 tracked connections are counted (conntrack.count) but their entries (addresses, NAT) are unknown'
    )
  })

  it('says what is unknown', () => {
    const w = snapshot.warnings
    expect(
      w.some((x) => /^containers: 7 identified from \/proc .*without docker access.*short container ids/.test(x))
    ).toBe(true)
    for (const prefix of [
      'docker.version: permission-denied',
      'iptables.save: permission-denied',
      'nft.ruleset: permission-denied'
    ])
      expect(
        w.some((x) => x.startsWith(prefix)),
        prefix
      ).toBe(true)
  })

  it('inspect shows the bridges, their veths and the containers by short id', () => {
    const text = formatSnapshotSummary(snapshot)
    expect(text).toContain('br-1b3a9cc71417: 2 port(s) veth240c1c9 veth362ac0d')
    expect(text).toMatch(/57f6f2eb717b\s+docker\s+unknown\s+eth0\s+-\s+veth240c1c9/)
    expect(text).toMatch(/ef8ca344f7e9\s+docker\s+host\s+running/)
    expect(text).not.toContain('TRUNCATED')
  })
})

describe('non-root capture variants', () => {
  const hostInode = map.find((e) => e.nsid === 'host')!.inode!

  it('uses inode equality when the inodes are readable: a shared namespace is one group, modes stay unknown', () => {
    const c = withSections(capture, (name, stdout) =>
      name === 'netns.map'
        ? stdout
            .replace(/^pid:7584 -/m, 'pid:7584 4026532900')
            .replace(/^pid:7907 -/m, 'pid:7907 4026532900')
            .replace(/^pid:7974 -/m, `pid:7974 ${hostInode}`)
        : stdout
    )
    const s = buildSnapshot(c)
    const shared = s.containers.filter((x) => x.pid === 7584 || x.pid === 7907)
    expect(new Set(shared.map((x) => x.netns)).size).toBe(1)
    expect(s.namespaces.find((n) => n.id === shared[0].netns)!.containers).toEqual(['bd810a9b6372', 'd14c742b523c'])
    for (const x of shared) {
      expect(x.networkMode).toBe('unknown')
      expect(x.interfaces).toMatchObject([
        { hostVeth: 'veth362ac0d', bridge: 'br-1b3a9cc71417', evidence: 'proc-igmp' }
      ])
    }
    expect(s.containers.find((x) => x.pid === HOSTMODE_PID)!.networkMode).toBe('host')
    // decided by inode: no content-based warning
    expect(s.warnings.some((w) => w.includes('sees exactly the host'))).toBe(false)
  })

  it('a known inode that differs from the host is not host mode, whatever the content', () => {
    const c = withSections(capture, (name, stdout) =>
      name === 'netns.map' ? stdout.replace(/^pid:7974 -/m, 'pid:7974 4026532999') : stdout
    )
    const s = buildSnapshot(c)
    expect(s.containers.find((x) => x.pid === HOSTMODE_PID)!.networkMode).toBe('unknown')
  })

  it('joins ifindex 321 once the other pid is not captured', () => {
    const c = withSections(capture, (name, stdout) => (name.startsWith('ns/pid:7907/') ? null : stdout))
    const s = buildSnapshot(c)
    const web = s.containers.find((x) => x.pid === 7584)!
    expect(web.interfaces).toMatchObject([
      { hostVeth: 'veth362ac0d', bridge: 'br-1b3a9cc71417', evidence: 'proc-igmp' }
    ])
    expect(s.containers.find((x) => x.pid === 7907)!.interfaces).toEqual([])
  })

  it('keeps docker data when it is there: /proc containers only replace a missing docker listing', () => {
    const s = buildSnapshot(withSections(capture, (name, stdout) => (name === 'netns.map' ? null : stdout)))
    expect(s.containers).toEqual([])
    expect(s.warnings.some((w) => w.startsWith('containers:'))).toBe(false)
  })
})

const igmpNs = (netns: string, records: [number, string][]): IfaceBuild[] =>
  buildInterfaces({
    netns,
    links: null,
    addrs: null,
    dev: null,
    igmp: records.map(([ifindex, name]) => ({ ifindex, name, raw: '' }))
  })

describe('resolveIgmpJoins', () => {
  const host = buildInterfaces({
    netns: 'host',
    links: [
      ipLinkRecord({ ifindex: 10, name: 'vethA', kind: 'veth', master: 'br0', linkIndex: 5, linkNetnsId: 1 }),
      ipLinkRecord({ ifindex: 11, name: 'vethB', kind: 'veth', master: 'br1', linkIndex: 6, linkNetnsId: 1 }),
      ipLinkRecord({ ifindex: 12, name: 'vethC', kind: 'veth', master: 'br0', linkIndex: 5, linkNetnsId: 2 })
    ],
    addrs: null,
    dev: null,
    igmp: null
  })
  const name = (b: IfaceBuild | undefined): string | null => (b ? `${b.iface.netns}/${b.iface.name}` : null)

  it('uses link-netnsid learnt from a unique pairing to split a repeated ifindex', () => {
    // x has eth0 (5) and eth1 (6); y has eth0 (5). eth1 ↔ vethB is unique, so x is netnsid 1.
    const x = igmpNs('ns:x', [
      [1, 'lo'],
      [5, 'eth0'],
      [6, 'eth1']
    ])
    const y = igmpNs('ns:y', [
      [1, 'lo'],
      [5, 'eth0']
    ])
    const { matches, ambiguous } = resolveIgmpJoins([...host, ...x, ...y])
    expect(name(matches.get(x[2]))).toBe('host/vethB')
    expect(name(matches.get(x[1]))).toBe('host/vethA')
    expect(name(matches.get(y[1]))).toBe('host/vethC')
    expect(ambiguous.size).toBe(0)
  })

  it('leaves a repeated ifindex unjoined when netnsids cannot tell the namespaces apart', () => {
    const x = igmpNs('ns:x', [[5, 'eth0']])
    const y = igmpNs('ns:y', [[5, 'eth0']])
    const { matches, ambiguous } = resolveIgmpJoins([...host, ...x, ...y])
    expect(matches.size).toBe(0)
    expect(ambiguous.get(x[0])!.veths.map((v) => v.iface.name)).toEqual(['vethA', 'vethC'])
    expect(ambiguous.get(x[0])!.rivals).toEqual([y[0]])
  })

  it('does not pair one namespace interface with two veths', () => {
    const x = igmpNs('ns:x', [[5, 'eth0']])
    const { matches } = resolveIgmpJoins([...host, ...x])
    expect(matches.size).toBe(0)
  })
})

describe('buildConntrack with a failed listing', () => {
  it('is not truncated when the listing did not complete', () => {
    expect(buildConntrack(null, 103, 262144, new Map(), false)).toEqual({
      total: 103,
      max: 262144,
      truncated: false,
      entries: []
    })
    expect(buildConntrack(null, 103, 262144, new Map()).truncated).toBe(true)
  })
})

describe('sameNamespaceNsids', () => {
  const host = buildInterfaces({
    netns: 'host',
    links: [
      ipLinkRecord({ ifindex: 10, name: 'vethA', kind: 'veth', master: 'br0', linkIndex: 5, linkNetnsId: 1 }),
      ipLinkRecord({ ifindex: 11, name: 'vethB', kind: 'veth', master: 'br1', linkIndex: 6, linkNetnsId: 1 }),
      ipLinkRecord({ ifindex: 12, name: 'vethC', kind: 'veth', master: 'br0', linkIndex: 7, linkNetnsId: 2 }),
      ipLinkRecord({ ifindex: 13, name: 'vethD', kind: 'veth', master: 'br0', linkIndex: 5, linkNetnsId: 3 })
    ],
    addrs: null,
    dev: null,
    igmp: null
  })

  it('groups every pid whose interfaces lead to one netnsid, however many share it', () => {
    const groups = sameNamespaceNsids(
      host.filter((b) => b.iface.name !== 'vethD'),
      new Map([
        ['pid:1', [5, 6]],
        ['pid:2', [5, 6]],
        ['pid:3', [6]],
        ['pid:4', [7]]
      ])
    )
    expect(groups).toEqual([['pid:1', 'pid:2', 'pid:3']])
  })

  it('does not group pids whose ifindex leads to veths of two netnsids', () => {
    // ifindex 5 is the peer of vethA (netnsid 1) and of vethD (netnsid 3): two namespaces hold a 5.
    const groups = sameNamespaceNsids(
      host,
      new Map([
        ['pid:1', [5]],
        ['pid:2', [5]]
      ])
    )
    expect(groups).toEqual([])
  })
})
