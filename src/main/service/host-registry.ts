/**
 * The hosts the sidebar lists, in its order: training scenarios, hosts a fleet added, the local
 * host, the ssh config's aliases, aliases added by hand, and opened files. Also what `ssh -G` says
 * each alias really reaches, and the SOURCE each host is captured from.
 */
import type { HostEntry } from '../../shared/api/types'
import { AppFailure, ok, type Result } from '../../shared/result'
import type { Snapshot } from '../../shared/snapshot/schema'
import { checkSshAlias } from '../../shared/ssh-alias'
import { sourceText } from '../sources/ref'
import type { ServiceDeps } from './deps'
import type { StateStore } from './state-store'

export interface HostRegistry {
  /** Reads the ssh config again (and `ssh -G` for aliases not asked yet). */
  refreshSshHosts(): Promise<void>
  allHosts(): HostEntry[]
  hostById(hostId: string): HostEntry | null
  /** The host, or a not-found failure. */
  findHost(hostId: string): HostEntry
  addManualSsh(alias: string, sudo: boolean): Promise<Result<HostEntry>>
  /** An opened file's snapshot as a host: `file:<name>`, numbered when the name is taken. */
  registerFile(name: string, snapshot: Snapshot): HostEntry
  /** A host a fleet added (one per host of a multi-host training scenario). */
  registerFleetHost(entry: HostEntry): void
  /** Forgets a manual alias, a file or a fleet host (the caller saves the state). */
  forget(hostId: string): void
  /** The SOURCE string a host is captured from (see the CLI's SOURCE syntax). */
  sourceOf(host: HostEntry): string
}

/** `ssh -G` is asked for at most this many aliases at once. */
const SSH_SETTINGS_BATCH = 64

export function createHostRegistry(
  deps: Pick<ServiceDeps, 'listSshHosts' | 'sshEffectiveSettings' | 'listScenarios'>,
  store: StateStore,
  snapshots: Map<string, Snapshot>
): HostRegistry {
  const fileHosts = new Map<string, HostEntry>()
  const fleetHosts = new Map<string, HostEntry>()
  let sshConfigHosts: HostEntry[] = []
  /** `ssh -G` answers per alias: what the user's ssh will really do (hostname, user, port, jump). */
  const sshSettings = new Map<string, Record<string, string>>()

  async function loadSshSettings(aliases: string[]): Promise<void> {
    const missing = aliases.filter((alias) => !sshSettings.has(alias)).slice(0, SSH_SETTINGS_BATCH)
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
        sudo: store.state.sudo[`ssh:${h.alias}`] ?? false
      }))
    } catch {
      sshConfigHosts = []
    }
    await loadSshSettings([...sshConfigHosts.map((h) => h.label), ...store.state.manualHosts.map((h) => h.alias)])
  }

  function allHosts(): HostEntry[] {
    const { state } = store
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

  const hostById = (hostId: string): HostEntry | null => allHosts().find((h) => h.id === hostId) ?? null

  return {
    refreshSshHosts,
    allHosts,
    hostById,
    findHost(hostId) {
      const host = hostById(hostId)
      if (!host) throw new AppFailure({ code: 'not-found', message: `Unknown host "${hostId}".` })
      return host
    },
    async addManualSsh(alias, sudo) {
      const checked = checkSshAlias(alias)
      if (!checked.ok) return checked
      const { state } = store
      if (!state.manualHosts.some((h) => h.alias === alias)) state.manualHosts.push({ alias, sudo })
      await store.save()
      await loadSshSettings([alias])
      return ok(hostById(`ssh:${alias}`)!)
    },
    registerFile(name, snapshot) {
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
    },
    registerFleetHost: (entry) => void fleetHosts.set(entry.id, entry),
    forget(hostId) {
      const { state } = store
      state.manualHosts = state.manualHosts.filter((h) => `ssh:${h.alias}` !== hostId)
      fileHosts.delete(hostId)
      fleetHosts.delete(hostId)
    },
    sourceOf: (host) => (host.kind === 'ssh' ? sourceText({ kind: 'ssh', alias: host.label }) : host.id)
  }
}
