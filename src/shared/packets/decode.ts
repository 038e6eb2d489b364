/**
 * Summary decoder: one captured frame → the few fields an ops engineer reads in a packet list.
 * Link layers: Ethernet (with 802.1Q/802.1ad VLAN tags), Linux cooked v1/v2 (`tcpdump -i any`),
 * raw IP and BSD loopback. Then ARP, IPv4 (options, fragments), IPv6 (extension headers), TCP,
 * UDP, ICMP, ICMPv6, and VXLAN (UDP 4789/8472), whose inner frame is decoded the same way.
 * Every read is bounds-checked: a short or garbled frame gives a summary with `problems`, never an
 * exception (fuzzed in test/unit/packets). Fields follow tcpdump's vocabulary where it has one.
 */
import { formatIpv4Bytes, formatIpv6Bytes, formatMac } from './addresses'
import { LINKTYPE } from './pcap'

export interface IcmpInfo {
  type: number
  code: number
  /** Echo identifier and sequence (echo request/reply only). */
  id: number | null
  seq: number | null
}

export interface PacketSummary {
  macSrc: string | null
  macDst: string | null
  vlans: number[]
  /** Linux cooked captures: `in`, `out`, `broadcast`, `multicast`, `other-host`; else null. */
  direction: string | null
  /** Network layer: `IPv4`, `IPv6`, `ARP`, `LLDP`, `STP`, `802.3`, or `ethertype 0x….`. */
  network: string
  /** IP addresses (ARP: sender and target protocol addresses). */
  src: string | null
  dst: string | null
  ttl: number | null
  /** `tcp`, `udp`, `icmp`, `icmpv6`, `ip-proto N`, or null. */
  transport: string | null
  sport: number | null
  dport: number | null
  /** tcpdump's notation: S SYN, F FIN, R RST, P PSH, U URG, E ECE, W CWR, `.` ACK. */
  tcpFlags: string | null
  icmp: IcmpInfo | null
  /** The column a list shows: TCP, UDP, ICMP, ICMPv6, ARP, VXLAN, IPv4, … */
  protocol: string
  /** One short phrase: `echo request id 7 seq 1`, `[S.] seq 0 ack 1`, `who-has 10.0.0.1 tell 10.0.0.2`. */
  info: string
  /** Bytes of transport payload (TCP/UDP data, after headers), when known. */
  payloadLength: number | null
  vxlan: { vni: number; inner: PacketSummary } | null
  /** What was cut off or malformed, e.g. `truncated TCP header`. Empty for a clean packet. */
  problems: string[]
}

export const VXLAN_PORTS = new Set([4789, 8472])
/** VXLAN inside VXLAN inside … stops here (a crafted packet must not recurse without end). */
const MAX_ENCAPSULATION = 3
const MAX_VLAN_TAGS = 8
const MAX_IPV6_EXTENSIONS = 16

const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0)
const u32 = (b: Uint8Array, at: number): number => u16(b, at) * 65536 + u16(b, at + 2)

function emptySummary(): PacketSummary {
  return {
    macSrc: null,
    macDst: null,
    vlans: [],
    direction: null,
    network: 'unknown',
    src: null,
    dst: null,
    ttl: null,
    transport: null,
    sport: null,
    dport: null,
    tcpFlags: null,
    icmp: null,
    protocol: 'unknown',
    info: '',
    payloadLength: null,
    vxlan: null,
    problems: []
  }
}

/** Decodes one captured frame of a pcap with this link type. Never throws. */
export function decodeFrame(linktype: number, data: Uint8Array): PacketSummary {
  const s = emptySummary()
  try {
    decodeLink(s, linktype, data, 0)
  } catch (e) {
    // Unreachable by design (every read is guarded); kept so a decoder bug costs one line, not the list.
    s.problems.push(`decoder error: ${e instanceof Error ? e.message : String(e)}`)
  }
  return s
}

function decodeLink(s: PacketSummary, linktype: number, b: Uint8Array, depth: number): void {
  switch (linktype) {
    case LINKTYPE.ETHERNET:
      return decodeEthernet(s, b, 0, depth)
    case LINKTYPE.LINUX_SLL:
      return decodeSll(s, b)
    case LINKTYPE.LINUX_SLL2:
      return decodeSll2(s, b)
    case LINKTYPE.RAW:
    case 12: // LINKTYPE_RAW as some systems number it (DLT_RAW)
    case 14:
      return decodeRawIp(s, b, 0, depth)
    case LINKTYPE.IPV4:
      return decodeIpv4(s, b, 0, depth)
    case LINKTYPE.IPV6:
      return decodeIpv6(s, b, 0, depth)
    case LINKTYPE.NULL:
      return decodeNull(s, b, depth)
    default:
      s.network = `linktype ${linktype}`
      s.protocol = s.network
      s.problems.push(`link type ${linktype} is not decoded`)
  }
}

