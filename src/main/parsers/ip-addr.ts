/**
 * Parsers for interface addresses.
 *
 * - `parseIpAddrJson`: `ip -j addr show`, iproute2 5.x/6.x (fixtures: iproute2 6.1.0, Debian 12).
 *   Uses ifindex, ifname, mtu, operstate, address, link_index/link_netnsid (a veth's peer, so a
 *   namespace read without `ip link` can still be joined to its host veth) and addr_info[]
 *   {family, local, prefixlen, scope}.
 * - `parseIpAddrText`: `ip addr show` text, iproute2 3.10 (CentOS 7 seed) to 6.1. Records are the
 *   `N: name: <FLAGS> …` header with its `link/…`, `inet A/P … scope S …`, `inet6 …` and
 *   `valid_lft …` lines (`name@ifN` and `link-netnsid N` give the peer). The seed lost its indentation and elides blocks with `...` lines: both are
 *   accepted (elisions are skipped with a warning). `inet A peer B/P` takes the local address A with
 *   the peer's prefix length; an address without a prefix gets /32 or /128.
 *
 * Output: IpAddrRecord[]; `raw` is the record's compact JSON or its text lines.
 */
import type { IpAddrRecord, ParseResult } from './types'
import { compact, namedInterfaceEntries, int, jsonOrText, isObject, jsonObjects, num, str, valueAfter } from './link-common'
import { textBlocks } from './ip-link'

type Address = IpAddrRecord['addresses'][number]

export function parseIpAddrJson(text: string): ParseResult<IpAddrRecord[]> {
  const { records, warnings } = jsonObjects(text, 'ip addr')
  const value: IpAddrRecord[] = []
  for (const { item, ifindex, name } of namedInterfaceEntries(records, 'ip addr', warnings)) {
    const addresses: Address[] = []
    for (const info of Array.isArray(item.addr_info) ? item.addr_info : []) {
      if (!isObject(info)) continue
      const family = info.family
      const local = str(info.local)
      const prefixlen = num(info.prefixlen)
      if ((family !== 'inet' && family !== 'inet6') || local === null) continue
      const cidr = `${local}/${prefixlen ?? (family === 'inet' ? 32 : 128)}`
      addresses.push({ family, cidr, scope: str(info.scope) })
    }
    value.push({
      ifindex,
      name,
      addresses,
      mtu: num(item.mtu),
      operstate: str(item.operstate),
      mac: str(item.address),
      linkIndex: num(item.link_index),
      linkNetnsId: num(item.link_netnsid),
      raw: compact(item)
    })
  }
  return { value, warnings }
}

function textAddress(tokens: string[]): Address | null {
  const family = tokens[0]
  if ((family !== 'inet' && family !== 'inet6') || tokens.length < 2) return null
  let local = tokens[1]
  const peer = valueAfter(tokens, 'peer')
  if (!local.includes('/') && peer?.includes('/')) local = `${local}/${peer.split('/')[1]}`
  if (!local.includes('/')) local = `${local}/${family === 'inet' ? 32 : 128}`
  return { family, cidr: local, scope: valueAfter(tokens, 'scope') }
}

export function parseIpAddrText(text: string): ParseResult<IpAddrRecord[]> {
  const { blocks, warnings } = textBlocks(text, 'ip addr')
  const value = blocks.map(({ header, lines: block }): IpAddrRecord => {
    let mac: string | null = null
    let linkNetnsId: number | null = null
    const addresses: Address[] = []
    for (const line of block.slice(1)) {
      const tokens = line.trim().split(/\s+/)
      if (tokens[0].startsWith('link/')) {
        if (tokens[1] && /^[0-9a-f]{2}(:[0-9a-f]{2})+$/i.test(tokens[1])) mac = tokens[1]
        const nsid = valueAfter(tokens, 'link-netnsid')
        if (nsid !== null) linkNetnsId = int(nsid)
        continue
      }
      const address = textAddress(tokens)
      if (address) addresses.push(address)
    }
    return {
      ifindex: header.ifindex,
      name: header.name,
      addresses,
      mtu: int(valueAfter(header.rest, 'mtu')),
      operstate: valueAfter(header.rest, 'state'),
      mac,
      linkIndex: header.linkIndex,
      linkNetnsId,
      raw: block.join('\n')
    }
  })
  return { value, warnings }
}

/** Either form: JSON when the section looks like JSON, else text (a host whose iproute2 has no -j). */
export const parseIpAddr: (text: string) => ParseResult<IpAddrRecord[]> = jsonOrText(parseIpAddrJson, parseIpAddrText)
