/**
 * The Fleet calls of the backend: capture many hosts at once, open several capture files, or open
 * a folder of captures on the backend's machine; each answers the fleet report (table rows,
 * findings across hosts, overlay drawing). Members become ordinary hosts (a capture lands in the
 * same snapshot store, a file becomes a file host), so clicking a row opens the host's views.
 */
import { basename, extname } from 'node:path'
import type { ApiHandlers } from '../../shared/api/contract'
import type { HostEntry } from '../../shared/api/types'
import { buildFleetReport } from '../../shared/fleet/report'
import type { FleetHostInput } from '../../shared/fleet/summary'
import { AppFailure, type AppError, type Result } from '../../shared/result'
import type { Snapshot } from '../../shared/snapshot/schema'
import { MAX_SOURCE_FILE_BYTES } from '../../shared/limits'
import { fileTooLarge } from '../capture/source-file'
import { mapBounded } from '../fleet/capture'
import type { ServiceDeps } from './deps'

export interface FleetBackendPort {
  deps: ServiceDeps
  loaded: Promise<void>
  hostById(id: string): HostEntry | null
  /** The backend's own capture of one host (progress events, snapshot kept). */
  captureInto(host: HostEntry): Promise<Result<Snapshot>>
  registerFile(name: string, snapshot: Snapshot): HostEntry
  registerHost(entry: HostEntry): void
  addManualSsh(alias: string): Promise<Result<HostEntry>>
  hostsChanged(): void
}

type FleetHandlers = Pick<ApiHandlers, 'fleetCapture' | 'fleetOpenFiles' | 'fleetOpenFolder'>

/** At most this many files of a folder are read at once. */
const FOLDER_PARALLEL = 8

/** What the fleet table calls a host: the alias, the scenario host, the file name without extension. */
function rowLabel(host: HostEntry): string {
  const sim = /^sim:[^#]+#(.+)$/.exec(host.id)
  if (sim) return sim[1]
  if (host.kind === 'file') return basename(host.label, extname(host.label)) || host.label
  return host.label
}

const failedRow = (id: string, label: string, error: AppError): FleetHostInput => ({ id, label, error })

export function createFleetHandlers(port: FleetBackendPort): FleetHandlers {
  const { deps } = port

  /** Every host of a multi-host scenario as its own training host (`sim:<id>#<host>`). */
  function scenarioHosts(id: string): HostEntry[] | null {
    const [scenarioId, only] = id.slice(4).split('#')
    const scenario = deps.listScenarios().find((s) => s.id === scenarioId)
    const names = scenario?.hosts ?? []
    if (!scenario || names.length < 2 || (only !== undefined && !names.includes(only))) return null
    return names
      .filter((name) => only === undefined || name === only)
      .map((name) => ({
        id: `sim:${scenarioId}#${name}`,
        kind: 'training' as const,
        label: `${name} · ${scenario.title.en}`,
        // The node first: the sidebar cuts long titles short.
        title: { en: `${name} · ${scenario.title.en}`, 'zh-CN': `${name} · ${scenario.title['zh-CN']}` },
        sudo: false
      }))
  }

  /** The hosts behind the requested ids, in order; ids that name no host become failed rows. */
  async function membersOf(hostIds: string[]): Promise<(HostEntry | FleetHostInput)[]> {
    const out: (HostEntry | FleetHostInput)[] = []
    let added = false
    for (const id of [...new Set(hostIds)]) {
      const expanded = id.startsWith('sim:') ? scenarioHosts(id) : null
      if (expanded) {
        for (const entry of expanded) {
          if (!port.hostById(entry.id)) {
            port.registerHost(entry)
            added = true
          }
          out.push(port.hostById(entry.id)!)
        }
        continue
      }
      const known = port.hostById(id)
      if (known) out.push(known)
      else if (id.startsWith('ssh:')) {
        const r = await port.addManualSsh(id.slice(4))
        out.push(r.ok ? r.value : failedRow(id, id.slice(4), r.error))
      } else out.push(failedRow(id, id, { code: 'not-found', message: `Unknown host "${id}".` }))
    }
    if (added) port.hostsChanged()
    return out
  }

  async function readFiles(
    files: { name: string; read: () => Promise<Result<Snapshot>> }[],
    parallel: number
  ): Promise<FleetHostInput[]> {
    const rows = await mapBounded(files, parallel, async (file): Promise<FleetHostInput> => {
      const label = basename(file.name, extname(file.name)) || file.name
      const startedAt = Date.now()
      const r = await file.read()
      const endedAt = Date.now()
      if (!r.ok)
        return { ...failedRow(`file:${file.name}`, label, r.error), startedAt, endedAt, captureMs: endedAt - startedAt }
      const entry = port.registerFile(file.name, r.value)
      return { id: entry.id, label, snapshot: r.value, startedAt, endedAt, captureMs: endedAt - startedAt }
    })
    port.hostsChanged()
    return rows
  }

  return {
    fleetCapture: async ({ hostIds, parallel }) => {
      await port.loaded
      const members = await membersOf(hostIds)
      const rows = await mapBounded(members, parallel, async (m): Promise<FleetHostInput> => {
        if (!('kind' in m)) return m
        const startedAt = Date.now()
        const r = await port.captureInto(m)
        const endedAt = Date.now()
        const timing = { startedAt, endedAt, captureMs: m.kind === 'file' ? null : endedAt - startedAt }
        return r.ok
          ? { id: m.id, label: rowLabel(m), snapshot: r.value, ...timing }
          : { ...failedRow(m.id, rowLabel(m), r.error), ...timing }
      })
      return buildFleetReport(rows, (s) => deps.diagnose(s).findings)
    },

    fleetOpenFiles: async ({ files }) => {
      const rows = await readFiles(
        files.map((f) => ({
          name: f.name,
          read: async () => {
            const bytes = Buffer.byteLength(f.content, 'utf8')
            return bytes > MAX_SOURCE_FILE_BYTES
              ? fileTooLarge(f.name, bytes)
              : deps.snapshotFromFileContent(f.name, f.content)
          }
        })),
        1
      )
      return buildFleetReport(rows, (s) => deps.diagnose(s).findings)
    },

    fleetOpenFolder: async ({ path }) => {
      const { members, problems } = await deps.fleetMembers([path])
      const files = members.filter((m) => m.kind === 'file')
      if (!files.length)
        throw new AppFailure(problems[0]?.error ?? { code: 'not-found', message: `${path} holds no capture files.` })
      const rows = await readFiles(
        files.map((m) => ({ name: basename(m.source), read: () => deps.snapshotFromSource(m.source, {}) })),
        FOLDER_PARALLEL
      )
      return buildFleetReport(rows, (s) => deps.diagnose(s).findings)
    }
  }
}