function decodeRawIp(s: PacketSummary, b: Uint8Array, at: number, depth: number): void {
  if (b.length <= at) return truncated(s, 'IP header')
  const version = (b[at] ?? 0) >> 4
  if (version === 4) return decodeIpv4(s, b, at, depth)
  if (version === 6) return decodeIpv6(s, b, at, depth)
  s.network = `IP version ${version}`
  s.protocol = 'IP?'
  s.problems.push(`IP version ${version} is not 4 or 6`)
}

function decodeNull(s: PacketSummary, b: Uint8Array, depth: number): void {
  if (b.length < 4) return truncated(s, 'loopback header')
  // The family is in the writer's byte order: AF_INET is 2 either way round in one of the two bytes.
  const le = (b[0] ?? 0) | ((b[1] ?? 0) << 8)
  const be = u16(b, 2)
  const family = le !== 0 ? le : be
  if (family === 2) return decodeIpv4(s, b, 4, depth)
  if (family === 10 || family === 24 || family === 28 || family === 30) return decodeIpv6(s, b, 4, depth)
  s.network = `family ${family}`
  s.protocol = s.network
}

const SLL_DIRECTION = ['in', 'broadcast', 'multicast', 'other-host', 'out']

function decodeSll(s: PacketSummary, b: Uint8Array): void {
  if (b.length < 16) return truncated(s, 'Linux cooked header')
  s.direction = SLL_DIRECTION[u16(b, 0)] ?? `type ${u16(b, 0)}`
  if (u16(b, 4) === 6) s.macSrc = formatMac(b, 6)
  decodeEtherType(s, b, u16(b, 14), 16, 0)
}

function decodeSll2(s: PacketSummary, b: Uint8Array): void {
  if (b.length < 20) return truncated(s, 'Linux cooked v2 header')
  s.direction = SLL_DIRECTION[b[10] ?? 0] ?? `type ${b[10]}`
  if (b[11] === 6) s.macSrc = formatMac(b, 12)
  decodeEtherType(s, b, u16(b, 0), 20, 0)
}

function decodeEthernet(s: PacketSummary, b: Uint8Array, at: number, depth: number): void {
  if (b.length < at + 14) return truncated(s, 'Ethernet header')
  s.macDst = formatMac(b, at)
  s.macSrc = formatMac(b, at + 6)
  let type = u16(b, at + 12)
  let next = at + 14
  while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && s.vlans.length < MAX_VLAN_TAGS) {
    if (b.length < next + 4) return truncated(s, 'VLAN tag')
    s.vlans.push(u16(b, next) & 0x0fff)
    type = u16(b, next + 2)
    next += 4
  }
  if (type < 0x0600) {
    // An 802.3 length field: spanning tree and other LLC frames.
    const stp = s.macDst === '01:80:c2:00:00:00'
    s.network = stp ? 'STP' : '802.3'
    s.protocol = s.network
    s.info = stp ? 'spanning tree BPDU' : `802.3 LLC, length ${type}`
    return
  }
  decodeEtherType(s, b, type, next, depth)
}

function decodeEtherType(s: PacketSummary, b: Uint8Array, type: number, at: number, depth: number): void {
  switch (type) {
    case 0x0800:
      return decodeIpv4(s, b, at, depth)
    case 0x86dd:
      return decodeIpv6(s, b, at, depth)
    case 0x0806:
      return decodeArp(s, b, at)
    case 0x88cc:
      s.network = 'LLDP'
      s.protocol = 'LLDP'
      s.info = 'link layer discovery'
      return
    default:
      s.network = `ethertype 0x${type.toString(16).padStart(4, '0')}`
      s.protocol = s.network
  }
}

function decodeArp(s: PacketSummary, b: Uint8Array, at: number): void {
  s.network = 'ARP'
  s.protocol = 'ARP'
  if (b.length < at + 8) return truncated(s, 'ARP header')
  const htype = u16(b, at)
  const ptype = u16(b, at + 2)
  const hlen = b[at + 4] ?? 0
  const plen = b[at + 5] ?? 0
  const op = u16(b, at + 6)
  if (htype !== 1 || ptype !== 0x0800 || hlen !== 6 || plen !== 4) {
    s.info = `hardware ${htype}, protocol 0x${ptype.toString(16)}, op ${op}`
    return
  }
  if (b.length < at + 28) return truncated(s, 'ARP addresses')
  const senderMac = formatMac(b, at + 8)
  s.src = formatIpv4Bytes(b, at + 14)
  s.dst = formatIpv4Bytes(b, at + 24)
  if (op === 1) s.info = `who-has ${s.dst} tell ${s.src}`
  else if (op === 2) s.info = `${s.src} is-at ${senderMac}`
  else s.info = `op ${op} ${s.src} → ${s.dst}`
}

