/**
 * Parsers for routing tables.
 *
 * - `parseIpRouteJson`: `ip -j route show table all` (also `ip -j route`), iproute2 5.x/6.x
 *   (fixtures: iproute2 6.1.0). Fields: type (absent for unicast), dst, gateway, dev, protocol,
 *   scope, prefsrc, metric, table (absent = main), nexthops[] (multipath: the first hop is used).
 * - `parseIpRouteText`: `ip route show table all` text: `[type] dst [via G] [dev D] [table T]
 *   [proto P] [scope S] [src A] [metric M] …`, types local/broadcast/multicast/unreachable/
 *   blackhole/prohibit/throw/anycast/nat; `nexthop via … dev …` continuation lines of multipath
 *   routes belong to the route above them.
 *
 * Output: IpRouteRecord[]; `table` defaults to `main`, `type` is null for unicast routes.
 */
import type { IpRouteRecord, ParseResult } from './types'
import {
  compact,
  int,
  isObject,
  jsonOrText,
  jsonRecords,
  MissingFields,
  tokenizedLines,
  num,
  snippet,
  str,
  valueAfter
} from './link-common'

const ROUTE_TYPES = new Set([
  'unicast',
  'local',
  'broadcast',
  'multicast',
  'unreachable',
  'blackhole',
  'prohibit',
  'throw',
  'anycast',
  'nat'
])

export function parseIpRouteJson(text: string): ParseResult<IpRouteRecord[]> {
  return jsonRecords(text, 'ip route', (item): IpRouteRecord | MissingFields => {
    const dst = str(item.dst)
    if (dst === null) return new MissingFields('dst')
    const firstHop = Array.isArray(item.nexthops) && isObject(item.nexthops[0]) ? item.nexthops[0] : null
    const type = str(item.type)
    return {
      table: str(item.table) ?? 'main',
      dst,
      type: type === 'unicast' ? null : type,
      gateway: str(item.gateway) ?? (firstHop ? str(firstHop.gateway) : null),
      dev: str(item.dev) ?? (firstHop ? str(firstHop.dev) : null),
      protocol: str(item.protocol),
      scope: str(item.scope),
      prefsrc: str(item.prefsrc),
      metric: num(item.metric),
      raw: compact(item)
    }
  })
}

export function parseIpRouteText(text: string): ParseResult<IpRouteRecord[]> {
  const warnings: string[] = []
  const value: IpRouteRecord[] = []
  for (const { line, tokens } of tokenizedLines(text)) {
    if (tokens[0] === 'nexthop') {
      const route = value[value.length - 1]
      if (!route) {
        warnings.push(`ip route: nexthop line without a route: ${snippet(line)}`)
        continue
      }
      route.raw += `\n${line}`
      route.gateway ??= valueAfter(tokens, 'via')
      route.dev ??= valueAfter(tokens, 'dev')
      continue
    }
    let index = 0
    let type: string | null = null
    if (ROUTE_TYPES.has(tokens[0]) && tokens.length > 1) {
      type = tokens[0] === 'unicast' ? null : tokens[0]
      index = 1
    }
    const dst = tokens[index]
    if (!dst || !/^(default|[0-9a-f.:]+(\/\d+)?)$/i.test(dst)) {
      warnings.push(`ip route: unrecognised line: ${snippet(line)}`)
      continue
    }
    const rest = tokens.slice(index + 1)
    const via = valueAfter(rest, 'via')
    value.push({
      table: valueAfter(rest, 'table') ?? 'main',
      dst,
      type,
      // `via inet6 fe80::1` (a v6 gateway of a v4 route) names the family first.
      gateway: via === 'inet' || via === 'inet6' ? valueAfter(rest.slice(rest.indexOf('via') + 1), via) : via,
      dev: valueAfter(rest, 'dev'),
      protocol: valueAfter(rest, 'proto'),
      scope: valueAfter(rest, 'scope'),
      prefsrc: valueAfter(rest, 'src'),
      metric: int(valueAfter(rest, 'metric')),
      raw: line
    })
  }
  return { value, warnings }
}

/** Either form: JSON when the section looks like JSON, else text (a host whose iproute2 has no -j). */
export const parseIpRoute: (text: string) => ParseResult<IpRouteRecord[]> = jsonOrText(
  parseIpRouteJson,
  parseIpRouteText
)
