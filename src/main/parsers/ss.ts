/**
 * Parser for listening sockets: `ss -Htulpn` (iproute2 4.x–6.x; fixtures: iproute2 6.1.0). The
 * header line of `ss -tulpn` (without -H) is skipped.
 *
 *   tcp LISTEN 0 4096 0.0.0.0:18080 0.0.0.0:* users:(("docker-proxy",pid=10058,fd=4))
 *   udp UNCONN 0 0 127.0.0.53%lo:53 0.0.0.0:*
 *
 * Local addresses: `0.0.0.0:8080`, `[::]:8080` (brackets dropped → `::`), `*:8080`, and
 * `127.0.0.53%lo:53` (the `%iface` binding is kept). The port is after the last colon. `process`
 * and `pid` come from the first `("name",pid=N,…)` entry of `users:(…)`; without -p (or without
 * root for other users' sockets) both are null.
 *
 * Output: SsRecord[].
 */
import type { ParseResult, SsRecord } from './types'
import { int, tokenizedLines, snippet } from './link-common'

const NETIDS = new Set([
  'tcp',
  'udp',
  'raw',
  'sctp',
  'mptcp',
  'dccp',
  'u_str',
  'u_dgr',
  'u_seq',
  'p_raw',
  'p_dgr',
  'nl',
  'tipc',
  'v_str',
  'v_dgr',
  'xdp'
])

function splitHostPort(text: string): { address: string; port: string } | null {
  const colon = text.lastIndexOf(':')
  if (colon <= 0) return null
  let address = text.slice(0, colon)
  const bracket = /^\[(.*)\](%\S+)?$/.exec(address)
  if (bracket) address = bracket[1] + (bracket[2] ?? '')
  return { address, port: text.slice(colon + 1) }
}

export function parseSs(text: string): ParseResult<SsRecord[]> {
  const warnings: string[] = []
  const value: SsRecord[] = []
  for (const { line, tokens } of tokenizedLines(text)) {
    if (tokens[0] === 'Netid' || tokens[0] === 'State') continue
    const local = tokens.length >= 6 ? splitHostPort(tokens[4]) : null
    const port = local ? int(local.port) : null
    if (!NETIDS.has(tokens[0]) || !local || port === null) {
      warnings.push(`ss: unrecognised line: ${snippet(line)}`)
      continue
    }
    const users = tokens.slice(6).join(' ')
    const proc = /\("((?:[^"\\]|\\.)*)",pid=(\d+)/.exec(users)
    value.push({
      proto: tokens[0],
      state: tokens[1] ?? null,
      localAddress: local.address,
      port,
      peer: tokens[5] ?? null,
      process: proc ? proc[1] : null,
      pid: proc ? int(proc[2]) : null,
      raw: line
    })
  }
  return { value, warnings }
}
