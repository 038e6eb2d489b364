import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serializeCapture } from '../../../src/main/capture/capture-file'
import type { Capture } from '../../../src/main/capture/capture-types'
import { openSource, snapshotFromSource } from '../../../src/main/sources/index'
import type { Result } from '../../../src/shared/result'
import { healthySnapshot } from '../../support/snapshot-builder'
import { listScenarios } from '../../../src/main/sim/index'

// The Source module is tested on its own: the model is stubbed to record what it was given.
const built: Capture[] = []
vi.mock('../../../src/main/model/build-snapshot', async () => {
  const { healthySnapshot: snap } = await import('../../support/snapshot-builder')
  return {
    buildSnapshot: (c: Capture) => {
      built.push(c)
      const s = snap()
      return { ...s, host: { ...s.host, source: c.source } }
    }
  }
})

const capture: Capture = {
  formatVersion: 1,
  source: 'ssh:somewhere',
  capturedAt: '2026-11-28T16:08:37Z',
  sections: [
    { name: 'meta.hostname', command: 'hostname', exitCode: 0, ms: 1, status: 'ok', stdout: 'labhost\n', stderr: '' },
    {
      name: 'iptables.save',
      command: 'iptables-save',
      exitCode: 4,
      ms: 1,
      status: 'permission-denied',
      stdout: '',
      stderr: 'Permission denied (you must be root)\n'
    }
  ]
}

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nltmp-sources-'))
  writeFileSync(join(dir, 'host.cap'), serializeCapture(capture))
  writeFileSync(join(dir, 'snap.json'), JSON.stringify(healthySnapshot()))
  writeFileSync(join(dir, 'bad.json'), '{"schemaVersion": 1, "host": 3}')
  writeFileSync(join(dir, 'other.txt'), 'hello\n')
  writeFileSync(join(dir, 'truncated.cap'), serializeCapture(capture).slice(0, 300))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** SOURCE text → what the Source captured (a capture, or a snapshot file's snapshot), with its kind. */
async function resolveSource(text: string): Promise<Result<{ kind: string; capture?: Capture; snapshot?: unknown }>> {
  const source = openSource(text)
  if (!source.ok) return source
  const content = await source.value.capture()
  return content.ok ? { ok: true, value: { kind: source.value.ref.kind, ...content.value } } : content
}

describe('Source.capture()', () => {
  it('reads a capture file (detected by its header, not its name) as file:<name>', async () => {
    writeFileSync(join(dir, 'noext'), serializeCapture(capture))
    for (const [path, name] of [
      [join(dir, 'host.cap'), 'host.cap'],
      [join(dir, 'noext'), 'noext'],
      [`file:${join(dir, 'host.cap')}`, 'host.cap']
    ]) {
      const r = await resolveSource(path)
      expect(r.ok).toBe(true)
      if (!r.ok) continue
      expect(r.value.kind).toBe('file')
      expect(r.value.capture?.source).toBe(`file:${name}`)
      expect(r.value.capture?.sections).toEqual(capture.sections)
    }
  })

  it('reads and validates a snapshot JSON file', async () => {
    const r = await resolveSource(join(dir, 'snap.json'))
    expect(r.ok && r.value.kind).toBe('file')
    expect(r.ok && r.value.snapshot).toEqual(healthySnapshot())
    const bad = await resolveSource(join(dir, 'bad.json'))
    expect(!bad.ok && bad.error.code).toBe('parse-error')
  })

  it('refuses files that are neither, truncated captures, missing paths and unsafe aliases', async () => {
    for (const [source, code] of [
      [join(dir, 'other.txt'), 'parse-error'],
      [join(dir, 'truncated.cap'), 'parse-error'],
      [join(dir, 'missing.cap'), 'not-found'],
      ['./nope.json', 'not-found'],
      ['-oProxyCommand=x', 'invalid-argument'],
      ['ssh:-oProxyCommand=x', 'invalid-argument'],
      ['', 'invalid-argument']
    ] as const) {
      const r = await resolveSource(source)
      expect(r.ok, source).toBe(false)
      if (!r.ok) expect(r.error.code, source).toBe(code)
    }
  })

  it('snapshotFromSource builds a snapshot from a capture file', async () => {
    const r = await snapshotFromSource(join(dir, 'host.cap'))
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.host.source).toBe('file:host.cap')
    expect(built.at(-1)).toEqual({ ...capture, source: 'file:host.cap' })
  })

  it('renders sim:<scenario> through the simulator, and refuses unknown scenarios', async () => {
    const id = listScenarios()[0]?.id
    expect(id).toBeTruthy()
    const r = await resolveSource(`sim:${id}`)
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.value.kind).toBe('sim')
      expect(r.value.capture?.source).toBe(`sim:${id}`)
      expect(r.value.capture?.sections.length).toBeGreaterThan(0)
    }
    expect((await resolveSource('sim:no-such-scenario')).ok).toBe(false)
  })
})
