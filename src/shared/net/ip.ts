/**
 * The one address module: IPv4 and IPv6 parsing and formatting, CIDR blocks, containment, overlap
 * and longest prefix match. Every layer (parsers, model, simulator, diagnose, trace) does its
 * address math here, so an address means the same thing everywhere.
 *
 * IPv4 values are unsigned 32-bit numbers (fast, and what the trace engine compares in loops); IPv6
 * values are 128-bit bigints. Functions named `…Ipv4` or taking a `Cidr` are IPv4 only and treat an
 * IPv6 string as "does not parse" (Docker bridges are IPv4 first); the `…Ip`/`…IpCidr` ones take
 * either family. Nothing here throws: text that does not parse gives null (or false).
 */

export type IpFamily = 4 | 6

// ---------------------------------------------------------------- IPv4

/** `a.b.c.d` (surrounding blanks allowed, each octet 0–255, at most three digits) → unsigned number, or null. */
export function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim())
  if (!m) return null
  let value = 0
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i])
    if (octet > 255) return null
    value = value * 256 + octet
  }
  return value
}

/** Unsigned 32-bit number → `a.b.c.d`. */
export function formatIpv4(value: number): string {
  return ipv4Octets(value).join('.')
}

/** The four octets of an IPv4 value, most significant first. */
export function ipv4Octets(value: number): [number, number, number, number] {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256) as [number, number, number, number]
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== null
}

/** An IPv4 netmask (`255.255.240.0` as a number) → its prefix length, or null when the ones are not contiguous. */
export function prefixFromMask(mask: number): number | null {
  for (let prefix = 0; prefix <= 32; prefix++) if (maskOf(prefix) === mask) return prefix
  return null
}

/** The netmask of a prefix length as an unsigned number (`/20` → 255.255.240.0). */
export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : 2 ** 32 - 2 ** (32 - prefix)
}

/** An IPv4 CIDR block; `network` has its host bits cleared. */
export interface Cidr {
  network: number
  prefix: number
}

/** `10.0.0.0/8`, `10.1.2.3/24` (host bits dropped), `10.1.2.3` (/32), `default` / `0/0` → a Cidr, or null. */
export function parseCidr(text: string): Cidr | null {
  const trimmed = text.trim()
  if (trimmed === 'default' || trimmed === '0/0' || trimmed === '0.0.0.0/0') return { network: 0, prefix: 0 }
  const [addr, prefixText, ...rest] = trimmed.split('/')
  if (rest.length) return null
  const ip = parseIpv4(addr)
  if (ip === null) return null
  const prefix = prefixText === undefined ? 32 : parsePrefix(prefixText, 32)
  if (prefix === null) return null
  return { network: maskAddress(ip, prefix), prefix }
}

/** A prefix length of at most `max` written with no more digits than `max` has (`/08` is fine, `/032` is not). */
function parsePrefix(text: string, max: number): number | null {
  if (!/^\d+$/.test(text) || text.length > String(max).length) return null
  const prefix = Number(text)
  return prefix > max ? null : prefix
}

function maskAddress(ip: number, prefix: number): number {
  if (prefix === 0) return 0
  const size = 2 ** (32 - prefix)
  return ip - (ip % size)
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return maskAddress(ip, cidr.prefix) === cidr.network
}

