import type { CliCommand } from '../command'
import { formatCliError, parseFlags } from '../command'
import { writeJson } from '../json-output'
import { snapshotFromSource } from '../../sources'
import { diffSnapshots } from '../../../shared/snapshot/diff'
import type { DiffEntry, SnapshotDiff } from '../../../shared/snapshot/diff'
import { cleanLineForTerminal } from '../../../shared/text-safety'

const TITLES: Record<DiffEntry['kind'], string> = {
  container: 'Containers',
  network: 'Networks',
  interface: 'Interfaces',
  'bridge-port': 'Bridge ports',
  'published-port': 'Published ports',
  'nat-rule': 'NAT rules'
}
const MARK: Record<DiffEntry['change'], string> = { added: '+', removed: '-', changed: '~' }

/** Host-derived text goes to a terminal: controls and bidi characters become visible `\uXXXX` (src/shared/text-safety.ts). */
const clean = cleanLineForTerminal

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

export const command: CliCommand = {
  name: 'diff',
  summary: 'Compare two snapshots: containers, interfaces, bridge ports, NAT rules, published ports',
  usage: [
    'Usage: netlens diff A B [--json]',
    '',
    'A and B are SOURCEs: local | sim:<scenario> | <ssh host alias> | ssh:<alias> | <capture or snapshot file>.',
    'Prints what was added (+), removed (-) or changed (~) from A to B, grouped by kind.',
    'NAT rules are compared without counters and positions: a rule that only moved is unchanged.',
    '  --json   print the SnapshotDiff as JSON: { a, b, entries: [{ kind, change, id, before, after }] }',
    '',
    'Exit status: 0 no differences, 1 differences found, 2 error.'
  ].join('\n'),
  async run(argv, io) {
    const { flags, positionals, errors } = parseFlags(argv, { boolean: ['json'] })
    if (errors.length > 0 || positionals.length !== 2) {
      io.err(`netlens diff: ${errors.length ? errors.join('; ') : 'needs exactly two SOURCEs'}\n\n${this.usage}`)
      return 2
    }
    const [sourceA, sourceB] = positionals
    const [a, b] = await Promise.all([snapshotFromSource(sourceA, {}), snapshotFromSource(sourceB, {})])
    for (const [source, result] of [
      [sourceA, a],
      [sourceB, b]
    ] as const) {
      if (!result.ok) {
        io.err(formatCliError('diff', result.error, `${source}: `))
        return 2
      }
    }
    if (!a.ok || !b.ok) return 2
    const diff = diffSnapshots(a.value, b.value, { a: sourceA, b: sourceB })
    if (flags.json) writeJson(diff, io.out)
    else io.out(formatDiff(diff))
    return diff.entries.length ? 1 : 0
  }
}
