/**
 * Parsers for interface lists.
 *
 * - `parseIpLinkJson`: `ip -j -d link show` (also without -d; then `kind` is null), iproute2 5.x/6.x.
 *   Fixtures: iproute2 6.1.0 (Debian 12, docker 20.10 lab), host and container namespaces.
 *   Fields used: ifindex, ifname, flags, mtu, operstate, address, master, link (peer/parent name, or
 *   null for `@NONE`), link_index (peer ifindex when the peer is in another netns), link_netnsid,
 *   linkinfo.info_kind, linkinfo.info_data.id (vxlan VNI), linkinfo.info_data.stp_state (bridge).
 * - `parseIpLinkText`: `ip link show` / `ip -d link show` text, iproute2 3.10 (presumably: CentOS 7 seed, lines
 *   without indentation) to 6.1. A record is the `N: name[@peer]: <FLAGS> key value…` header plus
 *   its continuation lines (`link/ether MAC brd … link-netnsid N`, and with -d a kind line such as
 *   `veth`, `bridge forward_delay … stp_state 0 …`, `vxlan id 4097 …`, `macvlan mode bridge`, and a
 *   `<kind>_slave …` line). `...` elision lines (tutorials) are skipped with a warning. A peer in a
 *   named netns prints `link-netns NAME` instead of `link-netnsid N`: linkNetnsId stays null then.
 *
 * Output: IpLinkRecord[] in input order; `raw` is the record's compact JSON or its text lines.
 */
import type { IpLinkRecord, ParseResult } from './types'
import {
  compact,
  namedInterfaceEntries,
  ifindexOf,
  int,
  isObject,
  jsonObjects,
  lines,
  num,
  snippet,
  str,
  stringArray,
  valueAfter,
  jsonOrText
} from './link-common'

export function parseIpLinkJson(text: string): ParseResult<IpLinkRecord[]> {
  const { records, warnings } = jsonObjects(text, 'ip link')
  const value: IpLinkRecord[] = []
  for (const { item, ifindex, name } of namedInterfaceEntries(records, 'ip link', warnings)) {
    const linkinfo = isObject(item.linkinfo) ? item.linkinfo : null
    const infoData = linkinfo && isObject(linkinfo.info_data) ? linkinfo.info_data : null
    const kind = linkinfo ? str(linkinfo.info_kind) : null
    const stp = infoData && kind === 'bridge' ? num(infoData.stp_state) : null
    value.push({
      ifindex,
      name,
      flags: stringArray(item.flags),
      mtu: num(item.mtu),
      operstate: str(item.operstate) ?? 'UNKNOWN',
      mac: str(item.address),
      master: str(item.master),
      kind,
      linkIndex: ifindexOf(item.link_index),
      linkName: str(item.link),
      linkNetnsId: num(item.link_netnsid),
      vxlanId: infoData && kind === 'vxlan' ? num(infoData.id) : null,
      bridgeStp: stp === null ? null : stp !== 0,
      raw: compact(item)
    })
  }
  return { value, warnings }
}

/** `6: veth7c1728b@if5: <BROADCAST,…> mtu 1500 …` (interface names cannot contain `:` or spaces). */
const HEADER = /^\s*(\d+):\s+([^\s:]+):\s+<([^>]*)>(.*)$/

/** First words of -d continuation lines that are not a link kind. */
const NOT_KIND = new Set(['altname', 'alias', 'vf', 'prop', 'addrgenmode', 'link-netnsid', 'link-netns', 'promiscuity'])

interface TextHeader {
  ifindex: number
  name: string
  linkIndex: number | null
  linkName: string | null
  flags: string[]
  rest: string[]
}

