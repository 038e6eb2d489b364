/**
 * A programmable fake of '@renderer/api' for DOM tests: every call is a vi.fn answering ok(default),
 * and `emit` pushes events to subscribers. Use with:
 *   vi.mock('@renderer/api', async () => (await import('./support/mock-api')).mockModule)
 */
import { vi } from 'vitest'
import { apiCallNames, type ApiEventName, type ApiEvents, type NetLensApi } from '@shared/api/contract'
import { DEFAULT_PREFERENCES } from '@shared/api/types'

type Listener = (payload: unknown) => void
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T))
const listeners = new Map<string, Set<Listener>>()

const defaults: Record<string, unknown> = {
  getAppInfo: { name: 'NetLens', version: 'test', transport: 'browser', platform: 'linux' },
  listHosts: [],
  getPreferences: { ...DEFAULT_PREFERENCES },
  setPreferences: { ...DEFAULT_PREFERENCES },
  getSnapshot: null,
  listLessons: [],
  listScenarios: [],
  diagnose: { findings: [], notChecked: [] },
  removeHost: null,
  stopSampling: null,
  startSampling: { intervalS: 1 },
  getTrafficHistory: { hostId: '', samples: [] },
  cancelCapture: { cancelled: true }
}

export const api = Object.fromEntries(
  apiCallNames.map((name) => [name, vi.fn(async () => ({ ok: true, value: clone(defaults[name] ?? null) }))])
) as unknown as NetLensApi & Record<string, ReturnType<typeof vi.fn>>

;(api as { subscribe: NetLensApi['subscribe'] }).subscribe = (event, listener) => {
  if (!listeners.has(event)) listeners.set(event, new Set())
  listeners.get(event)!.add(listener as Listener)
  return () => listeners.get(event)?.delete(listener as Listener)
}

export function emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
  listeners.get(event)?.forEach((l) => l(payload))
}

/** Preferences behave like the backend: setPreferences merges and answers the whole object. */
let prefsState: Record<string, unknown> = { ...DEFAULT_PREFERENCES }

export function resetApi(): void {
  listeners.clear()
  prefsState = { ...DEFAULT_PREFERENCES }
  for (const name of apiCallNames) {
    const fn = (api as unknown as Record<string, ReturnType<typeof vi.fn>>)[name]
    fn.mockReset()
    fn.mockImplementation(async () => ({ ok: true, value: clone(defaults[name] ?? null) }))
  }
  ;(api as unknown as Record<string, ReturnType<typeof vi.fn>>).getPreferences.mockImplementation(async () => ({
    ok: true,
    value: clone(prefsState)
  }))
  ;(api as unknown as Record<string, ReturnType<typeof vi.fn>>).setPreferences.mockImplementation(
    async (patch: Record<string, unknown>) => {
      prefsState = { ...prefsState, ...patch }
      return { ok: true, value: clone(prefsState) }
    }
  )
}
resetApi()

export function answer(name: string, value: unknown): void {
  ;(api as unknown as Record<string, ReturnType<typeof vi.fn>>)[name].mockImplementation(async () => ({
    ok: true,
    value
  }))
}
export function failWith(name: string, error: { code: string; message: string; remedy?: string }): void {
  ;(api as unknown as Record<string, ReturnType<typeof vi.fn>>)[name].mockImplementation(async () => ({
    ok: false,
    error
  }))
}

export const mockModule = { api, transportKind: 'browser' as const }
