/**
 * `netlens fleet HOST|DIR|FILE|sim:<scenario>… [--parallel N] [-o DIR] [--json]`: many hosts at
 * once. Each host is captured through the same one-round-trip probe (or read from its file), at
 * most N at a time; the table shows per host its state, capture time, docker version, iptables
 * backend, containers running/total, conntrack fill and findings by severity, then the failures
 * with their class and remedy, then the findings across hosts.
 * Exit code: 0 when every host was captured (ok or partial), 1 when one was not, 2 on bad usage.
 */
import type { CliCommand, CliIo } from '../command'
import { langFlag, parseFlags, positiveIntegerFlag, stringFlag, usageFailure } from '../command'
import { formatFleetReport, seconds } from '../format/fleet'
import { cleanCell as clean, formatCliError } from '../format/terminal'

export const command: CliCommand = {
  name: 'fleet',
  summary: 'Capture many hosts at once (SSH, a folder of captures, a multi-host scenario) and check across them',
  usage: [
    'Usage: netlens fleet SOURCE... [--parallel N] [-o DIR] [--json] [--lang en|zh-CN] [--sudo] [-F SSH_CONFIG]',
    '',
    'SOURCE: an ssh alias (or ssh:<alias>), local, a capture file, a FOLDER of capture files (*.cap,',
    '        e.g. what resources/ansible/netlens-capture.yml wrote), or sim:<scenario> (every host',
    '        of a multi-host training scenario; sim:<scenario>#<host> for one).',
    '  --parallel N        capture at most N hosts at once (default 8, at most 64)',
    '  -o, --output DIR    write each live capture to DIR/<alias>.cap (mode 0600)',
    '  --json              print the report as JSON: hosts, findings across hosts, overlays',
    '  --lang en|zh-CN     language of the table and the findings (default en)',
    '  --sudo              run privileged probe sections through `sudo -n` (never prompts)',
    '  --conntrack-max N   keep at most N conntrack entries per host',
    '  -F, --ssh-config F  use this ssh config file (ssh -F)',
    '  --quiet             no progress lines on stderr',
    '',
    'Hosts that fail do not stop the others: each is reported with its class (unreachable, auth,',
    'error) and what to do. Exit code 1 when a host could not be captured.',
    'NetLens never changes a host: fix commands are printed for you to review and run.'
  ].join('\n'),
  async run(argv: string[], io: CliIo): Promise<number> {
    const { flags, positionals, errors } = parseFlags(argv, {
      boolean: ['json', 'sudo', 'quiet'],
      string: ['parallel', 'output', 'lang', 'conntrack-max', 'ssh-config'],
      alias: { o: 'output', F: 'ssh-config' }
    })
    const parallel = positiveIntegerFlag(flags, 'parallel', errors, 64, '--parallel needs an integer from 1 to 64')
    const cap = positiveIntegerFlag(flags, 'conntrack-max', errors, 100_000_000)
    const lang = langFlag(flags, errors)
    if (!positionals.length) errors.push('name at least one SOURCE')
    if (errors.length) return usageFailure(io, command, errors)
    // Loaded here so `netlens --help` never loads the capture pipeline.
    const [{ expandFleetSources }, { captureFleet }, { buildFleetReport }, { diagnose }] = await Promise.all([
      import('../../fleet/members'),
      import('../../fleet/capture'),
      import('../../../shared/fleet/report'),
      import('../../../shared/diagnose/index')
    ])
    const { members, problems } = await expandFleetSources(positionals)
    for (const p of problems) {
      io.err(formatCliError('fleet', p.error, `${clean(p.arg)}: `))
    }
    if (!members.length) return 1
    const quiet = flags.quiet === true
    if (!quiet) io.err(`netlens fleet: ${members.length} host(s), ${parallel ?? 8} at a time…`)
    const results = await captureFleet(members, {
      parallel,
      outDir: stringFlag(flags, 'output'),
      sudo: flags.sudo === true,
      conntrackCap: cap,
      signal: io.signal,
      sshConfigFile: stringFlag(flags, 'ssh-config'),
      onHost: quiet
        ? undefined
        : (r, done, total) =>
            io.err(
              `  [${done}/${total}] ${clean(r.member.label)}: ${r.error ? `${r.error.code}` : 'captured'} (${seconds(r.captureMs)})${r.written ? ` → ${clean(r.written)}` : ''}`
            )
    })
    for (const r of results)
      if (r.writeError)
        io.err(
          `netlens fleet: cannot write the capture of ${clean(r.member.label)}: ${clean(r.writeError)}`
        )
    const report = buildFleetReport(
      results.map((r) => ({
        id: r.member.id,
        label: r.member.label,
        snapshot: r.snapshot,
        error: r.error,
        captureMs: r.captureMs,
        startedAt: r.startedAt,
        endedAt: r.endedAt
      })),
      diagnose
    )
    io.out(flags.json ? JSON.stringify(report, null, 2) : formatFleetReport(report, lang))
    const failed = report.hosts.some((h) => h.error) || problems.length > 0 || results.some((r) => r.writeError)
    if (io.signal.aborted) return 130
    return failed ? 1 : 0
  }
}
