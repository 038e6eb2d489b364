/**
 * Fleet: many hosts at once. The per-host table row, the cross-host findings and the overlay
 * drawing model that `netlens fleet`, the backend and the Fleet view share. Pure data shapes.
 */
import type { AppError } from '../result'
import type { Finding, Severity } from '../diagnose/types'

/**
 * How one host's capture went:
 *   ok           captured, every section ran (a tool that is not installed does not count)
 *   partial      captured, but sections were denied, timed out or failed: numbers may be missing
 *   unreachable  no capture: the host did not answer (refused, timed out, no route, no such name)
 *   auth         no capture: ssh would not log in or the host key is unknown or changed
 *   error        no capture for another reason (an unreadable file, a probe that broke off)
 */
export type FleetHostState = 'ok' | 'partial' | 'unreachable' | 'auth' | 'error'

export interface FleetFindingCounts {
  critical: number
  warning: number
  info: number
}

/** One row of the fleet table. */
export interface FleetHostSummary {
  /** The host id (also a SOURCE): `ssh:<alias>`, `file:<name>`, `sim:<scenario>#<host>`, `local`. */
  id: string
  /** What the user calls the host: the alias, the capture file's name, the scenario host. */
  label: string
  state: FleetHostState
  /** Why there is no capture (its code is the failure class) and what to do about it. */
  error: AppError | null
  hostname: string | null
  capturedAt: string | null
  /** Wall time of this host's capture (probe round trip, or reading the file), ms. */
  captureMs: number | null
  /** Epoch ms when this host's capture started and ended (shows that captures overlapped). */
  startedAt: number | null
  endedAt: number | null
  dockerVersion: string | null
  iptablesBackend: 'nf_tables' | 'legacy' | null
  containersRunning: number | null
  containersTotal: number | null
  /** nf_conntrack_count / nf_conntrack_max in percent, one decimal; null when either is unknown. */
  conntrackFillPct: number | null
  /** This host's own diagnose findings by severity. */
  findings: FleetFindingCounts | null
  /** Sections that did not run cleanly, as `name: status` (what makes a host `partial`). */
  incomplete: string[]
}

/** A finding that involves several hosts; `hosts` are the labels of the hosts it names. */
export interface FleetFinding extends Finding {
  hosts: string[]
}

/** One host's part of an overlay network, for the drawing. */
export interface FleetOverlayEndpoint {
  hostId: string
  label: string
  /** NetLens netns id of the overlay namespace (`docker-netns:1-…`), null when the host has none. */
  netns: string | null
  bridge: string | null
  vxlan: string | null
  vni: number | null
  mtu: number | null
  subnet: string | null
  /** This host's underlay address the others' FDBs point at (or its best guess). */
  vtep: string | null
  containers: { name: string; address: string | null }[]
}

export interface FleetOverlayTunnel {
  /** Host ids; `from` < `to` in endpoint order. */
  from: string
  to: string
  /** `from`'s FDB has `to`'s VTEP, and the other way round (null: not expected, no containers there). */
  forward: boolean | null
  backward: boolean | null
  /** The two ends use different VNIs: frames are dropped whatever the FDB says. */
  vniMismatch: boolean
}

/** An FDB entry whose VTEP is no host of the fleet. */
export interface FleetOverlayStray {
  hostId: string
  vtep: string
}

export interface FleetOverlay {
  name: string
  endpoints: FleetOverlayEndpoint[]
  tunnels: FleetOverlayTunnel[]
  strays: FleetOverlayStray[]
}

export interface FleetReport {
  hosts: FleetHostSummary[]
  findings: FleetFinding[]
  overlays: FleetOverlay[]
}

export const FLEET_SEVERITIES: Severity[] = ['critical', 'warning', 'info']
