/**
 * `netlens diagnose SOURCE [--json] [--lang en|zh-CN] [--fail-on critical|warning]`: the findings
 * of the rules engine, grouped by severity, with their evidence lines and fix commands. NetLens
 * never runs a fix: each is printed under "run yourself:".
 */
import type { CliCommand } from '../command'
import { parseFlags } from '../command'
import type { Finding, Severity } from '../../../shared/api/types'
import { diagnose } from '../../../shared/diagnose'
import { snapshotFromSource } from '../../sources'

/** Host-derived text goes to a terminal: control characters (escape sequences) become `?`. */
const clean = (text: string): string => text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '?')
const indent = (text: string, pad: string): string =>
  clean(text)
    .split('\n')
    .map((l) => pad + l)
    .join('\n')

const HEADINGS: Record<Severity, { en: string; 'zh-CN': string }> = {
  critical: { en: 'CRITICAL', 'zh-CN': '严重' },
  warning: { en: 'WARNING', 'zh-CN': '警告' },
  info: { en: 'INFO', 'zh-CN': '提示' }
}

export function formatFindings(findings: Finding[], lang: 'en' | 'zh-CN'): string {
  if (!findings.length) return lang === 'zh-CN' ? '没有发现问题。' : 'No findings.'
  const out: string[] = []
  for (const severity of ['critical', 'warning', 'info'] as const) {
    const group = findings.filter((f) => f.severity === severity)
    if (!group.length) continue
    out.push(`${HEADINGS[severity][lang]} (${group.length})`, '')
    for (const f of group) {
      out.push(`  [${f.id}] ${clean(f.title[lang])}`)
      out.push(indent(f.explanation[lang], '    '))
      if (f.evidence.length) {
        out.push(lang === 'zh-CN' ? '    证据：' : '    evidence:')
        for (const e of f.evidence) out.push(`      ${clean(e.label)}:`, indent(e.raw, '        '))
      }
      if (f.fix)
        out.push(lang === 'zh-CN' ? '    请自行执行（run yourself）：' : '    run yourself:', indent(f.fix, '      $ '))
      out.push('')
    }
  }
  return out.join('\n').trimEnd()
}

const ORDER: Severity[] = ['critical', 'warning', 'info']

export const command: CliCommand = {
  name: 'diagnose',
  summary: 'List what is wrong with container networking on a host, with fix commands to run yourself',
  usage: [
    'Usage: netlens diagnose SOURCE [--json] [--lang en|zh-CN] [--fail-on critical|warning] [--sudo]',
    '',
    'SOURCE: local | sim:<scenario> | ssh:<alias> | <alias> | <capture or snapshot file>',
    '  --json                 print the findings as JSON',
    '  --lang en|zh-CN        language of titles and explanations (default en)',
    '  --fail-on SEVERITY     exit 1 when a finding of this severity (or worse) exists',
    '  --sudo                 run privileged probe sections through sudo -n',
    '',
    'NetLens never changes the host: fix commands are printed for you to review and run.'
  ].join('\n'),
  async run(argv, io) {
    const { flags, positionals, errors } = parseFlags(argv, { boolean: ['json', 'sudo'], string: ['lang', 'fail-on'] })
    const lang = (flags.lang as string | undefined) ?? 'en'
    const failOn = flags['fail-on'] as string | undefined
    if (lang !== 'en' && lang !== 'zh-CN') errors.push(`--lang must be en or zh-CN, not "${lang}"`)
    if (failOn !== undefined && !['critical', 'warning', 'info'].includes(failOn))
      errors.push(`--fail-on must be critical, warning or info`)
    if (positionals.length !== 1) errors.push('expected exactly one SOURCE')
    if (errors.length) {
      io.err(`netlens diagnose: ${errors.join('; ')}\n\n${command.usage}`)
      return 2
    }
    const snapshot = await snapshotFromSource(positionals[0], { sudo: flags.sudo === true, signal: io.signal })
    if (!snapshot.ok) {
      io.err(`netlens diagnose: ${snapshot.error.message}${snapshot.error.remedy ? `\n${snapshot.error.remedy}` : ''}`)
      return 1
    }
    const findings = diagnose(snapshot.value)
    io.out(flags.json ? JSON.stringify(findings, null, 2) : formatFindings(findings, lang as 'en' | 'zh-CN'))
    if (failOn) {
      const limit = ORDER.indexOf(failOn as Severity)
      if (findings.some((f) => ORDER.indexOf(f.severity) <= limit)) return 1
    }
    return 0
  }
}
