/**
 * Builds Ethernet/IPv4 frames (TCP, UDP, ICMP echo, and VXLAN around an inner frame) with valid
 * checksums: the training simulator renders its flows with it into the pcap format a real
 * tcpdump writes, so the same decoder, annotator and Wireshark read them.
 */
import { ipv4ToBytes, macToBytes } from './addresses'

export interface FrameSpec {
  macSrc: string
  macDst: string
  src: string
  dst: string
  ttl?: number
  ipId?: number
  proto: 'tcp' | 'udp' | 'icmp'
  sport?: number
  dport?: number
  /** TCP: flag bits (SYN 0x02, ACK 0x10, PSH 0x08, FIN 0x01), sequence and acknowledgement numbers. */
  tcp?: { flags: number; seq: number; ack: number; window?: number }
  /** ICMP echo: type 8 request / 0 reply. */
  icmp?: { type: number; code: number; id: number; seq: number }
  /** Bytes of payload after the transport header (zero-filled), or the bytes themselves (VXLAN). */
  payload?: number | Uint8Array
}

function checksum(bytes: Uint8Array, initial = 0): number {
  let sum = initial
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i] << 8) | bytes[i + 1]
  if (bytes.length % 2) sum += bytes[bytes.length - 1] << 8
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return ~sum & 0xffff
}

const put16 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = (v >>> 8) & 0xff
  b[at + 1] = v & 0xff
}
const put32 = (b: Uint8Array, at: number, v: number): void => {
  put16(b, at, Math.floor(v / 65536) & 0xffff)
  put16(b, at + 2, v & 0xffff)
}

function need<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`not a valid ${what}`)
  return value
}

/** One frame. Throws on an address that does not parse (the simulator's own data, never input). */
export function buildFrame(f: FrameSpec): Uint8Array {
  const payload = typeof f.payload === 'number' || f.payload === undefined ? new Uint8Array(f.payload ?? 0) : f.payload
  const l4Header = f.proto === 'tcp' ? 20 : 8
  const l4 = new Uint8Array(l4Header + payload.length)
  l4.set(payload, l4Header)
  if (f.proto === 'tcp') {
    const t = f.tcp ?? { flags: 0x10, seq: 0, ack: 0 }
    put16(l4, 0, f.sport ?? 0)
    put16(l4, 2, f.dport ?? 0)
    put32(l4, 4, t.seq >>> 0)
    put32(l4, 8, t.ack >>> 0)
    l4[12] = 5 << 4
    l4[13] = t.flags
    put16(l4, 14, t.window ?? 64240)
  } else if (f.proto === 'udp') {
    put16(l4, 0, f.sport ?? 0)
    put16(l4, 2, f.dport ?? 0)
    put16(l4, 4, l4.length)
  } else {
    const i = f.icmp ?? { type: 8, code: 0, id: 0, seq: 0 }
    l4[0] = i.type
    l4[1] = i.code
    put16(l4, 4, i.id)
    put16(l4, 6, i.seq)
  }
  const src = need(ipv4ToBytes(f.src), 'IPv4 source')
  const dst = need(ipv4ToBytes(f.dst), 'IPv4 destination')
  const protoNumber = f.proto === 'tcp' ? 6 : f.proto === 'udp' ? 17 : 1
  if (f.proto === 'icmp') put16(l4, 2, checksum(l4))
  else {
    const pseudo = new Uint8Array(12)
    pseudo.set(src, 0)
    pseudo.set(dst, 4)
    pseudo[9] = protoNumber
    put16(pseudo, 10, l4.length)
    let sum = 0
    for (let i = 0; i < 12; i += 2) sum += (pseudo[i] << 8) | pseudo[i + 1]
    const c = checksum(l4, sum)
    put16(l4, f.proto === 'tcp' ? 16 : 6, f.proto === 'udp' && c === 0 ? 0xffff : c)
  }
  const ip = new Uint8Array(20)
  ip[0] = 0x45
  put16(ip, 2, 20 + l4.length)
  put16(ip, 4, f.ipId ?? 0)
  put16(ip, 6, 0x4000)
  ip[8] = f.ttl ?? 64
  ip[9] = protoNumber
  ip.set(src, 12)
  ip.set(dst, 16)
  put16(ip, 10, checksum(ip))
  const frame = new Uint8Array(14 + 20 + l4.length)
  frame.set(need(macToBytes(f.macDst), 'MAC'), 0)
  frame.set(need(macToBytes(f.macSrc), 'MAC'), 6)
  put16(frame, 12, 0x0800)
  frame.set(ip, 14)
  frame.set(l4, 34)
  return frame
}

/** The 8-byte VXLAN header and the inner frame: a UDP payload for buildFrame. */
export function vxlanPayload(vni: number, inner: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + inner.length)
  out[0] = 0x08
  out[4] = (vni >>> 16) & 0xff
  out[5] = (vni >>> 8) & 0xff
  out[6] = vni & 0xff
  out.set(inner, 8)
  return out
}
