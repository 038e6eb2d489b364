/**
 * Parser for kernel settings as the probe prints them (procps-ng 3.3–4.x `sysctl key…`):
 *   net.ipv4.ip_forward = 1
 * and, as an alternative, `grep . /proc/sys/net/ipv4/ip_forward` style `PATH:VALUE` lines, whose
 * path is turned into the sysctl key the way sysctl does it (`/` → `.`, a `.` inside an interface
 * name → `/`: `/proc/sys/net/ipv4/conf/eth0.10/rp_filter` → `net.ipv4.conf.eth0/10.rp_filter`).
 * `sysctl: cannot stat …` errors and other lines become warnings; a repeated key keeps the last
 * value.
 *
 * Output: Record<key, value> (values as printed, trimmed).
 */
import type { ParseResult } from './types'
import { lines, snippet } from './link-common'

export function parseSysctl(text: string): ParseResult<Record<string, string>> {
  const warnings: string[] = []
  const value: Record<string, string> = Object.create(null) as Record<string, string>
  for (const line of lines(text)) {
    if (!line.trim()) continue
    const procPath = /^\/proc\/sys\/([^:\s]+):(.*)$/.exec(line.trim())
    if (procPath) {
      const key = procPath[1]
        .split('/')
        .map((part) => part.replace(/\./g, '/'))
        .join('.')
      value[key] = procPath[2].trim()
      continue
    }
    const pair = /^([A-Za-z0-9_][^\s=]*)\s*=\s?(.*)$/.exec(line.trim())
    if (!pair || line.startsWith('sysctl:')) {
      warnings.push(`sysctl: unrecognised line: ${snippet(line)}`)
      continue
    }
    value[pair[1]] = pair[2].trim()
  }
  return { value: { ...value }, warnings }
}
