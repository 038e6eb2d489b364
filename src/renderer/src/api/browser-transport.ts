/**
 * Browser mode client: the same NetLensApi over HTTP (calls) and one WebSocket (push events), served
 * by src/main/server on 127.0.0.1. The per-run token comes from the URL the server printed
 * (`?token=…`) and is kept in sessionStorage so reloads keep working.
 */
import { apiCallNames, type ApiEventName, type ApiEvents, type NetLensApi } from '@shared/api/contract'
import type { Result } from '@shared/result'

const TOKEN_KEY = 'netlens.token'

export function readToken(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    // Keep the token out of the address bar, history and screenshots.
    const url = new URL(window.location.href)
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.toString())
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? ''
}

export function createBrowserTransport(token: string = readToken()): NetLensApi {
  type Listener = (payload: unknown) => void
  const listeners = new Map<ApiEventName, Set<Listener>>()
  let socket: WebSocket | null = null
  let retryMs = 500

  function connect(): void {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
    socket = new WebSocket(`${scheme}://${window.location.host}/api/events?token=${encodeURIComponent(token)}`)
    socket.onmessage = (message) => {
      try {
        const { event, payload } = JSON.parse(String(message.data)) as { event: ApiEventName; payload: unknown }
        listeners.get(event)?.forEach((listener) => listener(payload))
      } catch {
        /* a malformed push is dropped, never thrown into the UI */
      }
    }
    socket.onopen = () => (retryMs = 500)
    socket.onclose = () => {
      socket = null
      if ([...listeners.values()].some((set) => set.size > 0)) {
        setTimeout(connect, retryMs)
        retryMs = Math.min(retryMs * 2, 10_000)
      }
    }
  }

  async function call(name: string, args: unknown): Promise<Result<unknown>> {
    try {
      const response = await fetch(`/api/call/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-netlens-token': token },
        body: JSON.stringify(args ?? {})
      })
      if (response.status === 401 || response.status === 403) {
        return { ok: false, error: { code: 'permission-denied', message: 'The browser-mode token is missing or wrong.', remedy: 'Open the exact URL that `netlens serve` printed.' } }
      }
      return (await response.json()) as Result<unknown>
    } catch (e) {
      return { ok: false, error: { code: 'unreachable', message: `NetLens backend unreachable: ${String(e)}` } }
    }
  }

  const api = Object.fromEntries(apiCallNames.map((name) => [name, (args: unknown) => call(name, args)])) as unknown as NetLensApi
  api.subscribe = <E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) => {
    if (!listeners.has(event)) listeners.set(event, new Set())
    listeners.get(event)!.add(listener as Listener)
    if (!socket) connect()
    return () => {
      listeners.get(event)?.delete(listener as Listener)
    }
  }
  return api
}
