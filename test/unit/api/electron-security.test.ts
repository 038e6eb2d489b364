/** Electron mocked: proves the window's security settings and the IPC sender validation. */
import { describe, expect, it, vi, beforeEach } from 'vitest'

const created: { options: Record<string, unknown>; handlers: Record<string, (...a: unknown[]) => unknown> }[] = []
const sessionHandlers: Record<string, (...a: unknown[]) => unknown> = {}
const electron = vi.hoisted(() => ({
  openExternal: vi.fn(async (_url: string) => undefined),
  showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 1 })),
  showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: false, filePaths: [] as string[] })),
  menuTemplates: [] as unknown[]
}))

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
    shell: { openExternal: electron.openExternal },
    dialog: { showMessageBox: electron.showMessageBox, showOpenDialog: electron.showOpenDialog },
    Menu: { buildFromTemplate: (template: unknown) => (electron.menuTemplates.push(template), { template }) },
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
  electron.openExternal.mockClear()
  electron.showMessageBox.mockClear()
  electron.showOpenDialog.mockClear()
  electron.menuTemplates.length = 0
})

/** Lets queued promise callbacks (the dialog, then openExternal) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

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
    sessionHandlers.headers(
      { responseHeaders: {} },
      (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders)
    )
    const csp = headers['Content-Security-Policy'][0]
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toContain('unsafe-eval')
    let granted: boolean | undefined
    sessionHandlers.permission(null, 'media', (g: boolean) => (granted = g))
    expect(granted).toBe(false)
  })
})

describe('links that leave the app', () => {
  const docs = 'https://github.com/netlens/netlens/blob/main/docs/capture-format.md'

  it('drops every URL that is not NetLens documentation, without asking', async () => {
    const { createMainWindow } = await import('../../../src/main/app-shell/window')
    createMainWindow()
    const { handlers } = created[0]
    for (const url of [
      'https://evil.example/',
      'https://github.com/someone/else',
      'https://github.com.evil.example/netlens/netlens/blob/main/docs/x.md',
      'https://github.com/netlens/netlens/blob/main/docs/../../../../evil/x',
      'https://user@github.com/netlens/netlens/blob/main/docs/x.md',
      'http://github.com/netlens/netlens/blob/main/docs/x.md',
      'file:///etc/passwd',
      'javascript:alert(1)'
    ]) {
      expect(handlers.windowOpen({ url })).toEqual({ action: 'deny' })
    }
    await settle()
    expect(electron.showMessageBox).not.toHaveBeenCalled()
    expect(electron.openExternal).not.toHaveBeenCalled()
  })

  it('asks first, and opens documentation in the browser only when the user says yes', async () => {
    const { createMainWindow } = await import('../../../src/main/app-shell/window')
    createMainWindow({ locale: async () => 'zh-CN' })
    const { handlers } = created[0]
    electron.showMessageBox.mockResolvedValueOnce({ response: 1 })
    expect(handlers.windowOpen({ url: docs })).toEqual({ action: 'deny' })
    await settle()
    await settle()
    expect(electron.showMessageBox).toHaveBeenCalledTimes(1)
    const asked = electron.showMessageBox.mock.calls[0][1] as { message: string; detail: string; cancelId: number }
    expect(asked.message).toContain('在浏览器中打开')
    expect(asked.detail).toBe(docs)
    expect(asked.cancelId).toBe(1)
    expect(electron.openExternal).not.toHaveBeenCalled()

    electron.showMessageBox.mockResolvedValueOnce({ response: 0 })
    handlers.windowOpen({ url: docs })
    await settle()
    await settle()
    expect(electron.openExternal).toHaveBeenCalledWith(docs)
  })
})

describe('content security policy', () => {
  it('gives the packaged app no fetch or WebSocket, and the dev server only its own origin', async () => {
    const { APP_CSP, appCsp } = await import('../../../src/main/app-shell/security')
    expect(APP_CSP).toContain("connect-src 'none'")
    expect(APP_CSP).not.toMatch(/ws:|localhost/)
    expect(appCsp('http://localhost:5173')).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173;")
  })

  it("index.html's meta CSP allows connections to its own origin only (browser mode's socket)", async () => {
    const { readFileSync } = await import('node:fs')
    const html = readFileSync(`${__dirname}/../../../src/renderer/index.html`, 'utf8')
    const csp = /Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(csp).toContain("connect-src 'self';")
    expect(csp).not.toMatch(/ws:|localhost|127\.0\.0\.1/)
  })
})

describe('File → Open', () => {
  it('applies the file size limit and shows the refusal in a dialog instead of throwing', async () => {
    const { mkdtempSync, rmSync, truncateSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { buildMenu } = await import('../../../src/main/app-shell/menu')
    const { createBackend } = await import('../../../src/main/service/backend')
    const { fakeDeps } = await import('../../support/fake-deps')
    const dir = mkdtempSync(join(tmpdir(), 'netlens-menu-'))
    try {
      const big = join(dir, 'big.cap')
      writeFileSync(big, '')
      truncateSync(big, 900 * 1024 * 1024)
      const good = join(dir, 'good.json')
      writeFileSync(good, '{"schemaVersion":1}')
      const backend = createBackend(fakeDeps(), 'ipc')
      const opened: string[] = []
      backend.subscribe('hostsChanged', (hosts) =>
        opened.push(...hosts.filter((h) => h.kind === 'file').map((h) => h.id))
      )
      buildMenu({} as never, backend, async () => 'en')
      const template = electron.menuTemplates[0] as { submenu: { click?: () => void }[] }[]
      const open = template[0].submenu[0].click!

      electron.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [big, '/dev/zero'] })
      open()
      await vi.waitFor(() => expect(electron.showMessageBox).toHaveBeenCalledTimes(2))
      const [first, second] = electron.showMessageBox.mock.calls.map((c) => c[1] as { type: string; message: string })
      expect(first).toMatchObject({ type: 'error', message: 'big.cap: file too large (900 MB; limit 256 MB)' })
      expect(second.message).toMatch(/not a regular file/)
      expect(opened).toEqual([])

      electron.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [good] })
      open()
      await vi.waitFor(() => expect(opened).toEqual(['file:good.json']))
      expect(electron.showMessageBox).toHaveBeenCalledTimes(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
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
    const refused = (await call({ senderFrame: { url: 'https://evil.example' } }, {})) as {
      ok: boolean
      error: { code: string }
    }
    expect(refused.ok).toBe(false)
    expect(refused.error.code).toBe('permission-denied')
    const allowed = (await call({ senderFrame: { url: 'file:///app/index.html' } }, {})) as { ok: boolean }
    expect(allowed.ok).toBe(true)
    const invalid = (await handlers.get('netlens:trace')!(
      { senderFrame: { url: 'file:///app/index.html' } },
      { hostId: 5 }
    )) as {
      ok: boolean
      error: { code: string }
    }
    expect(invalid.error.code).toBe('invalid-argument')
  })
})
