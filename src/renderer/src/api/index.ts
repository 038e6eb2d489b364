/**
 * The renderer's ONLY door to the backend. In the desktop app the preload exposes `window.netlens`
 * (one contextBridge method per call); in browser mode the same API goes over HTTP + WebSocket.
 * Stores import `api` from here, and tests mock this module. Every answer shows bidi controls as
 * visible marks (visible-text.ts).
 */
import type { NetLensApi } from '@shared/api/contract'
import { createBrowserTransport } from './browser-transport'
import { withVisibleText } from './visible-text'

declare global {
  interface Window {
    netlens?: NetLensApi
  }
}

export const transportKind: 'ipc' | 'browser' = typeof window !== 'undefined' && window.netlens ? 'ipc' : 'browser'

/**
 * Electron IPC uses the structured clone algorithm, which refuses Vue's reactive proxies ("could not
 * be cloned"). Arguments are plain JSON by contract, so a JSON round trip makes them cloneable.
 */
function withPlainArguments(ipc: NetLensApi): NetLensApi {
  const wrapped: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(ipc)) {
    wrapped[name] =
      name === 'subscribe'
        ? method
        : (args: unknown) => (method as (a: unknown) => unknown)(args === undefined ? {} : JSON.parse(JSON.stringify(args)))
  }
  return wrapped as unknown as NetLensApi
}

export const api: NetLensApi = withVisibleText(
  typeof window !== 'undefined' && window.netlens ? withPlainArguments(window.netlens) : createBrowserTransport()
)

/** Unwraps a Result for callers that prefer exceptions (stores keep Results). */
export type { NetLensApi }
