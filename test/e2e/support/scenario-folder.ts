/**
 * A scratch scenarios folder for the enclosing describe block: made (with `files` written in it)
 * before the app starts, so register it before `appSession()`, and removed after the app stopped.
 * NETLENS_SCENARIOS_DIR points at it meanwhile; the backend reads that on every call, like the
 * real app, and it is restored afterwards.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'

export function scenarioFolderSession(prefix: string, files: () => Record<string, string> = () => ({})): {
  readonly path: string
} {
  const folder = { path: '' }
  const previous = process.env.NETLENS_SCENARIOS_DIR
  beforeAll(() => {
    folder.path = mkdtempSync(join(tmpdir(), prefix))
    for (const [name, text] of Object.entries(files())) writeFileSync(join(folder.path, name), text)
    process.env.NETLENS_SCENARIOS_DIR = folder.path
  })
  afterAll(() => {
    if (previous === undefined) delete process.env.NETLENS_SCENARIOS_DIR
    else process.env.NETLENS_SCENARIOS_DIR = previous
    if (folder.path) rmSync(folder.path, { recursive: true, force: true })
  })
  return folder
}
