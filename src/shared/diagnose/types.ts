/** What diagnose produces: findings, and the checks that could not run for lack of data. */
import type { Localized } from '../localized'

export type Severity = 'critical' | 'warning' | 'info'

export interface FindingObject {
  kind: 'container' | 'interface' | 'bridge' | 'network' | 'rule' | 'port' | 'conntrack' | 'host' | 'route'
  id: string
}

export interface Finding {
  /** Check id, e.g. `ip-forward-off`. */
  id: string
  severity: Severity
  title: Localized
  explanation: Localized
  objects: FindingObject[]
  /** Exact records and their raw lines. */
  evidence: { label: string; raw: string }[]
  /** Fix command for the user to run. NetLens never runs it. */
  fix: string | null
}

/** How a section a check needs stood in the capture: its status, or `absent` / `empty` (ran, printed nothing). */
export type SectionState = 'absent' | 'empty' | 'permission-denied' | 'missing-tool' | 'timeout' | 'error' | 'skipped'

/**
 * A check that could not run on this snapshot (or on one object of it) because the data it reads
 * was not captured: missing data is never a finding, and never silently a clean bill of health.
 */
export interface NotChecked {
  /** The check's finding id, e.g. `container-no-default-route`. */
  check: string
  /** What it could not see, in words. */
  reason: Localized
  /** The sections it lacked and how each stood. */
  sections: { name: string; state: SectionState }[]
  /** What would let it run next time (capture as root / with --sudo, join the docker group, …); null when nothing can. */
  remedy: Localized | null
  /** When only one object was skipped (a container whose routes were not captured). */
  object: FindingObject | null
}

/** `diagnose`: what is wrong, and what could not be checked. */
export interface DiagnoseReport {
  findings: Finding[]
  notChecked: NotChecked[]
}
