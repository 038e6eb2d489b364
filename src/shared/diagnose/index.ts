/**
 * The diagnose rules engine: `diagnoseReport(snapshot) → { findings, notChecked }`. Each check is a
 * pure function of the snapshot (see ./checks) that declares the capture sections it needs; this
 * file is only the registry. A check whose sections were not captured is not run and is listed in
 * `notChecked` with the reason (missing data is never a finding). A check that throws on an odd
 * snapshot is skipped, never taking the others down. Fix commands are text for the user to run.
 */
import type { DiagnoseReport, Finding, NotChecked } from '../api/types'
import type { Snapshot } from '../snapshot/schema'
import { DiagnoseContext, DROPPED_FINDING, L, MAX_FINDINGS_PER_CHECK, findingBudget, type Check } from './context'
import { bySeverity } from './run-checks'
import { brNfCallOff, conntrackFull, ipForwardOff, rpFilterStrict } from './checks/kernel'
import { dnatDangling, dockerUserDrop, forwardDrop, missingMasquerade, mixedBackends, portNoDnat } from './checks/nat'
import { bridgeDown, duplicateIp, duplicateMac, mtuMismatch, subnetOverlap, vethDown, vethOrphan } from './checks/links'
import {
  containerModeStopped,
  containerNoAddress,
  containerNoDefaultRoute,
  internalOutbound
} from './checks/containers'
import { portConflict } from './checks/ports'
import { conntrackStale, hairpinOff } from './checks/conntrack'

export type { Check } from './context'

export const CHECKS: Check[] = [
  ipForwardOff,
  missingMasquerade,
  forwardDrop,
  bridgeDown,
  vethDown,
  vethOrphan,
  containerNoAddress,
  containerNoDefaultRoute,
  portNoDnat,
  dnatDangling,
  portConflict,
  subnetOverlap,
  duplicateIp,
  duplicateMac,
  mtuMismatch,
  conntrackFull,
  conntrackStale,
  dockerUserDrop,
  mixedBackends,
  brNfCallOff,
  rpFilterStrict,
  containerModeStopped,
  hairpinOff,
  internalOutbound
]

/** Every finding id the engine can produce. */
export const FINDING_IDS: string[] = CHECKS.flatMap((c) => c.ids)

/** Stands for the findings of one check past MAX_FINDINGS_PER_CHECK. */
function moreFindings(id: string, count: number): Finding {
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

export function diagnoseReport(snapshot: Snapshot): DiagnoseReport {
  const ctx = new DiagnoseContext(snapshot)
  const findings: Finding[] = []
  const notChecked: NotChecked[] = []
  for (const check of CHECKS) {
    const gap = ctx.coverage.gaps(check.needs)
    if (gap.length) {
      notChecked.push(ctx.coverage.notChecked(check.ids[0], gap))
      continue
    }
    ctx.current = check.ids[0]
    findingBudget.left = MAX_FINDINGS_PER_CHECK
    findingBudget.dropped = 0
    try {
      // One by one: a check may return many findings, and a spread of them would overflow the stack.
      for (const f of check.run(ctx)) if (f !== DROPPED_FINDING) findings.push(f)
    } catch {
      // One broken check must not hide the others' findings.
    }
    if (findingBudget.dropped > 0) findings.push(moreFindings(check.ids[0], findingBudget.dropped))
  }
  findingBudget.left = Infinity
  notChecked.push(...ctx.skipped)
  return {
    findings: bySeverity(findings),
    notChecked
  }
}

/** Only the findings (the training lessons grade on these). */
export function diagnose(snapshot: Snapshot): Finding[] {
  return diagnoseReport(snapshot).findings
}
