/**
 * Orders findings by severity (the single-host and the cross-host engines both show them so), and
 * runs a list of checks on one context: a check that throws on an odd input is skipped, never
 * taking the others down (the cross-host engine; the single-host one also checks coverage).
 */
import type { Severity } from '../api/types'

const ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 }

/** Critical first, then warning, then info; the order they were found in otherwise. */
export function bySeverity<F extends { severity: Severity }>(findings: F[]): F[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => ORDER[a.f.severity] - ORDER[b.f.severity] || a.i - b.i)
    .map(({ f }) => f)
}

export function runChecks<C, F extends { severity: Severity }>(checks: { run(ctx: C): F[] }[], ctx: C): F[] {
  const findings: F[] = []
  for (const check of checks) {
    try {
      findings.push(...check.run(ctx))
    } catch {
      // One broken check must not hide the others' findings.
    }
  }
  return bySeverity(findings)
}
