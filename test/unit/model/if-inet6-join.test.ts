/**
 * Issue #13 item 7: a non-root capture joins container interfaces to their host veths per
 * namespace from /proc alone. An interface `/proc/<pid>/net/igmp` does not list (no ifindex from
 * it) gets its ifindex from `/proc/<pid>/net/if_inet6`, and the join (evidence `proc-if-inet6`).
 *
 * Real captures of the lab (test/fixtures/capture/debian-12-docker-20.10-ipv6, capture.sh there),
 * made at the same minute: one as root (the truth: ip link inside every namespace), one as a user
 * without the docker group. IPv6 was on in the lab containers' namespaces, so their interfaces have
 * link-local addresses; nllab-web is on two networks and its namespace is shared by a container:
 * sidecar. A kernel always lists an up IPv4 interface in igmp, so "igmp gives nothing" is the
 * capture with its igmp sections removed (a kernel without CONFIG_IP_MULTICAST has no such file;
 * a cut-off capture may lack them).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import type { Capture } from '../../../src/main/capture/capture-types'
import { formatSnapshotSummary } from '../../../src/main/cli/format/snapshot-summary'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { buildInterfaces } from '../../../src/main/model/interfaces'
import { parseProcIfInet6 } from '../../../src/main/parsers/proc-if-inet6'
import { parseProcNetDev } from '../../../src/main/parsers/proc-net-dev'
import { Snapshot, type Snapshot as SnapshotType } from '../../../src/shared/snapshot/schema'
import { FIXTURES_DIR } from '../../support/fixtures'

const DIR = join(FIXTURES_DIR, 'capture/debian-12-docker-20.10-ipv6')
function load(file: string): Capture {
  const parsed = parseCaptureText(readFileSync(join(DIR, file), 'utf8'))
  if (!parsed.ok) throw new Error(`${file} does not parse: ${parsed.error.message}`)
  return parsed.value
}
const root = load('probe--root-lab-ipv6.cap')
const nonRoot = load('probe--nonroot-lab-ipv6.cap')
const withoutSections = (c: Capture, drop: RegExp): Capture => ({
  ...c,
  sections: c.sections.filter((s) => !drop.test(s.name))
})
const IGMP = /^ns\/[^/]+\/igmp$/
const IF_INET6 = /^ns\/[^/]+\/if\.inet6$/

/** `<short id> <ifname> <host veth> <bridge>` of every joined interface of a running container. */
function joins(s: SnapshotType, evidence?: string): string[] {
  return s.containers
    .filter((c) => c.state === 'running')
    .flatMap((c) =>
      c.interfaces
        .filter((i) => i.hostVeth !== null && (!evidence || i.evidence === evidence))
        .map((i) => `${c.id.slice(0, 12)} ${i.ifname} ${i.hostVeth} ${i.bridge}`)
    )
    .sort()
}
const truth = buildSnapshot(root)
const webId = truth.containers.find((c) => c.name === 'nllab-web')!.id.slice(0, 12)
const sidecarId = truth.containers.find((c) => c.name === 'nllab-sidecar')!.id.slice(0, 12)
/**
 * What a non-root capture must join: every root join, and the sidecar's copy of nllab-web's (from
 * /proc it cannot tell which of two containers sharing a namespace owns it; root says `container:`).
 */
const expectedNonRoot = [
  ...joins(truth),
  ...joins(truth)
    .filter((j) => j.startsWith(webId))
    .map((j) => j.replace(webId, sidecarId))
].sort()

describe('if_inet6 joins (non-root lab capture, IPv6 on in the containers)', () => {
  it('the root capture joins six attachments (web on two networks, app on two, db, default)', () => {
    expect(truth.host.privileged).toBe(true)
    expect(joins(truth, 'netns-ifindex')).toHaveLength(6)
  })

  it('as the captured user (igmp and if_inet6 both read): every root join, by proc-igmp', () => {
    const s = buildSnapshot(nonRoot)
    expect(s.host.privileged).toBe(false)
    expect(joins(s)).toEqual(expectedNonRoot)
    expect(joins(s, 'proc-igmp')).toEqual(expectedNonRoot)
  })

  it('without igmp, if_inet6 alone gives every root join (evidence proc-if-inet6), the shared namespace too', () => {
    const s = buildSnapshot(withoutSections(nonRoot, IGMP))
    expect(Snapshot.safeParse(s).success).toBe(true)
    expect(joins(s, 'proc-if-inet6')).toEqual(expectedNonRoot)
    // The sidecar's pid and nllab-web's are one namespace (link-netnsid grouping), joined once.
    const netnsOf = (id: string): string | null => s.containers.find((c) => c.id.startsWith(id))!.netns
    expect(netnsOf(webId)).not.toBeNull()
    expect(netnsOf(sidecarId)).toBe(netnsOf(webId))
  })

  it('inspect names what a /proc join rests on, next to the host veth', () => {
    const line = (text: string, id: string, ifname: string): string =>
      text.split('\n').find((l) => l.includes(id) && new RegExp(`\\s${ifname}\\s`).test(l)) ?? ''
    const db = truth.containers.find((c) => c.name === 'nllab-db')!
    const veth = db.interfaces[0].hostVeth!
    const shortId = db.id.slice(0, 12)
    expect(line(formatSnapshotSummary(buildSnapshot(withoutSections(nonRoot, IGMP))), shortId, 'eth0')).toMatch(
      new RegExp(`${veth} \\(matched by /proc if_inet6\\)$`)
    )
    expect(line(formatSnapshotSummary(buildSnapshot(nonRoot)), shortId, 'eth0')).toMatch(
      new RegExp(`${veth} \\(matched by /proc igmp\\)$`)
    )
    // The kernel's own word needs no note.
    expect(line(formatSnapshotSummary(truth), 'nllab-db', 'eth0')).toMatch(new RegExp(`${veth}$`))
  })

  it('without igmp and if_inet6, those interfaces stay unjoined (what the if_inet6 join adds)', () => {
    const s = buildSnapshot(withoutSections(nonRoot, new RegExp(`${IGMP.source}|${IF_INET6.source}`)))
    expect(joins(s)).toEqual([])
  })

  it("gives an interface named only by /proc/<pid>/net/dev the ifindex of its if_inet6 lines (the root capture's)", () => {
    const section = (name: string): string => nonRoot.sections.find((x) => x.name === name)!.stdout
    const web = truth.containers.find((c) => c.name === 'nllab-web')!
    const pid = `pid:${web.pid}`
    const built = buildInterfaces({
      netns: pid,
      links: null,
      addrs: null,
      dev: parseProcNetDev(section(`ns/${pid}/proc.net.dev`)).value,
      igmp: null,
      inet6: parseProcIfInet6(section(`ns/${pid}/if.inet6`)).value
    })
    const eth = built.filter((b) => b.iface.name !== 'lo').map((b) => [b.iface.name, b.iface.ifindex, b.from])
    const rootIfindex = (ifname: string): number | null => web.interfaces.find((i) => i.ifname === ifname)!.ifindex
    expect(eth.sort()).toEqual([
      ['eth0', rootIfindex('eth0'), 'if-inet6'],
      ['eth1', rootIfindex('eth1'), 'if-inet6']
    ])
  })
})
