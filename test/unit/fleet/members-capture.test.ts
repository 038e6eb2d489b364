/**
 * Fleet members and fleet capture: what each argument expands to (aliases, files, folders,
 * multi-host scenarios), the bounded parallel capture through resolveSource, and the capture files
 * it writes. SSH members are exercised against the lab sshd in test/live/fleet.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import { captureFileName, captureFleet, mapBounded } from '../../../src/main/fleet/capture'
import { expandFleetSources } from '../../../src/main/fleet/members'
import { scenarioCaptureText } from '../../support/fleet-fixtures'

const dir = mkdtempSync(join(tmpdir(), 'netlens-fleet-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const simCaptureText = (source: string): string =>
  scenarioCaptureText(...(source.slice(4).split('#') as [string, string]))

const folder = join(dir, 'captures')
mkdirSync(folder)
writeFileSync(join(folder, 'node2.cap'), simCaptureText('sim:overlay-fleet#node2'))
writeFileSync(join(folder, 'node1.cap'), simCaptureText('sim:overlay-fleet#node1'))
writeFileSync(join(folder, 'README.md'), '# not a capture\n')
writeFileSync(join(folder, 'broken.cap'), 'NETLENS-CAPTURE 2\nthis breaks off')

describe('expandFleetSources', () => {
  it('expands a multi-host scenario into one member per host, and keeps a single-host one whole', async () => {
    const { members, problems } = await expandFleetSources(['sim:overlay-fleet', 'sim:nat-mode'])
    expect(problems).toEqual([])
    expect(members.map((m) => [m.id, m.label, m.kind])).toEqual([
      ['sim:overlay-fleet#node1', 'node1', 'sim'],
      ['sim:overlay-fleet#node2', 'node2', 'sim'],
      ['sim:overlay-fleet#node3', 'node3', 'sim'],
      ['sim:nat-mode', 'host1', 'sim']
    ])
  })

  it('takes one host of a scenario, and says which hosts exist when it has no such host', async () => {
    const { members, problems } = await expandFleetSources([
      'sim:overlay-fleet#node2',
      'sim:overlay-fleet#node9',
      'sim:nope'
    ])
    expect(members.map((m) => m.id)).toEqual(['sim:overlay-fleet#node2'])
    expect(problems.map((p) => [p.arg, p.error.code])).toEqual([
      ['sim:overlay-fleet#node9', 'not-found'],
      ['sim:nope', 'not-found']
    ])
    expect(problems[0].error.remedy).toBe('Hosts: node1, node2, node3')
  })

  it('reads a folder of captures in name order, skipping other files; labels are the file names', async () => {
    const { members, problems } = await expandFleetSources([folder])
    expect(problems).toEqual([])
    expect(members.map((m) => [m.label, m.kind])).toEqual([
      ['broken', 'file'],
      ['node1', 'file'],
      ['node2', 'file']
    ])
    expect(members[1].source).toEqual({ kind: 'file', path: join(folder, 'node1.cap') })
  })

  it('turns other words into ssh members, refuses option-like aliases, and reports missing paths', async () => {
    const { members, problems } = await expandFleetSources([
      'prod-1',
      'ssh:admin@prod-2',
      '-oProxyCommand=x',
      './missing.cap',
      'prod-1'
    ])
    expect(members.map((m) => [m.id, m.label])).toEqual([
      ['ssh:prod-1', 'prod-1'],
      ['ssh:admin@prod-2', 'admin@prod-2']
    ])
    expect(problems.map((p) => [p.arg, p.error.code])).toEqual([
      ['-oProxyCommand=x', 'invalid-argument'],
      ['./missing.cap', 'not-found']
    ])
  })

  it('says what to do with a folder that holds no captures, and numbers two files of one name', async () => {
    const empty = join(dir, 'empty')
    const other = join(dir, 'other')
    mkdirSync(empty)
    mkdirSync(other)
    writeFileSync(join(other, 'node1.cap'), readFileSync(join(folder, 'node1.cap')))
    const { members, problems } = await expandFleetSources([empty, join(folder, 'node1.cap'), join(other, 'node1.cap')])
    expect(problems[0].error.code).toBe('not-found')
    expect(problems[0].error.remedy).toMatch(/ansible/)
    expect(members.map((m) => m.label)).toEqual(['node1', 'node1 (2)'])
  })
})

describe('captureFleet', () => {
  it('captures every member in order; a broken one does not stop the others', async () => {
    const { members } = await expandFleetSources([folder, 'sim:overlay-fleet#node3'])
    const seen: string[] = []
    const results = await captureFleet(members, { onHost: (_r, done, total) => seen.push(`${done}/${total}`) })
    expect(results.map((r) => [r.member.label, r.error?.code ?? 'ok'])).toEqual([
      ['broken', 'parse-error'],
      ['node1', 'ok'],
      ['node2', 'ok'],
      ['node3', 'ok']
    ])
    expect(results[1].snapshot?.host.hostname).toBe('node1')
    expect(results[3].snapshot?.host.source).toBe('sim:overlay-fleet#node3')
    expect(seen.sort()).toEqual(['1/4', '2/4', '3/4', '4/4'])
    for (const r of results) expect(r.endedAt).toBeGreaterThanOrEqual(r.startedAt)
  })

  it('writes live captures (not files it read) to DIR/<label>.cap, mode 0600, readable again', async () => {
    const out = join(dir, 'out')
    const { members } = await expandFleetSources(['sim:overlay-fleet', join(folder, 'node1.cap')])
    const results = await captureFleet(members, { outDir: out, parallel: 2 })
    expect(results.map((r) => r.written)).toEqual([
      join(out, 'node1.cap'),
      join(out, 'node2.cap'),
      join(out, 'node3.cap'),
      null
    ])
    const file = join(out, 'node2.cap')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const parsed = parseCaptureText(readFileSync(file, 'utf8'))
    expect(parsed.ok && parsed.value.sections.length).toBeGreaterThan(20)
  })

  it('runs a given probe script on a live host instead of probe.sh (the benchmark’s stand-in)', async () => {
    // The stand-in replays node2's capture through `sh -s` on this machine (a local member).
    const recorded = join(folder, 'node2.cap')
    const { members } = await expandFleetSources(['local'])
    const [r] = await captureFleet(members, { probeScript: `cat '${recorded}'\n` })
    expect(r.error).toBeNull()
    expect(r.snapshot?.host.hostname).toBe('node2')
  })

  it('reports a capture it could not write, and still has the snapshot', async () => {
    const underAFile = join(folder, 'node1.cap', 'out')
    const { members } = await expandFleetSources(['sim:overlay-fleet#node1'])
    const [r] = await captureFleet(members, { outDir: underAFile })
    expect(r.snapshot?.host.hostname).toBe('node1')
    expect(r.written).toBeNull()
    expect(r.writeError).toMatch(/ENOTDIR|EEXIST|not a directory/i)
  })

  it('names capture files safely', () => {
    expect(captureFileName('prod-1')).toBe('prod-1.cap')
    expect(captureFileName('admin@db.example:22')).toBe('admin@db.example:22.cap')
    expect(captureFileName('../etc/passwd')).toBe('__etc_passwd.cap')
    expect(captureFileName('a\nb\u202e')).toBe('a_b_.cap')
    expect(captureFileName('')).toBe('host.cap')
  })
})

describe('mapBounded', () => {
  it('never runs more than the limit at once and keeps the order of the items', async () => {
    let running = 0
    let peak = 0
    const release: (() => void)[] = []
    const done = mapBounded([1, 2, 3, 4, 5], 2, async (n) => {
      running++
      peak = Math.max(peak, running)
      await new Promise<void>((r) => release.push(r))
      running--
      return n * 10
    })
    // Let the workers start, then release them one by one.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r))
      expect(running).toBeLessThanOrEqual(2)
      release.shift()?.()
    }
    expect(await done).toEqual([10, 20, 30, 40, 50])
    expect(peak).toBe(2)
  })
})
