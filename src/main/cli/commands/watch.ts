/**
 * `netlens watch SOURCE`: a container-aware nload. One snapshot of SOURCE says which host veth
 * belongs to which container; then one long-lived read-only counter loop streams /proc/net/dev
 * (host and each container namespace) and every sample prints as a table sorted by throughput,
 * or as one JSON TrafficSample per line with --json.
 */
import type { CliCommand, CliIo } from '../command'
import { parseFlags, positiveIntegerFlag, stringFlag, usageFailure } from '../command'
import { formatCliError } from '../format/terminal'
import { formatSampleTable } from '../format/traffic'
import { openSource } from '../../sources/index'
import { startSamplerForSource } from '../../traffic/for-source'
import { CounterStreamError, MAX_INTERVAL_S, MIN_INTERVAL_S } from '../../traffic/stream'

/** ssh failures that a retry cannot fix: stop instead of reconnecting forever. */
const FATAL_CODES = new Set(['unknown-host-key', 'changed-host-key', 'auth-failed', 'missing-tool', 'invalid-argument', 'permission-denied'])

const USAGE = [
  'Usage: netlens watch SOURCE [--interval S] [--count N] [--json] [--sudo] [-F SSH_CONFIG]',
  '',
  'Live per-interface traffic, container-aware (like nload, with container names).',
  'SOURCE is local | sim:<scenario> | <ssh host alias> | ssh:<alias> (capture files have no live counters).',
  `  --interval S       seconds between samples, ${MIN_INTERVAL_S}–${MAX_INTERVAL_S} (default 1)`,
  '  --count N          stop after N samples (default: until Ctrl-C)',
  '  --json             one JSON TrafficSample per line',
  '  --sudo             run the counter loop and the snapshot through `sudo -n` (never prompts)',
  '  -F, --ssh-config F use this ssh config file (ssh -F); default: env NETLENS_SSH_CONFIG if set'
].join('\n')

function fail(io: CliIo, message: string, code = 2): number {
  io.err(`netlens watch: ${message}`)
  return code
}

export const command: CliCommand = {
  name: 'watch',
  summary: 'Live traffic per interface and container (rates from /proc/net/dev)',
  usage: USAGE,
  async run(argv, io) {
    const { flags, positionals, errors } = parseFlags(argv, {
      boolean: ['json', 'sudo'],
      string: ['interval', 'count', 'ssh-config'],
      alias: { F: 'ssh-config', n: 'count', i: 'interval' }
    })
    const count = positiveIntegerFlag(flags, 'count', errors) ?? null
    if (positionals.length !== 1) errors.push('needs exactly one SOURCE')
    if (errors.length) return usageFailure(io, command, errors)
    const intervalS = flags.interval === undefined ? 1 : Number(flags.interval)
    if (!Number.isFinite(intervalS) || intervalS < MIN_INTERVAL_S || intervalS > MAX_INTERVAL_S) {
      return fail(io, `--interval must be a number of seconds between ${MIN_INTERVAL_S} and ${MAX_INTERVAL_S}`)
    }
    const sshConfigFile = stringFlag(flags, 'ssh-config') ?? (process.env.NETLENS_SSH_CONFIG || undefined)
    const opened = openSource(positionals[0])
    if (!opened.ok) {
      io.err(formatCliError('watch', opened.error))
      return 2
    }
    const source = opened.value
    if (source.ref.kind === 'file')
      return fail(io, `${positionals[0]} is a file: watch needs a live source (local, an ssh host, or sim:<scenario>)`)

    const snap = await source.snapshot({ sudo: flags.sudo === true, signal: io.signal, sshConfigFile })
    if (!snap.ok) {
      if (snap.error.code === 'cancelled') return 130
      io.err(formatCliError('watch', snap.error))
      return 1
    }
    if (io.signal.aborted) return 130
    const snapshot = snap.value
    const counters = (opts: Parameters<typeof source.counters>[0]) => {
      const open = source.counters({ ...opts, sshConfigFile })
      // Only a file has no counters, and files were refused above.
      if (!open.ok) throw new Error(open.error.message)
      return open.value
    }

    let printed = 0
    let exitCode = 0
    const sampler = startSamplerForSource({
      hostId: source.text,
      counters,
      sudo: flags.sudo === true,
      snapshot,
      intervalS,
      onSample(sample) {
        if (count !== null && printed >= count) return
        printed++
        io.out(flags.json ? JSON.stringify(sample) : formatSampleTable(sample) + '\n')
        if (count !== null && printed >= count) sampler.stop()
      },
      onError(e) {
        const appError = e instanceof CounterStreamError ? e.appError : null
        if (appError && FATAL_CODES.has(appError.code)) {
          io.err(formatCliError('watch', appError))
          exitCode = 1
          sampler.stop()
          return
        }
        io.err(`netlens watch: ${e instanceof Error ? e.message : String(e)} (reconnecting)`)
      }
    })
    const onAbort = (): void => sampler.stop()
    io.signal.addEventListener('abort', onAbort)
    try {
      await sampler.done
    } finally {
      io.signal.removeEventListener('abort', onAbort)
    }
    return exitCode
  }
}
