/**
 * Registers one ipcMain handler per contract call. Each handler validates the sender frame (only
 * the app's own page), then hands the raw arguments to the backend, which validates them with zod
 * and answers a Result: nothing thrown crosses IPC.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { apiCallNames, apiEventNames } from '../../shared/api/contract'
import { ipcChannel, ipcEventChannel } from '../../shared/api/channels'
import { fail, type Result } from '../../shared/result'
import { plainSnapshot } from '../model/conntrack-table'
import type { Backend } from '../service/backend'

/**
 * IPC copies values with the structured clone algorithm, which sees no getters: a snapshot's
 * compact conntrack entries (model/conntrack-table.ts) go as plain objects.
 */
function cloneable<T>(result: Result<T>): Result<T> {
  return result.ok ? { ok: true, value: plainSnapshot(result.value) } : result
}

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
      return cloneable(await backend.call(name, args))
    })
  }
  return () => apiCallNames.forEach((name) => ipcMain.removeHandler(ipcChannel(name)))
}

/** A push event's snapshot (if it carries one) as plain objects. */
function plainSnapshotPayload<T>(payload: T): T {
  const snapshot = (payload as { snapshot?: unknown } | null)?.snapshot
  return snapshot === undefined ? payload : { ...payload, snapshot: plainSnapshot(snapshot) }
}

/** Forwards backend push events to one window's renderer. Returns the unsubscribe. */
export function forwardEvents(backend: Backend, contents: Pick<WebContents, 'send' | 'isDestroyed'>): () => void {
  const offs = apiEventNames.map((event) =>
    backend.subscribe(event, (payload) => {
      if (!contents.isDestroyed()) contents.send(ipcEventChannel(event), plainSnapshotPayload(payload))
    })
  )
  return () => offs.forEach((off) => off())
}