/** True when the IPv4 address `ipText` (a `/len` suffix is ignored) is inside `cidrText`; false when either does not parse. */
export function inCidr(ipText: string, cidrText: string): boolean {
  const ip = parseIpv4(stripPrefix(ipText))
  const cidr = parseCidr(cidrText)
  return ip !== null && cidr !== null && cidrContains(cidr, ip)
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix)
  return maskAddress(a.network, prefix) === maskAddress(b.network, prefix)
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`
}

/** The last address of a block (`172.17.0.0/16` → 172.17.255.255). */
export function broadcastOf(cidr: Cidr): number {
  return cidr.network + 2 ** (32 - cidr.prefix) - 1
}

/** `172.17.0.2/16` → `172.17.0.2`. */
export function stripPrefix(address: string): string {
  const cut = address.indexOf('/')
  return cut < 0 ? address : address.slice(0, cut)
}

/** The IPv4 subnet an interface address lives in: `172.17.0.1/16` → 172.17.0.0/16. */
export function addressSubnet(address: string): Cidr | null {
  return address.includes('/') ? parseCidr(address) : null
}

/** Longest prefix match: the candidate whose CIDR holds `ip` with the longest prefix, lowest metric on ties. */
export function longestPrefixMatch<T>(
  ip: string,
  candidates: T[],
  cidrOf: (candidate: T) => string,
  metricOf: (candidate: T) => number | null = () => null
): T | null {
  const address = parseIpv4(stripPrefix(ip))
  if (address === null) return null
  let best: { item: T; prefix: number; metric: number } | null = null
  for (const item of candidates) {
    const cidr = parseCidr(cidrOf(item))
    if (!cidr || !cidrContains(cidr, address)) continue
    const metric = metricOf(item) ?? 0
    if (!best || cidr.prefix > best.prefix || (cidr.prefix === best.prefix && metric < best.metric)) {
      best = { item, prefix: cidr.prefix, metric }
    }
  }
  return best?.item ?? null
}

/** RFC 1918 and other addresses the internet will not route back (CGNAT, link-local). */
export function isPrivateIpv4(ipText: string): boolean {
  return ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'].some((cidr) =>
    inCidr(ipText, cidr)
  )
}

// ---------------------------------------------------------------- IPv6

/**
 * An IPv6 address in any RFC 4291 text form (`::`, leading zeros, upper case, an IPv4 tail as in
 * `::ffff:1.2.3.4`) → 128-bit bigint, or null. Zone ids (`fe80::1%eth0`) do not parse.
 */
export function parseIpv6(text: string): bigint | null {
  const trimmed = text.trim()
  if (!/^[0-9a-fA-F:.]+$/.test(trimmed)) return null
  const halves = trimmed.split('::')
  if (halves.length > 2) return null
  const head = groupsOf(halves[0], halves.length === 1)
  const tail = halves.length === 2 ? groupsOf(halves[1], true) : []
  if (head === null || tail === null) return null
  const written = head.length + tail.length
  if (halves.length === 2 ? written > 7 : written !== 8) return null
  const groups = [...head, ...new Array<number>(8 - written).fill(0), ...tail]
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n)
}

/**
 * `a:b:1.2.3.4` → 16-bit groups (an IPv4 tail counts as two, and only ends the whole address), or
 * null; the empty side of `::` → [].
 */
function groupsOf(part: string, endsAddress: boolean): number[] | null {
  if (part === '') return []
  const words = part.split(':')
  const groups: number[] = []
  for (let i = 0; i < words.length; i++) {
    const word = words[i]
    if (endsAddress && i === words.length - 1 && word.includes('.')) {
      const v4 = parseIpv4(word)
      if (v4 === null) return null
      groups.push(Math.floor(v4 / 65536), v4 % 65536)
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(word)) return null
      groups.push(parseInt(word, 16))
    }
  }
  return groups
}

/**
 * 128-bit value → RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero
 * groups (the first on a tie) as `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d` (as iproute2 prints them).
 */
export function formatIpv6(value: bigint): string {
  const groups: number[] = []
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn))
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(groups[6] * 65536 + groups[7])}`
  }
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let end = i
    while (end < 8 && groups[end] === 0) end++
    if (end - i > bestLength) {
      bestStart = i
      bestLength = end - i
    }
    i = end
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}

// ---------------------------------------------------------------- either family

/** An address of either family; IPv4 values are widened to bigint so blocks of both compare alike. */
export interface IpAddress {
  family: IpFamily
  value: bigint
}

/** An IPv4 or IPv6 block; `network` has its host bits cleared. */
export interface IpCidr {
  family: IpFamily
  network: bigint
  prefix: number
}

const bitsOf = (family: IpFamily): number => (family === 4 ? 32 : 128)

/** Either family's address text → IpAddress, or null. */
export function parseIp(text: string): IpAddress | null {
  const v4 = parseIpv4(text)
  if (v4 !== null) return { family: 4, value: BigInt(v4) }
  const v6 = parseIpv6(text)
  return v6 === null ? null : { family: 6, value: v6 }
}

export function formatIp(address: IpAddress): string {
  return address.family === 4 ? formatIpv4(Number(address.value)) : formatIpv6(address.value)
}

/** `fd00::/64`, `10.1.2.3/24` (host bits dropped), a bare address (full length) → IpCidr, or null. */
export function parseIpCidr(text: string): IpCidr | null {
  const trimmed = text.trim()
  const [addressText, prefixText, ...rest] = trimmed.split('/')
  if (rest.length) return null
  const address = parseIp(addressText)
  if (!address) return null
  const bits = bitsOf(address.family)
  const prefix = prefixText === undefined ? bits : parsePrefix(prefixText, bits)
  if (prefix === null) return null
  return { family: address.family, network: maskBig(address.value, prefix, bits), prefix }
}

function maskBig(value: bigint, prefix: number, bits: number): bigint {
  const hostBits = BigInt(bits - prefix)
  return (value >> hostBits) << hostBits
}

export function formatIpCidr(cidr: IpCidr): string {
  return `${formatIp({ family: cidr.family, value: cidr.network })}/${cidr.prefix}`
}

/** True when `inner` (an address or a block, same family) lies wholly inside `outer`. */
export function ipCidrHolds(outer: IpCidr, inner: IpCidr | IpAddress): boolean {
  if (outer.family !== inner.family) return false
  const innerPrefix = 'prefix' in inner ? inner.prefix : bitsOf(inner.family)
  const innerValue = 'prefix' in inner ? inner.network : inner.value
  if (innerPrefix < outer.prefix) return false
  return maskBig(innerValue, outer.prefix, bitsOf(outer.family)) === outer.network
}

/**
 * Text form of {@link ipCidrHolds}: does the block `outer` contain `inner` (an address or a block)?
 * Either family; false when either does not parse or the families differ.
 */
export function cidrTextHolds(outer: string, inner: string): boolean {
  const o = parseIpCidr(outer)
  const i = parseIpCidr(inner)
  return o !== null && i !== null && ipCidrHolds(o, i)
}

/** The block an interface address lives in, as text: `172.17.0.1/16` → `172.17.0.0/16`, `fd00::5/64` → `fd00::/64`; null when it does not parse. */
export function subnetText(address: string): string | null {
  const cidr = parseIpCidr(address)
  return cidr ? formatIpCidr(cidr) : null
}
