/** Address formatting for decoded packets (bytes → text), bounds-checked by the callers. */

const hex2 = (n: number): string => n.toString(16).padStart(2, '0')

export function formatMac(b: Uint8Array, at: number): string {
  const parts: string[] = []
  for (let i = 0; i < 6; i++) parts.push(hex2(b[at + i] ?? 0))
  return parts.join(':')
}

export function formatIpv4Bytes(b: Uint8Array, at: number): string {
  return `${b[at] ?? 0}.${b[at + 1] ?? 0}.${b[at + 2] ?? 0}.${b[at + 3] ?? 0}`
}

/** RFC 5952: lower case, the longest run of two or more zero groups as `::`, v4-mapped as ::ffff:a.b.c.d. */
export function formatIpv6Bytes(b: Uint8Array, at: number): string {
  const groups: number[] = []
  for (let i = 0; i < 8; i++) groups.push(((b[at + 2 * i] ?? 0) << 8) | (b[at + 2 * i + 1] ?? 0))
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${formatIpv4Bytes(b, at + 12)}`
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const text = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':')
  if (bestLen < 2) return text(groups)
  return `${text(groups.slice(0, bestStart))}::${text(groups.slice(bestStart + bestLen))}`
}

/** `a.b.c.d` → 4 bytes, or null. */
export function ipv4ToBytes(text: string): Uint8Array | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (!m) return null
  const out = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const v = Number(m[i + 1])
    if (v > 255) return null
    out[i] = v
  }
  return out
}

/** `02:42:ac:11:00:02` → 6 bytes, or null. */
export function macToBytes(text: string): Uint8Array | null {
  const m = /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i.exec(text)
  if (!m) return null
  return Uint8Array.from(m.slice(1).map((h) => parseInt(h, 16)))
}
