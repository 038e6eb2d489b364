/** Application menu: open a capture/snapshot file, reload, dev tools in development only. */
import { dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Backend } from '../service/backend'

export function buildMenu(window: BrowserWindow, backend: Backend): Menu {
  const openFile = async (): Promise<void> => {
    const picked = await dialog.showOpenDialog(window, {
      title: 'Open a NetLens capture or snapshot',
      properties: ['openFile'],
      filters: [{ name: 'NetLens captures and snapshots', extensions: ['cap', 'json', 'netlens'] }]
    })
    for (const path of picked.filePaths) {
      const content = await readFile(path, 'utf8')
      await backend.call('openFile', { name: basename(path), content })
    }
  }
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Open Capture or Snapshot…', accelerator: 'CmdOrCtrl+O', click: () => void openFile() },
        { type: 'separator' },
        { role: 'quit' }
      ]
    },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'togglefullscreen' }, ...(process.env.ELECTRON_RENDERER_URL ? [{ role: 'toggleDevTools' as const }] : [])] },
    { role: 'help', submenu: [{ label: 'NetLens on the command line: npx netlens --help', enabled: false }] }
  ]
  return Menu.buildFromTemplate(template)
}
