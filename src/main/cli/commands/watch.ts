/**
 * `netlens watch SOURCE`: a container-aware nload. One snapshot of SOURCE says which host veth
 * belongs to which container; then one long-lived read-only counter loop streams /proc/net/dev
 * (host and each container namespace) and every sample prints as a table sorted by throughput,
 * or as one JSON TrafficSample per line with --json.
 */
import type { CliCommand, CliIo } from '../command'
import { cleanCell as clean, formatCliError, parseFlags } from '../command'
import type { InterfaceRate, TrafficSample } from '../../../shared/traffic/types'
import { totalBytesPerS } from '../../../shared/traffic/rates'
import { openSource } from '../../sources/index'
import { startSamplerForSource } from '../../traffic/for-source'
import { CounterStreamError, MAX_INTERVAL_S, MIN_INTERVAL_S } from '../../traffic/stream'

const SI = ['', 'k', 'M', 'G', 'T', 'P']

/** 1234567 → "1.23 M" (SI steps of 1000, about 3 significant digits). */
export function humanSI(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return '0 '
  let i = 0
  let v = value
  while (v >= 1000 && i < SI.length - 1) {
    v /= 1000
    i++
  }
  const text = i === 0 ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)
  return `${text} ${SI[i]}`
}

export const bitsPerS = (bytesPerS: number): string => `${humanSI(bytesPerS * 8)}b/s`
export const perS = (n: number): string => `${humanSI(n)}/s`.replace(' /s', '/s')

export function formatSampleTable(sample: TrafficSample): string {
  const rows = [...sample.rates].sort((a, b) => totalBytesPerS(b) - totalBytesPerS(a) || a.iface.localeCompare(b.iface))
  const header = ['IFACE', 'NETNS', 'CONTAINER', 'RX', 'TX', 'RX PKT', 'TX PKT', 'ERRS', 'DROPS']
  const body = rows.map((r: InterfaceRate) => [
    clean(r.iface),
    clean(r.netns),
    clean(r.container),
    bitsPerS(r.rxBytesPerS),
    bitsPerS(r.txBytesPerS),
    perS(r.rxPacketsPerS),
    perS(r.txPacketsPerS),
    perS(r.rxErrorsPerS + r.txErrorsPerS),
    perS(r.rxDropsPerS + r.txDropsPerS)
  ])
  const all = [header, ...body]
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)))
  const numeric = (i: number): boolean => i >= 3
  const lines = all.map((row) =>
    row
      .map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  )
  const when = new Date(sample.t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
  const title = `${clean(sample.hostId)}  ${when}  interval ${sample.intervalS.toFixed(2)} s${sample.gapBefore ? '  (reconnected: gap before this sample)' : ''}`
  return [title, ...lines].join('\n')
}

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
    if (errors.length || positionals.length !== 1) return fail(io, `${errors.length ? errors.join('; ') : 'needs exactly one SOURCE'}\n\n${USAGE}`)
    const intervalS = flags.interval === undefined ? 1 : Number(flags.interval)
    if (!Number.isFinite(intervalS) || intervalS < MIN_INTERVAL_S || intervalS > MAX_INTERVAL_S) {
      return fail(io, `--interval must be a number of seconds between ${MIN_INTERVAL_S} and ${MAX_INTERVAL_S}`)
    }
    let count: number | null = null
    if (flags.count !== undefined) {
      if (typeof flags.count !== 'string' || !/^\d+$/.test(flags.count) || Number(flags.count) < 1) return fail(io, '--count needs a positive integer')
      count = Number(flags.count)
    }
    const envConfig = process.env.NETLENS_SSH_CONFIG
    const sshConfigFile = typeof flags['ssh-config'] === 'string' ? flags['ssh-config'] : envConfig ? envConfig : undefined
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
          io.err(`netlens watch: ${appError.message}`)
          if (appError.remedy) io.err(`  ${appError.remedy}`)
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
