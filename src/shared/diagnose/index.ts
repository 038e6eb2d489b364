/**
 * The diagnose rules engine: `diagnoseReport(snapshot) → { findings, notChecked }`. Each check is a
 * pure function of the snapshot (see ./checks) that declares the capture sections it needs; this
 * file is only the registry. A check whose sections were not captured is not run and is listed in
 * `notChecked` with the reason (missing data is never a finding). A check that throws on an odd
 * snapshot is skipped, never taking the others down. Fix commands are text for the user to run.
 */
import type { DiagnoseReport, Finding, NotChecked } from './types'
import type { Snapshot } from '../snapshot/schema'
import { DiagnoseContext, type Check } from './context'
import { bySeverity, runBudgeted } from './run-checks'
import { brNfCallOff, conntrackFull, ipForwardOff, rpFilterStrict } from './checks/kernel'
import {
  dnatDangling,
  dockerUserDrop,
  forwardDrop,
  missingMasquerade,
  mixedBackends,
  portForwardBlocked,
  portNoDnat
} from './checks/nat'
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
  portForwardBlocked,
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
    runBudgeted(
      check.ids[0],
      () => check.run(ctx),
      findings,
      (more) => more
    )
  }
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
