/**
 * Parser for forwarding databases: `bridge -j fdb show`, iproute2 5.x/6.x (fixtures: 6.1.0, and
 * inside namespaces with `nsenter … bridge -j fdb show`). Fields: mac, ifname, master, vlan, dst
 * (the remote VTEP of a VXLAN entry, `00:00:00:00:00:00 dev vxlan0 dst 10.0.0.2 self permanent`),
 * flags[] (`self`, `master`, `extern_learn`, `offload`, …) and state (`permanent`, `static`, or ""
 * for learned entries, which becomes null).
 *
 * Output: FdbRecord[]; `raw` is the entry's compact JSON.
 */
import type { FdbRecord, ParseResult } from './types'
import { compact, jsonRecords, MissingFields, nonEmpty, num, str, stringArray } from './link-common'

export function parseBridgeFdbJson(text: string): ParseResult<FdbRecord[]> {
  return jsonRecords(text, 'bridge fdb', (item): FdbRecord | MissingFields => {
    const mac = str(item.mac)
    const dev = str(item.ifname) ?? str(item.dev)
    if (mac === null || dev === null) return new MissingFields('mac/ifname')
    return {
      mac,
      dev,
      master: str(item.master),
      vlan: num(item.vlan),
      dst: str(item.dst),
      flags: stringArray(item.flags),
      state: nonEmpty(item.state),
      raw: compact(item)
    }
  })
}
