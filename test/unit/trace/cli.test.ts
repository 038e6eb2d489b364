/**
 * `netlens diagnose` and `netlens trace` on a snapshot file (the healthy lab snapshot, with and
 * without a fault): output layout, "run yourself:" fixes, --json, --lang, exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command as diagnoseCommand } from '../../../src/main/cli/commands/diagnose'
import { command as traceCommand } from '../../../src/main/cli/commands/trace'
import type { CliCommand } from '../../../src/main/cli/command'
import type { DiagnoseReport, TraceResult } from '../../../src/shared/api/types'
import { healthySnapshot, snapshotWith } from '../../support/snapshot-builder'

const dir = mkdtempSync(join(tmpdir(), 'netlens-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const healthyFile = join(dir, 'healthy.json')
writeFileSync(healthyFile, JSON.stringify(healthySnapshot()))
const faultyFile = join(dir, 'faulty.json')
writeFileSync(faultyFile, JSON.stringify(snapshotWith((s) => void (s.host.sysctls!['net.ipv4.ip_forward'] = '0'))))

async function run(cmd: CliCommand, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await cmd.run(argv, {
    out: (t) => void (out += t + '\n'),
    err: (t) => void (err += t + '\n'),
    signal: new AbortController().signal
  })
  return { code, out, err }
}

describe('netlens diagnose', () => {
  it('prints findings grouped by severity with evidence and a "run yourself:" fix', async () => {
    const r = await run(diagnoseCommand, [faultyFile])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^CRITICAL \(1\)/)
    expect(r.out).toContain('[ip-forward-off] IP forwarding is off')
    expect(r.out).toContain('net.ipv4.ip_forward = 0')
    expect(r.out).toMatch(/run yourself:\n\s+\$ sysctl -w net\.ipv4\.ip_forward=1/)
  })
  it('--fail-on critical exits 1 when a critical finding exists, 0 on a healthy host', async () => {
    expect((await run(diagnoseCommand, [faultyFile, '--fail-on', 'critical'])).code).toBe(1)
    const healthy = await run(diagnoseCommand, [healthyFile, '--fail-on', 'critical'])
    expect(healthy.code).toBe(0)
    expect(healthy.out.trim()).toBe('No findings.')
  })
  it('--json and --lang zh-CN', async () => {
    const json = JSON.parse((await run(diagnoseCommand, [faultyFile, '--json'])).out) as DiagnoseReport
    expect(json.findings.map((f) => f.id)).toEqual(['ip-forward-off'])
    expect(json.notChecked).toEqual([])
    const zh = await run(diagnoseCommand, [faultyFile, '--lang', 'zh-CN'])
    expect(zh.out).toContain('严重 (1)')
    expect(zh.out).toContain('请自行执行')
  })
  it('rejects bad usage with exit 2', async () => {
    expect((await run(diagnoseCommand, [])).code).toBe(2)
    expect((await run(diagnoseCommand, [faultyFile, '--lang', 'fr'])).code).toBe(2)
  })
})

describe('netlens trace', () => {
  it('prints hops with NAT before → after, the reply and the verdict', async () => {
    const r = await run(traceCommand, [healthyFile, '--from', 'outside', '--to', '192.0.2.2:18080/tcp'])
    expect(r.code).toBe(0)
    expect(r.out).toContain('packet 198.51.100.2:40000 → 192.0.2.2:18080  ⇒  198.51.100.2:40000 → 172.28.0.2:80')
    expect(r.out).toContain(
      'rule   -A DOCKER ! -i br-08358af093c8 -p tcp -m tcp --dport 18080 -j DNAT --to-destination 172.28.0.2:80'
    )
    expect(r.out).toContain('\nReply:\n')
    expect(r.out).toMatch(/Verdict: DELIVERED\n/)
  })
  it('shows the dropping rule', async () => {
    const r = await run(traceCommand, [healthyFile, '--from', 'nltmp-ll-def', '--to', 'nltmp-ll-web:80/tcp'])
    expect(r.out).toContain('Verdict: DROPPED — dropped by: -A DOCKER-ISOLATION-STAGE-2 -o br-08358af093c8 -j DROP')
  })
  it('--json prints the TraceResult', async () => {
    const r = JSON.parse(
      (await run(traceCommand, [healthyFile, '--from', 'nltmp-ll-multi', '--to', 'outside', '--json'])).out
    ) as TraceResult
    expect(r.verdict).toBe('delivered')
    expect(r.hops.length).toBeGreaterThan(5)
  })
  it('needs --from and --to', async () => {
    expect((await run(traceCommand, [healthyFile, '--to', 'outside'])).code).toBe(2)
  })
})
