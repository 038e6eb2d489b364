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
import { compact, jsonObjects, nonEmpty, num, snippet, str, stringArray } from './link-common'

export function parseBridgeFdbJson(text: string): ParseResult<FdbRecord[]> {
  const { records, warnings } = jsonObjects(text, 'bridge fdb')
  const value: FdbRecord[] = []
  for (const item of records) {
    const mac = str(item.mac)
    const dev = str(item.ifname) ?? str(item.dev)
    if (mac === null || dev === null) {
      warnings.push(`bridge fdb: skipped an entry without mac/ifname: ${snippet(compact(item))}`)
      continue
    }
    value.push({
      mac,
      dev,
      master: str(item.master),
      vlan: num(item.vlan),
      dst: str(item.dst),
      flags: stringArray(item.flags),
      state: nonEmpty(item.state),
      raw: compact(item)
    })
  }
  return { value, warnings }
}
