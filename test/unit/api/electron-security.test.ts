/** Electron mocked: proves the window's security settings and the IPC sender validation. */
import { describe, expect, it, vi, beforeEach } from 'vitest'

const created: { options: Record<string, unknown>; handlers: Record<string, (...a: unknown[]) => unknown> }[] = []
const sessionHandlers: Record<string, (...a: unknown[]) => unknown> = {}

vi.mock('electron', () => {
  class BrowserWindow {
    handlers: Record<string, (...a: unknown[]) => unknown> = {}
    webContents = {
      setWindowOpenHandler: (fn: (...a: unknown[]) => unknown) => (this.handlers.windowOpen = fn),
      on: (event: string, fn: (...a: unknown[]) => unknown) => (this.handlers[event] = fn)
    }
    constructor(options: Record<string, unknown>) {
      created.push({ options, handlers: this.handlers })
    }
    once() {}
    loadFile() {
      return Promise.resolve()
    }
    loadURL() {
      return Promise.resolve()
    }
  }
  return {
    BrowserWindow,
    shell: { openExternal: vi.fn() },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: (...a: unknown[]) => unknown) => (sessionHandlers.headers = fn) },
        setPermissionRequestHandler: (fn: (...a: unknown[]) => unknown) => (sessionHandlers.permission = fn)
      }
    }
  }
})

beforeEach(() => {
  created.length = 0
})

describe('main window security', () => {
  it('uses contextIsolation, sandbox and no nodeIntegration', async () => {
    const { createMainWindow } = await import('../../../src/main/app-shell/window')
    createMainWindow()
    const prefs = created[0].options.webPreferences as Record<string, unknown>
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.sandbox).toBe(true)
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.webSecurity).toBe(true)
    expect(prefs.allowRunningInsecureContent).toBe(false)
    expect(prefs.webviewTag).toBe(false)
    expect(String(prefs.preload)).toMatch(/preload[/\\]index\.cjs$/)
  })

  it('blocks navigation and new windows', async () => {
    const { createMainWindow } = await import('../../../src/main/app-shell/window')
    createMainWindow()
    const { handlers } = created[0]
    expect(handlers.windowOpen({ url: 'https://evil.example' })).toEqual({ action: 'deny' })
    const event = { preventDefault: vi.fn() }
    handlers['will-navigate'](event, 'https://evil.example')
    expect(event.preventDefault).toHaveBeenCalled()
  })

  it('sets a strict CSP header and denies every permission request', async () => {
    const { createMainWindow } = await import('../../../src/main/app-shell/window')
    createMainWindow()
    let headers: Record<string, string[]> = {}
    sessionHandlers.headers({ responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders))
    const csp = headers['Content-Security-Policy'][0]
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toContain('unsafe-eval')
    let granted: boolean | undefined
    sessionHandlers.permission(null, 'media', (g: boolean) => (granted = g))
    expect(granted).toBe(false)
  })
})

describe('IPC sender validation', () => {
  it('trusts only the app page or the loopback dev server', async () => {
    const { isTrustedAppUrl } = await import('../../../src/main/app-shell/security')
    const app = 'file:///opt/netlens/out/renderer/index.html'
    expect(isTrustedAppUrl('file:///opt/netlens/out/renderer/index.html', app)).toBe(true)
    expect(isTrustedAppUrl('file:///tmp/evil.html', app)).toBe(false)
    expect(isTrustedAppUrl('https://evil.example/', app)).toBe(false)
    expect(isTrustedAppUrl(undefined, app)).toBe(false)
    expect(isTrustedAppUrl('http://localhost:5173/', app, 'http://localhost:5173')).toBe(true)
    expect(isTrustedAppUrl('http://localhost:5174/', app, 'http://localhost:5173')).toBe(false)
  })

  it('refuses calls from an untrusted frame before they reach the backend', async () => {
    const { registerIpc } = await import('../../../src/main/app-shell/ipc')
    const { createBackend } = await import('../../../src/main/service/backend')
    const { fakeDeps } = await import('../../support/fake-deps')
    const handlers = new Map<string, (event: unknown, args: unknown) => Promise<unknown>>()
    registerIpc(
      { handle: (channel: string, fn: never) => void handlers.set(channel, fn), removeHandler: () => undefined },
      createBackend(fakeDeps(), 'ipc'),
      (url) => url === 'file:///app/index.html'
    )
    const call = handlers.get('netlens:listHosts')!
    const refused = (await call({ senderFrame: { url: 'https://evil.example' } }, {})) as { ok: boolean; error: { code: string } }
    expect(refused.ok).toBe(false)
    expect(refused.error.code).toBe('permission-denied')
    const allowed = (await call({ senderFrame: { url: 'file:///app/index.html' } }, {})) as { ok: boolean }
    expect(allowed.ok).toBe(true)
    const invalid = (await handlers.get('netlens:trace')!({ senderFrame: { url: 'file:///app/index.html' } }, { hostId: 5 })) as {
      ok: boolean
      error: { code: string }
    }
    expect(invalid.error.code).toBe('invalid-argument')
  })
})
