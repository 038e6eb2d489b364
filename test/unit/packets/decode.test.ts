import { execFileSync } from 'node:child_process'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeFrame, innermost, type PacketSummary } from '../../../src/shared/packets/decode'
import { LINKTYPE, readPcap } from '../../../src/shared/packets/pcap'
import { labPcap, labPcaps, type LabPcap } from './lab-pcaps'

const decodeAll = (pcap: LabPcap): PacketSummary[] => {
  const file = readPcap(pcap.bytes)
  return file.records.map((r) => decodeFrame(file.header!.linktype, r.data))
}

/** tshark, when this machine has it (the desktop's optional full dissector; CI installs it). */
function tsharkAvailable(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
const HAVE_TSHARK = tsharkAvailable()
if (!HAVE_TSHARK) {
  if (process.env.NETLENS_REQUIRE_ALL_TIERS === '1')
    throw new Error('tshark is missing (NETLENS_REQUIRE_ALL_TIERS=1): apt-get install tshark')
  console.warn(
    `\n${'!'.repeat(90)}\n!!!! decoder cross-check against tshark SKIPPED: tshark is not installed (apt-get install tshark)\n${'!'.repeat(90)}\n`
  )
}

const FIELDS = [
  'frame.number',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.flags',
  'udp.srcport',
  'udp.dstport',
  'icmp.type',
  'icmpv6.type',
  'icmp.ident',
  'arp.opcode',
  'arp.src.proto_ipv4',
  'arp.dst.proto_ipv4',
  'vxlan.vni',
  'vlan.id'
] as const
type Row = Record<(typeof FIELDS)[number], string[]>

/** One row per frame: every occurrence of each field (VXLAN frames have an outer and an inner ip.src). */
function tsharkRows(path: string): Row[] {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      path,
      '-n',
      '-o',
      'ip.defragment:FALSE',
      '-o',
      'ipv6.defragment:FALSE',
      '-T',
      'fields',
      '-E',
      'separator=/t',
      '-E',
      'occurrence=a',
      '-E',
      'aggregator=;',
      ...FIELDS.flatMap((f) => ['-e', f])
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 }
  )
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const cells = line.split('\t')
      return Object.fromEntries(FIELDS.map((f, i) => [f, cells[i] ? cells[i].split(';') : []])) as Row
    })
}

const num = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v))
const TCP_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, U: 0x20, E: 0x40, W: 0x80, '.': 0x10 }
const flagBits = (text: string | null): number | null =>
  text === null ? null : text === 'none' ? 0 : [...text].reduce((n, c) => n | (TCP_BITS[c] ?? 0), 0)

describe.skipIf(!HAVE_TSHARK)('decodeFrame agrees with tshark on the lab captures', () => {
  it.each(labPcaps().map((p) => [p.name, p] as const))('%s', (_name, pcap) => {
    const ours = decodeAll(pcap)
    const theirs = tsharkRows(pcap.path)
    expect(ours).toHaveLength(theirs.length)
    ours.forEach((s, i) => {
      const t = theirs[i]
      const where = `${pcap.name} frame ${i + 1}`
      expect(
        s.problems.filter((p) => p.startsWith('decoder error')),
        where
      ).toEqual([])
      if (s.network === 'ARP') {
        expect([s.src, s.dst], where).toEqual([t['arp.src.proto_ipv4'][0], t['arp.dst.proto_ipv4'][0]])
      } else if (s.network === 'IPv4') {
        expect([s.src, s.dst], where).toEqual([t['ip.src'][0], t['ip.dst'][0]])
      } else if (s.network === 'IPv6') {
        expect([s.src, s.dst], where).toEqual([t['ipv6.src'][0], t['ipv6.dst'][0]])
      }
      if (s.transport === 'tcp' && !s.info.startsWith('fragment')) {
        expect([s.sport, s.dport], where).toEqual([num(t['tcp.srcport'][0]), num(t['tcp.dstport'][0])])
        // With a short snaplen tshark still reads the flags when the header start was captured.
        if (s.tcpFlags !== null) expect(flagBits(s.tcpFlags), where).toBe(Number(t['tcp.flags'][0]))
      }
      if (s.transport === 'udp' && !s.info.startsWith('fragment'))
        expect([s.sport, s.dport], where).toEqual([num(t['udp.srcport'][0]), num(t['udp.dstport'][0])])
      if (s.transport === 'icmp' && s.icmp) {
        expect(s.icmp.type, where).toBe(num(t['icmp.type'][0]))
        if (s.icmp.id !== null) expect(s.icmp.id, where).toBe(num(t['icmp.ident'][0]))
      }
      if (s.transport === 'icmpv6' && s.icmp) expect(s.icmp.type, where).toBe(num(t['icmpv6.type'][0]))
      if (t['vxlan.vni'].length) {
        expect(s.vxlan?.vni, where).toBe(num(t['vxlan.vni'][0]))
        const inner = s.vxlan!.inner
        if (inner.network === 'IPv4') expect([inner.src, inner.dst], where).toEqual([t['ip.src'][1], t['ip.dst'][1]])
        if (inner.network === 'IPv6')
          expect([inner.src, inner.dst], where).toEqual([t['ipv6.src'][0], t['ipv6.dst'][0]])
        if (inner.network === 'ARP')
          expect([inner.src, inner.dst], where).toEqual([t['arp.src.proto_ipv4'][0], t['arp.dst.proto_ipv4'][0]])
      } else expect(s.vxlan, where).toBeNull()
      expect(s.vlans.map(String), where).toEqual(t['vlan.id'])
    })
  })
})

