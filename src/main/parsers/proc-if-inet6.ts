/**
 * Parser for `/proc/<pid>/net/if_inet6` (Linux 2.6–6.x; fixtures: Debian 12 userland, kernel 6.18,
 * a namespace of our lab). Readable without root, it lists a namespace's IPv6 addresses, which
 * `ip -6 addr` would give only through nsenter:
 *
 *   fd000099000000000000000000000002 03 40 00 82     eth0
 *   address (32 hex digits)          ifindex, prefix length, scope, flags (hex)  device
 *
 * An empty file is a namespace without IPv6 (Docker turns it off in containers not on an IPv6
 * network).
 *
 * Output: IfInet6Record[] (address in RFC 5952 text).
 */
import { formatIpv6 } from '../../shared/net/ip'
import { lines, snippet } from './link-common'
import type { IfInet6Record, ParseResult } from './types'

const LINE = /^([0-9a-f]{32})\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(\S+)\s*$/i

export function parseProcIfInet6(text: string): ParseResult<IfInet6Record[]> {
  const warnings: string[] = []
  const value: IfInet6Record[] = []
  for (const line of lines(text)) {
    if (!line.trim()) continue
    const m = LINE.exec(line)
    const prefixLength = m ? parseInt(m[3], 16) : NaN
    if (!m || prefixLength > 128) {
      warnings.push(`if_inet6: unrecognised line: ${snippet(line)}`)
      continue
    }
    value.push({
      address: formatIpv6(BigInt(`0x${m[1]}`)),
      ifindex: parseInt(m[2], 16),
      prefixLength,
      scope: parseInt(m[4], 16),
      flags: parseInt(m[5], 16),
      name: m[6],
      raw: line
    })
  }
  return { value, warnings }
}
