/**
 * Parser for bridge ports: `bridge -j link show` (and `bridge -j -d link show`), iproute2 5.x/6.x
 * (fixtures: iproute2 6.1.0, Debian 12). Fields: ifindex, ifname, master, state (`forwarding`,
 * `disabled`, `blocking`, …), mtu, and with -d `hairpin` (boolean). Entries for the bridge itself
 * (`self`) have no master.
 *
 * Output: BridgeLinkRecord[]; `raw` is the entry's compact JSON.
 */
import type { BridgeLinkRecord, ParseResult } from './types'
import { compact, namedInterfaceEntries, jsonObjects, num, str } from './link-common'

export function parseBridgeLinkJson(text: string): ParseResult<BridgeLinkRecord[]> {
  const { records, warnings } = jsonObjects(text, 'bridge link')
  const value: BridgeLinkRecord[] = []
  for (const { item, ifindex, name } of namedInterfaceEntries(records, 'bridge link', warnings)) {
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
