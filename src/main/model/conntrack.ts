/**
 * Conntrack: classify each tracked flow by comparing its original and reply tuples, and attribute
 * it to containers by address.
 *   reply.src != original.dst → the destination was rewritten (DNAT)
 *   reply.dst != original.src → the source was rewritten (SNAT / MASQUERADE)
 * Containers: any container owning original src, original dst or reply src (the real backend of
 * a DNAT). Written as one pass with plain loops: real hosts hold 262,144 entries.
 */
import type { ConntrackRecord } from '../parsers/types'
import type { ConntrackEntry, NatKind, Snapshot, Tuple } from '../../shared/snapshot/schema'

export function classifyNat(original: { src: string; dst: string }, reply: { src: string; dst: string }): NatKind {
  const dnat = reply.src !== original.dst
  const snat = reply.dst !== original.src
  if (dnat && snat) return 'SNAT+DNAT'
  if (dnat) return 'DNAT'
  if (snat) return 'SNAT'
  return 'none'
}

/** `count`/`max` files hold one integer. */
export function readCount(text: string | null): number | null {
  if (text === null) return null
  const m = /^\s*(\d+)\s*$/.exec(text)
  if (!m) return null
  const n = Number(m[1])
  return Number.isSafeInteger(n) ? n : null
}

type RecordTuple = ConntrackRecord['original']

/** The parser's tuple when it holds only the four schema fields (most entries): no copy at 262,144 entries. */
function plainTuple(t: RecordTuple): Tuple {
  return t.type === undefined && t.code === undefined && t.id === undefined
    ? t
    : { src: t.src, dst: t.dst, sport: t.sport, dport: t.dport }
}

export function buildConntrack(
  records: ConntrackRecord[] | null,
  count: number | null,
  max: number | null,
  addressIndex: Map<string, string[]>,
  /** False when the listing itself failed (permission-denied, …): then missing entries are unknown, not cut by the cap. */
  listComplete = true
): Snapshot['conntrack'] {
  const list = records ?? []
  const entries: ConntrackEntry[] = new Array(list.length)
  for (let i = 0; i < list.length; i++) {
    const r = list[i]
    const o = r.original
    const p = r.reply
    let containers: string[] = []
    const a = addressIndex.get(o.src)
    const b = addressIndex.get(o.dst)
    const c = addressIndex.get(p.src)
    if (a || b || c) {
      const set = new Set<string>()
      if (a) for (const n of a) set.add(n)
      if (b) for (const n of b) set.add(n)
      if (c) for (const n of c) set.add(n)
      containers = set.size > 1 ? [...set].sort() : [...set]
    }
    entries[i] = {
      proto: r.proto,
      state: r.state,
      original: plainTuple(o),
      reply: plainTuple(p),
      nat: classifyNat(o, p),
      containers,
      flags: r.flags,
      timeout: r.timeout,
      mark: r.mark,
      zone: r.zone,
      raw: r.raw
    }
  }
  // `total` is the kernel's count (nf_conntrack_count) and nothing else: entries read are not a count
  // of the table when the count itself was not captured.
  const total = count
  return { total, max, truncated: listComplete && total !== null && total > entries.length, entries }
}
