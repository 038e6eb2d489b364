/**
 * THE NetLens API contract. One backend service (src/main/service) implements it; two transports
 * expose it: Electron IPC (src/preload + src/main/app-shell/ipc.ts) and browser mode
 * (src/main/server + src/renderer/src/api/browser-transport.ts).
 *
 * - Every call takes one argument object, validated with the zod schema below on the backend side
 *   (the renderer is untrusted), and answers a Result: nothing thrown crosses the boundary.
 * - Push data are subscriptions: `subscribe(event, cb)` returns an unsubscribe function.
 * - test/unit/contract.test.ts proves that the service, the IPC registration, the preload, the
 *   browser server and the browser client cover exactly these names.
 */
import { z } from 'zod'
import { apiEventNames } from './channels'
import type { Result } from '../result'
import type { Snapshot } from '../snapshot/schema'
import type {
  AppInfo,
  CaptureProgress,
  DiagnoseReport,
  PacketBatch,
  PacketCaptureStarted,
  PacketCaptureState,
  PacketTools,
  FleetReport,
  HostEntry,
  Lesson,
  LessonGrade,
  Preferences,
  SavedScenario,
  ScenarioSummary,
  SnapshotDiff,
  SnapshotPartial,
  TraceResult,
  TrafficSample,
  TrafficSeries
} from './types'

const hostId = z.string().min(1).max(300)
const empty = z.object({}).strict()
const captureId = z.string().min(1).max(100)
/** Text an author writes in both languages (an exercise's question). */
const localizedText = z
  .object({ en: z.string().trim().min(1).max(2000), 'zh-CN': z.string().trim().min(1).max(2000) })
  .strict()
const findingKind = z.enum(['container', 'interface', 'bridge', 'network', 'rule', 'port', 'conntrack', 'host', 'route'])
/** Linux interface names are at most 15 bytes; `any` captures on all. */
const ifaceName = z.string().min(1).max(15)

/** Argument schema of every call. The keys ARE the list of calls. */
export const apiCallArgs = {
  getAppInfo: empty,
  listHosts: empty,
  addSshHost: z.object({ alias: z.string().min(1).max(255), sudo: z.boolean().default(false) }).strict(),
  removeHost: z.object({ hostId }).strict(),
  setHostSudo: z.object({ hostId, sudo: z.boolean() }).strict(),
  captureHost: z.object({ hostId }).strict(),
  cancelCapture: z.object({ hostId }).strict(),
  getSnapshot: z.object({ hostId }).strict(),
  openFile: z.object({ name: z.string().min(1).max(255), content: z.string().max(512 * 1024 * 1024) }).strict(),
  exportSnapshot: z.object({ hostId }).strict(),
  diffSnapshots: z.object({ a: hostId, b: hostId }).strict(),
  diagnose: z.object({ hostId }).strict(),
  trace: z.object({ hostId, from: z.string().min(1).max(300), to: z.string().min(1).max(300) }).strict(),
  listScenarios: empty,
  listLessons: empty,
  gradeLesson: z.object({ lessonId: z.string().min(1).max(100), answer: z.number().int().min(0).max(20) }).strict(),
  /**
   * Saves a host's snapshot as a training scenario in the user's scenario folder (the backend's
   * machine), optionally anonymized and with an exercise: the findings the learner must name.
   */
  saveScenario: z
    .object({
      hostId,
      anonymize: z.boolean().default(false),
      exercise: z
        .object({
          title: localizedText.optional(),
          question: localizedText,
          find: z
            .array(
              z
                .object({
                  check: z.string().regex(/^[a-z0-9-]{1,100}$/),
                  object: z.object({ kind: findingKind, id: z.string().min(1).max(4096) }).strict()
                })
                .strict()
            )
            .min(1)
            .max(8)
        })
        .strict()
        .optional()
    })
    .strict(),
  startSampling: z.object({ hostId, intervalS: z.number().min(0.5).max(10).default(1) }).strict(),
  stopSampling: z.object({ hostId }).strict(),
  getTrafficHistory: z.object({ hostId, windowS: z.number().min(1).max(24 * 3600).default(300) }).strict(),
  startPacketCapture: z
    .object({
      hostId,
      target: z.union([
        z.object({ iface: ifaceName }).strict(),
        z.object({ container: z.string().min(1).max(255), ifname: ifaceName.optional(), inside: z.boolean().default(false) }).strict()
      ]),
      filter: z.string().max(4096).default(''),
      count: z.number().int().min(1).max(1_000_000).default(10_000),
      durationS: z.number().min(1).max(3600).default(60)
    })
    .strict(),
  stopPacketCapture: z.object({ captureId }).strict(),
  getPacketCapturePcap: z.object({ captureId }).strict(),
  getPacketTools: empty,
  dissectPacket: z.object({ captureId, number: z.number().int().min(1).max(10_000_000) }).strict(),
  openPcapInWireshark: z.object({ captureId }).strict(),
  /** Captures (or re-reads) these hosts at most `parallel` at a time; `sim:<id>` of a multi-host scenario means all its hosts. */
  fleetCapture: z
    .object({ hostIds: z.array(hostId).min(1).max(1000), parallel: z.number().int().min(1).max(64).default(8) })
    .strict(),
  /** Opens several capture/snapshot files at once as a fleet (browser mode has no folder picker). */
  fleetOpenFiles: z
    .object({
      files: z
        .array(z.object({ name: z.string().min(1).max(255), content: z.string().max(512 * 1024 * 1024) }).strict())
        .min(1)
        .max(1000)
    })
    .strict(),
  /** Opens a folder of capture files on the machine the backend runs on (e.g. an Ansible `dest`). */
  fleetOpenFolder: z.object({ path: z.string().min(1).max(4096) }).strict(),
  getPreferences: empty,
  setPreferences: z
    .object({
      locale: z.enum(['en', 'zh-CN']).optional(),
      theme: z.enum(['light', 'dark']).optional(),
      recentHosts: z.array(z.string().max(300)).max(50).optional(),
      lessonProgress: z
        .record(z.string().max(100), z.object({
            completedSteps: z.array(z.string().max(100)).max(100),
            passed: z.boolean(),
            answer: z.number().int().min(0).max(20).optional()
          }))
        .optional(),
      sampleIntervalS: z.number().min(0.5).max(10).optional()
    })
    .strict()
} as const

