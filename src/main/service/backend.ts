/**
 * The NetLens backend service: the one implementation of the API contract. Both transports
 * (Electron IPC and browser mode) wrap `createBackend(...).handlers` with `callHandler`, which
 * validates arguments with the contract's zod schemas and turns anything thrown into a Result.
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
import { DEFAULT_PREFERENCES, type HostEntry, type Preferences } from '../../shared/api/types'
import { AppFailure, fail, ok, toAppError, type Result } from '../../shared/result'
import type { Snapshot } from '../../shared/snapshot/schema'
import { MAX_SOURCE_FILE_BYTES } from '../../shared/limits'
import { checkSshAlias, isValidSshAlias } from '../../shared/ssh-alias'
import { sourceText } from '../sources/ref'
import { unmarkBidiControls } from '../../shared/text-safety'
import { fileTooLarge } from '../capture/source-file'
import type { SamplerHandle, ServiceDeps } from './deps'
import { createPacketCaptures } from './packet-captures'
import { createFleetHandlers } from './fleet-handlers'

type Listener<E extends ApiEventName> = (payload: ApiEvents[E]) => void

interface PersistedState {
  preferences: Preferences
  manualHosts: { alias: string; sudo: boolean }[]
  sudo: Record<string, boolean>
}

export interface Backend {
  handlers: ApiHandlers
  call<K extends ApiCallName>(name: K, args: unknown): Promise<Result<ApiReturns[K]>>
  subscribe<E extends ApiEventName>(event: E, listener: Listener<E>): () => void
  dispose(): void
}

export function createBackend(deps: ServiceDeps, transport: 'ipc' | 'browser'): Backend {
  const listeners = new Map<ApiEventName, Set<Listener<ApiEventName>>>()
  const snapshots = new Map<string, Snapshot>()
  const fileHosts = new Map<string, HostEntry>()
  /** Hosts a fleet added: one per host of a multi-host training scenario (`sim:<id>#<host>`). */
  const fleetHosts = new Map<string, HostEntry>()
  const captures = new Map<string, AbortController>()
  const samplers = new Map<string, SamplerHandle>()
  let sshConfigHosts: HostEntry[] = []
  /** `ssh -G` answers per alias: what the user's ssh will really do (hostname, user, port, jump). */
  const sshSettings = new Map<string, Record<string, string>>()
  let state: PersistedState = { preferences: { ...DEFAULT_PREFERENCES }, manualHosts: [], sudo: {} }
  const loaded = loadState()
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

  async function loadState(): Promise<void> {
    if (!deps.stateFile) return
    try {
      const text = await deps.readState(deps.stateFile)
      if (!text) return
      const parsed = JSON.parse(text) as Partial<PersistedState>
      state = {
        preferences: { ...DEFAULT_PREFERENCES, ...(parsed.preferences ?? {}) },
        manualHosts: Array.isArray(parsed.manualHosts) ? parsed.manualHosts.filter((h) => typeof h?.alias === 'string' && isValidSshAlias(h.alias)) : [],
        sudo: parsed.sudo ?? {}
      }
    } catch {
      /* a corrupt state file falls back to defaults; it is rewritten on the next change */
    }
  }

  async function saveState(): Promise<void> {
    if (!deps.stateFile) return
    await deps.writeState(deps.stateFile, JSON.stringify(state, null, 2))
  }

  async function loadSshSettings(aliases: string[]): Promise<void> {
    const missing = aliases.filter((alias) => !sshSettings.has(alias)).slice(0, 64)
    await Promise.all(
      missing.map(async (alias) => {
        try {
          sshSettings.set(alias, await deps.sshEffectiveSettings(alias))
        } catch {
          sshSettings.set(alias, {})
        }
      })
    )
  }

  async function refreshSshHosts(): Promise<void> {
    try {
      const hosts = await deps.listSshHosts()
      sshConfigHosts = hosts.map((h) => ({
        id: `ssh:${h.alias}`,
        kind: 'ssh' as const,
        label: h.alias,
        origin: 'ssh-config' as const,
        sudo: state.sudo[`ssh:${h.alias}`] ?? false
      }))
    } catch {
      sshConfigHosts = []
    }
    await loadSshSettings([...sshConfigHosts.map((h) => h.label), ...state.manualHosts.map((h) => h.alias)])
  }

  function allHosts(): HostEntry[] {
    const training: HostEntry[] = deps.listScenarios().map((s) => ({
      id: s.source,
      kind: 'training',
      label: s.title.en,
      title: s.title,
      sudo: false
    }))
    const local: HostEntry = { id: 'local', kind: 'local', label: 'Local', sudo: state.sudo.local ?? false }
    const seen = new Set(sshConfigHosts.map((h) => h.id))
    const manual: HostEntry[] = state.manualHosts
      .filter((h) => !seen.has(`ssh:${h.alias}`))
      .map((h) => ({ id: `ssh:${h.alias}`, kind: 'ssh', label: h.alias, origin: 'manual', sudo: h.sudo }))
    const hosts = [...training, ...fleetHosts.values(), local, ...sshConfigHosts, ...manual, ...fileHosts.values()]
    for (const host of hosts) {
      if (host.kind === 'ssh' && sshSettings.get(host.label)) host.sshSettings = sshSettings.get(host.label)
      const snapshot = snapshots.get(host.id)
      if (snapshot) host.lastCapturedAt = snapshot.host.capturedAt
    }
    return hosts
  }

  function findHost(hostId: string): HostEntry {
    const host = allHosts().find((h) => h.id === hostId)
    if (!host) throw new AppFailure({ code: 'not-found', message: `Unknown host "${hostId}".` })
    return host
  }

  function requireSnapshot(hostId: string): Snapshot {
    const snapshot = snapshots.get(hostId)
    if (!snapshot)
      throw new AppFailure({
        code: 'not-found',
        message: `No snapshot of "${hostId}" yet.`,
        remedy: 'Connect to the host (or refresh it) first.'
      })
    return snapshot
  }

  function unwrap<T>(result: Result<T>): T {
    if (!result.ok) throw new AppFailure(result.error)
    return result.value
  }

  async function rememberRecent(hostId: string): Promise<void> {
    const recent = [hostId, ...state.preferences.recentHosts.filter((h) => h !== hostId)].slice(0, 10)
    state.preferences = { ...state.preferences, recentHosts: recent }
    await saveState()
  }

  /** The SOURCE string for a host id (see the CLI's SOURCE syntax). */
  function sourceOf(host: HostEntry): string {
    return host.kind === 'ssh' ? sourceText({ kind: 'ssh', alias: host.label }) : host.id
  }

  async function addManualSsh(alias: string, sudo: boolean): Promise<Result<HostEntry>> {
    const checked = checkSshAlias(alias)
    if (!checked.ok) return checked
    if (!state.manualHosts.some((h) => h.alias === alias)) state.manualHosts.push({ alias, sudo })
    await saveState()
    await loadSshSettings([alias])
    const hosts = allHosts()
    emit('hostsChanged', hosts)
    return ok(hosts.find((h) => h.id === `ssh:${alias}`)!)
  }

  /** Registers an opened file's snapshot as a host: `file:<name>`, numbered when the name is taken. */
  function registerFile(name: string, snapshot: Snapshot): HostEntry {
    const safeName = name.replace(/[^\w.\- ]/g, '_').slice(0, 120)
    let id = `file:${safeName}`
    for (let n = 2; fileHosts.has(id); n++) id = `file:${safeName} (${n})`
    const entry: HostEntry = {
      id,
      kind: 'file',
      label: safeName,
      sudo: false,
      lastCapturedAt: snapshot.host.capturedAt
    }
    fileHosts.set(id, entry)
    snapshots.set(id, snapshot)
    return entry
  }

  /** Captures one host (a file host answers its snapshot), with progress events; the snapshot is kept. */
  async function captureInto(host: HostEntry): Promise<Result<Snapshot>> {
    const hostId = host.id
    if (host.kind === 'file') {
      const snapshot = snapshots.get(hostId)
      return snapshot
        ? ok(snapshot)
        : fail('not-found', `No snapshot of "${hostId}" yet.`, { remedy: 'Connect to the host (or refresh it) first.' })
    }
    captures.get(hostId)?.abort()
    const controller = new AbortController()
    captures.set(hostId, controller)
    emit('captureProgress', { hostId, phase: 'started', done: 0, total: 0 })
    try {
      const result = await deps.snapshotFromSource(sourceOf(host), {
        sudo: state.sudo[hostId] ?? host.sudo,
        signal: controller.signal,
        onProgress: (progress) => emit('captureProgress', { ...progress, hostId }),
        onTopology: (snapshot) => emit('snapshotPartial', { hostId, snapshot, pending: ['conntrack'] })
      })
      if (!result.ok) {
        emit('captureProgress', {
          hostId,
          phase: result.error.code === 'cancelled' ? 'cancelled' : 'failed',
          done: 0,
          total: 0,
          message: result.error.message
        })
        return result
      }
      snapshots.set(hostId, result.value)
      emit('captureProgress', { hostId, phase: 'done', done: 1, total: 1 })
      await rememberRecent(hostId)
      return result
    } finally {
      if (captures.get(hostId) === controller) captures.delete(hostId)
    }
  }

  const fleet = createFleetHandlers({
    deps,
    loaded,
    hostById: (id) => allHosts().find((h) => h.id === id) ?? null,
    captureInto,
    registerFile,
    registerHost: (entry) => void fleetHosts.set(entry.id, entry),
    addManualSsh: (alias) => addManualSsh(alias, false),
    hostsChanged: () => emit('hostsChanged', allHosts())
  })

  const handlers: ApiHandlers = {
    getAppInfo: () => ({ name: 'NetLens', version: deps.version, transport, platform: deps.platform }),

    listHosts: async () => {
      await loaded
      await refreshSshHosts()
      return allHosts()
    },

    addSshHost: async ({ alias, sudo }) => {
      await loaded
      return unwrap(await addManualSsh(alias, sudo))
    },

    removeHost: async ({ hostId }) => {
      await loaded
      state.manualHosts = state.manualHosts.filter((h) => `ssh:${h.alias}` !== hostId)
      fileHosts.delete(hostId)
      fleetHosts.delete(hostId)
      snapshots.delete(hostId)
      samplers.get(hostId)?.stop()
      samplers.delete(hostId)
      packets.stopHost(hostId)
      state.preferences.recentHosts = state.preferences.recentHosts.filter((h) => h !== hostId)
      await saveState()
      emit('hostsChanged', allHosts())
      return null
    },

    setHostSudo: async ({ hostId, sudo }) => {
      await loaded
      const host = findHost(hostId)
      state.sudo[hostId] = sudo
      const manual = state.manualHosts.find((h) => `ssh:${h.alias}` === hostId)
      if (manual) manual.sudo = sudo
      await saveState()
      return { ...host, sudo }
    },

    captureHost: async ({ hostId }) => {
      await loaded
      return unwrap(await captureInto(findHost(hostId)))
    },

    cancelCapture: ({ hostId }) => {
      const controller = captures.get(hostId)
      controller?.abort()
      return { cancelled: Boolean(controller) }
    },

    getSnapshot: ({ hostId }) => snapshots.get(hostId) ?? null,

    openFile: async ({ name, content }) => {
      const bytes = Buffer.byteLength(content, 'utf8')
      if (bytes > MAX_SOURCE_FILE_BYTES) unwrap(fileTooLarge(name, bytes))
      const entry = registerFile(name, unwrap(await deps.snapshotFromFileContent(name, content)))
      emit('hostsChanged', allHosts())
      return entry
    },

    exportSnapshot: ({ hostId }) => {
      const snapshot = requireSnapshot(hostId)
      const stamp = snapshot.host.capturedAt.replace(/[:.]/g, '-')
      const base = (snapshot.host.hostname || 'host').replace(/[^\w.-]/g, '_')
      return { fileName: `${base}-${stamp}.netlens.json`, content: JSON.stringify(snapshot, null, 2) }
    },

    diffSnapshots: ({ a, b }) => deps.diff(requireSnapshot(a), requireSnapshot(b)),

    diagnose: ({ hostId }) => deps.diagnose(requireSnapshot(hostId)),

    // The UI shows bidi controls as marks and sends names back as shown: turn them into the host's names.
    trace: ({ hostId, from, to }) =>
      deps.trace(requireSnapshot(hostId), unmarkBidiControls(from), unmarkBidiControls(to)),

    listScenarios: () => deps.listScenarios(),

    listLessons: () => deps.listLessons(),

    gradeLesson: ({ lessonId, answer }) => deps.gradeLesson(lessonId, answer),

    saveScenario: (args) => {
      const saved = unwrap(deps.saveScenario(requireSnapshot(args.hostId), args))
      // The new file is a training host (and its exercise a lesson): every window lists it.
      emit('hostsChanged', allHosts())
      return saved
    },

    startSampling: async ({ hostId, intervalS }) => {
      await loaded
      const host = findHost(hostId)
      if (host.kind === 'file')
        throw new AppFailure({
          code: 'invalid-argument',
          message: 'A file has no live counters.',
          remedy: 'Connect to the host itself to sample its traffic.'
        })
      const snapshot = requireSnapshot(hostId)
      samplers.get(hostId)?.stop()
      samplers.set(
        hostId,
        deps.startSampler({
          hostId,
          source: sourceOf(host),
          sudo: state.sudo[hostId] ?? host.sudo,
          snapshot,
          intervalS,
          onSample: (sample) => emit('trafficSample', sample)
        })
      )
      return { intervalS }
    },

    stopSampling: ({ hostId }) => {
      samplers.get(hostId)?.stop()
      samplers.delete(hostId)
      return null
    },

    getTrafficHistory: ({ hostId, windowS }) => ({
      hostId,
      samples: samplers.get(hostId)?.history(windowS) ?? []
    }),

    startPacketCapture: async ({ hostId, target, filter, count, durationS }) => {
      await loaded
      const host = findHost(hostId)
      if (host.kind === 'file')
        throw new AppFailure({
          code: 'invalid-argument',
          message: 'A file has no live packets.',
          remedy: 'Connect to the host itself to capture its packets.'
        })
      const snapshot = requireSnapshot(hostId)
      return packets.start({
        hostId,
        source: sourceOf(host),
        sudo: state.sudo[hostId] ?? host.sudo,
        snapshot,
        target,
        filter,
        count,
        durationS
      })
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
      return state.preferences
    },

    setPreferences: async (changes) => {
      await loaded
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined))
      state.preferences = { ...state.preferences, ...defined }
      await saveState()
      return state.preferences
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
      captures.forEach((c) => c.abort())
      samplers.forEach((s) => s.stop())
      packets.dispose()
      samplers.clear()
      listeners.clear()
    }
  }
}
