/**
 * Result: the only shape that crosses a process or transport boundary.
 * Thrown errors lose everything but `message` across Electron IPC (electron/electron#24427),
 * so every backend call answers `{ ok: true, value }` or `{ ok: false, error }`.
 */
export type ErrorCode =
  | 'invalid-argument'
  | 'not-found'
  | 'unknown-host-key'
  | 'changed-host-key'
  | 'auth-failed'
  | 'timeout'
  | 'connection-refused'
  | 'unreachable'
  | 'permission-denied'
  | 'missing-tool'
  | 'cancelled'
  | 'parse-error'
  /** A file, request or capture section larger than NetLens reads (src/shared/limits.ts). */
  | 'too-large'
  | 'internal'

export interface AppError {
  code: ErrorCode
  /** One line saying what went wrong. */
  message: string
  /** What the user can do next, e.g. the command to review a host key. */
  remedy?: string
  /** Extra text for a details pane (stderr, stack). */
  detail?: string
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = <T = never>(
  code: ErrorCode,
  message: string,
  extra: { remedy?: string; detail?: string } = {}
): Result<T> => ({ ok: false, error: { code, message, ...extra } })

/** Converts anything thrown into an AppError so nothing thrown crosses a boundary. */
export function toAppError(thrown: unknown): AppError {
  if (isAppError(thrown)) return thrown
  if (thrown instanceof Error) return { code: 'internal', message: thrown.message, detail: thrown.stack }
  return { code: 'internal', message: String(thrown) }
}

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).code === 'string' &&
    typeof (value as AppError).message === 'string'
  )
}

/** An Error that carries an AppError, for code paths inside one process that prefer throwing. */
export class AppFailure extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message)
  }
}
