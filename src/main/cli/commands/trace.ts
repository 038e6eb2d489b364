/**
 * `netlens trace SOURCE --from X --to Y[:port/proto] [--json]`: the packet path computed from the
 * snapshot alone (routes, veths, bridges, iptables rules in kernel order, NAT), the reply path and
 * the verdict. Nothing is sent on the host.
 */
import type { CliCommand } from '../command'
import { langFlag, parseFlags, usageFailure } from '../command'
import { formatTrace } from '../format/trace'
import { writeJson } from '../json-output'
import { traceFlow } from '../../../shared/trace'
import { snapshotForCommand } from '../source-snapshot'

export const command: CliCommand = {
  name: 'trace',
  summary: 'Follow a packet through routes, bridges and iptables from the snapshot (sends nothing)',
  usage: [
    'Usage: netlens trace SOURCE --from X --to Y[:port[/proto]] [--json] [--lang en|zh-CN] [--sudo]',
    '',
    '  --from X   a container name, an interface name, an IP, or "outside"',
    '  --to Y     an IP[:port[/proto]], a container[:port/proto], or "outside" (probe address 198.51.100.2)',
    '  --json     print the TraceResult as JSON',
    '',
    'Example: netlens trace sim:nat-mode --from outside --to 10.10.0.11:8080/tcp'
  ].join('\n'),
  async run(argv, io) {
    const { flags, positionals, errors } = parseFlags(argv, {
      boolean: ['json', 'sudo'],
      string: ['from', 'to', 'lang']
    })
    const lang = langFlag(flags, errors)
    if (typeof flags.from !== 'string' || !flags.from) errors.push('--from is required')
    if (typeof flags.to !== 'string' || !flags.to) errors.push('--to is required')
    if (positionals.length !== 1) errors.push('expected exactly one SOURCE')
    if (errors.length) return usageFailure(io, command, errors)
    const snapshot = await snapshotForCommand('trace', positionals[0], { sudo: flags.sudo === true, signal: io.signal }, io)
    if (!snapshot) return 1
    const result = traceFlow(snapshot, flags.from as string, flags.to as string)
    if (flags.json) writeJson(result, io.out)
    else io.out(formatTrace(result, lang))
    return 0
  }
}
