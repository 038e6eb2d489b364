/**
 * The NetLens backend service: the one implementation of the API contract. Both transports
 * (Electron IPC and browser mode) wrap `createBackend(...).handlers` with `callHandler`, which
 * validates arguments with the contract's zod schemas and turns anything thrown into a Result.
 * Its parts: the state store (preferences, manual hosts, sudo), the host registry, snapshot
 * captures, traffic sampling, packet captures and the fleet calls; this file wires them to the calls.
 */
import {
  apiCallNames,
  validateArgs,
  type ApiCallName,
  type ApiEventName,
  type ApiEvents,
  type ApiHandlers,
  type ApiReturns
} from '../../shared/api/contract'
import type { HostEntry } from '../../shared/api/types'
import { AppFailure, fail, ok, toAppError, type Result } from '../../shared/result'
import type { Snapshot } from '../../shared/snapshot/schema'
import { MAX_SOURCE_FILE_BYTES } from '../../shared/limits'
import { unmarkBidiControls } from '../../shared/text-safety'
import { fileTooLarge } from '../capture/source-file'
import type { ServiceDeps } from './deps'
import { createPacketCaptures } from './packet-captures'
import { createFleetHandlers } from './fleet-handlers'
import { createStateStore } from './state-store'
import { createHostRegistry } from './host-registry'
import { createSnapshotCaptures } from './snapshot-captures'
import { createSampling } from './sampling'

type Listener<E extends ApiEventName> = (payload: ApiEvents[E]) => void

export interface Backend {
  handlers: ApiHandlers
  call<K extends ApiCallName>(name: K, args: unknown): Promise<Result<ApiReturns[K]>>
  subscribe<E extends ApiEventName>(event: E, listener: Listener<E>): () => void
  dispose(): void
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new AppFailure(result.error)
  return result.value
}

/** A file has no live side: sampling and packet capture need the host itself. */
function refuseFile(host: HostEntry, what: 'counters' | 'packets'): void {
  if (host.kind !== 'file') return
  throw new AppFailure(
    what === 'counters'
      ? { code: 'invalid-argument', message: 'A file has no live counters.', remedy: 'Connect to the host itself to sample its traffic.' }
      : { code: 'invalid-argument', message: 'A file has no live packets.', remedy: 'Connect to the host itself to capture its packets.' }
  )
}