/** Splits `name@peer` into the name and the peer: `@if5` → index 5, `@eth0` → name, `@NONE` → neither. */
export function splitLinkName(full: string): { name: string; linkIndex: number | null; linkName: string | null } {
  const at = full.lastIndexOf('@')
  if (at <= 0) return { name: full, linkIndex: null, linkName: null }
  const name = full.slice(0, at)
  const peer = full.slice(at + 1)
  const ifMatch = /^if(\d+)$/.exec(peer)
  if (ifMatch) return { name, linkIndex: int(ifMatch[1]), linkName: null }
  if (peer === 'NONE' || peer === '') return { name, linkIndex: null, linkName: null }
  return { name, linkIndex: null, linkName: peer }
}

export function parseTextHeader(line: string): TextHeader | null {
  const match = HEADER.exec(line)
  if (!match) return null
  const ifindex = int(match[1])
  if (ifindex === null) return null
  const { name, linkIndex, linkName } = splitLinkName(match[2])
  return {
    ifindex,
    name,
    linkIndex,
    linkName,
    flags: match[3].split(',').filter(Boolean),
    rest: match[4].trim().split(/\s+/).filter(Boolean)
  }
}

/** Groups text output into header + continuation blocks; `...` elision lines are skipped. */
export function textBlocks(
  text: string,
  what: string
): { blocks: { header: TextHeader; lines: string[] }[]; warnings: string[] } {
  const blocks: { header: TextHeader; lines: string[] }[] = []
  const warnings: string[] = []
  let elided = 0
  for (const line of lines(text)) {
    if (!line.trim()) continue
    if (/^\s*(\.\.\.|…)\s*$/.test(line)) {
      elided++
      continue
    }
    const header = parseTextHeader(line)
    if (header) {
      blocks.push({ header, lines: [line] })
      continue
    }
    const current = blocks[blocks.length - 1]
    if (current) current.lines.push(line)
    else warnings.push(`${what}: ignored line before the first interface: ${snippet(line)}`)
  }
  if (elided) warnings.push(`${what}: skipped ${elided} elided line(s) ("...")`)
  return { blocks, warnings }
}

export function parseIpLinkText(text: string): ParseResult<IpLinkRecord[]> {
  const { blocks, warnings } = textBlocks(text, 'ip link')
  const value = blocks.map(({ header, lines: block }): IpLinkRecord => {
    let mac: string | null = null
    let linkNetnsId: number | null = null
    let kind: string | null = null
    let vxlanId: number | null = null
    let bridgeStp: boolean | null = null
    for (const line of block.slice(1)) {
      const tokens = line.trim().split(/\s+/)
      const first = tokens[0]
      if (first.startsWith('link/')) {
        const address = tokens[1]
        if (address && /^[0-9a-f]{2}(:[0-9a-f]{2})+$/i.test(address)) mac = address
        const nsid = valueAfter(tokens, 'link-netnsid')
        if (nsid !== null) linkNetnsId = int(nsid)
        continue
      }
      if (kind !== null || NOT_KIND.has(first) || first.endsWith('_slave') || !/^[a-z][a-z0-9_]*$/.test(first)) continue
      kind = first
      if (kind === 'vxlan') vxlanId = int(valueAfter(tokens, 'id'))
      if (kind === 'bridge') {
        const stp = int(valueAfter(tokens, 'stp_state'))
        bridgeStp = stp === null ? null : stp !== 0
      }
    }
    const mtu = int(valueAfter(header.rest, 'mtu'))
    return {
      ifindex: header.ifindex,
      name: header.name,
      flags: header.flags,
      mtu,
      operstate: valueAfter(header.rest, 'state') ?? 'UNKNOWN',
      mac,
      master: valueAfter(header.rest, 'master'),
      kind,
      linkIndex: header.linkIndex,
      linkName: header.linkName,
      linkNetnsId,
      vxlanId,
      bridgeStp,
      raw: block.join('\n')
    }
  })
  return { value, warnings }
}

/** Either form: JSON when the section looks like JSON, else text (a host whose iproute2 has no -j). */
export const parseIpLink: (text: string) => ParseResult<IpLinkRecord[]> = jsonOrText(parseIpLinkJson, parseIpLinkText)
