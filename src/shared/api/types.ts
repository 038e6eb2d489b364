/**
 * Data shapes used by the API contract besides the snapshot itself.
 * Kept here (not next to their producers in src/main) so the renderer can import them.
 */
import type { CapturedPacket } from '../packets/format'
import type { ResolvedPacketTarget } from '../packets/target'
import type { AppError } from '../result'
import type { Snapshot } from '../snapshot/schema'
export type {
  FleetFinding,
  FleetHostState,
  FleetHostSummary,
  FleetOverlay,
  FleetOverlayEndpoint,
  FleetOverlayTunnel,
  FleetReport
} from '../fleet/types'

/** A host the sidebar can show. */
export type HostKind = 'training' | 'local' | 'ssh' | 'file'
export interface HostEntry {
  /** Stable id: `sim:<scenario>`, `local`, `ssh:<alias>`, `file:<name>`. Also a CLI SOURCE. */
  id: string
  kind: HostKind
  label: string
  /** Training hosts: the scenario title in every UI language (the sidebar shows the current one). */
  title?: Localized
  /** For ssh hosts: where the alias came from. */
  origin?: 'ssh-config' | 'manual' | 'recent'
  /** Run privileged probe sections through `sudo -n` (never prompts). */
  sudo: boolean
  /** Effective ssh settings (from `ssh -G`) worth showing: hostname, user, port, proxyjump. */
  sshSettings?: Record<string, string>
  lastCapturedAt?: string
}

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'error'

/** Progress while a probe runs: one event per section. */
export interface CaptureProgress {
  hostId: string
  phase: 'started' | 'section' | 'parsing' | 'done' | 'failed' | 'cancelled'
  section?: string
  status?: string
  done: number
  total: number
  message?: string
}

/**
 * A host's snapshot before its (large) conntrack table is read, pushed while the capture finishes
 * so the wiring shows early. The parts named in `pending` are empty in it; captureHost's answer is
 * the whole snapshot.
 */
export interface SnapshotPartial {
  hostId: string
  snapshot: Snapshot
  pending: 'conntrack'[]
}

/** One rate sample for one interface. Rates are per second. */
export interface InterfaceRate {
  iface: string
  netns: string
  /** Container name for container-side or container-owned host veths. */
  container: string | null
  rxBytesPerS: number
  txBytesPerS: number
  rxPacketsPerS: number
  txPacketsPerS: number
  rxErrorsPerS: number
  txErrorsPerS: number
  rxDropsPerS: number
  txDropsPerS: number
}

export interface TrafficSample {
  hostId: string
  /** Milliseconds since epoch at the host side of the sample. */
  t: number
  intervalS: number
  /** True when this sample follows a reconnect: the chart shows a gap before it. */
  gapBefore: boolean
  rates: InterfaceRate[]
}

export interface TrafficSeries {
  hostId: string
  samples: TrafficSample[]
}

export type Severity = 'critical' | 'warning' | 'info'
export interface Localized {
  en: string
  'zh-CN': string
}

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
export type SectionState =
  | 'absent'
  | 'empty'
  | 'permission-denied'
  | 'missing-tool'
  | 'timeout'
  | 'error'
  | 'skipped'

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

export type TraceVerdict = 'delivered' | 'dropped' | 'no-route' | 'unknown'
export interface TraceHop {
  step: number
  /** `netns`, `route`, `veth`, `bridge`, `netfilter`, `egress`, `ingress`, `proxy`, `deliver`. */
  kind: string
  where: string
  /** Node ids on the topology to highlight. */
  nodes: string[]
  description: Localized
  /** The rule line that matched at this hop, if any. */
  rule: string | null
  packetBefore: { src: string; dst: string; sport: number | null; dport: number | null }
  packetAfter: { src: string; dst: string; sport: number | null; dport: number | null }
}
export interface TraceResult {
  from: string
  to: string
  proto: string
  verdict: TraceVerdict
  reason: Localized
  /** The rule that dropped the packet, when verdict is `dropped`. */
  droppedBy: string | null
  hops: TraceHop[]
  reply: TraceHop[]
}

