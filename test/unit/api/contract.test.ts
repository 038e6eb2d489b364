/**
 * The contract test: the backend service, the Electron IPC registration, the preload and the
 * browser-mode client cover exactly the calls of src/shared/api/contract.ts, no more and no less.
 */
import { describe, expect, it, vi } from 'vitest'
import { apiCallNames, apiEventNames } from '../../../src/shared/api/contract'
import { ipcChannel } from '../../../src/shared/api/channels'
import { createBackend } from '../../../src/main/service/backend'
import { registerIpc } from '../../../src/main/app-shell/ipc'
import { createBrowserTransport } from '../../../src/renderer/src/api/browser-transport'
import { fakeDeps } from '../../support/fake-deps'

const exposed: Record<string, unknown> = {}
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
  ipcRenderer: { invoke: vi.fn(async () => ({ ok: true, value: null })), on: vi.fn(), removeListener: vi.fn() }
}))

const sorted = (names: Iterable<string>) => [...names].sort()

describe('API contract coverage', () => {
  it('lists calls and events', () => {
    expect(apiCallNames.length).toBeGreaterThan(10)
    expect(apiEventNames).toEqual([
      'captureProgress',
      'trafficSample',
      'hostsChanged',
      'packetBatch',
      'packetCaptureState',
      'snapshotPartial'
    ])
  })

  it('the backend service implements exactly the contract', () => {
    const backend = createBackend(fakeDeps(), 'browser')
    expect(sorted(Object.keys(backend.handlers))).toEqual(sorted(apiCallNames))
    for (const name of apiCallNames) expect(typeof backend.handlers[name]).toBe('function')
  })

  it('the Electron IPC registration registers exactly one channel per call', () => {
    const channels: string[] = []
    registerIpc({ handle: (channel: string) => void channels.push(channel), removeHandler: () => undefined }, createBackend(fakeDeps(), 'ipc'), () => true)
    expect(sorted(channels)).toEqual(sorted(apiCallNames.map(ipcChannel)))
  })

  it('the preload exposes exactly one method per call plus subscribe, and nothing else', async () => {
    await import('../../../src/preload/index')
    const api = exposed.netlens as Record<string, unknown>
    expect(api).toBeDefined()
    expect(sorted(Object.keys(api))).toEqual(sorted([...apiCallNames, 'subscribe']))
    expect(Object.keys(exposed)).toEqual(['netlens'])
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipcRenderer|send|invoke/)
  })

  it('the preload forwards each call to its own channel', async () => {
    const electron = await import('electron')
    const api = exposed.netlens as Record<string, (a: unknown) => Promise<unknown>>
    for (const name of apiCallNames) await api[name]({})
    const invoked = vi.mocked(electron.ipcRenderer.invoke).mock.calls.map((c) => c[0] as string)
    expect(sorted(new Set(invoked))).toEqual(sorted(apiCallNames.map(ipcChannel)))
  })

  it('the browser-mode client exposes exactly one method per call plus subscribe', () => {
    const client = createBrowserTransport('token')
    expect(sorted(Object.keys(client))).toEqual(sorted([...apiCallNames, 'subscribe']))
  })
})
