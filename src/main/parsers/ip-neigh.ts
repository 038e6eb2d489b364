/**
 * Parsers for the neighbour (ARP/NDP) table.
 *
 * - `parseIpNeighJson`: `ip -j neigh show`, iproute2 5.x/6.x (fixtures: 6.1.0). Fields: dst, dev,
 *   lladdr, state[] (`REACHABLE`, `STALE`, `PERMANENT`, …; some versions print a string).
 * - `parseIpNeighText`: `ip neigh show` text: `DST dev D lladdr MAC [router] [proxy] STATE…`,
 *   e.g. `10.0.0.7 dev eth0 FAILED` (no lladdr). States are the upper-case words.
 *
 * Output: IpNeighRecord[].
 */
import type { IpNeighRecord, ParseResult } from './types'
import { compact, jsonObjects, lines, snippet, str, stringArray, valueAfter } from './link-common'

export function parseIpNeighJson(text: string): ParseResult<IpNeighRecord[]> {
  const { records, warnings } = jsonObjects(text, 'ip neigh')
  const value: IpNeighRecord[] = []
  for (const item of records) {
    const dst = str(item.dst)
    if (dst === null) {
      warnings.push(`ip neigh: skipped an entry without dst: ${snippet(compact(item))}`)
      continue
    }
    const state = typeof item.state === 'string' ? [item.state] : stringArray(item.state)
    value.push({ dst, dev: str(item.dev), lladdr: str(item.lladdr), state, raw: compact(item) })
  }
  return { value, warnings }
}

export function parseIpNeighText(text: string): ParseResult<IpNeighRecord[]> {
  const warnings: string[] = []
  const value: IpNeighRecord[] = []
  for (const line of lines(text)) {
    if (!line.trim()) continue
    const tokens = line.trim().split(/\s+/)
    const dst = tokens[0]
    if (!/^[0-9a-f.:]+$/i.test(dst) || !/[.:]/.test(dst)) {
      warnings.push(`ip neigh: unrecognised line: ${snippet(line)}`)
      continue
    }
    const rest = tokens.slice(1)
    value.push({
      dst,
      dev: valueAfter(rest, 'dev'),
      lladdr: valueAfter(rest, 'lladdr'),
      state: rest.filter((token) => /^[A-Z_]+$/.test(token)),
      raw: line
    })
  }
  return { value, warnings }
}
