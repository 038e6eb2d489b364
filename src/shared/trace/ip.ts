/**
 * IPv4 helpers for the trace and diagnose engines: parsing, CIDR containment, overlap and longest
 * prefix match. IPv6 is out of scope here (Docker bridges are IPv4 first); v6 strings parse as null.
 */

/** `a.b.c.d` → 32-bit unsigned number, or null. */
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

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')
}

export interface Cidr {
  network: number
  prefix: number
}

/** `10.0.0.0/8`, `10.1.2.3/24` (host bits dropped), `10.1.2.3` (/32), `default` / `0/0` → null or a Cidr. */
export function parseCidr(text: string): Cidr | null {
  const trimmed = text.trim()
  if (trimmed === 'default' || trimmed === '0/0' || trimmed === '0.0.0.0/0') return { network: 0, prefix: 0 }
  const [addr, prefixText, ...rest] = trimmed.split('/')
  if (rest.length) return null
  const ip = parseIpv4(addr)
  if (ip === null) return null
  let prefix = 32
  if (prefixText !== undefined) {
    if (!/^\d{1,2}$/.test(prefixText)) return null
    prefix = Number(prefixText)
    if (prefix > 32) return null
  }
  return { network: maskAddress(ip, prefix), prefix }
}

function maskAddress(ip: number, prefix: number): number {
  if (prefix === 0) return 0
  const size = 2 ** (32 - prefix)
  return ip - (ip % size)
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return maskAddress(ip, cidr.prefix) === cidr.network
}

/** True when `ipText` is inside `cidrText`; false when either does not parse. */
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

/** `172.17.0.2/16` → `172.17.0.2`. */
export function stripPrefix(address: string): string {
  const cut = address.indexOf('/')
  return cut < 0 ? address : address.slice(0, cut)
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== null
}

/** The subnet an interface address lives in: `172.17.0.1/16` → 172.17.0.0/16. */
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
