/**
 * Parser for the connection tracking table.
 *
 * Commands and formats (conntrack-tools 1.4.5 – 1.4.8, kernels 4.x – 6.x):
 *   - `conntrack -L -o extended`  `ipv4     2 tcp      6 431999 ESTABLISHED src=… dst=… sport=… dport=… src=… … [ASSURED] mark=0 zone=3 use=1`
 *   - `cat /proc/net/nf_conntrack` the same columns as extended
 *   - `conntrack -L`              the same without the leading `ipv4     2`
 * Every protocol: tcp/udp/udplite/sctp/dccp (ports), icmp/icmpv6 (type, code, id), gre (srckey,
 * dstkey), and `unknown` numeric protocols. Flags: [UNREPLIED], [ASSURED], [OFFLOAD], [HW_OFFLOAD].
 * The first `src=` starts the original tuple, the second the reply tuple. conntrack's own summary
 * line (`conntrack v1.4.7 (conntrack-tools): 12 flow entries have been shown.`) is skipped.
 *
 * Output: one ConntrackRecord per entry, with the raw line. Written as a token scan, not regexes per
 * field, because a full table on a busy host has 262,144 entries (bench/parse.bench.ts).
 */
import type { ConntrackRecord, ParseResult } from './types'

type TupleDraft = ConntrackRecord['original']

const L3 = new Set(['ipv4', 'ipv6'])

function newTuple(): TupleDraft {
  return { src: '', dst: '', sport: null, dport: null }
}

function toInt(value: string): number | null {
  const n = Number(value)
  return Number.isFinite(n) ? n : null
}

export function parseConntrackLine(line: string): ConntrackRecord | string {
  const tokens = line.trim().split(/\s+/)
  let i = 0
  let l3proto: string | null = null
  if (L3.has(tokens[0])) {
    l3proto = tokens[0]
    i = 2 // skip the l3 protocol number
  }
  const proto = tokens[i]
  if (!proto || proto.includes('=')) return 'no protocol column'
  i += 2 // skip the l4 protocol number
  let timeout: number | null = null
  if (i < tokens.length && /^\d+$/.test(tokens[i])) timeout = Number(tokens[i++])
  let state: string | null = null
  const original = newTuple()
  const reply = newTuple()
  const flags: string[] = []
  let mark: number | null = null
  let zone: number | null = null
  let use: number | null = null
  let current: TupleDraft | null = null
  let srcSeen = 0
  for (; i < tokens.length; i++) {
    const token = tokens[i]
    const eq = token.indexOf('=')
    if (eq < 0) {
      if (token.startsWith('[') && token.endsWith(']')) flags.push(token.slice(1, -1))
      else if (srcSeen === 0 && /^[A-Z_]+$/.test(token)) state = token
      continue
    }
    const key = token.slice(0, eq)
    const value = token.slice(eq + 1)
    switch (key) {
      case 'src':
        srcSeen++
        current = srcSeen === 1 ? original : srcSeen === 2 ? reply : null
        if (current) current.src = value
        break
      case 'dst':
        if (current) current.dst = value
        break
      case 'sport':
        if (current) current.sport = toInt(value)
        break
      case 'dport':
        if (current) current.dport = toInt(value)
        break
      case 'type':
        if (current) current.type = toInt(value) ?? undefined
        break
      case 'code':
        if (current) current.code = toInt(value) ?? undefined
        break
      case 'id':
        if (current) current.id = toInt(value) ?? undefined
        break
      case 'mark':
        mark = toInt(value)
        break
      case 'zone':
        zone = toInt(value)
        break
      case 'use':
        use = toInt(value)
        break
      default:
        // packets=, bytes=, secctx=, delta-time=, srckey=, dstkey=, zone-orig=…: not modelled.
        break
    }
  }
  if (!original.src || !original.dst) return 'no original tuple'
  if (!reply.src) {
    // An entry without a reply tuple is malformed output; keep what we have, mirrored.
    reply.src = original.dst
    reply.dst = original.src
  }
  return { l3proto, proto, timeout, state, original, reply, flags, mark, zone, use, raw: line }
}

export function parseConntrack(text: string): ParseResult<ConntrackRecord[]> {
  const value: ConntrackRecord[] = []
  const warnings: string[] = []
  if (!text) return { value, warnings }
  const lines = text.split('\n')
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]
    if (line.length === 0 || line.trim() === '') continue
    if (line.startsWith('conntrack v') && line.includes('flow entries')) continue
    const parsed = parseConntrackLine(line)
    if (typeof parsed === 'string') warnings.push(`line ${n + 1}: ${parsed}: ${line.slice(0, 200)}`)
    else value.push(parsed)
  }
  return { value, warnings }
}
