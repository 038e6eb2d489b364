/** One SSH alias rule (src/shared/ssh-alias.ts), and every door that takes an alias uses it. */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isValidSshAlias } from '../../../src/shared/ssh-alias'
import { listSshHosts } from '../../../src/main/hosts/ssh-config'
import { parseHostArg } from '../../../src/main/cli/commands/capture'
import { parseHostId, parseSource } from '../../../src/main/sources/ref'
import { createBackend } from '../../../src/main/service/backend'
import { fakeDeps } from '../../support/fake-deps'

const ACCEPTED = ['prod-1', 'web.example.com', 'ops@10.0.0.5', 'jump_2', 'fe80::1', 'a+b', '_x', 'x@y']
const REJECTED = [
  '-oProxyCommand=touch /tmp/x',
  'user@-oProxyCommand=touch%20/tmp/x',
  'user@-x',
  'user@',
  'a%h',
  '%C',
  'a;b',
  'a b',
  '$(id)',
  '`id`',
  "a'b",
  'a\nb',
  '',
  'x'.repeat(254)
]

describe('isValidSshAlias', () => {
  it.each(ACCEPTED)('accepts %j', (alias) => expect(isValidSshAlias(alias)).toBe(true))
  it.each(REJECTED)('rejects %j', (alias) => expect(isValidSshAlias(alias)).toBe(false))
})

describe('every door uses the one rule', () => {
  it("the backend's Add host and its saved state", async () => {
    for (const alias of [...ACCEPTED, ...REJECTED.filter((a) => a.length > 0 && a.length <= 255)]) {
      const backend = createBackend(fakeDeps(), 'browser')
      const result = await backend.call('addSshHost', { alias, sudo: false })
      expect(result.ok, alias).toBe(isValidSshAlias(alias))
    }
    const saved = JSON.stringify({
      manualHosts: [
        { alias: 'user@-oProxyCommand=x', sudo: false },
        { alias: 'a%h', sudo: false },
        { alias: 'ok-1', sudo: false }
      ]
    })
    const backend = createBackend(fakeDeps({ stateFile: '/state.json', readState: async () => saved }), 'browser')
    const hosts = await backend.call('listHosts', {})
    expect(hosts.ok && hosts.value.filter((h) => h.origin === 'manual').map((h) => h.label)).toEqual(['ok-1'])
  })

  it('the CLI HOST argument', () => {
    for (const alias of [...ACCEPTED, ...REJECTED.filter((a) => a.length > 0)]) {
      expect(typeof parseHostArg(alias) !== 'string', alias).toBe(isValidSshAlias(alias))
    }
  })

  it('every SOURCE (ssh:<alias> and host ids of the app)', () => {
    for (const alias of [...ACCEPTED, ...REJECTED]) {
      expect(parseSource(`ssh:${alias}`).ok, alias).toBe(isValidSshAlias(alias))
      expect(parseHostId(`ssh:${alias}`).ok, alias).toBe(isValidSshAlias(alias))
    }
  })

  it('~/.ssh/config Host lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-alias-'))
    try {
      const config = join(dir, 'config')
      writeFileSync(config, ['Host good-1 a%h user@-x', 'Host ops@10.0.0.5'].join('\n'))
      expect((await listSshHosts(config, { includeBase: dir })).map((h) => h.alias)).toEqual(['good-1', 'ops@10.0.0.5'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
