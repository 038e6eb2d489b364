/**
 * Parser for `brctl show` (bridge-utils 1.5 on CentOS 7 in the seed, 1.7.1 on Debian 12).
 *
 * Layout: a `bridge name\tbridge id\t\tSTP enabled\tinterfaces` header, then per bridge
 * `NAME\t\tID\tSTP\t\tFIRST_PORT` and one tab-indented line per further port; a bridge without
 * ports has an empty last column. The seed tutorial lost every tab
 * (`docker08000.0242a4e84411noveth7c1728b`), so the line is split around the bridge id pattern
 * `XXXX.XXXXXXXXXXXX` instead of on tabs: name before it, `yes`/`no` and the first port after it.
 * A line with a single word and no bridge id continues the previous bridge.
 *
 * Output: BrctlRecord[] (bridgeId `8000.0242a4e84411`, stp true/false); `raw` is the bridge's lines.
 */
import type { BrctlRecord, ParseResult } from './types'
import { lines, snippet } from './link-common'

const BRIDGE_ID = /[0-9a-f]{4}\.[0-9a-f]{12}/i

export function parseBrctlShow(text: string): ParseResult<BrctlRecord[]> {
  const warnings: string[] = []
  const value: BrctlRecord[] = []
  for (const line of lines(text)) {
    if (!line.trim()) continue
    if (/^bridge\s*name/i.test(line.trim())) continue
    const id = BRIDGE_ID.exec(line)
    if (id) {
      const bridge = line.slice(0, id.index).trim()
      if (!bridge || /\s/.test(bridge)) {
        warnings.push(`brctl: unrecognised line: ${snippet(line)}`)
        continue
      }
      let after = line.slice(id.index + id[0].length).trim()
      let stp: boolean | null = null
      const stpMatch = /^(yes|no)/.exec(after)
      if (stpMatch) {
        stp = stpMatch[1] === 'yes'
        after = after.slice(stpMatch[1].length).trim()
      }
      value.push({
        bridge,
        bridgeId: id[0].toLowerCase(),
        stp,
        interfaces: after.split(/\s+/).filter(Boolean),
        raw: line
      })
      continue
    }
    const words = line.trim().split(/\s+/)
    const current = value[value.length - 1]
    if (current && words.length === 1) {
      current.interfaces.push(words[0])
      current.raw += `\n${line}`
    } else {
      warnings.push(`brctl: unrecognised line: ${snippet(line)}`)
    }
  }
  return { value, warnings }
}
