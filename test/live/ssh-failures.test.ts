/**
 * SSH failure paths through NetLens's runProbe against the lab sshd: each must come back as a
 * typed error (never a hang, never a prompt, never an accepted host key).
 */
import { describe, expect, inject, it } from 'vitest'
import { runProbe } from '../../src/main/capture/run-probe'
import './support/provided'

const skipReason = inject('liveSkip')
const ssh = inject('labSsh')

describe.skipIf(skipReason)('runProbe over ssh: failure paths', () => {
  const probe = (alias: string) => runProbe({ kind: 'ssh', alias }, { sshConfigFile: ssh!.configFile })

  it('captures through the working alias (the failures below are not a broken sshd)', async () => {
    const r = await probe(ssh!.aliases.ok)
    expect(r.ok, r.ok ? '' : JSON.stringify(r.error)).toBe(true)
    if (r.ok) {
      expect(r.value.source).toBe(`ssh:${ssh!.aliases.ok}`)
      expect(r.value.sections.find((s) => s.name === 'meta.uid')?.stdout.trim()).toBe('0')
    }
  })

  it('reports a key the server rejects as auth-failed', async () => {
    const r = await probe(ssh!.aliases.wrongKey)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('auth-failed')
      expect(r.error.remedy).toBeTruthy()
    }
  })

  it('reports a stopped sshd as connection-refused', async () => {
    const r = await probe(ssh!.aliases.stopped)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('connection-refused')
      expect(r.error.message).toContain(String(ssh!.closedPort))
    }
  })

  it('refuses an unknown host key and says how to review it', async () => {
    const r = await probe(ssh!.aliases.unknownKey)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('unknown-host-key')
      expect(r.error.remedy).toMatch(/ssh-keyscan/)
      expect(r.error.remedy).toContain(String(ssh!.port))
    }
  })
})
