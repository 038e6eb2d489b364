import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command } from '../../../src/main/cli/commands/diff'
import { emptySnapshot } from '../../../src/main/model/empty-snapshot'
import { saveSnapshot } from '../../../src/main/model/snapshot-file'
import type { Snapshot } from '../../../src/shared/snapshot/schema'

const dir = mkdtempSync(join(tmpdir(), 'netlens-diff-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function io() {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), signal: new AbortController().signal }
  }
}

describe('netlens diff', () => {
  const base = emptySnapshot({ source: 'file:a', capturedAt: '2026-11-28T00:00:00.000Z' })
  const a: Snapshot = {
    ...base,
    bridges: [{ name: 'docker0', netns: 'host', ports: ['veth1', 'veth2'], stp: false, network: 'bridge' }]
  }
  const b: Snapshot = {
    ...base,
    bridges: [{ name: 'docker0', netns: 'host', ports: ['veth1', 'veth3'], stp: false, network: 'bridge' }],
    publishedPorts: [
      {
        hostIp: '0.0.0.0',
        hostPort: 8080,
        proto: 'tcp',
        containerIp: '172.17.0.2',
        containerPort: 80,
        container: 'web',
        rule: null,
        proxy: null,
        sources: ['docker'],
        runtime: 'docker'
      }
    ]
  }

  it('prints grouped +/- lines and exits 1 when there are differences', async () => {
    const pa = join(dir, 'a.json')
    const pb = join(dir, 'b.json')
    await saveSnapshot(a, pa)
    await saveSnapshot(b, pb)
    const t = io()
    expect(await command.run([pa, pb], t.io)).toBe(1)
    expect(t.out.join('\n')).toBe(
      [
        `A: ${pa}`,
        `B: ${pb}`,
        '',
        'Bridge ports (2)',
        '  - host/docker0:veth2',
        '  + host/docker0:veth3',
        '',
        'Published ports (1)',
        '  + tcp 0.0.0.0:8080',
        '',
        '3 difference(s): 2 added, 1 removed, 0 changed'
      ].join('\n')
    )
    const json = io()
    expect(await command.run([pa, pb, '--json'], json.io)).toBe(1)
    expect(JSON.parse(json.out.join('')).entries).toHaveLength(3)
    const same = io()
    expect(await command.run([pa, pa], same.io)).toBe(0)
    expect(same.out.join('\n')).toMatch(/No differences\.$/)
  })

  it('exits 2 on usage errors and unreadable sources', async () => {
    const t = io()
    expect(await command.run(['only-one.json'], t.io)).toBe(2)
    expect(await command.run([join(dir, 'missing.json'), join(dir, 'a.json')], t.io)).toBe(2)
    expect(t.err.join('\n')).toMatch(/missing\.json/)
  })
})
