import type { CliCommand } from '../command'
import { parseFlags, positiveIntegerFlag, stringFlag, usageFailure } from '../command'
import { formatCliError } from '../format/terminal'
import { formatSnapshotSummary } from '../format/snapshot-summary'
import { writeJson } from '../json-output'

export const command: CliCommand = {
  name: 'inspect',
  summary: 'Show how a host is wired: bridges, veths, containers, ports, NAT, conntrack',
  usage: [
    'Usage: netlens inspect SOURCE [--json] [--sudo] [--conntrack-max N] [-F SSH_CONFIG]',
    '',
    'SOURCE is one of: local | sim:<scenario> | <ssh host alias> | ssh:<alias> | <capture or snapshot file>.',
    '  --json             print the Snapshot as JSON (docs/snapshot-schema.md)',
    '  --sudo             live sources: run privileged commands through `sudo -n` (never prompts)',
    '  --conntrack-max N  keep at most N conntrack entries (default 200,000; live sources and files)',
    '  -F, --ssh-config F use this ssh config file (ssh -F)'
  ].join('\n'),
  async run(argv, io) {
    const { flags, positionals, errors } = parseFlags(argv, {
      boolean: ['json', 'sudo'],
      string: ['conntrack-max', 'ssh-config'],
      alias: { F: 'ssh-config' }
    })
    const cap = positiveIntegerFlag(flags, 'conntrack-max', errors)
    if (positionals.length !== 1) errors.push('needs exactly one SOURCE')
    if (errors.length) return usageFailure(io, command, errors)
    // Loaded here so the summary formatter (and `netlens --help`) never depend on the whole pipeline.
    const { snapshotFromSource } = await import('../../sources')
    const r = await snapshotFromSource(positionals[0], {
      sudo: flags.sudo === true,
      conntrackCap: cap,
      signal: io.signal,
      sshConfigFile: stringFlag(flags, 'ssh-config')
    })
    if (!r.ok) {
      io.err(formatCliError('inspect', r.error))
      return r.error.code === 'cancelled' ? 130 : 1
    }
    if (flags.json) writeJson(r.value, io.out)
    else io.out(formatSnapshotSummary(r.value))
    return 0
  }
}
