/** --json output written in pieces is exactly JSON.stringify(value, null, 2) + '\n'. */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { writeJson } from '../../../src/main/cli/json-output'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { captureFromDir } from '../../support/capture-from-dir'
import { LAB_DIR } from '../../support/snapshot-builder'

const labSnapshot = () => buildSnapshot(captureFromDir(LAB_DIR))

function written(value: unknown, flushChars?: number): { text: string; chunks: string[] } {
  const chunks: string[] = []
  writeJson(value, (chunk) => chunks.push(chunk), flushChars)
  return { text: chunks.join(''), chunks }
}

describe('writeJson', () => {
  it('writes the lab snapshot exactly as JSON.stringify does, in newline-ended chunks', () => {
    const snapshot = labSnapshot()
    const { text, chunks } = written(snapshot, 1024)
    expect(text).toBe(JSON.stringify(snapshot, null, 2) + '\n')
    expect(chunks.length).toBeGreaterThan(10)
    for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true)
  })

  it('matches JSON.stringify for any JSON value, with undefined and toJSON (property)', () => {
    // toJSON may return anything, even another object with a toJSON (which JSON.stringify does not call).
    const withOddities = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue(),
        fc.constant(undefined),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 5 }),
        tie('value').map((inner) => ({ toJSON: () => inner }))
      )
    })).value
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), withOddities, { maxKeys: 6 }), fc.integer({ min: 1, max: 200 }), (value, flush) => {
        expect(written(value, flush).text).toBe(JSON.stringify(value, null, 2) + '\n')
      })
    )
  })
})
