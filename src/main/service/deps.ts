/**
 * What the backend service needs from the rest of src/main. Injected so the service (and the
 * contract test) can run with fakes; default-deps.ts wires the real modules.
 */
import type { AppError, Result } from '../../shared/result'
import type { ApiParsedArgs } from '../../shared/api/contract'
import type { FleetMemberRef } from '../fleet/members'
import type { PacketCaptureSummary, PacketsOptions } from '../packets/packets-from-source'
import type { Snapshot } from '../../shared/snapshot/schema'
import type {
  CaptureProgress,
  PendingPart,
  DiagnoseReport,
  PacketTools,
  Lesson,
  LessonGrade,
  SavedScenario,
  ScenarioSummary,
  SnapshotDiff,
  TraceResult,
  TrafficSample
} from '../../shared/api/types'

export interface SamplerHandle {
  stop(): void
  history(windowS: number): TrafficSample[]
}

/** packetsFromSource's shape (src/main/packets/packets-from-source.ts). */
export type PacketsRunner = (source: string, opts: PacketsOptions) => Promise<Result<PacketCaptureSummary>>

export interface ServiceDeps {
  /** Takes a snapshot of a SOURCE (`local`, `sim:<id>`, `ssh:<alias>`, or a file path). */
  snapshotFromSource(
    source: string,
    opts: {
      sudo?: boolean
      signal?: AbortSignal
      onProgress?: (p: Omit<CaptureProgress, 'hostId'>) => void
      /** A partial snapshot (the topology first), and what it still lacks. */
      onTopology?: (snapshot: Snapshot, pending: PendingPart[]) => void
    }
  ): Promise<Result<Snapshot>>
  /** Parses an opened file's text: a capture file or a snapshot JSON. */
  snapshotFromFileContent(name: string, content: string): Promise<Result<Snapshot>>
  listSshHosts(): Promise<{ alias: string; file: string }[]>
  /** Fleet members behind fleet arguments (a folder of captures → its files); see src/main/fleet/members.ts. */
  fleetMembers(args: string[]): Promise<{ members: FleetMemberRef[]; problems: { arg: string; error: AppError }[] }>
  sshEffectiveSettings(alias: string): Promise<Record<string, string>>
  listScenarios(): ScenarioSummary[]
  listLessons(): Lesson[]
  gradeLesson(lessonId: string, answer: number): LessonGrade
  /** Writes a snapshot as a scenario file into the user's scenario folder (src/main/sim/save-scenario.ts). */
  saveScenario(snapshot: Snapshot, req: ApiParsedArgs<'saveScenario'>): Result<SavedScenario>
  diagnose(snapshot: Snapshot): DiagnoseReport
  trace(snapshot: Snapshot, from: string, to: string): TraceResult
  diff(a: Snapshot, b: Snapshot): SnapshotDiff
  startSampler(opts: {
    hostId: string
    source: string
    sudo: boolean
    snapshot: Snapshot
    intervalS: number
    onSample(sample: TrafficSample): void
  }): SamplerHandle
  /** Packets on one interface of a SOURCE (netlens packets). */
  packetsFromSource: PacketsRunner
  /** Which optional desktop tools are installed (tshark, Wireshark). */
  packetTools(): Promise<PacketTools>
  /** tshark -V of one packet of a pcap. */
  dissectPacket(pcap: Uint8Array, number: number): Promise<Result<string>>
  /** Opens a pcap in the desktop's Wireshark. */
  openInWireshark(pcap: Uint8Array, fileName: string): Promise<Result<boolean>>
  /** Where preferences and manual hosts are stored (a JSON file), or null to keep them in memory. */
  stateFile: string | null
  readState(file: string): Promise<string | null>
  writeState(file: string, content: string): Promise<void>
  platform: string
  version: string
}
