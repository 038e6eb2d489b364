/** Address formatting for decoded packets (bytes → text), bounds-checked by the callers. */
import { formatIpv4, formatIpv6, ipv4Octets, parseIpv4 } from '../net/ip'

const hex2 = (n: number): string => n.toString(16).padStart(2, '0')

export function formatMac(b: Uint8Array, at: number): string {
  const parts: string[] = []
  for (let i = 0; i < 6; i++) parts.push(hex2(b[at + i] ?? 0))
  return parts.join(':')
}

export function formatIpv4Bytes(b: Uint8Array, at: number): string {
  return formatIpv4(bytesValue(b, at, 4))
}

/** RFC 5952 (src/shared/net/ip.ts): lower case, the longest run of two or more zero groups as `::`, v4-mapped as ::ffff:a.b.c.d. */
export function formatIpv6Bytes(b: Uint8Array, at: number): string {
  let value = 0n
  for (let i = 0; i < 16; i++) value = (value << 8n) | BigInt(b[at + i] ?? 0)
  return formatIpv6(value)
}

/** `count` bytes from `at` as an unsigned big-endian number (missing bytes read as 0). */
function bytesValue(b: Uint8Array, at: number, count: number): number {
  let value = 0
  for (let i = 0; i < count; i++) value = value * 256 + (b[at + i] ?? 0)
  return value
}

/** `a.b.c.d` → 4 bytes, or null. */
export function ipv4ToBytes(text: string): Uint8Array | null {
  const value = text === text.trim() ? parseIpv4(text) : null
  return value === null ? null : Uint8Array.from(ipv4Octets(value))
}

/** `02:42:ac:11:00:02` → 6 bytes, or null. */
export function macToBytes(text: string): Uint8Array | null {
  const m = /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i.exec(text)
  if (!m) return null
  return Uint8Array.from(m.slice(1).map((h) => parseInt(h, 16)))
}
