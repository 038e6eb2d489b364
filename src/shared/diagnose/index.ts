/**
 * The diagnose rules engine: `diagnose(snapshot) → Finding[]`. Each check is a pure function of
 * the snapshot (see ./checks); this file is only the registry. A check that throws on an odd
 * snapshot is skipped, never taking the others down. Fix commands are text for the user to run.
 */
import type { Finding, Severity } from '../api/types'
import type { Snapshot } from '../snapshot/schema'
import { DiagnoseContext, type Check } from './context'
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

const ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 }

export function diagnose(snapshot: Snapshot): Finding[] {
  const ctx = new DiagnoseContext(snapshot)
  const findings: Finding[] = []
  for (const check of CHECKS) {
    try {
      findings.push(...check.run(ctx))
    } catch {
      // One broken check must not hide the others' findings.
    }
  }
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => ORDER[a.f.severity] - ORDER[b.f.severity] || a.i - b.i)
    .map(({ f }) => f)
}
