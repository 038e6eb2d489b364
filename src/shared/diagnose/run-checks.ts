/**
 * How both rules engines (one host, a fleet) run a check: under a budget of findings, so that a
 * forged capture (a million dangling DNAT rules) or a forged fleet (hundreds of hosts that all route
 * each other's subnets) cannot fill memory; the findings past MAX_FINDINGS_PER_CHECK are counted
 * and reported as one "N more" finding. A check that throws on an odd input is skipped, never
 * taking the others down. Findings come out ordered by severity.
 */
import type { Finding, Severity } from './types'
import { DROPPED_FINDING, L, MAX_FINDINGS_PER_CHECK, findingBudget } from './context'

const ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 }

/** Critical first, then warning, then info; the order they were found in otherwise. */
export function bySeverity<F extends { severity: Severity }>(findings: F[]): F[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => ORDER[a.f.severity] - ORDER[b.f.severity] || a.i - b.i)
    .map(({ f }) => f)
}

/** Stands for the findings of one check past MAX_FINDINGS_PER_CHECK. */
export function moreFindings(id: string, count: number): Finding {
  return {
    id,
    severity: 'info',
    title: L(`${count} more ${id} findings not listed`, `另有 ${count} 条 ${id} 问题未列出`),
    explanation: L(
      `The check found more than ${MAX_FINDINGS_PER_CHECK} of these; only the first ${MAX_FINDINGS_PER_CHECK} are listed. That many is unusual for a real host: check where this capture comes from.`,
      `这项检查发现的问题超过 ${MAX_FINDINGS_PER_CHECK} 条，只列出了前 ${MAX_FINDINGS_PER_CHECK} 条。真实主机上很少会有这么多：请确认这份采集的来源。`
    ),
    objects: [],
    evidence: [],
    fix: null
  }
}

/**
 * Runs one check (named by its first finding id) under a fresh budget and appends its findings to
 * `into`, one by one (a spread of many would overflow the stack), then the "N more" finding made by
 * `more` when the budget ran out. Returns false when the check threw.
 */
export function runBudgeted<F extends Finding>(
  id: string,
  run: () => Iterable<F>,
  into: F[],
  more: (finding: Finding) => F
): boolean {
  findingBudget.left = MAX_FINDINGS_PER_CHECK
  findingBudget.dropped = 0
  let ran = true
  try {
    for (const f of run()) if ((f as Finding) !== DROPPED_FINDING) into.push(f)
  } catch {
    ran = false
  }
  if (findingBudget.dropped > 0) into.push(more(moreFindings(id, findingBudget.dropped)))
  findingBudget.left = Infinity
  return ran
}
