/**
 * The cross-host rules engine: `diagnoseFleet(members) → FleetFinding[]`, on a set of snapshots
 * (each with the label the user knows the host by). Like `diagnose`, each check is a pure function
 * of them, run under the same findings budget (run-checks.ts).
 */
import type { FleetFinding } from '../../fleet/types'
import { bySeverity, runBudgeted } from '../run-checks'
import { FleetContext, type FleetCheck, type FleetMember } from './context'
import { overlayMtu, overlayVniMismatch, overlayVteps } from './overlay'
import { duplicateContainer, subnetConflicts, versionSkew } from './hosts'

export { FleetContext, type FleetMember } from './context'

export const FLEET_CHECKS: FleetCheck[] = [
  overlayVniMismatch,
  overlayVteps,
  overlayMtu,
  subnetConflicts,
  duplicateContainer,
  versionSkew
]

/** Every cross-host finding id the engine can produce. */
export const FLEET_FINDING_IDS: string[] = FLEET_CHECKS.flatMap((c) => c.ids)

export function diagnoseFleet(members: FleetMember[], ctx: FleetContext = new FleetContext(members)): FleetFinding[] {
  const findings: FleetFinding[] = []
  for (const check of FLEET_CHECKS)
    runBudgeted(
      check.ids[0],
      () => check.run(ctx),
      findings,
      (more) => ({ ...more, hosts: [] })
    )
  return bySeverity(findings)
}
