/** `netlens diff`'s text: what was added (+), removed (-) or changed (~), grouped by kind. */
import type { DiffEntry, SnapshotDiff } from '../../../shared/snapshot/diff'
import { clean } from './terminal'

const TITLES: Record<DiffEntry['kind'], string> = {
  container: 'Containers',
  network: 'Networks',
  interface: 'Interfaces',
  'bridge-port': 'Bridge ports',
  'published-port': 'Published ports',
  'nat-rule': 'NAT rules'
}
const MARK: Record<DiffEntry['change'], string> = { added: '+', removed: '-', changed: '~' }

function fieldChanges(before: unknown, after: unknown): string[] {
  if (!before || !after || typeof before !== 'object' || typeof after !== 'object') return []
  const a = before as Record<string, unknown>
  const b = after as Record<string, unknown>
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
  return keys
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k}: ${clean(JSON.stringify(a[k]) ?? 'undefined')} → ${clean(JSON.stringify(b[k]) ?? 'undefined')}`)
}

export function formatDiff(diff: SnapshotDiff): string {
  const lines = [`A: ${clean(diff.a)}`, `B: ${clean(diff.b)}`]
  if (diff.entries.length === 0) {
    lines.push('', 'No differences.')
    return lines.join('\n')
  }
  for (const kind of Object.keys(TITLES) as DiffEntry['kind'][]) {
    const entries = diff.entries.filter((e) => e.kind === kind)
    if (!entries.length) continue
    lines.push('', `${TITLES[kind]} (${entries.length})`)
    for (const e of entries) {
      lines.push(`  ${MARK[e.change]} ${clean(e.id)}`)
      if (e.change === 'changed') for (const c of fieldChanges(e.before, e.after)) lines.push(`      ${c}`)
    }
  }
  const count = (c: DiffEntry['change']): number => diff.entries.filter((e) => e.change === c).length
  lines.push(
    '',
    `${diff.entries.length} difference(s): ${count('added')} added, ${count('removed')} removed, ${count('changed')} changed`
  )
  return lines.join('\n')
}
