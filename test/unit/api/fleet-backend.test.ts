/**
 * The backend's Fleet calls with the real modules (createDefaultDeps, no state file, an empty ssh
 * config): a multi-host scenario becomes one training host per node; several capture files, and a
 * folder of them, become file hosts; each call answers the fleet report, and the members are
 * ordinary hosts afterwards (their snapshots are there for the other views).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createBackend } from '../../../src/main/service/backend'
import { createDefaultDeps } from '../../../src/main/service/default-deps'
import type { FleetReport } from '../../../src/shared/fleet/types'
import { MAX_SOURCE_FILE_BYTES } from '../../../src/shared/limits'
import { fakeDeps } from '../../support/fake-deps'
import { scenarioCaptureText } from '../../support/fleet-fixtures'

const dir = mkdtempSync(join(tmpdir(), 'netlens-fleet-api-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const sshConfig = join(dir, 'ssh_config')
writeFileSync(sshConfig, '')

const realBackend = () => createBackend(createDefaultDeps({ stateFile: null, sshConfigFile: sshConfig }), 'browser')

function report(r: { ok: boolean; value?: unknown; error?: unknown }): FleetReport {
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value as FleetReport
}

describe('fleetCapture', () => {
  it('opens every host of a multi-host scenario, finds what is wrong across them, and keeps each host', async () => {
    const backend = realBackend()
    const changed: string[][] = []
    backend.subscribe('hostsChanged', (hosts) => changed.push(hosts.map((h) => h.id)))
    const progress = new Set<string>()
    backend.subscribe('captureProgress', (p) => p.phase === 'done' && progress.add(p.hostId))
    const r = report(await backend.call('fleetCapture', { hostIds: ['sim:overlay-fleet-broken'] }))
    const ids = ['node1', 'node2', 'node3'].map((n) => `sim:overlay-fleet-broken#${n}`)
    expect(r.hosts.map((h) => [h.id, h.label, h.state])).toEqual(ids.map((id) => [id, id.split('#')[1], 'ok']))
    expect(r.findings.map((f) => f.id).sort()).toEqual([
      'fleet-overlay-vni-mismatch',
      'fleet-vtep-missing',
      'fleet-vtep-unknown'
    ])
    expect(r.overlays[0].endpoints).toHaveLength(3)
    expect([...progress].sort()).toEqual(ids)
    // The members are training hosts now, with the scenario title and the node in both languages.
    const hosts = await backend.call('listHosts', {})
    const node2 = hosts.ok ? hosts.value.find((h) => h.id === ids[1]) : undefined
    expect(node2).toMatchObject({
      kind: 'training',
      title: { en: 'node2 · Fleet exercise: the overlay that does not connect' }
    })
    expect(node2?.title?.['zh-CN']).toContain('node2')
    expect(changed.at(-1)).toEqual(expect.arrayContaining(ids))
    const snap = await backend.call('getSnapshot', { hostId: ids[2] })
    expect(snap.ok && snap.value?.host.hostname).toBe('node3')
  })

  it('keeps going past hosts it cannot capture, in the order asked', async () => {
    const backend = createBackend(fakeDeps(), 'browser')
    const r = report(
      await backend.call('fleetCapture', {
        hostIds: ['ssh:prod-1', 'ssh:broken', 'nope:x', 'ssh:-oProxyCommand=x', 'local']
      })
    )
    expect(r.hosts.map((h) => [h.id, h.state, h.error?.code ?? null])).toEqual([
      ['ssh:prod-1', 'ok', null],
      ['ssh:broken', 'auth', 'auth-failed'],
      ['nope:x', 'error', 'not-found'],
      ['ssh:-oProxyCommand=x', 'error', 'invalid-argument'],
      ['local', 'ok', null]
    ])
    expect(r.hosts[1].error?.remedy).toBe('Check the key.')
  })

  it('refuses more than 64 at a time and an empty list', async () => {
    const backend = createBackend(fakeDeps(), 'browser')
    expect((await backend.call('fleetCapture', { hostIds: [] })).ok).toBe(false)
    expect((await backend.call('fleetCapture', { hostIds: ['local'], parallel: 65 })).ok).toBe(false)
  })
})

describe('fleetOpenFiles and fleetOpenFolder', () => {
  const folder = join(dir, 'captures')
  mkdirSync(folder)
  for (const n of ['node1', 'node2', 'node3'])
    writeFileSync(join(folder, `${n}.cap`), scenarioCaptureText('overlay-fleet-broken', n))
  writeFileSync(join(folder, 'notes.txt'), 'not a capture')

  it('opens several files at once as file hosts, one row each; a bad file is a failed row', async () => {
    const backend = realBackend()
    const r = report(
      await backend.call('fleetOpenFiles', {
        files: [
          { name: 'node1.cap', content: scenarioCaptureText('overlay-fleet', 'node1') },
          { name: 'node2.cap', content: scenarioCaptureText('overlay-fleet', 'node2') },
          { name: 'junk.cap', content: 'hello' }
        ]
      })
    )
    expect(r.hosts.map((h) => [h.id, h.label, h.state])).toEqual([
      ['file:node1.cap', 'node1', 'ok'],
      ['file:node2.cap', 'node2', 'ok'],
      ['file:junk.cap', 'junk', 'error']
    ])
    expect(r.overlays[0].tunnels[0]).toMatchObject({ forward: true, backward: true })
    const snap = await backend.call('getSnapshot', { hostId: 'file:node2.cap' })
    expect(snap.ok && snap.value?.host.hostname).toBe('node2')
  })

  it('answers a file over the size limit as a too-large row, like openFile, and opens the rest', async () => {
    const backend = realBackend()
    const r = report(
      await backend.call('fleetOpenFiles', {
        files: [
          { name: 'huge.cap', content: 'x'.repeat(MAX_SOURCE_FILE_BYTES + 1) },
          { name: 'node1.cap', content: scenarioCaptureText('overlay-fleet', 'node1') }
        ]
      })
    )
    expect(r.hosts.map((h) => [h.label, h.state, h.error?.code ?? null])).toEqual([
      ['huge', 'error', 'too-large'],
      ['node1', 'ok', null]
    ])
  })

  it('opens a folder of captures on the backend machine', async () => {
    const backend = realBackend()
    const r = report(await backend.call('fleetOpenFolder', { path: folder }))
    expect(r.hosts.map((h) => [h.label, h.state])).toEqual([
      ['node1', 'ok'],
      ['node2', 'ok'],
      ['node3', 'ok']
    ])
    expect(r.findings.map((f) => f.id)).toContain('fleet-overlay-vni-mismatch')
  })

  it('says why when the folder holds no captures or does not exist', async () => {
    const backend = realBackend()
    const empty = join(dir, 'empty')
    mkdirSync(empty)
    const none = await backend.call('fleetOpenFolder', { path: empty })
    expect(!none.ok && none.error.code).toBe('not-found')
    expect(!none.ok && none.error.remedy).toMatch(/netlens capture/)
    const missing = await backend.call('fleetOpenFolder', { path: join(dir, 'nope') })
    expect(!missing.ok && missing.error.code).toBe('not-found')
  })
})
