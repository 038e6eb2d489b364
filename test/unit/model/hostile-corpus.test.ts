/**
 * Every file of the hostile corpus (test/fixtures/hostile/) through the model in process: each
 * capture or snapshot file gives a snapshot or an error result (never a throw), and diagnose, trace
 * and diff run on every snapshot. names.cap's specific expectations: the negative ifindex skipped
 * with a warning, fixes that name hostile words only inside single quotes.
 */
import { describe, expect, it } from 'vitest'
import { snapshotFromSource } from '../../../src/main/sources'
import { diagnoseReport } from '../../../src/shared/diagnose'
import { traceFlow } from '../../../src/shared/trace'
import { diffSnapshots } from '../../../src/shared/snapshot/diff'
import type { Snapshot } from '../../../src/shared/snapshot/schema'
import { hostileFile, hostileFiles } from '../../support/hostile-corpus'

async function snapshotOf(path: string): Promise<Snapshot> {
  const r = await snapshotFromSource(path)
  if (!r.ok) throw new Error(`${path}: ${r.error.message}`)
  return r.value
}

describe('the hostile corpus in the model', () => {
  const files = hostileFiles().filter((f) => f.kind !== 'scenario')

  it.each(files.map((f) => [f.name, f.path]))('%s gives a result, and diagnose, trace and diff run on it', async (_name, path) => {
    const r = await snapshotFromSource(path)
    expect(typeof r.ok).toBe('boolean')
    if (!r.ok) {
      expect(r.error.code).toBeTypeOf('string')
      return
    }
    const report = diagnoseReport(r.value)
    expect(Array.isArray(report.findings)).toBe(true)
    for (const container of r.value.containers) {
      expect(traceFlow(r.value, container.name, 'outside').hops.length).toBeGreaterThan(0)
    }
    const names = await snapshotOf(hostileFile('names.cap').path)
    expect(Array.isArray(diffSnapshots(names, r.value).entries)).toBe(true)
  })

  it('names.cap: the negative ifindex is skipped with a warning', async () => {
    const s = await snapshotOf(hostileFile('names.cap').path)
    expect(s.interfaces.some((i) => i.name === 'neg0')).toBe(false)
    expect(s.interfaces.length).toBeGreaterThan(3)
    expect(s.warnings.some((w) => w.includes('neg0') || w.includes('-5'))).toBe(true)
  })

  it('names.cap: fixes naming the hostile bridge and veth quote them', async () => {
    const fixes = diagnoseReport(await snapshotOf(hostileFile('names.cap').path))
      .findings.map((f) => f.fix)
      .filter((fix): fix is string => fix !== null)
      .join('\n')
    expect(fixes).toContain("'br-$(reboot)'")
    expect(fixes).toContain("'veth;reboot'")
  })
})
