/**
 * Electron entry: lifecycle only. Everything else (backend, capture, parsing, simulator) is plain
 * Node code shared with the CLI and browser mode.
 */
import { app, dialog, ipcMain, Menu } from 'electron'
import { join } from 'node:path'
import { createBackend } from '../service/backend'
import { createDefaultDeps } from '../service/default-deps'
import { forwardEvents, registerIpc } from './ipc'
import { buildMenu } from './menu'
import { openPathsWithDialog } from './open-file'
import { isTrustedAppUrl } from './security'
import { appIndexUrl, createMainWindow } from './window'

app.enableSandbox()

// Every webContents: no navigation away from the app, no new windows, no webviews.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
})

void app.whenReady().then(async () => {
  const backend = createBackend(createDefaultDeps({ stateFile: join(app.getPath('userData'), 'state.json') }), 'ipc')
  registerIpc(ipcMain, backend, (url) => isTrustedAppUrl(url, appIndexUrl(), process.env.ELECTRON_RENDERER_URL))
  // Native dialogs speak the UI language the user picked (read when a dialog is about to show).
  const locale = async (): Promise<'en' | 'zh-CN'> => {
    const preferences = await backend.call('getPreferences', {})
    return preferences.ok ? preferences.value.locale : 'en'
  }

  const window = createMainWindow({ locale })
  const stopForwarding = forwardEvents(backend, window.webContents)
  Menu.setApplicationMenu(buildMenu(window, backend, locale))
  window.on('closed', stopForwarding)

  // `netlens-app capture.cap`: a capture or snapshot file given as an argument opens as a host.
  const fileArg = process.argv.slice(app.isPackaged ? 1 : 2).find((arg) => /\.(cap|json|netlens)$/i.test(arg))
  if (fileArg) await openPathsWithDialog(dialog, window, backend, [fileArg], await locale())

  app.on('window-all-closed', () => {
    backend.dispose()
    app.quit()
  })
})
