/**
 * `netlens fleet`'s text: one table row per host (state, capture time, docker, iptables backend,
 * containers, conntrack fill, findings), the hosts not captured or partly, the findings across hosts.
 */
import type { FleetHostSummary, FleetReport } from '../../../shared/fleet/types'
import { formatFindings } from './diagnose'
import { cleanCell as clean, cleanLines, table } from './terminal'

const HEADINGS = {
  en: ['HOST', 'STATE', 'TIME', 'DOCKER', 'IPTABLES', 'CONTAINERS', 'CONNTRACK', 'FINDINGS C/W/I'],
  'zh-CN': ['主机', '状态', '耗时', 'DOCKER', 'IPTABLES', '容器', 'CONNTRACK', '问题 严重/警告/提示']
} as const

export const seconds = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`)

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
  out.push(cleanLines(formatFindings(report.findings, lang)))
  return out.join('\n')
}
