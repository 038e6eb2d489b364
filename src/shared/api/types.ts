/**
 * Data shapes of the API contract besides the snapshot itself. The domain's own shapes live beside
 * their producers (diagnose/types.ts, trace/types.ts, traffic/types.ts, fleet/types.ts,
 * training/types.ts, snapshot/diff.ts) and are only re-exported here: the domain never imports the
 * API (lint: netlens/folder-layers).
 */
import type { Localized } from '../localized'
import type { CapturedPacket } from '../packets/format'
import type { ResolvedPacketTarget } from '../packets/target'
import type { AppError } from '../result'
import type { Snapshot } from '../snapshot/schema'
export type { Localized } from '../localized'
export type {
  DiagnoseReport,
  Finding,
  FindingObject,
  NotChecked,
  SectionState,
  Severity
} from '../diagnose/types'
export type { TraceHop, TraceResult, TraceVerdict } from '../trace/types'
export type { InterfaceRate, TrafficSample, TrafficSeries } from '../traffic/types'
export type { PacketTools } from '../packets/tools'
export type {
  ExerciseFind,
  Lesson,
  LessonCheck,
  LessonGrade,
  LessonStep,
  SavedScenario,
  ScenarioSummary
} from '../training/types'
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
/**
 * What a partial snapshot still lacks: `netfilter` (rules, nft, conntrack count, counters,
 * listeners and sysctls: the probe's late sections, still being read on the host) and `conntrack`
 * (the connection table, read after the rest of a large capture).
 */
export type PendingPart = 'netfilter' | 'conntrack'

export interface SnapshotPartial {
  hostId: string
  snapshot: Snapshot
  pending: PendingPart[]
}

export interface TraceRequest {
  hostId: string
  from: string
  to: string
}

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
