/**
 * Parser for `/proc/net/route` and `/proc/<pid>/net/route` (IPv4 main table; Linux 2.6–6.x,
 * fixtures: Debian 12 userland, kernel 6.18 on x86-64). Readable without root.
 *
 *   Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
 *   eth0\t00000000\t010017AC\t0003\t0\t0\t0\t00000000\t0\t0\t0
 *
 * Addresses are the kernel's u32 in host byte order printed as hex; on little-endian hosts (all
 * hosts we support) `010017AC` is 172.23.0.1. The mask becomes a prefix length; 0.0.0.0/0 is
 * `default`; flag RTF_REJECT (0x0200) marks an `unreachable` route; a zero gateway is null.
 *
 * Output: IpRouteRecord[] with table `main`; protocol, scope and prefsrc are null (not in the file).
 */
import type { IpRouteRecord, ParseResult } from './types'
import { int, lines, snippet } from './link-common'

const RTF_REJECT = 0x0200

function hexToIpv4(hex: string): number | null {
  return /^[0-9a-f]{8}$/i.test(hex) ? parseInt(hex, 16) : null
}

function dotted(value: number): string {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24].join('.')
}

function prefixLength(mask: number): number | null {
  let bits = 0
  let seenZero = false
  for (const byte of [mask & 0xff, (mask >>> 8) & 0xff, (mask >>> 16) & 0xff, mask >>> 24]) {
    for (let bit = 7; bit >= 0; bit--) {
      if (byte & (1 << bit)) {
        if (seenZero) return null
        bits++
      } else seenZero = true
    }
  }
  return bits
}

export function parseProcRoute(text: string): ParseResult<IpRouteRecord[]> {
  const warnings: string[] = []
  const value: IpRouteRecord[] = []
  for (const line of lines(text)) {
    if (!line.trim()) continue
    const fields = line.trim().split(/\s+/)
    if (fields[0] === 'Iface') continue
    const destination = hexToIpv4(fields[1] ?? '')
    const gateway = hexToIpv4(fields[2] ?? '')
    const flags = /^[0-9a-f]{1,8}$/i.test(fields[3] ?? '') ? parseInt(fields[3], 16) : null
    const metric = int(fields[6])
    const mask = hexToIpv4(fields[7] ?? '')
    const prefix = mask === null ? null : prefixLength(mask)
    if (fields.length < 8 || destination === null || gateway === null || flags === null || prefix === null) {
      warnings.push(`proc route: unrecognised line: ${snippet(line)}`)
      continue
    }
    const dst = destination === 0 && prefix === 0 ? 'default' : `${dotted(destination)}/${prefix}`
    value.push({
      table: 'main',
      dst,
      type: flags & RTF_REJECT ? 'unreachable' : null,
      gateway: gateway === 0 ? null : dotted(gateway),
      dev: fields[0] === '*' ? null : fields[0],
      protocol: null,
      scope: null,
      prefsrc: null,
      metric,
      raw: line
    })
  }
  return { value, warnings }
}