describe('decodeFrame on the lab captures', () => {
  it('the ping from nllab-default leaves the host MASQUERADEd: its echo requests on the wan veth come from the wan address', () => {
    const wan = decodeAll(labPcap('wan-veth--snat-dnat-ipv6.pcap'))
    const echo = wan.filter((s) => s.icmp?.type === 8)
    expect(echo.length).toBeGreaterThan(0)
    for (const s of echo)
      expect(s).toMatchObject({
        network: 'IPv4',
        transport: 'icmp',
        protocol: 'ICMP',
        src: '198.51.100.1',
        dst: '198.51.100.2'
      })
    expect(echo[0].info).toMatch(/^echo request id \d+ seq \d+$/)
  })

  it('VXLAN: the outer UDP 4789 between the two VTEPs, the inner ARP, ICMP and IPv6 decoded', () => {
    const all = decodeAll(labPcap('vxlan-underlay.pcap'))
    const vx = all.filter((s) => s.vxlan)
    expect(vx.length).toBeGreaterThan(0)
    for (const s of vx) {
      expect(s).toMatchObject({ protocol: 'VXLAN', transport: 'udp', dport: 4789 })
      expect(s.vxlan!.vni).toBe(4242)
    }
    const inner = vx.map((s) => innermost(s))
    expect(inner.some((s) => s.network === 'ARP' && /who-has 10\.203\.99\.\d tell 10\.203\.99\.\d/.test(s.info))).toBe(
      true
    )
    expect(inner.some((s) => s.protocol === 'ICMP' && s.src === '10.203.99.1' && s.dst === '10.203.99.2')).toBe(true)
    // MLD reports sit behind a hop-by-hop extension header.
    expect(inner.some((s) => s.protocol === 'ICMPv6' && s.icmp?.type === 143)).toBe(true)
  })

  it('IPv4 fragments: the first carries the ICMP header, the rest say "fragment offset"', () => {
    const frags = decodeAll(labPcap('app-veth--nano.pcap')).filter((s) => s.info.startsWith('fragment offset'))
    expect(frags.length).toBeGreaterThan(0)
    for (const s of frags) expect(s).toMatchObject({ transport: 'icmp', icmp: null, sport: null })
  })

  it('Linux cooked v2 (-i any): direction and addresses', () => {
    const any = decodeAll(labPcap('any--wan-host.pcap'))
    expect(any.every((s) => s.direction !== null)).toBe(true)
    const directions = new Set(any.map((s) => s.direction))
    expect(directions.has('in') && directions.has('out')).toBe(true)
    // Frames a bridge forwards past one of its ports show as other-host.
    for (const d of directions) expect(['in', 'out', 'other-host', 'broadcast', 'multicast']).toContain(d)
    expect(
      any.filter((s) => s.network === 'IPv4').every((s) => s.src === '198.51.100.2' || s.dst === '198.51.100.2')
    ).toBe(true)
  })

  it('a record cut by the snaplen decodes what was captured, and says what is missing', () => {
    const file = readPcap(labPcap('wan-veth--snaplen-64.pcap').bytes)
    for (const r of file.records) {
      const s = decodeFrame(LINKTYPE.ETHERNET, r.data)
      expect(s.transport).toBe('tcp')
      expect(s.sport).not.toBeNull()
    }
  })
})

describe('decodeFrame on damaged input (fast-check)', () => {
  const linktypes = [
    LINKTYPE.ETHERNET,
    LINKTYPE.LINUX_SLL,
    LINKTYPE.LINUX_SLL2,
    LINKTYPE.RAW,
    LINKTYPE.NULL,
    LINKTYPE.IPV4,
    LINKTYPE.IPV6,
    12,
    999
  ]
  const noBug = (s: PacketSummary): void => {
    expect(s.problems.filter((p) => p.startsWith('decoder error'))).toEqual([])
    if (s.vxlan) noBug(s.vxlan.inner)
  }

  it('random bytes under every link type: a summary, never an exception', () => {
    fc.assert(
      fc.property(fc.constantFrom(...linktypes), fc.uint8Array({ maxLength: 300 }), (linktype, bytes) => {
        noBug(decodeFrame(linktype, bytes))
      }),
      { numRuns: 3000 }
    )
  })

  const frames = labPcaps().flatMap((p) => {
    const file = readPcap(p.bytes)
    return file.records.map((r) => ({ linktype: file.header!.linktype, data: r.data }))
  })

  it('mutated lab frames: a summary, never an exception', () => {
    fc.assert(
      fc.property(
        fc.nat(frames.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }),
        (which, edits) => {
          const f = frames[which]
          const data = f.data.slice()
          for (const [at, value] of edits) data[at % data.length] = value
          noBug(decodeFrame(f.linktype, data))
        }
      ),
      { numRuns: 3000 }
    )
  })

  it('every prefix of a lab frame: whatever it decodes agrees with the whole frame', () => {
    fc.assert(
      fc.property(fc.nat(frames.length - 1), fc.nat(), (which, cutAt) => {
        const f = frames[which]
        const whole = decodeFrame(f.linktype, f.data)
        const cut = decodeFrame(f.linktype, f.data.subarray(0, cutAt % (f.data.length + 1)))
        noBug(cut)
        for (const key of ['macSrc', 'macDst', 'src', 'dst', 'sport', 'dport', 'ttl'] as const)
          if (cut[key] !== null) expect(cut[key]).toBe(whole[key])
        if (cut.vxlan) expect(cut.vxlan.vni).toBe(whole.vxlan?.vni)
      }),
      { numRuns: 2000 }
    )
  })
})
