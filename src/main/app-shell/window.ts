/** The main window: hardened web preferences, CSP header, navigation and new windows blocked. */
import { BrowserWindow, dialog, session, shell } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { appCsp, externalLinkQuestion, isDocumentationUrl, secureWebPreferences } from './security'

export function appIndexPath(): string {
  return join(__dirname, '../renderer/index.html')
}

export function appIndexUrl(): string {
  return pathToFileURL(appIndexPath()).toString()
}

export interface MainWindowOptions {
  /** The UI language, for the native dialogs the window shows. */
  locale?: () => Promise<'en' | 'zh-CN'>
}

/** Asks first; opens the link in the user's browser only when they say so. */
async function askToOpenExternal(window: BrowserWindow, url: string, locale: 'en' | 'zh-CN'): Promise<void> {
  const { response } = await dialog.showMessageBox(window, { type: 'question', ...externalLinkQuestion(url, locale) })
  if (response === 0) await shell.openExternal(url)
}

export function createMainWindow(options: MainWindowOptions = {}): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1100,
    minHeight: 700,
    show: false,
    title: 'NetLens',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/index.cjs'))
  })

  const devUrl = process.env.ELECTRON_RENDERER_URL
  const csp = appCsp(devUrl)
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  // No permission (camera, notifications, …) is ever needed.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))

  window.webContents.setWindowOpenHandler(({ url }) => {
    // Nothing opens inside the app. NetLens's own documentation may open in the user's browser,
    // after asking; any other URL (a link planted in host data, a script's window.open) is dropped.
    if (isDocumentationUrl(url)) {
      void (options.locale?.() ?? Promise.resolve('en' as const))
        .then((locale) => askToOpenExternal(window, url, locale))
        .catch(() => undefined)
    }
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.once('ready-to-show', () => window.show())

  if (devUrl) void window.loadURL(devUrl)
  else void window.loadFile(appIndexPath())
  return window
}