export function createBackend(deps: ServiceDeps, transport: 'ipc' | 'browser'): Backend {
  const listeners = new Map<ApiEventName, Set<Listener<ApiEventName>>>()
  const snapshots = new Map<string, Snapshot>()
  const store = createStateStore(deps)
  const { loaded } = store
  const hosts = createHostRegistry(deps, store, snapshots)
  const captures = createSnapshotCaptures(deps, snapshots, emit, (hostId) => store.rememberRecent(hostId))
  const sampling = createSampling(deps, (sample) => emit('trafficSample', sample))
  const packets = createPacketCaptures(deps.packetsFromSource, {
    batch: (b) => emit('packetBatch', b),
    state: (st) => emit('packetCaptureState', st)
  })

  function emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    listeners.get(event)?.forEach((listener) => {
      try {
        ;(listener as Listener<E>)(payload)
      } catch {
        /* one broken subscriber must not stop the others */
      }
    })
  }

  const hostsChanged = (): void => emit('hostsChanged', hosts.allHosts())

  async function addManualSsh(alias: string, sudo: boolean): Promise<Result<HostEntry>> {
    const added = await hosts.addManualSsh(alias, sudo)
    if (added.ok) hostsChanged()
    return added
  }

  /** What a capture, a sampler or a packet capture of this host runs against. */
  const live = (host: HostEntry) => ({ hostId: host.id, source: hosts.sourceOf(host), sudo: store.sudoFor(host) })

  const captureInto = (host: HostEntry): Promise<Result<Snapshot>> => captures.capture({ host, ...live(host) })

  const fleet = createFleetHandlers({
    deps,
    loaded,
    hostById: hosts.hostById,
    captureInto,
    registerFile: hosts.registerFile,
    registerHost: hosts.registerFleetHost,
    addManualSsh: (alias) => addManualSsh(alias, false),
    hostsChanged
  })

  const handlers: ApiHandlers = {
    getAppInfo: () => ({ name: 'NetLens', version: deps.version, transport, platform: deps.platform }),

    listHosts: async () => {
      await loaded
      await hosts.refreshSshHosts()
      return hosts.allHosts()
    },

    addSshHost: async ({ alias, sudo }) => {
      await loaded
      return unwrap(await addManualSsh(alias, sudo))
    },

    removeHost: async ({ hostId }) => {
      await loaded
      hosts.forget(hostId)
      snapshots.delete(hostId)
      sampling.stop(hostId)
      packets.stopHost(hostId)
      store.state.preferences.recentHosts = store.state.preferences.recentHosts.filter((h) => h !== hostId)
      await store.save()
      hostsChanged()
      return null
    },

    setHostSudo: async ({ hostId, sudo }) => {
      await loaded
      const host = hosts.findHost(hostId)
      const { state } = store
      state.sudo[hostId] = sudo
      const manual = state.manualHosts.find((h) => `ssh:${h.alias}` === hostId)
      if (manual) manual.sudo = sudo
      await store.save()
      return { ...host, sudo }
    },

    captureHost: async ({ hostId }) => {
      await loaded
      return unwrap(await captureInto(hosts.findHost(hostId)))
    },

    cancelCapture: ({ hostId }) => ({ cancelled: captures.cancel(hostId) }),

    getSnapshot: ({ hostId }) => snapshots.get(hostId) ?? null,

    openFile: async ({ name, content }) => {
      const bytes = Buffer.byteLength(content, 'utf8')
      if (bytes > MAX_SOURCE_FILE_BYTES) unwrap(fileTooLarge(name, bytes))
      const entry = hosts.registerFile(name, unwrap(await deps.snapshotFromFileContent(name, content)))
      hostsChanged()
      return entry
    },

    exportSnapshot: ({ hostId }) => {
      const snapshot = captures.requireSnapshot(hostId)
      const stamp = snapshot.host.capturedAt.replace(/[:.]/g, '-')
      const base = (snapshot.host.hostname || 'host').replace(/[^\w.-]/g, '_')
      return { fileName: `${base}-${stamp}.netlens.json`, content: JSON.stringify(snapshot, null, 2) }
    },

    diffSnapshots: ({ a, b }) => deps.diff(captures.requireSnapshot(a), captures.requireSnapshot(b)),

    diagnose: ({ hostId }) => deps.diagnose(captures.requireSnapshot(hostId)),

    // The UI shows bidi controls as marks and sends names back as shown: turn them into the host's names.
    trace: ({ hostId, from, to }) =>
      deps.trace(captures.requireSnapshot(hostId), unmarkBidiControls(from), unmarkBidiControls(to)),

    listScenarios: () => deps.listScenarios(),

    listLessons: () => deps.listLessons(),

    gradeLesson: ({ lessonId, answer }) => deps.gradeLesson(lessonId, answer),

    saveScenario: (args) => {
      const saved = unwrap(deps.saveScenario(captures.requireSnapshot(args.hostId), args))
      // The new file is a training host (and its exercise a lesson): every window lists it.
      hostsChanged()
      return saved
    },

    startSampling: async ({ hostId, intervalS }) => {
      await loaded
      const host = hosts.findHost(hostId)
      refuseFile(host, 'counters')
      sampling.start({ ...live(host), snapshot: captures.requireSnapshot(hostId), intervalS })
      return { intervalS }
    },

    stopSampling: ({ hostId }) => {
      sampling.stop(hostId)
      return null
    },

    getTrafficHistory: ({ hostId, windowS }) => ({ hostId, samples: sampling.history(hostId, windowS) }),

    startPacketCapture: async ({ hostId, target, filter, count, durationS }) => {
      await loaded
      const host = hosts.findHost(hostId)
      refuseFile(host, 'packets')
      const snapshot = captures.requireSnapshot(hostId)
      return packets.start({ ...live(host), snapshot, target, filter, count, durationS })
    },
    stopPacketCapture: ({ captureId }) => ({ stopped: packets.stop(captureId) }),

    getPacketCapturePcap: ({ captureId }) => {
      const { fileName, bytes } = packets.pcap(captureId)
      return { fileName, base64: Buffer.from(bytes).toString('base64') }
    },

    getPacketTools: () => deps.packetTools(),

    dissectPacket: async ({ captureId, number }) => ({
      text: unwrap(await deps.dissectPacket(packets.pcap(captureId).bytes, number))
    }),

    openPcapInWireshark: async ({ captureId }) => {
      if (transport === 'browser')
        throw new AppFailure({
          code: 'invalid-argument',
          message: 'In browser mode the capture is downloaded, not opened here.',
          remedy: 'Save the .pcap and open it in Wireshark on your computer.'
        })
      const { fileName, bytes } = packets.pcap(captureId)
      return { opened: unwrap(await deps.openInWireshark(bytes, fileName)) }
    },

    ...fleet,

    getPreferences: async () => {
      await loaded
      return store.state.preferences
    },

    setPreferences: async (changes) => {
      await loaded
      return store.setPreferences(changes)
    }
  }

  async function call<K extends ApiCallName>(name: K, args: unknown): Promise<Result<ApiReturns[K]>> {
    if (!apiCallNames.includes(name)) return fail('invalid-argument', `Unknown call "${String(name)}".`)
    const valid = validateArgs(name, args)
    if (!valid.ok) return fail('invalid-argument', `Invalid arguments for ${name}: ${valid.message}`)
    try {
      const handler = handlers[name] as (a: unknown) => Promise<ApiReturns[K]> | ApiReturns[K]
      return ok(await handler(valid.value))
    } catch (e) {
      return { ok: false, error: e instanceof AppFailure ? e.appError : toAppError(e) }
    }
  }

  return {
    handlers,
    call,
    subscribe(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event)!.add(listener as Listener<ApiEventName>)
      return () => listeners.get(event)?.delete(listener as Listener<ApiEventName>)
    },
    dispose() {
      captures.dispose()
      sampling.dispose()
      packets.dispose()
      listeners.clear()
    }
  }
}
