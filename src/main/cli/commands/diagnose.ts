/**
 * `netlens diagnose SOURCE [--json] [--lang en|zh-CN] [--fail-on critical|warning]`: the findings
 * of the rules engine, grouped by severity, with their evidence lines and fix commands. NetLens
 * never runs a fix: each is printed under "run yourself:".
 */
import type { CliCommand } from '../command'
import { formatCliError, parseFlags } from '../command'
import { writeJson } from '../json-output'
import type { DiagnoseReport, Finding, NotChecked, Severity } from '../../../shared/diagnose/types'
import { diagnoseReport } from '../../../shared/diagnose'
import { snapshotFromSource } from '../../sources'
import { cleanForTerminal } from '../../../shared/text-safety'

/** Host-derived text goes to a terminal: controls and bidi characters become visible `\uXXXX` (src/shared/text-safety.ts). */
const clean = cleanForTerminal
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

/**
 * The "Not checked" block: checks (and objects) skipped for want of data, grouped by the sections
 * they lacked, with what would let them run. Empty when everything was checked.
 */
export function formatNotChecked(notChecked: NotChecked[], lang: 'en' | 'zh-CN'): string {
  if (!notChecked.length) return ''
  const zh = lang === 'zh-CN'
  // Objects skipped for the same reason (containers whose namespaces were not read) share one line:
  // their per-namespace section names differ only in the namespace.
  const anyNamespace = (text: string): string => text.replace(/\bns\/[^/\s]+\//g, 'ns/…/')
  const groups = new Map<string, NotChecked[]>()
  for (const n of notChecked) {
    const reason = n.object ? anyNamespace(n.reason[lang]) : n.reason[lang]
    const key = `${n.object ? `o\u0000${n.check}` : 'c'}\u0000${reason}\u0000${n.remedy?.[lang] ?? ''}`
    groups.set(key, [...(groups.get(key) ?? []), n])
  }
  const out = [
    zh
      ? `未检查（${notChecked.length}）：采集结果里缺少这些检查要读的数据，所以上面的结果不代表主机是健康的。`
      : `Not checked (${notChecked.length}): the capture lacks what these checks read, so the result above does not mean the host is healthy.`
  ]
  for (const items of groups.values()) {
    const first = items[0]
    const checks = [...new Set(items.map((n) => n.check))].join(', ')
    const objects = [...new Set(items.flatMap((n) => (n.object ? [n.object.id] : [])))]
    const what = objects.length ? `${checks} (${objects.join(', ')})` : checks
    const reason = items.length > 1 && first.object ? anyNamespace(first.reason[lang]) : first.reason[lang]
    out.push(`  - ${clean(what)}${zh ? '：' : ': '}${clean(reason)}`)
    if (first.remedy) out.push(`      ${zh ? '怎么办：' : 'to check it: '}${clean(first.remedy[lang])}`)
  }
  return out.join('\n')
}

/** The whole text report: findings, then what was not checked. */
export function formatReport(report: DiagnoseReport, lang: 'en' | 'zh-CN'): string {
  const notChecked = formatNotChecked(report.notChecked, lang)
  return notChecked
    ? `${formatFindings(report.findings, lang)}\n\n${notChecked}`
    : formatFindings(report.findings, lang)
}

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
      io.err(formatCliError('diagnose', snapshot.error))
      return 1
    }
    const report = diagnoseReport(snapshot.value)
    if (flags.json) writeJson(report, io.out)
    else io.out(formatReport(report, lang as 'en' | 'zh-CN'))
    if (failOn) {
      const limit = ORDER.indexOf(failOn as Severity)
      if (report.findings.some((f) => ORDER.indexOf(f.severity) <= limit)) return 1
    }
    return 0
  }
}
