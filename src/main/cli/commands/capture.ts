import type { CliCommand } from '../command'
import { parseFlags, positiveIntegerFlag, stringFlag, usageFailure } from '../command'
import { clean, formatCliError } from '../format/terminal'
import { serializeCapture } from '../../capture/capture-file'
import { DEFAULT_CONNTRACK_CAP, runProbe, type ProbeTarget } from '../../capture/run-probe'
import { writePrivateFile } from '../../capture/source-file'
import { parseSource } from '../../sources/ref'
import { shellQuote } from '../../../shared/shell'

/** HOST is a live SOURCE (local or ssh): training hosts and files have no probe to run. */
export function parseHostArg(host: string | undefined): ProbeTarget | string {
  if (host === undefined) return { kind: 'local' }
  const ref = parseSource(host)
  if (!ref.ok) return ref.error.message
  if (ref.value.kind === 'local' || ref.value.kind === 'ssh') return ref.value
  return `${JSON.stringify(host)} is not a live host: capture runs the probe on local or an ssh host (training hosts and files are already captures).`
}

export const command: CliCommand = {
  name: 'capture',
  summary: 'Run the read-only probe on this host or over SSH and write a capture file',
  usage: [
    'Usage: netlens capture [HOST] [--sudo] [--conntrack-max N] [-o FILE] [-F SSH_CONFIG] [--quiet]',
    '',
    'Runs resources/probe.sh (read-only) on HOST in one round trip and writes the capture',
    '(docs/capture-format.md) to FILE, or to stdout without -o. Progress goes to stderr.',
    '  HOST               local (default), an alias from ~/.ssh/config, user@host, or ssh:<alias>',
    '  --sudo             run privileged commands through `sudo -n` (never prompts)',
    `  --conntrack-max N  keep at most N conntrack entries (default ${DEFAULT_CONNTRACK_CAP}; the true total is still recorded)`,
    '  -o, --output FILE  write the capture here (created with mode 0600)',
    '  -F, --ssh-config F use this ssh config file (ssh -F)',
    '  --quiet            no progress on stderr',
    '',
    'Without NetLens on the host: copy resources/probe.sh there and run `sh probe.sh > host.cap`.'
  ].join('\n'),
  async run(argv, io) {
    const { flags, positionals, errors } = parseFlags(argv, {
      boolean: ['sudo', 'quiet'],
      string: ['conntrack-max', 'output', 'ssh-config'],
      alias: { o: 'output', F: 'ssh-config' }
    })
    const cap = positiveIntegerFlag(flags, 'conntrack-max', errors)
    if (positionals.length > 1) errors.push('at most one HOST')
    if (errors.length) return usageFailure(io, command, errors)
    const target = parseHostArg(positionals[0])
    if (typeof target === 'string') {
      io.err(`netlens capture: ${target}`)
      return 2
    }
    const quiet = flags.quiet === true
    const label = target.kind === 'local' ? 'local' : `ssh:${target.alias}`
    if (!quiet) io.err(`netlens capture: probing ${label}${flags.sudo ? ' (sudo -n)' : ''}…`)
    const r = await runProbe(target, {
      sudo: flags.sudo === true,
      conntrackCap: cap,
      signal: io.signal,
      sshConfigFile: stringFlag(flags, 'ssh-config') ?? process.env.NETLENS_SSH_CONFIG,
      onProgress: quiet
        ? undefined
        : (p) =>
            io.err(`  [${p.done}/${p.total}] ${clean(p.section)}${p.status === 'ok' ? '' : `: ${clean(p.status)}`}`)
    })
    if (!r.ok) {
      io.err(formatCliError('capture', r.error))
      return r.error.code === 'cancelled' ? 130 : 1
    }
    const text = serializeCapture(r.value)
    const output = flags.output
    if (typeof output === 'string' && output !== '-') {
      try {
        await writePrivateFile(output, text)
      } catch (e) {
        io.err(`netlens capture: cannot write ${output}: ${(e as Error).message}`)
        return 1
      }
      const notOk = r.value.sections.filter((s) => s.status !== 'ok' && s.status !== 'skipped').length
      if (!quiet) {
        io.err(
          `netlens capture: wrote ${output} (${r.value.sections.length} sections${notOk ? `, ${notOk} not ok: see netlens inspect ${shellQuote(output)}` : ''})`
        )
      }
    } else {
      ;(io.data ?? io.out)(text)
    }
    return 0
  }
}