function decodeIpv4(s: PacketSummary, b: Uint8Array, at: number, depth: number): void {
  s.network = 'IPv4'
  s.protocol = 'IPv4'
  if (b.length < at + 20) return truncated(s, 'IPv4 header')
  const version = (b[at] ?? 0) >> 4
  const ihl = ((b[at] ?? 0) & 0x0f) * 4
  if (version !== 4) s.problems.push(`IPv4 header says version ${version}`)
  s.src = formatIpv4Bytes(b, at + 12)
  s.dst = formatIpv4Bytes(b, at + 16)
  s.ttl = b[at + 8] ?? null
  const proto = b[at + 9] ?? 0
  if (ihl < 20) {
    s.problems.push(`IPv4 header length ${ihl} is below 20`)
    return
  }
  if (b.length < at + ihl) return truncated(s, 'IPv4 options')
  const totalLength = u16(b, at + 2)
  const frag = u16(b, at + 6)
  const offset = (frag & 0x1fff) * 8
  const more = (frag & 0x2000) !== 0
  // The payload ends at total length (Ethernet pads short frames); TSO captures say 0.
  const end = totalLength >= ihl ? Math.min(b.length, at + totalLength) : b.length
  if (offset > 0) {
    s.transport = transportName(proto)
    s.protocol = s.transport.toUpperCase()
    s.info = `fragment offset ${offset}${more ? ', more follow' : ''}`
    return
  }
  const fragNote = more ? ' (first fragment)' : ''
  decodeTransport(s, proto, b, at + ihl, end, depth, totalLength >= ihl ? totalLength - ihl : null)
  if (fragNote) s.info += fragNote
}

/** IPv6 extension headers that carry a next-header and a length: skipped to reach the payload. */
const IPV6_EXTENSIONS = new Set([0, 43, 60, 135, 139, 140])

function decodeIpv6(s: PacketSummary, b: Uint8Array, at: number, depth: number): void {
  s.network = 'IPv6'
  s.protocol = 'IPv6'
  if (b.length < at + 40) return truncated(s, 'IPv6 header')
  const payloadLength = u16(b, at + 4)
  let next = b[at + 6] ?? 0
  s.ttl = b[at + 7] ?? null
  s.src = formatIpv6Bytes(b, at + 8)
  s.dst = formatIpv6Bytes(b, at + 24)
  let offset = at + 40
  const end = payloadLength > 0 ? Math.min(b.length, offset + payloadLength) : b.length
  for (let i = 0; i < MAX_IPV6_EXTENSIONS; i++) {
    if (IPV6_EXTENSIONS.has(next)) {
      if (end < offset + 8) return truncated(s, 'IPv6 extension header')
      const following = b[offset] ?? 0
      offset += ((b[offset + 1] ?? 0) + 1) * 8
      next = following
    } else if (next === 44) {
      if (end < offset + 8) return truncated(s, 'IPv6 fragment header')
      const following = b[offset] ?? 0
      const fragOffset = u16(b, offset + 2) & 0xfff8
      const more = (u16(b, offset + 2) & 1) === 1
      offset += 8
      next = following
      if (fragOffset > 0) {
        s.transport = transportName(next)
        s.protocol = s.transport.toUpperCase()
        s.info = `fragment offset ${fragOffset}${more ? ', more follow' : ''}`
        return
      }
    } else if (next === 51) {
      // Authentication header: its length is in 4-byte units, minus 2.
      if (end < offset + 8) return truncated(s, 'IPv6 authentication header')
      const following = b[offset] ?? 0
      offset += ((b[offset + 1] ?? 0) + 2) * 4
      next = following
    } else break
  }
  if (next === 59) {
    s.info = 'no next header'
    return
  }
  if (IPV6_EXTENSIONS.has(next) || next === 44 || next === 51) {
    s.problems.push('too many IPv6 extension headers')
    return
  }
  decodeTransport(s, next, b, offset, end, depth, end >= offset ? end - offset : null)
}

function transportName(proto: number): string {
  switch (proto) {
    case 6:
      return 'tcp'
    case 17:
      return 'udp'
    case 1:
      return 'icmp'
    case 58:
      return 'icmpv6'
    default:
      return `ip-proto ${proto}`
  }
}

