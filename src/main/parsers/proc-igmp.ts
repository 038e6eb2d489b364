/**
 * Parser for `/proc/<pid>/net/igmp` (Linux 2.6–6.x; fixtures: Debian 12 userland, kernel 6.18). Readable
 * without root, it names a container's interfaces with their ifindex, which is how a veth peer
 * (`vethX@ifN` on the host) is matched to the container without nsenter.
 *
 *   Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter
 *   1\tlo        :     1      V3
 *   \t\t\t\t010000E0     1 0:00000000\t\t0
 *
 * Device lines start with the index; group lines start with whitespace and belong to the device
 * above (kept in its raw text). Only interfaces that are up and multicast-capable are listed.
 *
 * Output: IgmpRecord[].
 */
import type { IgmpRecord, ParseResult } from './types'
import { int, lines, snippet } from './link-common'

const DEVICE = /^(\d+)\s+(\S+?)\s*:\s*\d+/

export function parseProcIgmp(text: string): ParseResult<IgmpRecord[]> {
  const warnings: string[] = []
  const value: IgmpRecord[] = []
  for (const line of lines(text)) {
    if (!line.trim()) continue
    if (/^Idx\s/.test(line)) continue
    if (/^\s/.test(line)) {
      const current = value[value.length - 1]
      if (current) current.raw += `\n${line}`
      else warnings.push(`igmp: group line without a device: ${snippet(line)}`)
      continue
    }
    const match = DEVICE.exec(line)
    const ifindex = match ? int(match[1]) : null
    if (!match || ifindex === null) {
      warnings.push(`igmp: unrecognised line: ${snippet(line)}`)
      continue
    }
    value.push({ ifindex, name: match[2], raw: line })
  }
  return { value, warnings }
}
