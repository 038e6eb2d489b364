/**
 * The regular-expression parser of /proc/net/dev as it was before lines were read by character
 * codes: kept as the reference the fast parser must equal (test/unit/parsers/proc-net-dev.test.ts).
 * Not used by src.
 */
import type { ParseResult, ProcNetDevRecord } from '../../src/main/parsers/types'
import { lines, snippet } from '../../src/main/parsers/link-common'

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
