/**
 * NAT-aware annotation on the lab's real packets and NetLens's snapshot of the same host taken
 * right after them (test/fixtures/packets/debian-12-lab): lab.sh pings the wan from nllab-default
 * and nllab-app through MASQUERADE, and the wan calls nllab-web's published port (DNAT).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { annotatePacket, natContext, type NatNote, type PacketAnnotation } from '../../../src/shared/packets/annotate'
import { decodeFrame, type PacketSummary } from '../../../src/shared/packets/decode'
import { describeAnnotation, describeNat } from '../../../src/shared/packets/format'
import { readPcap } from '../../../src/shared/packets/pcap'
import type { Snapshot } from '../../../src/shared/snapshot/schema'
import { inCidr } from '../../../src/shared/net/ip'
import { containerHolding } from '../../../src/shared/snapshot/query'
import { labFacts, labPcap, labSnapshot } from './lab-pcaps'

const lab = labFacts()

function annotated(file: string, snapshot: Snapshot): { s: PacketSummary; a: PacketAnnotation }[] {
  const pcap = readPcap(labPcap(file).bytes)
  const ctx = natContext(snapshot)
  return pcap.records.map((r) => {
    const s = decodeFrame(pcap.header!.linktype, r.data)
    return { s, a: annotatePacket(s, ctx) }
  })
}

const ipv4 = (rows: { s: PacketSummary; a: PacketAnnotation }[]) =>
  rows.filter((x) => x.s.network === 'IPv4' && !x.s.info.startsWith('fragment'))
const containerOf = (snapshot: Snapshot, ip: string): string | undefined =>
  containerHolding(snapshot, ip)?.container.name
const subnetOfRule = (rule: string | null): string => /-s (\S+)/.exec(rule ?? '')?.[1] ?? ''

describe('annotatePacket with the lab snapshot (conntrack explains the flows)', () => {
  const snapshot = labSnapshot()

  it('on the wan veth, the MASQUERADEd echo requests name the container and its address, with the rule', () => {
    const echo = ipv4(annotated('wan-veth--snat-dnat-ipv6.pcap', snapshot)).filter((x) => x.s.icmp?.type === 8)
    expect(echo.length).toBeGreaterThan(0)
    const named = new Set<string>()
    for (const { s, a } of echo) {
      expect(s.src).toBe(lab.wanHostIp)
      expect(a.srcName).toBe('host')
      expect(a.nat).toHaveLength(1)
      const note = a.nat[0]
      expect(note).toMatchObject({
        kind: 'SNAT',
        side: 'after',
        target: 'MASQUERADE',
        evidence: 'conntrack',
        outer: { ip: lab.wanHostIp }
      })
      // The container is the one holding the pre-NAT address, as the snapshot says.
      expect(note.container).toBe(containerOf(snapshot, note.inner.ip))
      expect(inCidr(note.inner.ip, subnetOfRule(note.rule))).toBe(true)
      expect(note.rule).toMatch(/^-A POSTROUTING .*-j MASQUERADE/)
      named.add(note.container!)
      expect(describeNat(note)).toBe(`SNAT by MASQUERADE of ${note.container} ${note.inner.ip}`)
    }
    expect([...named].sort()).toEqual(['nllab-app', 'nllab-default'])
  })

  it('the echo replies on the wan veth go back to that container', () => {
    const replies = ipv4(annotated('wan-veth--snat-dnat-ipv6.pcap', snapshot)).filter((x) => x.s.icmp?.type === 0)
    expect(replies.length).toBeGreaterThan(0)
    for (const { a } of replies)
      expect(a.nat[0]).toMatchObject({ kind: 'SNAT', side: 'reply-before', evidence: 'conntrack' })
  })

  it('the request to the published port on the wan veth: DNAT to nllab-web with the DOCKER rule; its answers too', () => {
    const rows = ipv4(annotated('wan-veth--snat-dnat-ipv6.pcap', snapshot)).filter(
      (x) => x.s.dport === lab.webPort || x.s.sport === lab.webPort
    )
    expect(rows.length).toBeGreaterThan(0)
    for (const { s, a } of rows) {
      const note = a.nat[0]
      expect(note).toMatchObject({
        kind: 'DNAT',
        container: 'nllab-web',
        outer: { ip: lab.wanHostIp, port: lab.webPort },
        inner: { port: 80 }
      })
      expect(note.side).toBe(s.dport === lab.webPort ? 'before' : 'reply-after')
      expect(note.rule).toMatch(
        new RegExp(`--dport ${lab.webPort} -j DNAT --to-destination ${note.inner.ip.replace(/\./g, '\\.')}:80`)
      )
    }
    expect(describeNat(rows[0].a.nat[0])).toMatch(/^DNAT to nllab-web 10\.203\.1\.\d+:80$/)
  })

  it('on nllab-web’s veth the same request arrives DNATed: "DNAT from <wan address>:<published port>"', () => {
    const rows = ipv4(annotated('web-veth--dnat.pcap', snapshot)).filter(
      (x) => x.s.src === lab.wanNsIp || x.s.dst === lab.wanNsIp
    )
    expect(rows.length).toBeGreaterThan(0)
    for (const { s, a } of rows) {
      expect(s.src === lab.wanNsIp ? a.dstName : a.srcName).toBe('nllab-web')
      expect(a.nat[0]).toMatchObject({
        kind: 'DNAT',
        side: s.src === lab.wanNsIp ? 'after' : 'reply-before',
        outer: { port: lab.webPort }
      })
    }
    expect(describeNat(rows[0].a.nat[0])).toBe(`DNAT from ${lab.wanHostIp}:${lab.webPort}`)
  })

  it('on nllab-default’s veth the ping is before MASQUERADE, the reply after it was undone', () => {
    const rows = ipv4(annotated('default-veth--ping-wget-wan.pcap', snapshot))
    expect(rows.length).toBeGreaterThan(0)
    for (const { s, a } of rows) {
      const outgoing = s.dst === lab.wanNsIp
      expect(outgoing ? a.srcName : a.dstName).toBe('nllab-default')
      expect(a.nat[0]).toMatchObject({
        kind: 'SNAT',
        side: outgoing ? 'before' : 'reply-after',
        outer: { ip: lab.wanHostIp }
      })
    }
  })

  it('app → web on one bridge (seen on web’s veth): both named, no NAT', () => {
    const rows = ipv4(annotated('web-veth--dnat.pcap', snapshot)).filter(
      (x) => x.s.transport === 'tcp' && containerOf(snapshot, x.s.src!) && containerOf(snapshot, x.s.dst!)
    )
    expect(rows.length).toBeGreaterThan(0)
    for (const { a } of rows) {
      expect(new Set([a.srcName, a.dstName])).toEqual(new Set(['nllab-app', 'nllab-web']))
      expect(a.nat).toEqual([])
      expect(a.tracked).toBe(true)
    }
  })

  it('in Chinese as well', () => {
    const row = ipv4(annotated('wan-veth--snat-dnat-ipv6.pcap', snapshot)).find((x) => x.s.icmp?.type === 8)!
    expect(describeAnnotation(row.a, 'zh-CN')).toMatch(
      /^由 MASQUERADE 做 SNAT，原为 nllab-\S+ [\d.]+，规则：-A POSTROUTING/
    )
  })
})

describe('annotatePacket without conntrack entries (flows newer than the snapshot): the rules', () => {
  const full = labSnapshot()
  const snapshot: Snapshot = { ...full, conntrack: { ...full.conntrack, entries: [] } }

  it('a container leaving its network: "SNAT by MASQUERADE on the way out", with the rule, marked as rule-based', () => {
    const rows = ipv4(annotated('default-veth--ping-wget-wan.pcap', snapshot)).filter((x) => x.s.dst === lab.wanNsIp)
    expect(rows.length).toBeGreaterThan(0)
    for (const { a } of rows) {
      const note: NatNote = a.nat[0]
      expect(note).toMatchObject({
        kind: 'SNAT',
        side: 'before',
        evidence: 'rule',
        target: 'MASQUERADE',
        container: 'nllab-default'
      })
      expect(describeNat(note)).toBe('SNAT by MASQUERADE on the way out (by the rules; no conntrack entry yet)')
    }
  })

  it('a call to the published port: DNAT to the container the DOCKER rule names', () => {
    const rows = ipv4(annotated('wan-veth--snat-dnat-ipv6.pcap', snapshot)).filter((x) => x.s.dport === lab.webPort)
    expect(rows.length).toBeGreaterThan(0)
    for (const { a } of rows)
      expect(a.nat[0]).toMatchObject({
        kind: 'DNAT',
        side: 'before',
        evidence: 'rule',
        container: 'nllab-web',
        inner: { port: 80 }
      })
  })

  it('after MASQUERADE the source is the host’s own address: no container can be named from the rules alone', () => {
    const rows = ipv4(annotated('wan-veth--snat-dnat-ipv6.pcap', snapshot)).filter((x) => x.s.icmp?.type === 8)
    for (const { a } of rows) expect(a.nat).toEqual([])
  })
})

describe('annotatePacket is total (fast-check)', () => {
  it('any decoded frame, lab snapshot: never throws; every named container exists', () => {
    const snapshot = labSnapshot()
    const ctx = natContext(snapshot)
    const names = new Set(snapshot.containers.map((c) => c.name))
    const frames = ['wan-veth--snat-dnat-ipv6.pcap', 'vxlan-underlay.pcap', 'any--wan-host.pcap'].flatMap((f) => {
      const p = readPcap(labPcap(f).bytes)
      return p.records.map((r) => ({ linktype: p.header!.linktype, data: r.data }))
    })
    fc.assert(
      fc.property(
        fc.nat(frames.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        (which, edits) => {
          const data = frames[which].data.slice()
          for (const [at, v] of edits) data[at % data.length] = v
          const a = annotatePacket(decodeFrame(frames[which].linktype, data), ctx)
          for (const n of a.nat)
            if (n.container) for (const name of n.container.split(', ')) expect(names.has(name)).toBe(true)
          expect(typeof describeAnnotation(a)).toBe('string')
        }
      ),
      { numRuns: 1500 }
    )
  })
})
