/**
 * Parser for bridge ports: `bridge -j link show` (and `bridge -j -d link show`), iproute2 5.x/6.x
 * (fixtures: iproute2 6.1.0, Debian 12). Fields: ifindex, ifname, master, state (`forwarding`,
 * `disabled`, `blocking`, …), mtu, and with -d `hairpin` (boolean). Entries for the bridge itself
 * (`self`) have no master.
 *
 * Output: BridgeLinkRecord[]; `raw` is the entry's compact JSON.
 */
import type { BridgeLinkRecord, ParseResult } from './types'
import { compact, entryIfindex, jsonObjects, num, snippet, str } from './link-common'

export function parseBridgeLinkJson(text: string): ParseResult<BridgeLinkRecord[]> {
  const { records, warnings } = jsonObjects(text, 'bridge link')
  const value: BridgeLinkRecord[] = []
  for (const item of records) {
    const ifindex = entryIfindex(item, 'bridge link', warnings)
    const name = str(item.ifname)
    if (ifindex === null) continue
    if (name === null) {
      warnings.push(`bridge link: skipped an entry without ifindex/ifname: ${snippet(compact(item))}`)
      continue
    }
    const hairpin = item.hairpin
    value.push({
      ifindex,
      name,
      master: str(item.master),
      state: str(item.state),
      mtu: num(item.mtu),
      hairpin: typeof hairpin === 'boolean' ? hairpin : hairpin === 'on' ? true : hairpin === 'off' ? false : null,
      raw: compact(item)
    })
  }
  return { value, warnings }
}
