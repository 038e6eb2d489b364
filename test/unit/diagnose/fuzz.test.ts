import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CHECKS, diagnose } from '../../../src/shared/diagnose'
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
})
