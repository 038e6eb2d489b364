import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CHECKS, FINDING_IDS, diagnose, diagnoseReport } from '../../../src/shared/diagnose'
import { DiagnoseContext } from '../../../src/shared/diagnose/context'
import { snapshotArbitrary } from '../../support/snapshot-arbitrary'

describe('diagnose fuzzing', () => {
  it('no check throws on random snapshots (checked one by one, not through the safety net)', () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const ctx = new DiagnoseContext(snapshot)
        for (const check of CHECKS) {
          for (const f of check.run(ctx)) {
            expect(check.ids).toContain(f.id)
            expect(['critical', 'warning', 'info']).toContain(f.severity)
            expect(f.fix === null || typeof f.fix === 'string').toBe(true)
          }
        }
        expect(Array.isArray(diagnose(snapshot))).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it('a check the capture lacks the sections for is listed as not checked and finds nothing', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const report = diagnoseReport(snapshot)
        const ctx = new DiagnoseContext(snapshot)
        for (const n of report.notChecked) {
          expect(FINDING_IDS).toContain(n.check)
          expect(n.reason.en).not.toBe('')
          expect(n.reason['zh-CN']).not.toBe('')
          expect(n.sections.length).toBeGreaterThan(0)
        }
        for (const check of CHECKS) {
          const gap = ctx.coverage.gaps(check.needs)
          const listed = report.notChecked.some((n) => n.check === check.ids[0] && n.object === null)
          expect(listed).toBe(gap.length > 0)
          if (gap.length) expect(report.findings.filter((f) => check.ids.includes(f.id))).toEqual([])
        }
      }),
      { numRuns: 200 }
    )
  })
})
