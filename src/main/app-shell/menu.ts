/** Application menu: open a capture/snapshot file, reload, dev tools in development only. */
import { dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron'
import type { Backend } from '../service/backend'
import { openPathsWithDialog } from './open-file'

export function buildMenu(
  window: BrowserWindow,
  backend: Backend,
  locale: () => Promise<'en' | 'zh-CN'> = async () => 'en'
): Menu {
  const openFile = async (): Promise<void> => {
    const language = await locale()
    const picked = await dialog.showOpenDialog(window, {
      title: language === 'zh-CN' ? '打开 NetLens 采集文件或快照' : 'Open a NetLens capture or snapshot',
      properties: ['openFile'],
      filters: [{ name: 'NetLens captures and snapshots', extensions: ['cap', 'json', 'netlens'] }]
    })
    await openPathsWithDialog(dialog, window, backend, picked.filePaths, language)
  }
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Capture or Snapshot…',
          accelerator: 'CmdOrCtrl+O',
          click: () => void openFile().catch(() => undefined)
        },
        { type: 'separator' },
        { role: 'quit' }
      ]
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'togglefullscreen' },
        ...(process.env.ELECTRON_RENDERER_URL ? [{ role: 'toggleDevTools' as const }] : [])
      ]
    },
    { role: 'help', submenu: [{ label: 'NetLens on the command line: npx netlens --help', enabled: false }] }
  ]
  return Menu.buildFromTemplate(template)
}
