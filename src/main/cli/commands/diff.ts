import type { CliCommand } from '../command'
import { parseFlags, usageFailure } from '../command'
import { formatDiff } from '../format/diff'
import { formatCliError } from '../format/terminal'
import { writeJson } from '../json-output'
import { snapshotFromSource } from '../../sources'
import { diffSnapshots } from '../../../shared/snapshot/diff'

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
    if (positionals.length !== 2) errors.push('needs exactly two SOURCEs')
    if (errors.length) return usageFailure(io, command, errors)
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
