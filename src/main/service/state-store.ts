/**
 * What the backend remembers between runs: preferences, the ssh hosts added by hand and each
 * host's sudo choice, in one JSON file (deps.stateFile; kept in memory when there is none).
 */
import { DEFAULT_PREFERENCES, type HostEntry, type Preferences } from '../../shared/api/types'
import { isValidSshAlias } from '../../shared/ssh-alias'
import type { ServiceDeps } from './deps'

export interface PersistedState {
  preferences: Preferences
  manualHosts: { alias: string; sudo: boolean }[]
  sudo: Record<string, boolean>
}

export interface StateStore {
  /** Settles once the state file was read (or found missing or damaged). */
  loaded: Promise<void>
  /** The live state: the other parts change it in place, then call save(). */
  readonly state: PersistedState
  save(): Promise<void>
  /** Whether captures of this host run their privileged sections through sudo. */
  sudoFor(host: HostEntry): boolean
  /** Puts a host first in the recent list (ten at most) and saves. */
  rememberRecent(hostId: string): Promise<void>
  setPreferences(changes: Partial<Preferences>): Promise<Preferences>
}

export function createStateStore(deps: Pick<ServiceDeps, 'stateFile' | 'readState' | 'writeState'>): StateStore {
  let state: PersistedState = { preferences: { ...DEFAULT_PREFERENCES }, manualHosts: [], sudo: {} }

  async function load(): Promise<void> {
    if (!deps.stateFile) return
    try {
      const text = await deps.readState(deps.stateFile)
      if (!text) return
      const parsed = JSON.parse(text) as Partial<PersistedState>
      state = {
        preferences: { ...DEFAULT_PREFERENCES, ...(parsed.preferences ?? {}) },
        manualHosts: Array.isArray(parsed.manualHosts)
          ? parsed.manualHosts.filter((h) => typeof h?.alias === 'string' && isValidSshAlias(h.alias))
          : [],
        sudo: parsed.sudo ?? {}
      }
    } catch {
      /* a corrupt state file falls back to defaults; it is rewritten on the next change */
    }
  }

  async function save(): Promise<void> {
    if (!deps.stateFile) return
    await deps.writeState(deps.stateFile, JSON.stringify(state, null, 2))
  }

  return {
    loaded: load(),
    get state() {
      return state
    },
    save,
    sudoFor: (host) => state.sudo[host.id] ?? host.sudo,
    async rememberRecent(hostId) {
      const recent = [hostId, ...state.preferences.recentHosts.filter((h) => h !== hostId)].slice(0, 10)
      state.preferences = { ...state.preferences, recentHosts: recent }
      await save()
    },
    async setPreferences(changes) {
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined))
      state.preferences = { ...state.preferences, ...defined }
      await save()
      return state.preferences
    }
  }
}
