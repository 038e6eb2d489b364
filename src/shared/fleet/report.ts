/**
 * The fleet report: the table rows, the cross-host findings and the overlay drawing, from what the
 * fleet captured. Pure: the CLI (`netlens fleet`) and the backend (the Fleet view) both build it here.
 */
import type { Finding } from '../diagnose/types'
import { FleetContext, diagnoseFleet, type FleetMember } from '../diagnose/fleet/index'
import type { Snapshot } from '../snapshot/schema'
import { buildOverlayModel } from './overlay-model'
import { summarizeHost, type FleetHostInput } from './summary'
import type { FleetReport } from './types'

export function buildFleetReport(inputs: FleetHostInput[], diagnose: (snapshot: Snapshot) => Finding[]): FleetReport {
  const hosts = inputs.map((input) => {
    let findings: Finding[] | null = null
    if (input.snapshot) {
      try {
        findings = diagnose(input.snapshot)
      } catch {
        findings = null
      }
    }
    return summarizeHost(input, findings)
  })
  const members: FleetMember[] = inputs.flatMap((i) =>
    i.snapshot ? [{ id: i.id, label: i.label, snapshot: i.snapshot }] : []
  )
  const ctx = new FleetContext(members)
  return { hosts, findings: diagnoseFleet(members, ctx), overlays: buildOverlayModel(ctx) }
}
