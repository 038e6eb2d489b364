/**
 * Snapshot files: a snapshot saved as pretty JSON (`netlens capture --save x.json`, File → Export),
 * and opened again with full schema validation. A file that is not a valid snapshot yields a
 * parse-error naming the first offending field by its path (e.g. `containers.0.interfaces`).
 */
import { basename } from 'node:path'
import { fail, ok, type Result } from '../../shared/result'
import { READABLE_SCHEMA_VERSIONS, Snapshot, parseSnapshot, upgradeSnapshot } from '../../shared/snapshot/schema'
import { readSourceFileText, writePrivateFile } from '../capture/source-file'

export function serializeSnapshot(snapshot: Snapshot): string {
  return JSON.stringify(snapshot, null, 2) + '\n'
}

/** True when a parsed JSON value looks like a snapshot (rather than, say, a capture). */
export function looksLikeSnapshot(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'schemaVersion' in value
}

/** Validates snapshot text; `name` is only used in messages. */
export function snapshotFromText(text: string, name = 'snapshot'): Result<Snapshot> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return fail('parse-error', `${name}: not JSON (${error instanceof Error ? error.message : String(error)})`, {
      remedy: 'Open a snapshot saved by NetLens (.json) or a capture file.'
    })
  }
  if (!looksLikeSnapshot(value)) return fail('parse-error', `${name}: not a NetLens snapshot (no schemaVersion)`)
  const version = (value as { schemaVersion: unknown }).schemaVersion
  if (typeof version !== 'number' || !READABLE_SCHEMA_VERSIONS.includes(version))
    return fail(
      'parse-error',
      `${name}: snapshot schemaVersion ${JSON.stringify(version)} is not supported (this NetLens reads ${READABLE_SCHEMA_VERSIONS.join(' and ')})`
    )
  const parsed = parseSnapshot(value)
  if (parsed.ok) return ok(parsed.snapshot)
  const issue = Snapshot.safeParse(upgradeSnapshot(value)).error?.issues[0]
  const where = issue ? `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}` : parsed.error
  return fail('parse-error', `${name}: invalid snapshot at ${where}`, { detail: parsed.error })
}

export async function saveSnapshot(snapshot: Snapshot, path: string): Promise<Result<string>> {
  try {
    // Host data: readable by its owner only, like capture files.
    await writePrivateFile(path, serializeSnapshot(snapshot))
    return ok(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return fail(
      code === 'EACCES' || code === 'EPERM' ? 'permission-denied' : 'internal',
      `cannot write ${path}: ${(error as Error).message}`
    )
  }
}

export async function openSnapshot(path: string): Promise<Result<Snapshot>> {
  const text = await readSourceFileText(path)
  return text.ok ? snapshotFromText(text.value, basename(path)) : text
}