const IP_PROTOCOL_LABELS: Record<number, string> = {
  2: 'IGMP',
  4: 'IPIP',
  41: 'IPv6-in-IPv4',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  89: 'OSPF',
  112: 'VRRP',
  132: 'SCTP'
}

function decodeTransport(
  s: PacketSummary,
  proto: number,
  b: Uint8Array,
  at: number,
  end: number,
  depth: number,
  ipPayload: number | null
): void {
  s.transport = transportName(proto)
  switch (proto) {
    case 6:
      return decodeTcp(s, b, at, end, ipPayload)
    case 17:
      return decodeUdp(s, b, at, end, depth)
    case 1:
      return decodeIcmp(s, b, at, end)
    case 58:
      return decodeIcmpv6(s, b, at, end)
    default:
      s.protocol = IP_PROTOCOL_LABELS[proto] ?? `IP proto ${proto}`
      s.info = s.protocol
  }
}

const TCP_FLAGS: [number, string][] = [
  [0x02, 'S'],
  [0x01, 'F'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'W']
]

export function tcpFlagText(flags: number): string {
  let text = ''
  for (const [bit, letter] of TCP_FLAGS) if (flags & bit) text += letter
  if (flags & 0x10) text += '.'
  return text || 'none'
}

function decodeTcp(s: PacketSummary, b: Uint8Array, at: number, end: number, ipPayload: number | null): void {
  s.protocol = 'TCP'
  if (end < at + 4) return truncated(s, 'TCP ports')
  s.sport = u16(b, at)
  s.dport = u16(b, at + 2)
  if (end < at + 20) {
    s.info = `${s.sport} → ${s.dport}`
    return truncated(s, 'TCP header')
  }
  const seq = u32(b, at + 4)
  const ack = u32(b, at + 8)
  const headerLength = ((b[at + 12] ?? 0) >> 4) * 4
  const flags = b[at + 13] ?? 0
  const window = u16(b, at + 14)
  s.tcpFlags = tcpFlagText(flags)
  s.payloadLength = ipPayload !== null && headerLength >= 20 ? Math.max(0, ipPayload - headerLength) : null
  const parts = [`[${s.tcpFlags}]`, `seq ${seq}`]
  if (flags & 0x10) parts.push(`ack ${ack}`)
  parts.push(`win ${window}`)
  if (s.payloadLength !== null) parts.push(`length ${s.payloadLength}`)
  s.info = parts.join(' ')
  if (headerLength < 20) s.problems.push(`TCP header length ${headerLength} is below 20`)
}

function decodeUdp(s: PacketSummary, b: Uint8Array, at: number, end: number, depth: number): void {
  s.protocol = 'UDP'
  if (end < at + 8) return truncated(s, 'UDP header')
  s.sport = u16(b, at)
  s.dport = u16(b, at + 2)
  const length = u16(b, at + 4)
  s.payloadLength = length >= 8 ? length - 8 : null
  s.info = `length ${s.payloadLength ?? '?'}`
  const port = VXLAN_PORTS.has(s.dport) ? s.dport : VXLAN_PORTS.has(s.sport) ? s.sport : null
  if (port !== null && end >= at + 16 && ((b[at + 8] ?? 0) & 0x08) !== 0 && depth < MAX_ENCAPSULATION) {
    const vni = ((b[at + 12] ?? 0) << 16) | ((b[at + 13] ?? 0) << 8) | (b[at + 14] ?? 0)
    const inner = emptySummary()
    decodeEthernet(inner, b.subarray(0, end), at + 16, depth + 1)
    s.vxlan = { vni, inner }
    s.protocol = 'VXLAN'
    s.info = `vni ${vni}`
    return
  }
  const name = wellKnownUdp(s.sport, s.dport)
  if (name) s.info = `${name}, ${s.info}`
}

function wellKnownUdp(sport: number, dport: number): string | null {
  const names: Record<number, string> = {
    53: 'DNS',
    67: 'DHCP',
    68: 'DHCP',
    123: 'NTP',
    137: 'NetBIOS',
    161: 'SNMP',
    443: 'QUIC',
    514: 'syslog',
    546: 'DHCPv6',
    547: 'DHCPv6',
    5353: 'mDNS',
    7946: 'memberlist',
    51820: 'WireGuard'
  }
  return names[dport] ?? names[sport] ?? null
}

