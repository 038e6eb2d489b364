/**
 * `netlens diagnose`'s text (also the findings part of `netlens fleet`): findings grouped by
 * severity with their evidence and the fix to run yourself, then what was not checked; en and zh-CN.
 */
import type { DiagnoseReport, Finding, NotChecked, Severity } from '../../../shared/diagnose/types'
import { cleanLines as clean, indentLines as indent } from './terminal'

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
