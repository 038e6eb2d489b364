/**
 * Conntrack: classify each tracked flow by comparing its original and reply tuples, and attribute
 * it to containers by address.
 *   reply.src != original.dst → the destination was rewritten (DNAT)
 *   reply.dst != original.src → the source was rewritten (SNAT / MASQUERADE)
 * Containers: any container owning original src, original dst or reply src (the real backend of
 * a DNAT). Entries are rows of a compact ConntrackTable (conntrack-table.ts): real hosts hold
 * 262,144 of them.
 */
import type { Snapshot } from '../../shared/snapshot/schema'
import type { ParseResult } from '../parsers/types'
import { scanConntrackRows } from '../parsers/conntrack'
import { ConntrackTable, ConntrackTableBuilder, type ConntrackRowSource } from './conntrack-table'

export { classifyNat } from './conntrack-table'

/** `count`/`max` files hold one integer. */
export function readCount(text: string | null): number | null {
  if (text === null) return null
  const m = /^\s*(\d+)\s*$/.exec(text)
  if (!m) return null
  const n = Number(m[1])
  return Number.isSafeInteger(n) ? n : null
}

/**
 * Parses `conntrack -L` text straight into a table: each parsed entry is kept as a row and dropped,
 * so the model never holds 262,144 parsed entries at once. Warnings are parseConntrack's.
 */
export function conntrackTableFromText(text: string, addressIndex: Map<string, string[]>): ParseResult<ConntrackTable> {
  const builder = new ConntrackTableBuilder(addressIndex)
  const scanned = scanConntrackRows(text, builder)
  return { value: builder.build(scanned.value.text), warnings: scanned.warnings }
}

/** The snapshot's conntrack section from a table (null when the listing was not read). */
export function conntrackSection(
  table: ConntrackTable | null,
  count: number | null,
  max: number | null,
  /** False when the listing itself failed (permission-denied, …): then missing entries are unknown, not cut by the cap. */
  listComplete = true
): Snapshot['conntrack'] {
  const entries = table ? table.views() : []
  // `total` is the kernel's count (nf_conntrack_count) and nothing else: entries read are not a count
  // of the table when the count itself was not captured.
  const total = count
  return { total, max, truncated: listComplete && total !== null && total > entries.length, entries }
}

/** The same from parsed records (tests, and callers holding records already). */
export function buildConntrack(
  records: ConntrackRowSource[] | null,
  count: number | null,
  max: number | null,
  addressIndex: Map<string, string[]>,
  listComplete = true
): Snapshot['conntrack'] {
  let table: ConntrackTable | null = null
  if (records) {
    const builder = new ConntrackTableBuilder(addressIndex, records.length)
    for (const record of records) builder.add(record)
    table = builder.build()
  }
  return conntrackSection(table, count, max, listComplete)
}