const ICMP_NAMES: Record<number, string> = {
  0: 'echo reply',
  3: 'unreachable',
  4: 'source quench',
  5: 'redirect',
  8: 'echo request',
  11: 'time exceeded',
  12: 'parameter problem',
  13: 'timestamp request',
  14: 'timestamp reply'
}
const UNREACHABLE_CODES: Record<number, string> = {
  0: 'net',
  1: 'host',
  2: 'protocol',
  3: 'port',
  4: 'fragmentation needed',
  9: 'net prohibited',
  10: 'host prohibited',
  13: 'administratively prohibited'
}

/**
 * Type and code, and for echo request/reply the identifier and sequence; null when the header is
 * cut before them (then a problem is noted). Shared by ICMP and ICMPv6.
 */
function icmpCommon(
  s: PacketSummary,
  b: Uint8Array,
  at: number,
  end: number,
  names: Record<number, string>,
  echo: Set<number>
): string | null {
  if (end < at + 4) {
    truncated(s, `${s.protocol} header`)
    return null
  }
  const type = b[at] ?? 0
  const code = b[at + 1] ?? 0
  s.icmp = { type, code, id: null, seq: null }
  const name = names[type] ?? `type ${type}`
  if (!echo.has(type)) return name
  if (end < at + 8) {
    s.info = name
    truncated(s, `${s.protocol} echo`)
    return null
  }
  s.icmp.id = u16(b, at + 4)
  s.icmp.seq = u16(b, at + 6)
  return `${name} id ${s.icmp.id} seq ${s.icmp.seq}`
}

const ICMP_ECHO = new Set([0, 8])
const ICMPV6_ECHO = new Set([128, 129])

function decodeIcmp(s: PacketSummary, b: Uint8Array, at: number, end: number): void {
  s.protocol = 'ICMP'
  let info = icmpCommon(s, b, at, end, ICMP_NAMES, ICMP_ECHO)
  if (info === null || !s.icmp) return
  const { type, code } = s.icmp
  if (type === 3) {
    info = `${UNREACHABLE_CODES[code] ?? `code ${code}`} unreachable`
    if (code === 4 && end >= at + 8) info += `, mtu ${u16(b, at + 6)}`
    info += quotedPacket(b, at + 8, end)
  } else if (type === 11) {
    info += quotedPacket(b, at + 8, end)
  } else if (code !== 0 && !ICMP_ECHO.has(type)) info += ` code ${code}`
  s.info = info
}

/** The start of the packet an ICMP error quotes: `for udp 10.0.0.2:40000 → 10.0.0.3:53`. */
function quotedPacket(b: Uint8Array, at: number, end: number): string {
  if (end < at + 20 || (b[at] ?? 0) >> 4 !== 4) return ''
  const ihl = ((b[at] ?? 0) & 0x0f) * 4
  const proto = b[at + 9] ?? 0
  const src = formatIpv4Bytes(b, at + 12)
  const dst = formatIpv4Bytes(b, at + 16)
  if ((proto === 6 || proto === 17) && ihl >= 20 && end >= at + ihl + 4) {
    return ` for ${transportName(proto)} ${src}:${u16(b, at + ihl)} → ${dst}:${u16(b, at + ihl + 2)}`
  }
  return ` for ${transportName(proto)} ${src} → ${dst}`
}

const ICMPV6_NAMES: Record<number, string> = {
  1: 'unreachable',
  2: 'packet too big',
  3: 'time exceeded',
  4: 'parameter problem',
  128: 'echo request',
  129: 'echo reply',
  130: 'multicast listener query',
  131: 'multicast listener report',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbor solicitation',
  136: 'neighbor advertisement',
  137: 'redirect',
  143: 'multicast listener report v2'
}

function decodeIcmpv6(s: PacketSummary, b: Uint8Array, at: number, end: number): void {
  s.protocol = 'ICMPv6'
  let info = icmpCommon(s, b, at, end, ICMPV6_NAMES, ICMPV6_ECHO)
  if (info === null || !s.icmp) return
  const { type, code } = s.icmp
  if ((type === 135 || type === 136) && end >= at + 24) {
    info += ` ${type === 135 ? 'who-has' : 'tgt is'} ${formatIpv6Bytes(b, at + 8)}`
  } else if (type === 2 && end >= at + 8) {
    info += `, mtu ${u32(b, at + 4)}`
  } else if (code !== 0 && !ICMPV6_ECHO.has(type)) info += ` code ${code}`
  s.info = info
}

function truncated(s: PacketSummary, what: string): void {
  s.problems.push(`truncated ${what}`)
}

/** The packet an annotation or a filter cares about: VXLAN's inner packet, else the packet itself. */
export function innermost(s: PacketSummary): PacketSummary {
  let p = s
  for (let i = 0; p.vxlan && i < MAX_ENCAPSULATION + 1; i++) p = p.vxlan.inner
  return p
}
