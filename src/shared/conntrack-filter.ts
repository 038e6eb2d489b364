/**
 * Conntrack filtering for the NAT view: 262,144 entries must filter in well under 200 ms, so the
 * entries are indexed once per snapshot (codes in typed arrays, one lowercase search string per row,
 * an inverted index per container) and each filter is one pass over typed arrays.
 */
import type { ConntrackEntry, Tuple } from './snapshot/schema'

export type NatFilter = 'any' | 'SNAT' | 'DNAT' | 'SNAT+DNAT' | 'none' | 'translated'

export interface ConntrackFilter {
  container?: string | null
  proto?: string | null
  state?: string | null
  nat?: NatFilter
  /** Substring of an address or port, case-insensitive. */
  text?: string
  /** Hide flows that never leave the host: loopback, and the host talking to its own addresses. */
  hideLocal?: boolean
}

export interface ConntrackIndex {
  size: number
  protos: string[]
  states: string[]
  containers: string[]
  protoCode: Uint16Array
  stateCode: Uint16Array
  natCode: Uint8Array
  /** Per container, the sorted row numbers it appears in. */
  byContainer: Map<string, Uint32Array>
  /** `src:sport dst:dport → …` lowercase, for the text filter. */
  text: string[]
  /** 1 for flows that stay on the host (see `isHostLocalFlow`). */
  local: Uint8Array
  localCount: number
}

/**
 * Protocol names for conntrack's `unknown N` lines (IANA numbers). conntrack names tcp, udp, icmp,
 * icmpv6, sctp, dccp, gre and udplite itself; everything else (IGMP on every Docker host) is a number.
 */
const IP_PROTOCOLS: Record<number, string> = {
  1: 'icmp',
  2: 'igmp',
  4: 'ipip',
  6: 'tcp',
  17: 'udp',
  41: 'ipv6',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'icmpv6',
  89: 'ospf',
  103: 'pim',
  112: 'vrrp',
  132: 'sctp',
  136: 'udplite'
}

/** The protocol of an entry by name: `igmp` for conntrack's `unknown  2`, `proto 253` when IANA has no short name here. */
export function conntrackProtoName(entry: Pick<ConntrackEntry, 'proto' | 'raw'>): string {
  if (entry.proto !== 'unknown') return entry.proto
  const m = /^\s*\S+\s+\d+\s+unknown\s+(\d+)\s/.exec(entry.raw) ?? /^\s*unknown\s+(\d+)\s/.exec(entry.raw)
  if (!m) return entry.proto
  const n = Number(m[1])
  return IP_PROTOCOLS[n] ?? `proto ${n}`
}

/** Loopback: 127.0.0.0/8 and ::1. */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1'
}

/** Link-local multicast (224.0.0.0/24, ff02::/16): IGMP and mDNS chatter that never leaves the link. */
function isLinkLocalMulticast(address: string): boolean {
  return address.startsWith('224.0.0.') || address.toLowerCase().startsWith('ff02:')
}

/**
 * A flow that stays on the host: from loopback or one of the host's own addresses, to loopback, an
 * address of the host, or link-local multicast. Containers talking to the host are not local.
 */
export function isHostLocalFlow(entry: Pick<ConntrackEntry, 'original'>, hostAddresses: ReadonlySet<string>): boolean {
  const { src, dst } = entry.original
  const fromHost = isLoopback(src) || hostAddresses.has(src)
  return fromHost && (isLoopback(dst) || hostAddresses.has(dst) || isLinkLocalMulticast(dst))
}

export const NAT_KINDS = ['none', 'SNAT', 'DNAT', 'SNAT+DNAT'] as const

function codeOf(values: Map<string, number>, list: string[], value: string): number {
  let code = values.get(value)
  if (code === undefined) {
    code = list.length
    list.push(value)
    values.set(value, code)
  }
  return code
}

