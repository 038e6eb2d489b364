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

export function buildConntrackIndex(entries: readonly ConntrackEntry[]): ConntrackIndex {
  const n = entries.length
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
    protoCode[i] = codeOf(protoMap, protos, e.proto)
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
    text
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
