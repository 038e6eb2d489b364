/**
 * One row of the fleet table from a host's snapshot (or from why there is none): state, docker
 * version, iptables backend, containers running/total, conntrack fill and findings by severity.
 */
import type { Finding } from '../diagnose/types'
import type { AppError, ErrorCode } from '../result'
import type { Snapshot } from '../snapshot/schema'
import { isRunning } from '../snapshot/query'
import type { FleetFindingCounts, FleetHostState, FleetHostSummary } from './types'

/** What the fleet knows about one host after trying to capture it. */
export interface FleetHostInput {
  id: string
  label: string
  snapshot?: Snapshot | null
  error?: AppError | null
  captureMs?: number | null
  startedAt?: number | null
  endedAt?: number | null
}

const AUTH: ErrorCode[] = ['auth-failed', 'unknown-host-key', 'changed-host-key']
const UNREACHABLE: ErrorCode[] = ['unreachable', 'timeout', 'connection-refused']

/** The table state of a host that could not be captured, from its error's class. */
export function stateForError(code: ErrorCode): FleetHostState {
  if (AUTH.includes(code)) return 'auth'
  if (UNREACHABLE.includes(code)) return 'unreachable'
  return 'error'
}

/**
 * Sections that ran but did not deliver: denied, timed out, failed. A tool that is simply not
 * installed (brctl, nft) is how that host is, not a broken capture, so it does not count.
 */
export function incompleteSections(snapshot: Snapshot): string[] {
  return snapshot.sections
    .filter((s) => s.status === 'permission-denied' || s.status === 'timeout' || s.status === 'error')
    .map((s) => `${s.name}: ${s.status}`)
}

export function countFindings(findings: Finding[]): FleetFindingCounts {
  const counts: FleetFindingCounts = { critical: 0, warning: 0, info: 0 }
  for (const f of findings) counts[f.severity]++
  return counts
}

export function conntrackFill(snapshot: Snapshot): number | null {
  const { total, max } = snapshot.conntrack
  if (total === null || max === null || max <= 0) return null
  return Math.round((total / max) * 1000) / 10
}

export function summarizeHost(input: FleetHostInput, findings: Finding[] | null): FleetHostSummary {
  const s = input.snapshot ?? null
  const base = {
    id: input.id,
    label: input.label,
    captureMs: input.captureMs ?? null,
    startedAt: input.startedAt ?? null,
    endedAt: input.endedAt ?? null
  }
  if (!s) {
    const error: AppError = input.error ?? { code: 'internal', message: `${input.label}: no snapshot` }
    return {
      ...base,
      state: stateForError(error.code),
      error,
      hostname: null,
      capturedAt: null,
      dockerVersion: null,
      iptablesBackend: null,
      containersRunning: null,
      containersTotal: null,
      conntrackFillPct: null,
      findings: null,
      incomplete: []
    }
  }
  const incomplete = incompleteSections(s)
  return {
    ...base,
    state: incomplete.length ? 'partial' : 'ok',
    error: null,
    hostname: s.host.hostname || null,
    capturedAt: s.host.capturedAt || null,
    dockerVersion: s.host.dockerVersion,
    iptablesBackend: s.host.iptablesBackend,
    containersRunning: s.containers.filter(isRunning).length,
    containersTotal: s.containers.length,
    conntrackFillPct: conntrackFill(s),
    findings: findings ? countFindings(findings) : null,
    incomplete
  }
}