export type ApiCallName = keyof typeof apiCallArgs
export type ApiArgs<K extends ApiCallName> = z.input<(typeof apiCallArgs)[K]>
export type ApiParsedArgs<K extends ApiCallName> = z.output<(typeof apiCallArgs)[K]>

/** What each call answers (inside the Result). */
export interface ApiReturns {
  getAppInfo: AppInfo
  listHosts: HostEntry[]
  addSshHost: HostEntry
  removeHost: null
  setHostSudo: HostEntry
  captureHost: Snapshot
  cancelCapture: { cancelled: boolean }
  getSnapshot: Snapshot | null
  openFile: HostEntry
  exportSnapshot: { fileName: string; content: string }
  diffSnapshots: SnapshotDiff
  diagnose: DiagnoseReport
  trace: TraceResult
  listScenarios: ScenarioSummary[]
  listLessons: Lesson[]
  gradeLesson: LessonGrade
  saveScenario: SavedScenario
  startSampling: { intervalS: number }
  stopSampling: null
  getTrafficHistory: TrafficSeries
  startPacketCapture: PacketCaptureStarted
  stopPacketCapture: { stopped: boolean }
  /** The capture so far as a pcap file, base64 (Save .pcap, download in browser mode). */
  getPacketCapturePcap: { fileName: string; base64: string }
  getPacketTools: PacketTools
  /** tshark's full dissection (-V) of one packet. */
  dissectPacket: { text: string }
  openPcapInWireshark: { opened: boolean }
  fleetCapture: FleetReport
  fleetOpenFiles: FleetReport
  fleetOpenFolder: FleetReport
  getPreferences: Preferences
  setPreferences: Preferences
}

/** Push events and their payloads. */
export interface ApiEvents {
  captureProgress: CaptureProgress
  trafficSample: TrafficSample
  hostsChanged: HostEntry[]
  packetBatch: PacketBatch
  packetCaptureState: PacketCaptureState
  snapshotPartial: SnapshotPartial
}
export type ApiEventName = keyof ApiEvents
// The list lives in channels.ts (no zod: the preload reads it); it names exactly ApiEvents' keys.
type ListedEvent = (typeof apiEventNames)[number]
/** True, and only compiles while the list and ApiEvents name the same events. */
export const apiEventsListed: [ApiEventName] extends [ListedEvent] ? ([ListedEvent] extends [ApiEventName] ? true : never) : never = true
export { apiEventNames }

export const apiCallNames = Object.keys(apiCallArgs) as ApiCallName[]

/** The API as the renderer sees it: every call answers a Result; subscriptions return an unsubscribe. */
export type NetLensApi = {
  [K in ApiCallName]: (args: ApiArgs<K>) => Promise<Result<ApiReturns[K]>>
} & {
  subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
}

/** The backend implements plain async functions taking validated args; wrappers add Result and validation. */
export type ApiHandlers = {
  [K in ApiCallName]: (args: ApiParsedArgs<K>) => Promise<ApiReturns[K]> | ApiReturns[K]
}

export { ipcChannel, ipcEventChannel } from './channels'

/** Validates a call's arguments: the only door into the backend. */
export function validateArgs<K extends ApiCallName>(
  name: K,
  args: unknown
): { ok: true; value: ApiParsedArgs<K> } | { ok: false; message: string } {
  const schema = apiCallArgs[name]
  if (!schema) return { ok: false, message: `unknown call ${String(name)}` }
  const parsed = schema.safeParse(args ?? {})
  if (parsed.success) return { ok: true, value: parsed.data as ApiParsedArgs<K> }
  return { ok: false, message: z.prettifyError(parsed.error) }
}

export function isApiCallName(name: unknown): name is ApiCallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiCallArgs, name)
}
