import { describe, expect, it } from 'vitest'
import { createBackend } from '../../../src/main/service/backend'
import { fakeDeps, minimalSnapshot } from '../../support/fake-deps'
import { SCHEMA_VERSION } from '../../../src/shared/snapshot/schema'
import { ok } from '../../../src/shared/result'

describe('backend service', () => {
  it('answers Results and never throws across the boundary', async () => {
    const backend = createBackend(fakeDeps(), 'browser')
    const missing = await backend.call('diagnose', { hostId: 'local' })
    expect(missing.ok).toBe(false)
    if (!missing.ok) expect(missing.error.code).toBe('not-found')
    const bad = await backend.call('trace', { hostId: 1 })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error.code).toBe('invalid-argument')
    const unknown = await backend.call('nope' as never, {})
    expect(unknown.ok).toBe(false)
  })

  it('rejects extra argument keys (strict schemas)', async () => {
    const backend = createBackend(fakeDeps(), 'browser')
    const result = await backend.call('listHosts', { evil: true })
    expect(result.ok).toBe(false)
  })

  it('lists training hosts first, then local, ssh-config hosts and manual hosts', async () => {
    const backend = createBackend(fakeDeps(), 'browser')
    await backend.call('addSshHost', { alias: 'jump-2', sudo: true })
    const hosts = await backend.call('listHosts', {})
    expect(hosts.ok && hosts.value.map((h) => h.id)).toEqual(['sim:bridge-mode', 'local', 'ssh:prod-1', 'ssh:jump-2'])
  })

  it('shows where each SSH alias really connects, from ssh -G', async () => {
    const backend = createBackend(fakeDeps(), 'browser')
    const hosts = await backend.call('listHosts', {})
    expect(hosts.ok && hosts.value.find((h) => h.id === 'ssh:prod-1')?.sshSettings).toEqual({ hostname: 'prod-1' })
  })

  it('refuses SSH aliases that could smuggle options or shell syntax', async () => {
    const backend = createBackend(fakeDeps(), 'browser')
    for (const alias of ['-oProxyCommand=touch /tmp/x', 'a;b', 'a b', '$(id)']) {
      const result = await backend.call('addSshHost', { alias, sudo: false })
      expect(result.ok, alias).toBe(false)
    }
  })

  it('captures a host, emits progress, and keeps the snapshot for the other calls', async () => {
    const backend = createBackend(fakeDeps(), 'browser')
    const phases: string[] = []
    backend.subscribe('captureProgress', (p) => phases.push(p.phase))
    const snap = await backend.call('captureHost', { hostId: 'local' })
    expect(snap.ok && snap.value.host.hostname).toBe('local')
    expect(phases).toEqual(['started', 'done'])
    const again = await backend.call('getSnapshot', { hostId: 'local' })
    expect(again.ok && again.value?.host.hostname).toBe('local')
    const exported = await backend.call('exportSnapshot', { hostId: 'local' })
    expect(exported.ok && JSON.parse(exported.value.content).schemaVersion).toBe(SCHEMA_VERSION)
  })

  it('pushes the topology of a host with a large conntrack table before it answers the whole snapshot', async () => {
    const events: string[] = []
    const partial = minimalSnapshot({
      host: {
        hostname: 'early',
        kernel: null,
        dockerVersion: null,
        iptablesBackend: null,
        capturedAt: '2026-11-28T00:00:00Z'
      }
    })
    const backend = createBackend(
      fakeDeps({
        snapshotFromSource: async (_source, opts) => {
          opts.onTopology?.(partial, ['conntrack'])
          events.push('conntrack read')
          return ok(minimalSnapshot())
        }
      }),
      'browser'
    )
    backend.subscribe('snapshotPartial', (p) =>
      events.push(`partial ${p.hostId} ${p.snapshot.host.hostname} ${p.pending.join()}`)
    )
    backend.subscribe('captureProgress', (p) => events.push(p.phase))
    const result = await backend.call('captureHost', { hostId: 'local' })
    events.push('answered')
    expect(result.ok).toBe(true)
    expect(events).toEqual(['started', 'partial local early conntrack', 'conntrack read', 'done', 'answered'])
  })

  it('passes a failed connection through with its remedy', async () => {
    const backend = createBackend(fakeDeps(), 'browser')
    await backend.call('addSshHost', { alias: 'broken', sudo: false })
    const result = await backend.call('captureHost', { hostId: 'ssh:broken' })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('auth-failed')
      expect(result.error.remedy).toBe('Check the key.')
    }
  })

  it('opens snapshot files as hosts and rejects garbage', async () => {
    const backend = createBackend(fakeDeps(), 'browser')
    const opened = await backend.call('openFile', { name: '../../etc/passwd.json', content: '{}' })
    expect(opened.ok && opened.value.id).toBe('file:.._.._etc_passwd.json')
    const garbage = await backend.call('openFile', { name: 'x.cap', content: 'garbage' })
    expect(garbage.ok).toBe(false)
  })

  it('remembers preferences through the state file', async () => {
    const deps = fakeDeps({ stateFile: '/virtual/state.json' })
    const backend = createBackend(deps, 'browser')
    const prefs = await backend.call('setPreferences', { locale: 'zh-CN', theme: 'dark' })
    expect(prefs.ok && prefs.value.locale).toBe('zh-CN')
    const written = JSON.parse(deps.stateWrites.at(-1)!)
    expect(written.preferences.theme).toBe('dark')
    const reloaded = createBackend({ ...deps, readState: async () => deps.stateWrites.at(-1)! }, 'browser')
    const read = await reloaded.call('getPreferences', {})
    expect(read.ok && read.value.locale).toBe('zh-CN')
  })
})

describe('names shown with bidi marks', () => {
  it('trace gets the host names back from the marked names the UI sends', async () => {
    const calls: [string, string][] = []
    const backend = createBackend(
      fakeDeps({
        trace: (_s, from, to) => {
          calls.push([from, to])
          return { from, to, proto: 'tcp', verdict: 'unknown', reason: { en: '', 'zh-CN': '' }, droppedBy: null, hops: [], reply: [] }
        }
      }),
      'browser'
    )
    await backend.call('captureHost', { hostId: 'local' })
    await backend.call('trace', { hostId: 'local', from: 'web⟨U+202E⟩x', to: 'db⟨U+2066⟩1⟨U+2069⟩:80/tcp' })
    expect(calls).toEqual([['web\u202ex', 'db\u20661\u2069:80/tcp']])
  })
})
