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
import { parseHostId, sourceText } from '../sources/ref'
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
  function scenarioHosts(scenarioId: string, only: string | null): HostEntry[] | null {
    const scenario = deps.listScenarios().find((s) => s.id === scenarioId)
    const names = scenario?.hosts ?? []
    if (!scenario || names.length < 2 || (only !== null && !names.includes(only))) return null
    return names
      .filter((name) => only === null || name === only)
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
      // Host ids are SOURCE texts (`local`, `ssh:<alias>`, `sim:<id>[#<host>]`, `file:<name>`).
      const ref = parseHostId(id)
      const expanded = ref.ok && ref.value.kind === 'sim' ? scenarioHosts(ref.value.scenario, ref.value.host) : null
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
      else if (ref.ok && ref.value.kind === 'ssh') {
        const alias = ref.value.alias
        const r = await port.addManualSsh(alias)
        out.push(r.ok ? r.value : failedRow(id, alias, r.error))
      } else if (!ref.ok && id.startsWith('ssh:')) out.push(failedRow(id, id.slice(4), ref.error))
      else out.push(failedRow(id, id, { code: 'not-found', message: `Unknown host "${id}".` }))
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
        files.map((m) => ({ name: basename(m.id), read: () => deps.snapshotFromSource(sourceText(m.source), {}) })),
        FOLDER_PARALLEL
      )
      return buildFleetReport(rows, (s) => deps.diagnose(s).findings)
    }
  }
}
