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
import { int, tokenizedLines, snippet } from './link-common'
import { formatIpv4, prefixFromMask } from '../../shared/net/ip'

const RTF_REJECT = 0x0200

/** The kernel's u32 in host byte order (little-endian) → the address as a big-endian number, or null. */
function hexToIpv4(hex: string): number | null {
  if (!/^[0-9a-f]{8}$/i.test(hex)) return null
  const bytes = hex.match(/../g)!.map((pair) => parseInt(pair, 16))
  return bytes.reduceRight((value, byte) => value * 256 + byte, 0)
}

export function parseProcRoute(text: string): ParseResult<IpRouteRecord[]> {
  const warnings: string[] = []
  const value: IpRouteRecord[] = []
  for (const { line, tokens: fields } of tokenizedLines(text)) {
    if (fields[0] === 'Iface') continue
    const destination = hexToIpv4(fields[1] ?? '')
    const gateway = hexToIpv4(fields[2] ?? '')
    const flags = /^[0-9a-f]{1,8}$/i.test(fields[3] ?? '') ? parseInt(fields[3], 16) : null
    const metric = int(fields[6])
    const mask = hexToIpv4(fields[7] ?? '')
    const prefix = mask === null ? null : prefixFromMask(mask)
    if (fields.length < 8 || destination === null || gateway === null || flags === null || prefix === null) {
      warnings.push(`proc route: unrecognised line: ${snippet(line)}`)
      continue
    }
    const dst = destination === 0 && prefix === 0 ? 'default' : `${formatIpv4(destination)}/${prefix}`
    value.push({
      table: 'main',
      dst,
      type: flags & RTF_REJECT ? 'unreachable' : null,
      gateway: gateway === 0 ? null : formatIpv4(gateway),
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
