/**
 * `netlens diagnose SOURCE [--json] [--lang en|zh-CN] [--fail-on critical|warning]`: the findings
 * of the rules engine, grouped by severity, with their evidence lines and fix commands. NetLens
 * never runs a fix: each is printed under "run yourself:".
 */
import type { CliCommand } from '../command'
import { langFlag, parseFlags, usageFailure } from '../command'
import { formatReport } from '../format/diagnose'
import { writeJson } from '../json-output'
import type { Severity } from '../../../shared/diagnose/types'
import { diagnoseReport } from '../../../shared/diagnose'
import { snapshotForCommand } from '../source-snapshot'

const ORDER: Severity[] = ['critical', 'warning', 'info']

export const command: CliCommand = {
  name: 'diagnose',
  summary: 'List what is wrong with container networking on a host, with fix commands to run yourself',
  usage: [
    'Usage: netlens diagnose SOURCE [--json] [--lang en|zh-CN] [--fail-on critical|warning] [--sudo]',
    '',
    'SOURCE: local | sim:<scenario> | ssh:<alias> | <alias> | <capture or snapshot file>',
    '  --json                 print { "findings": [...], "notChecked": [{ "check", "reason", ... }] } as JSON',
    '  --lang en|zh-CN        language of titles and explanations (default en)',
    '  --fail-on SEVERITY     exit 1 when a finding of this severity (or worse) exists',
    '  --sudo                 run privileged probe sections through sudo -n',
    '',
    'NetLens never changes the host: fix commands are printed for you to review and run.'
  ].join('\n'),
  async run(argv, io) {
    const { flags, positionals, errors } = parseFlags(argv, { boolean: ['json', 'sudo'], string: ['lang', 'fail-on'] })
    const lang = langFlag(flags, errors)
    const failOn = flags['fail-on'] as string | undefined
    if (failOn !== undefined && !['critical', 'warning', 'info'].includes(failOn))
      errors.push(`--fail-on must be critical, warning or info`)
    if (positionals.length !== 1) errors.push('expected exactly one SOURCE')
    if (errors.length) return usageFailure(io, command, errors)
    const snapshot = await snapshotForCommand('diagnose', positionals[0], { sudo: flags.sudo === true, signal: io.signal }, io)
    if (!snapshot) return 1
    const report = diagnoseReport(snapshot)
    if (flags.json) writeJson(report, io.out)
    else io.out(formatReport(report, lang))
    if (failOn) {
      const limit = ORDER.indexOf(failOn as Severity)
      if (report.findings.some((f) => ORDER.indexOf(f.severity) <= limit)) return 1
    }
    return 0
  }
}
