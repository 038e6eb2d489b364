/**
 * Registers one ipcMain handler per contract call. Each handler validates the sender frame (only
 * the app's own page), then hands the raw arguments to the backend, which validates them with zod
 * and answers a Result: nothing thrown crosses IPC.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { apiCallNames, apiEventNames } from '../../shared/api/contract'
import { ipcChannel, ipcEventChannel } from '../../shared/api/channels'
import { fail } from '../../shared/result'
import type { Backend } from '../service/backend'

export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  backend: Backend,
  isTrustedSender: (url: string | undefined) => boolean
): () => void {
  for (const name of apiCallNames) {
    ipcMain.handle(ipcChannel(name), async (event: IpcMainInvokeEvent, args: unknown) => {
      if (!isTrustedSender(event.senderFrame?.url)) {
        return fail('permission-denied', 'IPC call from an untrusted frame was refused.')
      }
      return backend.call(name, args)
    })
  }
  return () => apiCallNames.forEach((name) => ipcMain.removeHandler(ipcChannel(name)))
}

/** Forwards backend push events to one window's renderer. Returns the unsubscribe. */
export function forwardEvents(backend: Backend, contents: Pick<WebContents, 'send' | 'isDestroyed'>): () => void {
  const offs = apiEventNames.map((event) =>
    backend.subscribe(event, (payload) => {
      if (!contents.isDestroyed()) contents.send(ipcEventChannel(event), payload)
    })
  )
  return () => offs.forEach((off) => off())
}
