/**
 * `netlens fleet HOST|DIR|FILE|sim:<scenario>… [--parallel N] [-o DIR] [--json]`: many hosts at
 * once. Each host is captured through the same one-round-trip probe (or read from its file), at
 * most N at a time; the table shows per host its state, capture time, docker version, iptables
 * backend, containers running/total, conntrack fill and findings by severity, then the failures
 * with their class and remedy, then the findings across hosts.
 * Exit code: 0 when every host was captured (ok or partial), 1 when one was not, 2 on bad usage.
 */
import type { CliCommand, CliIo } from '../command'
import { parseFlags } from '../command'
import { cleanForTerminal, cleanLineForTerminal } from '../../../shared/text-safety'
import { formatFindings } from './diagnose'
import type { FleetHostSummary, FleetReport } from '../../../shared/fleet/types'

const HEADINGS = {
  en: ['HOST', 'STATE', 'TIME', 'DOCKER', 'IPTABLES', 'CONTAINERS', 'CONNTRACK', 'FINDINGS C/W/I'],
  'zh-CN': ['主机', '状态', '耗时', 'DOCKER', 'IPTABLES', '容器', 'CONNTRACK', '问题 严重/警告/提示']
} as const

/** One table cell or line of host-derived text; an empty value shows as `-`. */
const clean = (text: string | null | undefined): string => (text ? cleanLineForTerminal(text) : '-')

const seconds = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`)

function row(h: FleetHostSummary): string[] {
  return [
    clean(h.label),
    h.state,
    seconds(h.captureMs),
    clean(h.dockerVersion),
    clean(h.iptablesBackend),
    h.containersTotal === null ? '-' : `${h.containersRunning}/${h.containersTotal}`,
    h.conntrackFillPct === null ? '-' : `${h.conntrackFillPct.toFixed(1)}%`,
    h.findings ? `${h.findings.critical}/${h.findings.warning}/${h.findings.info}` : '-'
  ]
}

/** Terminal columns a string takes: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0
  for (const ch of text) {
    const c = ch.codePointAt(0)!
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6)
    width += wide ? 2 : 1
  }
  return width
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i]))))
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i] - displayWidth(cell))))
      .join('  ')
      .trimEnd()
  )
}

export function formatFleetReport(report: FleetReport, lang: 'en' | 'zh-CN' = 'en'): string {
  const zh = lang === 'zh-CN'
  const out = table([[...HEADINGS[lang]], ...report.hosts.map(row)])
  const failed = report.hosts.filter((h) => h.error)
  if (failed.length) {
    out.push('', zh ? `未能采集（${failed.length}）：` : `Not captured (${failed.length}):`)
    for (const h of failed) {
      out.push(`  ${clean(h.label)}: ${h.state} (${h.error!.code}) ${clean(h.error!.message)}`)
      if (h.error!.remedy) out.push(`    ${clean(h.error!.remedy)}`)
    }
  }
  const partial = report.hosts.filter((h) => h.state === 'partial')
  if (partial.length) {
    out.push('', zh ? `部分采集（${partial.length}）：` : `Partly captured (${partial.length}):`)
    for (const h of partial) {
      const shown = h.incomplete.slice(0, 6).map((s) => clean(s))
      out.push(`  ${clean(h.label)}: ${shown.join(', ')}${h.incomplete.length > 6 ? ', …' : ''}`)
    }
    out.push(zh ? '  （没有权限的部分：以 root 运行，或加 --sudo）' : '  (denied sections: run as root, or add --sudo)')
  }
  out.push('', zh ? `跨主机检查（${report.findings.length}）` : `Across hosts (${report.findings.length})`, '')
  out.push(cleanForTerminal(formatFindings(report.findings, lang)))
  return out.join('\n')
}

function positiveInt(text: string | boolean | undefined, max: number): number | null | undefined {
  if (typeof text !== 'string') return undefined
  if (!/^\d+$/.test(text)) return null
  const n = Number(text)
  return n >= 1 && n <= max ? n : null
}

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
    const parallel = positiveInt(flags.parallel, 64)
    const cap = positiveInt(flags['conntrack-max'], 100_000_000)
    const lang = (flags.lang as string | undefined) ?? 'en'
    if (parallel === null) errors.push('--parallel needs an integer from 1 to 64')
    if (cap === null) errors.push('--conntrack-max needs a positive integer')
    if (lang !== 'en' && lang !== 'zh-CN') errors.push(`--lang must be en or zh-CN`)
    if (!positionals.length) errors.push('name at least one SOURCE')
    if (errors.length) {
      io.err(`netlens fleet: ${errors.join('; ')}\n\n${command.usage}`)
      return 2
    }
    // Loaded here so `netlens --help` never loads the capture pipeline.
    const [{ expandFleetSources }, { captureFleet }, { buildFleetReport }, { diagnose }] = await Promise.all([
      import('../../fleet/members'),
      import('../../fleet/capture'),
      import('../../../shared/fleet/report'),
      import('../../../shared/diagnose/index')
    ])
    const { members, problems } = await expandFleetSources(positionals)
    for (const p of problems) {
      io.err(`netlens fleet: ${clean(p.arg)}: ${clean(p.error.message)}`)
      if (p.error.remedy) io.err(`  ${clean(p.error.remedy)}`)
    }
    if (!members.length) return 1
    const quiet = flags.quiet === true
    if (!quiet) io.err(`netlens fleet: ${members.length} host(s), ${parallel ?? 8} at a time…`)
    const results = await captureFleet(members, {
      parallel: parallel ?? undefined,
      outDir: typeof flags.output === 'string' ? flags.output : undefined,
      sudo: flags.sudo === true,
      conntrackCap: cap ?? undefined,
      signal: io.signal,
      sshConfigFile: typeof flags['ssh-config'] === 'string' ? flags['ssh-config'] : undefined,
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
    io.out(flags.json ? JSON.stringify(report, null, 2) : formatFleetReport(report, lang as 'en' | 'zh-CN'))
    const failed = report.hosts.some((h) => h.error) || problems.length > 0 || results.some((r) => r.writeError)
    if (io.signal.aborted) return 130
    return failed ? 1 : 0
  }
}
