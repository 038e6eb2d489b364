/**
 * Parser for the probe's bridge port listing, built from sysfs where brctl is missing:
 *   for d in /sys/class/net/*\/brif; do … echo "<bridge> <port>"; done
 * One `<bridge> <port>` pair per line (Linux 3.x–6.x sysfs; fixtures: Debian 12 userland, kernel 6.18).
 * A line holding only a bridge name (bridge without ports) is accepted too.
 *
 * Output: BrctlRecord[] grouped by bridge in order of appearance; bridgeId and stp are null
 * (sysfs has them in other files); `raw` is the bridge's lines.
 */
import type { BrctlRecord, ParseResult } from './types'
import { lines, snippet } from './link-common'

export function parseSysBrif(text: string): ParseResult<BrctlRecord[]> {
  const warnings: string[] = []
  const byBridge = new Map<string, BrctlRecord>()
  for (const line of lines(text)) {
    if (!line.trim()) continue
    const words = line.trim().split(/\s+/)
    if (words.length > 2) {
      warnings.push(`sys brif: unrecognised line: ${snippet(line)}`)
      continue
    }
    const [bridge, port] = words
    let record = byBridge.get(bridge)
    if (!record) {
      record = { bridge, bridgeId: null, stp: null, interfaces: [], raw: line }
      byBridge.set(bridge, record)
    } else {
      record.raw += `\n${line}`
    }
    if (port !== undefined && !record.interfaces.includes(port)) record.interfaces.push(port)
  }
  return { value: [...byBridge.values()], warnings }
}
