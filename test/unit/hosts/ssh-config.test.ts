import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  isValidSshAlias,
  listSshHosts,
  sshEffectiveSettings,
  sshEffectiveSettingsResult
} from '../../../src/main/hosts/ssh-config'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nltmp-sshcfg-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('listSshHosts', () => {
  it('lists aliases in order, skipping wildcards, negations and Match blocks', async () => {
    writeFileSync(
      join(dir, 'config'),
      [
        '# comment',
        'Host web1 web2',
        '  HostName 10.0.0.1',
        'Host *.internal !bastion db?',
        'Host=eq-form',
        'host lower-case  # trailing comment',
        'Match host foo exec "true"',
        '  Host not-a-host-line-inside-match',
        'Host "quoted"',
        'Host web1',
        'Host *'
      ].join('\n')
    )
    const hosts = await listSshHosts(join(dir, 'config'), { includeBase: dir })
    expect(hosts.map((h) => h.alias)).toEqual([
      'web1',
      'web2',
      'eq-form',
      'lower-case',
      'not-a-host-line-inside-match',
      'quoted'
    ])
    expect(hosts[0].file).toBe(join(dir, 'config'))
  })

  it('follows Include (relative to the include base, globs, absolute), with a cycle and depth limit', async () => {
    mkdirSync(join(dir, 'conf.d'))
    writeFileSync(
      join(dir, 'config'),
      `Include conf.d/*.conf\nHost main\nInclude ${join(dir, 'abs')}\nInclude missing/*.conf\n`
    )
    writeFileSync(join(dir, 'conf.d', 'b.conf'), 'Host from-b\n')
    writeFileSync(join(dir, 'conf.d', 'a.conf'), 'Host from-a\nInclude config\n') // cycle back to the top
    writeFileSync(join(dir, 'conf.d', 'ignored.txt'), 'Host not-included\n')
    writeFileSync(join(dir, 'abs'), 'Host from-abs\nInclude abs\n') // self include
    const hosts = await listSshHosts(join(dir, 'config'), { includeBase: dir })
    expect(hosts.map((h) => h.alias)).toEqual(['from-a', 'from-b', 'main', 'from-abs'])
    expect(hosts.find((h) => h.alias === 'from-b')?.file).toBe(join(dir, 'conf.d', 'b.conf'))
  })

  it('stops at the include depth limit', async () => {
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, `c${i}`), `Host h${i}\nInclude c${i + 1}\n`)
    const hosts = await listSshHosts(join(dir, 'c0'), { includeBase: dir })
    expect(hosts.length).toBe(17)
  })

  it('returns nothing for a missing config', async () => {
    expect(await listSshHosts(join(dir, 'nope'), { includeBase: dir })).toEqual([])
  })
})

describe('aliases', () => {
  it('accepts host aliases and user@host, rejects options and shell metacharacters', () => {
    for (const a of ['web1', 'user@10.0.0.1', 'db.example.com', 'h_1-2']) expect(isValidSshAlias(a), a).toBe(true)
    for (const a of ['-oProxyCommand=x', '', 'a b', 'a;b', '$(id)', '`id`', 'a|b', 'a\nb', "a'b", 'a*'])
      expect(isValidSshAlias(a), a).toBe(false)
  })
})

describe('sshEffectiveSettings (real ssh -G, does not connect)', () => {
  it('reads hostname, user, port, proxyjump and identity files from the given config', async () => {
    writeFileSync(
      join(dir, 'config'),
      `Host lab\n  HostName 127.0.0.1\n  Port 2222\n  User ops\n  ProxyJump jump1\n  IdentityFile ${dir}/k1\n  IdentityFile ${dir}/k2\n`
    )
    const r = await sshEffectiveSettingsResult('lab', join(dir, 'config'))
    expect(await sshEffectiveSettings('lab', join(dir, 'config'))).toEqual(r.ok ? r.value : null)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value).toMatchObject({ hostname: '127.0.0.1', port: '2222', user: 'ops', proxyjump: 'jump1' })
    expect(r.value.identityfile).toBe(`${dir}/k1, ${dir}/k2`)
  })

  it('asks ssh -G once for repeated and concurrent asks, and again once the config file changes', async () => {
    // `Match exec` runs when ssh -G reads the config: each run appends one line to `runs`.
    const runs = join(dir, 'runs')
    const config = join(dir, 'counted')
    const write = (port: number) =>
      writeFileSync(config, `Match exec "echo x >> ${runs}"\nHost counted\n  HostName 127.0.0.1\n  Port ${port}\n`)
    const count = () => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0)
    write(2201)
    const first = await Promise.all([1, 2, 3].map(() => sshEffectiveSettingsResult('counted', config)))
    const again = await sshEffectiveSettingsResult('counted', config)
    for (const r of [...first, again]) expect(r.ok && r.value.port).toBe('2201')
    expect(count()).toBe(1)
    // Callers get their own copy: changing one answer changes no other.
    if (again.ok) again.value.port = 'changed'
    const third = await sshEffectiveSettingsResult('counted', config)
    expect(third.ok && third.value.port).toBe('2201')
    expect(count()).toBe(1)
    write(22022)
    const edited = await sshEffectiveSettingsResult('counted', config)
    expect(edited.ok && edited.value.port).toBe('22022')
    expect(count()).toBe(2)
  })

  it('refuses bad aliases and reports a broken config', async () => {
    expect((await sshEffectiveSettingsResult('-oProxyCommand=x')).ok).toBe(false)
    expect(await sshEffectiveSettings('-oProxyCommand=x')).toEqual({})
    writeFileSync(join(dir, 'bad'), 'Host x\n  NoSuchOption yes\n')
    const r = await sshEffectiveSettingsResult('x', join(dir, 'bad'))
    expect(!r.ok && r.error.code).toBe('invalid-argument')
  })
})
