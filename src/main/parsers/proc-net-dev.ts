/**
 * Parser for `/proc/net/dev` and `/proc/<pid>/net/dev` (Linux 2.6–6.x; fixtures: Debian 12 userland with kernel
 * 6.18, jc's CentOS-era file, node_exporter's edited file).
 *
 * Two header lines (`Inter-|   Receive …` and ` face |bytes …`), then `NAME: 16 counters`. The
 * name may itself contain colons (`ibr10:30`, alias-style names) and any UTF-8 (`💩0`), and a wide
 * counter can touch the colon (`eth0:68210035552`). Counters never contain a colon, so the split is
 * on the LAST colon that is followed only by numbers.
 *
 * Output: ProcNetDevRecord[]; counters above 2^53 lose precision (JS numbers).
 */
import type { ParseResult, ProcNetDevRecord } from './types'
import { lines, snippet } from './link-common'

const ROW = /^\s*(.+):\s*(\d+(?:\s+\d+)*)\s*$/

export function parseProcNetDev(text: string): ParseResult<ProcNetDevRecord[]> {
  const warnings: string[] = []
  const value: ProcNetDevRecord[] = []
  for (const line of lines(text)) {
    if (!line.trim()) continue
    if (/^\s*Inter-\|/.test(line) || /^\s*face\s*\|/.test(line)) continue
    const match = ROW.exec(line)
    const counters = match ? match[2].split(/\s+/).map(Number) : []
    if (!match || counters.length < 16) {
      warnings.push(`proc net dev: unrecognised line: ${snippet(line)}`)
      continue
    }
    const iface = match[1].trim()
    if (!iface) {
      warnings.push(`proc net dev: line without an interface name: ${snippet(line)}`)
      continue
    }
    value.push({
      iface,
      rxBytes: counters[0],
      rxPackets: counters[1],
      rxErrors: counters[2],
      rxDropped: counters[3],
      txBytes: counters[8],
      txPackets: counters[9],
      txErrors: counters[10],
      txDropped: counters[11],
      raw: line
    })
  }
  return { value, warnings }
}
