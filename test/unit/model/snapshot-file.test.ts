import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { emptySnapshot } from '../../../src/main/model/empty-snapshot'
import { snapshotJsonSchemaText } from '../../../src/main/model/json-schema'
import { openSnapshot, saveSnapshot, snapshotFromText } from '../../../src/main/model/snapshot-file'
import { fileNameFromSection, sectionNameFromFile } from '../../support/capture-from-dir'

const dir = mkdtempSync(join(tmpdir(), 'netlens-snapshot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('snapshot files', () => {
  const snapshot = { ...emptySnapshot({ source: 'file:x', capturedAt: '2026-11-28T16:09:00.000Z' }), warnings: ['w'] }

  it('saves pretty JSON and opens it again', async () => {
    const path = join(dir, 's.json')
    expect(await saveSnapshot(snapshot, path)).toEqual({ ok: true, value: path })
    expect(readFileSync(path, 'utf8')).toMatch(/^{\n {2}"schemaVersion": 1,\n/)
    expect(await openSnapshot(path)).toEqual({ ok: true, value: snapshot })
  })

  it('names the offending field by its path', async () => {
    const bad = JSON.parse(JSON.stringify(snapshot))
    bad.host.hostname = 42
    const path = join(dir, 'bad.json')
    writeFileSync(path, JSON.stringify(bad))
    const result = await openSnapshot(path)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('parse-error')
      expect(result.error.message).toMatch(/^bad\.json: invalid snapshot at host\.hostname: /)
    }
  })

  it('rejects non-JSON, non-snapshots, other schema versions and missing files', async () => {
    expect(snapshotFromText('nope', 'x').ok).toBe(false)
    const capture = snapshotFromText('{"formatVersion":1,"sections":[]}', 'c.json')
    expect(!capture.ok && capture.error.message).toBe('c.json: not a NetLens snapshot (no schemaVersion)')
    const v2 = snapshotFromText(JSON.stringify({ ...snapshot, schemaVersion: 2 }), 'v2.json')
    expect(!v2.ok && v2.error.message).toMatch(/schemaVersion 2 is not supported/)
    const missing = await openSnapshot(join(dir, 'missing.json'))
    expect(!missing.ok && missing.error.code).toBe('not-found')
  })
})

describe('docs/snapshot.schema.json', () => {
  it('is generated from the current zod schema (run node bin/tsx-run.mjs scripts/gen-json-schema.ts)', () => {
    const committed = readFileSync(join(__dirname, '../../../docs/snapshot.schema.json'), 'utf8')
    expect(committed).toBe(snapshotJsonSchemaText())
  })
})

describe('capture folders', () => {
  it('maps file names to section names and back', () => {
    for (const [file, name] of [
      ['ns--pid-123--ip.link.out', 'ns/pid:123/ip.link'],
      ['ns--docker-1-abcdef--bridge.fdb.out', 'ns/docker:1-abcdef/bridge.fdb'],
      ['ns--ipnetns-lab-wan--igmp.out', 'ns/ipnetns:lab-wan/igmp'],
      ['iptables-legacy.save.out', 'iptables-legacy.save']
    ]) {
      expect(sectionNameFromFile(file)).toBe(name)
      expect(fileNameFromSection(name)).toBe(file)
    }
  })
})