export interface TraceRequest {
  hostId: string
  from: string
  to: string
}

export interface ScenarioSummary {
  id: string
  title: Localized
  description: Localized
  lesson: string | null
  /** The SOURCE that renders it: `sim:<id>`, or `sim:<path>` for a user file named otherwise. */
  source: string
  /** Shipped with NetLens, or a file in the user's scenario folder. */
  origin: 'builtin' | 'user'
  /** The user file it was read from. */
  file?: string
  /** The scenario's host names: two or more make it a fleet (`sim:<id>#<host>` each). */
  hosts?: string[]
}

export interface LessonStep {
  id: string
  text: Localized
  /** Route in the UI the step points at: `topology`, `nat`, `traffic`, `diagnose`, `training`. */
  view: string
  /** Optional node to highlight. */
  focus?: string
  /** The tab of that view the step talks about (NAT: `rules`, `ports` or `conntrack`). */
  tab?: string
}

export interface LessonCheck {
  question: Localized
  choices: Localized[]
  /** Index into choices. Graded in the backend so the answer is not in the renderer's hands. */
  kind: 'choice'
}

export interface Lesson {
  id: string
  scenario: string
  title: Localized
  summary: Localized
  steps: LessonStep[]
  check: LessonCheck
}

export interface LessonGrade {
  lessonId: string
  passed: boolean
  explanation: Localized
}

// The diff's shapes live beside it (snapshot/diff.ts): the snapshot layer never imports the API.
export type { DiffEntry, SnapshotDiff } from '../snapshot/diff'

export interface LessonProgress {
  completedSteps: string[]
  passed: boolean
  answer?: number
}

export interface Preferences {
  locale: 'en' | 'zh-CN'
  theme: 'light' | 'dark'
  recentHosts: string[]
  /** Per lesson: steps whose target was opened, whether the check passed, and the answer that passed it. */
  lessonProgress: Record<string, LessonProgress>
  sampleIntervalS: number
}

export const DEFAULT_PREFERENCES: Preferences = {
  locale: 'en',
  theme: 'light',
  recentHosts: [],
  lessonProgress: {},
  sampleIntervalS: 1
}

export interface AppInfo {
  name: string
  version: string
  transport: 'ipc' | 'browser'
  platform: string
}

/** Packet capture (netlens packets in the app): how far a capture got, streamed with its packets. */
export interface PacketCaptureCounters {
  packets: number
  /** Bytes of pcap kept (header + records). */
  bytes: number
  /** Packets the kernel dropped before tcpdump read them, when tcpdump said. */
  kernelDropped: number | null
}

export interface PacketCaptureStarted {
  captureId: string
  hostId: string
  target: ResolvedPacketTarget
  /** `veth1a2b (host end of web eth0)` in each UI language. */
  label: Localized
  /** The capture's limits after defaults. */
  limits: { count: number; durationS: number; maxBytes: number }
}

/** A batch of decoded, NAT-annotated packets (at most every 100 ms while packets come). */
export interface PacketBatch {
  captureId: string
  packets: CapturedPacket[]
  counters: PacketCaptureCounters
}

export type PacketStopReason = 'count' | 'duration' | 'bytes' | 'cancelled' | 'ended'

/** The end of a capture: stopped (with why) or failed (with the error and its remedy). */
export interface PacketCaptureState {
  captureId: string
  hostId: string
  state: 'stopped' | 'failed'
  stoppedBy: PacketStopReason | null
  error: AppError | null
  counters: PacketCaptureCounters
  warnings: string[]
}

/** Optional desktop tools for what NetLens does not do itself (full dissection, Wireshark). */
export interface PacketTools {
  tshark: boolean
  wireshark: boolean
}
