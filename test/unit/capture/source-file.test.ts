/** Files as sources: a bounded read with a clear `too-large` refusal, regular files only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readSourceFileText } from '../../../src/main/capture/source-file'
import { snapshotFromSource } from '../../../src/main/sources'
import { createBackend } from '../../../src/main/service/backend'
import { MAX_SOURCE_FILE_BYTES } from '../../../src/shared/limits'
import { fakeDeps } from '../../support/fake-deps'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-source-file-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('readSourceFileText', () => {
  it('reads a small file as UTF-8', async () => {
    const path = join(dir, 'small.cap')
    writeFileSync(path, 'NETLENS-CAPTURE 2\n命名空间\n')
    expect(await readSourceFileText(path)).toEqual({ ok: true, value: 'NETLENS-CAPTURE 2\n命名空间\n' })
  })

  it('refuses a file above the limit by its size, before reading it, with sizes and the limit', async () => {
    const path = join(dir, 'huge.cap')
    writeFileSync(path, '')
    truncateSync(path, MAX_SOURCE_FILE_BYTES + 300 * 1024 * 1024) // sparse: no disk space used
    const result = await readSourceFileText(path, 'huge.cap')
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'too-large', message: 'huge.cap: file too large (556 MB; limit 256 MB)' }
    })
  })

  it('applies the limit to what it reads, not only to what stat said', async () => {
    const path = join(dir, 'limit.cap')
    writeFileSync(path, 'x'.repeat(100))
    expect(await readSourceFileText(path, 'limit.cap', 99)).toMatchObject({ ok: false, error: { code: 'too-large' } })
    expect(await readSourceFileText(path, 'limit.cap', 100)).toEqual({ ok: true, value: 'x'.repeat(100) })
  })

  it('refuses what is not a regular file (a device that never ends, a folder)', async () => {
    expect(await readSourceFileText('/dev/zero')).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
    expect(await readSourceFileText(dir)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
    expect(await readSourceFileText(join(dir, 'missing.cap'))).toMatchObject({
      ok: false,
      error: { code: 'not-found' }
    })
  })
})

describe('every door applies the file limit', () => {
  it('a SOURCE file', async () => {
    const path = join(dir, 'source.cap')
    writeFileSync(path, '')
    truncateSync(path, 600 * 1024 * 1024)
    const result = await snapshotFromSource(path)
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'too-large', message: `${path}: file too large (600 MB; limit 256 MB)` }
    })
    expect(await snapshotFromSource('file:/dev/zero')).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
  })

  it("the backend's openFile", async () => {
    const backend = createBackend(fakeDeps(), 'browser')
    const content = 'x'.repeat(MAX_SOURCE_FILE_BYTES + 1)
    const result = await backend.call('openFile', { name: 'big.cap', content })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'too-large', message: 'big.cap: file too large (256.0 MB; limit 256 MB)' }
    })
  })
})

describe('writePrivateFile (netlens capture -o)', () => {
  it('writes 0600, also over an existing world-readable file', async () => {
    const { statSync, chmodSync, readFileSync } = await import('node:fs')
    const { writePrivateFile } = await import('../../../src/main/capture/source-file')
    const fresh = join(dir, 'fresh.cap')
    await writePrivateFile(fresh, 'NETLENS-CAPTURE 2\n')
    expect(statSync(fresh).mode & 0o777).toBe(0o600)
    const existing = join(dir, 'existing.cap')
    writeFileSync(existing, 'old')
    chmodSync(existing, 0o644)
    await writePrivateFile(existing, 'new')
    expect(statSync(existing).mode & 0o777).toBe(0o600)
    expect(readFileSync(existing, 'utf8')).toBe('new')
  })

  it('leaves the mode of what is not a regular file alone', async () => {
    const { statSync } = await import('node:fs')
    const { writePrivateFile } = await import('../../../src/main/capture/source-file')
    const before = statSync('/dev/null').mode
    await writePrivateFile('/dev/null', 'x')
    expect(statSync('/dev/null').mode).toBe(before)
  })
})
