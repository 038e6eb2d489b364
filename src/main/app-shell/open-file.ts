/**
 * Opening a file from the desktop app (File → Open, or a file given on the command line): the
 * same bounded read as every other door (regular files, MAX_SOURCE_FILE_BYTES, `too-large`), and an
 * error the user sees in a native dialog instead of a rejected promise nobody reads.
 */
import type { BrowserWindow, Dialog } from 'electron'
import { basename } from 'node:path'
import type { HostEntry } from '../../shared/api/types'
import type { AppError, Result } from '../../shared/result'
import { readSourceFileText } from '../capture/source-file'
import type { Backend } from '../service/backend'

export async function openPathInBackend(backend: Backend, path: string): Promise<Result<HostEntry>> {
  const name = basename(path).slice(0, 255) || 'capture'
  const text = await readSourceFileText(path, name)
  if (!text.ok) return text
  return backend.call('openFile', { name, content: text.value })
}

/** The dialog for a file that could not be opened, in the UI language. */
export function openErrorDialog(
  error: AppError,
  locale: 'en' | 'zh-CN'
): { title: string; message: string; detail: string } {
  return {
    title: locale === 'zh-CN' ? '无法打开文件' : 'Cannot open the file',
    message: error.message,
    detail: error.remedy ?? ''
  }
}

/** Opens each path; failures are shown, never thrown. */
export async function openPathsWithDialog(
  dialog: Pick<Dialog, 'showMessageBox'>,
  window: BrowserWindow | null,
  backend: Backend,
  paths: string[],
  locale: 'en' | 'zh-CN'
): Promise<void> {
  for (const path of paths) {
    let result: Result<HostEntry>
    try {
      result = await openPathInBackend(backend, path)
    } catch (e) {
      result = { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } }
    }
    if (!result.ok) {
      const options = { type: 'error' as const, ...openErrorDialog(result.error, locale) }
      await (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options))
    }
  }
}
