/**
 * Snapshot captures for the app: one running capture per host (a new one cancels the old), its
 * progress and early topology pushed as events, and the last snapshot of every host kept for the
 * views (a file host's snapshot is the file's).
 */
import type { ApiEventName, ApiEvents } from '../../shared/api/contract'
import type { HostEntry } from '../../shared/api/types'
import { AppFailure, fail, ok, type Result } from '../../shared/result'
import type { Snapshot } from '../../shared/snapshot/schema'
import type { ServiceDeps } from './deps'

type Emit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void

export interface CaptureRequest {
  host: HostEntry
  source: string
  sudo: boolean
}

export interface SnapshotCaptures {
  /** Captures one host with progress events and keeps its snapshot; a file host answers its snapshot. */
  capture(request: CaptureRequest): Promise<Result<Snapshot>>
  /** Cancels the host's running capture; false when none runs. */
  cancel(hostId: string): boolean
  /** The host's last snapshot, or a not-found failure saying to connect first. */
  requireSnapshot(hostId: string): Snapshot
  dispose(): void
}

const noSnapshot = (hostId: string) =>
  ({
    code: 'not-found',
    message: `No snapshot of "${hostId}" yet.`,
    remedy: 'Connect to the host (or refresh it) first.'
  }) as const

export function createSnapshotCaptures(
  deps: Pick<ServiceDeps, 'snapshotFromSource'>,
  snapshots: Map<string, Snapshot>,
  emit: Emit,
  captured: (hostId: string) => Promise<void>
): SnapshotCaptures {
  const running = new Map<string, AbortController>()

  async function capture({ host, source, sudo }: CaptureRequest): Promise<Result<Snapshot>> {
    const hostId = host.id
    if (host.kind === 'file') {
      const snapshot = snapshots.get(hostId)
      const { code, message, remedy } = noSnapshot(hostId)
      return snapshot ? ok(snapshot) : fail(code, message, { remedy })
    }
    running.get(hostId)?.abort()
    const controller = new AbortController()
    running.set(hostId, controller)
    emit('captureProgress', { hostId, phase: 'started', done: 0, total: 0 })
    try {
      const result = await deps.snapshotFromSource(source, {
        sudo,
        signal: controller.signal,
        onProgress: (progress) => emit('captureProgress', { ...progress, hostId }),
        onTopology: (snapshot, pending) => emit('snapshotPartial', { hostId, snapshot, pending })
      })
      if (!result.ok) {
        emit('captureProgress', {
          hostId,
          phase: result.error.code === 'cancelled' ? 'cancelled' : 'failed',
          done: 0,
          total: 0,
          message: result.error.message
        })
        return result
      }
      snapshots.set(hostId, result.value)
      emit('captureProgress', { hostId, phase: 'done', done: 1, total: 1 })
      await captured(hostId)
      return result
    } finally {
      if (running.get(hostId) === controller) running.delete(hostId)
    }
  }

  return {
    capture,
    cancel(hostId) {
      const controller = running.get(hostId)
      controller?.abort()
      return Boolean(controller)
    },
    requireSnapshot(hostId) {
      const snapshot = snapshots.get(hostId)
      if (!snapshot) throw new AppFailure(noSnapshot(hostId))
      return snapshot
    },
    dispose: () => running.forEach((c) => c.abort())
  }
}