const endpoint = (addr: string, port: number | null): string =>
  port === null ? addr : addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`

export function buildConntrackIndex(
  entries: readonly ConntrackEntry[],
  hostAddresses: ReadonlySet<string> = new Set()
): ConntrackIndex {
  const n = entries.length
  const local = new Uint8Array(n)
  let localCount = 0
  const protos: string[] = []
  const states: string[] = []
  const protoMap = new Map<string, number>()
  const stateMap = new Map<string, number>()
  const protoCode = new Uint16Array(n)
  const stateCode = new Uint16Array(n)
  const natCode = new Uint8Array(n)
  const containerRows = new Map<string, number[]>()
  const text: string[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const e = entries[i]
    protoCode[i] = codeOf(protoMap, protos, conntrackProtoName(e))
    if (isHostLocalFlow(e, hostAddresses)) {
      local[i] = 1
      localCount++
    }
    stateCode[i] = codeOf(stateMap, states, e.state ?? '')
    natCode[i] = Math.max(0, NAT_KINDS.indexOf(e.nat))
    for (const c of e.containers) {
      let rows = containerRows.get(c)
      if (!rows) containerRows.set(c, (rows = []))
      if (rows[rows.length - 1] !== i) rows.push(i)
    }
    const t = translatedTuple(e)
    text[i] =
      `${endpoint(e.original.src, e.original.sport)} ${endpoint(e.original.dst, e.original.dport)} ${endpoint(t.src, t.sport)} ${endpoint(t.dst, t.dport)}`.toLowerCase()
  }
  const byContainer = new Map<string, Uint32Array>()
  for (const [c, rows] of containerRows) byContainer.set(c, Uint32Array.from(rows))
  return {
    size: n,
    protos,
    states,
    containers: [...byContainer.keys()].sort(),
    protoCode,
    stateCode,
    natCode,
    byContainer,
    text,
    local,
    localCount
  }
}

/** Row numbers (ascending) of the entries matching every given criterion. */
export function filterConntrack(index: ConntrackIndex, filter: ConntrackFilter): Uint32Array {
  const proto = filter.proto ? index.protos.indexOf(filter.proto) : -1
  const state = filter.state ? index.states.indexOf(filter.state) : -1
  if ((filter.proto && proto < 0) || (filter.state && state < 0)) return new Uint32Array(0)
  const nat = filter.nat ?? 'any'
  const natWanted = nat === 'any' || nat === 'translated' ? -1 : NAT_KINDS.indexOf(nat)
  const text = filter.text?.trim().toLowerCase() ?? ''

  let candidates: Uint32Array | null = null
  if (filter.container) {
    candidates = index.byContainer.get(filter.container) ?? new Uint32Array(0)
  }
  const total = candidates ? candidates.length : index.size
  const out = new Uint32Array(total)
  let count = 0
  for (let k = 0; k < total; k++) {
    const i = candidates ? candidates[k] : k
    if (proto >= 0 && index.protoCode[i] !== proto) continue
    if (state >= 0 && index.stateCode[i] !== state) continue
    if (natWanted >= 0 && index.natCode[i] !== natWanted) continue
    if (nat === 'translated' && index.natCode[i] === 0) continue
    if (filter.hideLocal && index.local[i]) continue
    if (text && !index.text[i].includes(text)) continue
    out[count++] = i
  }
  return out.slice(0, count)
}

/**
 * What the packet of the original direction looks like after NAT: the reply tuple seen backwards.
 * `srcChanged` means SNAT/masquerade rewrote the source, `dstChanged` means DNAT rewrote the destination.
 */
export function translatedTuple(
  entry: Pick<ConntrackEntry, 'original' | 'reply'>
): Tuple & { srcChanged: boolean; dstChanged: boolean } {
  const { original, reply } = entry
  const t = { src: reply.dst, sport: reply.dport, dst: reply.src, dport: reply.sport }
  return {
    ...t,
    srcChanged: t.src !== original.src || (t.sport !== original.sport && t.sport !== null && original.sport !== null),
    dstChanged: t.dst !== original.dst || (t.dport !== original.dport && t.dport !== null && original.dport !== null)
  }
}

export function formatEndpoint(addr: string, port: number | null): string {
  return endpoint(addr, port)
}

export const CONNTRACK_SORT_COLUMNS = ['proto', 'state', 'nat', 'original', 'translated', 'container', 'timeout'] as const
export type ConntrackSortColumn = (typeof CONNTRACK_SORT_COLUMNS)[number]

/** An address that sorts numerically as text: IPv4 octets and ports zero-padded (10.0.0.9 before 10.0.0.10). */
function sortableEndpoint(addr: string, port: number | null): string {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(addr)
  const a = v4 ? `4${v4.slice(1).map((o) => o.padStart(3, '0')).join('.')}` : `6${addr.toLowerCase()}`
  return `${a}:${port === null ? '' : String(port).padStart(5, '0')}`
}

/** Per index and column, every entry's position in sorted order, computed once (262,144 rows ≈ a few 100 ms). */
const ranksByIndex = new WeakMap<ConntrackIndex, Map<ConntrackSortColumn, Uint32Array>>()

function columnRanks(index: ConntrackIndex, entries: readonly ConntrackEntry[], column: ConntrackSortColumn): Uint32Array {
  let cache = ranksByIndex.get(index)
  if (!cache) ranksByIndex.set(index, (cache = new Map()))
  const cached = cache.get(column)
  if (cached) return cached
  const n = index.size
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  if (column === 'nat' || column === 'timeout') {
    const key = new Float64Array(n)
    for (let i = 0; i < n; i++)
      key[i] = column === 'nat' ? index.natCode[i] : (entries[i].timeout ?? Number.POSITIVE_INFINITY)
    order.sort((a, b) => key[a] - key[b] || a - b)
  } else {
    const key: string[] = new Array(n)
    for (let i = 0; i < n; i++) {
      const e = entries[i]
      if (column === 'proto') key[i] = index.protos[index.protoCode[i]]
      else if (column === 'state') key[i] = index.states[index.stateCode[i]] || '\uffff'
      else if (column === 'container') key[i] = e.containers.length ? e.containers.join(',') : '\uffff'
      else if (column === 'original')
        key[i] = `${sortableEndpoint(e.original.src, e.original.sport)} ${sortableEndpoint(e.original.dst, e.original.dport)}`
      else {
        const t = translatedTuple(e)
        key[i] = `${sortableEndpoint(t.src, t.sport)} ${sortableEndpoint(t.dst, t.dport)}`
      }
    }
    order.sort((a, b) => (key[a] < key[b] ? -1 : key[a] > key[b] ? 1 : a - b))
  }
  const rank = new Uint32Array(n)
  for (let r = 0; r < n; r++) rank[order[r]] = r
  cache.set(column, rank)
  return rank
}

/** The filtered rows in column order (ties keep capture order); a new array, the input is untouched. */
export function sortConntrackRows(
  index: ConntrackIndex,
  entries: readonly ConntrackEntry[],
  rows: Uint32Array,
  column: ConntrackSortColumn,
  descending = false
): Uint32Array {
  const rank = columnRanks(index, entries, column)
  const out = rows.slice()
  out.sort(descending ? (a, b) => rank[b] - rank[a] : (a, b) => rank[a] - rank[b])
  return out
}
