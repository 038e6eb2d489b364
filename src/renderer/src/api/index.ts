/**
 * The renderer's ONLY door to the backend. In the desktop app the preload exposes `window.netlens`
 * (one contextBridge method per call); in browser mode the same API goes over HTTP + WebSocket.
 * Stores import `api` from here, and tests mock this module.
 */
import type { NetLensApi } from '@shared/api/contract'
import { createBrowserTransport } from './browser-transport'

declare global {
  interface Window {
    netlens?: NetLensApi
  }
}

export const transportKind: 'ipc' | 'browser' = typeof window !== 'undefined' && window.netlens ? 'ipc' : 'browser'

export const api: NetLensApi =
  typeof window !== 'undefined' && window.netlens ? window.netlens : createBrowserTransport()

/** Unwraps a Result for callers that prefer exceptions (stores keep Results). */
export type { NetLensApi }
