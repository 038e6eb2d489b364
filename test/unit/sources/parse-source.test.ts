/**
 * parseSource: every SOURCE kind, every refusal, hostile text (the names of the hostile corpus),
 * and the canonical text (sourceText) that reads back to the same reference. Also what a Source
 * refuses to do for its kind (a file has no counters; only a pcap file has packets).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { openSource, parseSource, sourceFromRef, sourceText, type SourceRef } from '../../../src/main/sources/index'
import { parseHostId } from '../../../src/main/sources/ref'
import { sniffFileText } from '../../../src/main/sources/file'
import { isValidSshAlias } from '../../../src/shared/ssh-alias'
import { HOSTILE_NAMES } from '../../support/make-hostile-corpus'
import { hostileFiles } from '../../support/hostile-corpus'

const dir = mkdtempSync(join(tmpdir(), 'nltmp-parse-source-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const refOf = (text: string): SourceRef => {
  const r = parseSource(text)
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`)
  return r.value
}
const codeOf = (text: string): string | null => {
  const r = parseSource(text)
  return r.ok ? null : r.error.code
}

describe('parseSource: each kind', () => {
  it('local', () => {
    expect(refOf('local')).toEqual({ kind: 'local' })
  })

  it('ssh: an explicit ssh:<alias>, user@host, and any other word that is a valid alias', () => {
    expect(refOf('ssh:web1')).toEqual({ kind: 'ssh', alias: 'web1' })
    expect(refOf('ssh:ops@10.0.0.5')).toEqual({ kind: 'ssh', alias: 'ops@10.0.0.5' })
    expect(refOf('prod-1')).toEqual({ kind: 'ssh', alias: 'prod-1' })
    expect(refOf('ops@db.example')).toEqual({ kind: 'ssh', alias: 'ops@db.example' })
    // Even when a file of that name exists, ssh: says it is a host.
    const inDir = file('web2', 'hello\n')
    expect(refOf(`ssh:web2`)).toEqual({ kind: 'ssh', alias: 'web2' })
    expect(refOf(inDir)).toEqual({ kind: 'file', path: inDir })
  })

  it('sim: an id, an id with #host, a scenario file by sim:<path> or by its bare path (.yaml, .yml)', () => {
    expect(refOf('sim:nat-mode')).toEqual({ kind: 'sim', scenario: 'nat-mode', host: null })
    expect(refOf('sim:overlay-fleet#node2')).toEqual({ kind: 'sim', scenario: 'overlay-fleet', host: 'node2' })
    expect(refOf('sim:overlay-fleet#')).toEqual({ kind: 'sim', scenario: 'overlay-fleet', host: null })
    const yaml = file('lab.yaml', 'id: x\n')
    const yml = file('Last week (prod).yml', 'id: y\n')
    expect(refOf(yaml)).toEqual({ kind: 'sim', scenario: yaml, host: null })
    expect(refOf(yml)).toEqual({ kind: 'sim', scenario: yml, host: null })
    expect(refOf(`sim:${yaml}`)).toEqual({ kind: 'sim', scenario: yaml, host: null })
    // A path may hold `#`: the last one names the host.
    expect(refOf('sim:/tmp/a#b/x.yaml#node1')).toEqual({ kind: 'sim', scenario: '/tmp/a#b/x.yaml', host: 'node1' })
  })

  it('file: file:<path> (existing or not: read later), and a bare path that is a regular file', () => {
    const cap = file('host.cap', 'NETLENS-CAPTURE 2\n')
    expect(refOf(`file:${cap}`)).toEqual({ kind: 'file', path: cap })
    expect(refOf(cap)).toEqual({ kind: 'file', path: cap })
    expect(refOf('file:/no/such.cap')).toEqual({ kind: 'file', path: '/no/such.cap' })
    expect(refOf('package.json')).toEqual({ kind: 'file', path: 'package.json' })
  })
})

describe('parseSource: every refusal', () => {
  it.each([
    ['', 'invalid-argument'],
    ['sim:', 'invalid-argument'],
    ['sim:#node1', 'invalid-argument'],
    ['file:', 'invalid-argument'],
    ['ssh:', 'invalid-argument'],
    ['ssh:-oProxyCommand=x', 'invalid-argument'],
    ['ssh:user@-oProxyCommand=x', 'invalid-argument'],
    ['ssh:a%h', 'invalid-argument'],
    ['-oProxyCommand=x', 'invalid-argument'],
    ['a;b', 'invalid-argument'],
    ['./nope.json', 'not-found'],
    ['missing.cap', 'not-found'],
    ['/no/such/dir/host', 'not-found'],
    ['scenario.yaml', 'not-found']
  ])('%j → %s', (text, code) => {
    expect(codeOf(text)).toBe(code)
    const r = parseSource(text)
    if (!r.ok) expect(r.error.message.length).toBeGreaterThan(0)
  })

  it('a folder is not a SOURCE (the fleet reads folders itself)', () => {
    mkdirSync(join(dir, 'folder'))
    expect(codeOf(join(dir, 'folder'))).toBe('not-found')
  })

  it('ssh aliases follow the one alias rule, with or without ssh:', () => {
    for (const alias of ['web1', 'a', 'ops@10.0.0.5', 'x+y:z', '-x', 'user@-x', 'a b', 'a%h', 'a@', `${'a'.repeat(254)}`]) {
      expect(parseSource(`ssh:${alias}`).ok, alias).toBe(isValidSshAlias(alias))
    }
  })
})

describe('parseSource: hostile text', () => {
  const hostile = HOSTILE_NAMES.map(([, name]) => name)

  it('never takes a hostile name for an ssh host, with or without ssh:', () => {
    expect(hostile.length).toBeGreaterThan(3)
    for (const name of hostile) {
      const bare = parseSource(name)
      expect(bare.ok, JSON.stringify(name)).toBe(false)
      expect(parseSource(`ssh:${name}`).ok, JSON.stringify(name)).toBe(false)
    }
  })

  it('keeps hostile text verbatim inside sim: and file: references (the name is data, never split or run)', () => {
    for (const name of hostile) {
      expect(refOf(`file:${name}`)).toEqual({ kind: 'file', path: name })
      const sim = refOf(`sim:${name.replace(/#/g, '')}`)
      expect(sim).toEqual({ kind: 'sim', scenario: name.replace(/#/g, ''), host: null })
    }
  })

  it('reads the hostile corpus files by path as what they are', () => {
    for (const f of hostileFiles()) {
      const ref = refOf(f.path)
      expect(ref.kind, f.name).toBe(f.kind === 'scenario' ? 'sim' : 'file')
    }
  })

  it('refuses arbitrary text or gives a reference whose canonical text reads back to it (every seed)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const r = parseSource(text)
        if (!r.ok) return
        expect(parseSource(sourceText(r.value))).toEqual(r)
        if (r.value.kind === 'ssh') expect(isValidSshAlias(r.value.alias)).toBe(true)
      })
    )
  })
})

describe('sourceText and parseHostId', () => {
  it('writes each kind canonically', () => {
    expect(sourceText({ kind: 'local' })).toBe('local')
    expect(sourceText({ kind: 'ssh', alias: 'web1' })).toBe('ssh:web1')
    expect(sourceText({ kind: 'sim', scenario: 'overlay-fleet', host: 'node2' })).toBe('sim:overlay-fleet#node2')
    expect(sourceText({ kind: 'sim', scenario: 'nat-mode', host: null })).toBe('sim:nat-mode')
    expect(sourceText({ kind: 'file', path: '/x/host.cap' })).toBe('file:/x/host.cap')
    // A `#` inside a scenario path survives the round trip, with and without a host.
    expect(sourceText(refOf('sim:a#b#'))).toBe('sim:a#b#')
    expect(refOf(sourceText({ kind: 'sim', scenario: 'a#b', host: null }))).toEqual({ kind: 'sim', scenario: 'a#b', host: null })
    expect(refOf(sourceText({ kind: 'sim', scenario: 'a#b', host: 'h' }))).toEqual({ kind: 'sim', scenario: 'a#b', host: 'h' })
  })

  it('reads only prefixed host ids: a bare word from the renderer never looks at the file system', () => {
    expect(parseHostId('ssh:web1')).toEqual({ ok: true, value: { kind: 'ssh', alias: 'web1' } })
    expect(parseHostId('local').ok).toBe(true)
    expect(parseHostId('sim:nat-mode#host1').ok).toBe(true)
    expect(parseHostId('file:host.cap (2)').ok).toBe(true)
    expect(parseHostId('package.json').ok).toBe(false)
    expect(parseHostId('web1').ok).toBe(false)
  })
})

describe('what a Source refuses for its kind', () => {
  it('a file has no counters; live and training sources have', () => {
    const streamOpts = { intervalS: 1, pids: [] }
    expect(sourceFromRef({ kind: 'file', path: '/x.cap' }).counters(streamOpts).ok).toBe(false)
    for (const ref of [{ kind: 'local' }, { kind: 'ssh', alias: 'web1' }, { kind: 'sim', scenario: 'nat-mode', host: null }] as SourceRef[])
      expect(sourceFromRef(ref).counters(streamOpts).ok).toBe(true)
  })

  it('only a pcap file has packets: a capture or snapshot file gets the one refusal', async () => {
    const pcap = file('x.pcap', '')
    writeFileSync(pcap, Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex'))
    const cap = file('y.cap', 'NETLENS-CAPTURE 2\n')
    const opened = openSource(pcap)
    expect(opened.ok && (await opened.value.packetOrigin())).toEqual({ ok: true, value: { kind: 'pcap', path: pcap } })
    const capSource = openSource(cap)
    const refused = capSource.ok ? await capSource.value.packetOrigin() : capSource
    expect(!refused.ok && refused.error.code).toBe('invalid-argument')
    expect(!refused.ok && refused.error.message).toMatch(/not a pcap/)
    const missing = await sourceFromRef({ kind: 'file', path: join(dir, 'gone.pcap') }).packetOrigin()
    expect(!missing.ok && missing.error.code).toBe('not-found')
  })

  it('sniffs files by content, not by name (a scenario only by name: YAML has no magic)', () => {
    expect(sniffFileText('x.json', 'NETLENS-CAPTURE 2 x')).toBe('capture')
    expect(sniffFileText('x.cap', '\uFEFFNETLENS-CAPTURE 1 x')).toBe('capture')
    expect(sniffFileText('x.cap', '  {"schemaVersion": 3}')).toBe('snapshot')
    expect(sniffFileText('x.yaml', 'id: x')).toBe('scenario')
    expect(sniffFileText('x.cap', 'id: x')).toBe('unknown')
  })

  it('a file source that is neither a capture nor a snapshot, or a scenario given as file:, is one parse-error', async () => {
    const other = file('other.txt', 'hello\n')
    const yaml = file('s.yaml', 'id: x\n')
    for (const path of [other, yaml]) {
      const r = await sourceFromRef({ kind: 'file', path }).snapshot()
      expect(!r.ok && r.error.code, path).toBe('parse-error')
      expect(!r.ok && r.error.message, path).toMatch(/neither a NetLens capture file nor a snapshot JSON file/)
    }
  })
})
