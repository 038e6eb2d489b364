/**
 * `netlens fleet` in-process: the table, the failures with class and remedy, the findings across
 * hosts, --json, exit codes, and host-derived names made safe for a terminal.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command } from '../../../src/main/cli/commands/fleet'
import { displayWidth } from '../../../src/main/cli/format/terminal'
import { scenarioCaptureText } from '../../support/fleet-fixtures'
import type { FleetReport } from '../../../src/shared/fleet/types'

const dir = mkdtempSync(join(tmpdir(), 'netlens-fleet-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function fleet(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await command.run(args, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    signal: new AbortController().signal
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('netlens fleet', () => {
  it('prints a row per host and the findings across hosts of a broken multi-host scenario', async () => {
    const r = await fleet(['sim:overlay-fleet-broken', '--quiet'])
    expect(r.code).toBe(0)
    const lines = r.out.split('\n')
    expect(lines[0]).toMatch(/^HOST\s+STATE\s+TIME\s+DOCKER\s+IPTABLES\s+CONTAINERS\s+CONNTRACK\s+FINDINGS C\/W\/I$/)
    for (const [i, node] of ['node1', 'node2', 'node3'].entries())
      expect(lines[i + 1]).toMatch(
        new RegExp(`^${node}\\s+ok\\s+\\d+\\.\\d s\\s+20\\.10\\.24\\+dfsg1\\s+nf_tables\\s+2/2\\s+0\\.0%\\s+0/0/0$`)
      )
    expect(r.out).toContain('Across hosts (3)')
    expect(r.out).toContain('[fleet-overlay-vni-mismatch]')
    expect(r.out).toContain('[fleet-vtep-missing] node1 has no VXLAN route to node2 on appnet')
    expect(r.out).toContain('[fleet-vtep-unknown]')
    expect(r.err).toBe('')
  })

  it('prints the report as JSON', async () => {
    const r = await fleet(['sim:overlay-fleet', '--json', '--quiet'])
    const report = JSON.parse(r.out) as FleetReport
    expect(report.hosts.map((h) => h.id)).toEqual([
      'sim:overlay-fleet#node1',
      'sim:overlay-fleet#node2',
      'sim:overlay-fleet#node3'
    ])
    expect(report.findings).toEqual([])
    expect(report.overlays[0].tunnels).toHaveLength(3)
  })

  it('keeps going past a host it cannot read: class, message and exit code 1', async () => {
    const folder = join(dir, 'mixed')
    mkdirSync(folder)
    writeFileSync(join(folder, 'node1.cap'), scenarioCaptureText('overlay-fleet', 'node1'))
    writeFileSync(join(folder, 'torn.cap'), 'NETLENS-CAPTURE 2\nboundary: x\n')
    const r = await fleet([folder, '--quiet'])
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/^node1\s+ok/m)
    expect(r.out).toMatch(/^torn\s+error\s/m)
    expect(r.out).toContain('Not captured (1):')
    expect(r.out).toMatch(/ {2}torn: error \(parse-error\) /)
  })

  it('shows hostile file names with control and bidi characters as visible \\uXXXX', async () => {
    const folder = join(dir, 'hostile')
    mkdirSync(folder)
    writeFileSync(join(folder, 'evil\u001b[31m\u202eabc.cap'), scenarioCaptureText('overlay-fleet', 'node2'))
    const r = await fleet([folder, '--quiet'])
    expect(r.out).not.toMatch(/[\u001b\u202e]/)
    expect(r.out).toMatch(/^evil\\u001B\[31m\\u202Eabc\s+ok/m)
  })

  it('prints progress per host on stderr, and the table in Chinese with --lang zh-CN', async () => {
    const r = await fleet(['sim:overlay-fleet', '--lang', 'zh-CN', '--parallel', '2'])
    expect(r.err).toContain('3 host(s), 2 at a time')
    expect(r.err).toMatch(/\[3\/3\] node\d: captured/)
    const [head, first] = r.out.split('\n')
    expect(head.startsWith('主机')).toBe(true)
    // Columns line up in a terminal, where each Chinese character takes two columns.
    expect(displayWidth(head.slice(0, head.indexOf('DOCKER')))).toBe(first.indexOf('20.10'))
    expect(r.out).toContain('跨主机检查（0）')
  })

  it('refuses bad usage with exit code 2', async () => {
    expect((await fleet([])).code).toBe(2)
    expect((await fleet(['sim:overlay-fleet', '--parallel', '0'])).code).toBe(2)
    expect((await fleet(['sim:overlay-fleet', '--parallel', '65'])).code).toBe(2)
    expect((await fleet(['sim:overlay-fleet', '--lang', 'fr'])).code).toBe(2)
  })

  it('names a source it cannot expand and exits 1 when nothing is left', async () => {
    const r = await fleet(['sim:no-such-scenario', '--quiet'])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/sim:no-such-scenario: no training scenario/)
  })
})
