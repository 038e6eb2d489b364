/**
 * Truncated captures (no `done` marker: a probe cut off by a timeout, a full disk or a closed ssh
 * session) on a real lab capture, cut at every kind of offset: the reader never throws, and either
 * loads every complete section byte for byte (the cut one unread, a "capture truncated after
 * section X" warning in the snapshot) or refuses with a specific parse-error.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCaptureText, serializeCapture } from '../../../src/main/capture/capture-file'
import type { Capture } from '../../../src/main/capture/capture-types'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { Snapshot } from '../../../src/shared/snapshot/schema'
import { FIXTURES_DIR } from '../../support/fixtures'

const FORMAT1 = readFileSync(join(FIXTURES_DIR, 'capture/debian-12-docker-20.10/probe--nonroot-lab.cap'), 'utf8')
const whole = parseCaptureText(FORMAT1)
if (!whole.ok) throw new Error(`fixture does not parse: ${whole.error.message}`)
const ORIGINAL: Capture = whole.value
/** The same real capture in format 2, as today's probe writes it. */
const FORMAT2 = serializeCapture(ORIGINAL)

const SPECIFIC_ERRORS = [/truncated before its first/, /no valid boundary line/, /^Not a NetLens capture file/]

/** Checks one cut of `text` at `offset`; returns what happened, for the property's statistics. */
function checkCut(text: string, offset: number): 'partial' | 'refused' | 'whole' {
  const r = parseCaptureText(text.slice(0, offset))
  if (!r.ok) {
    expect(r.error.code).toBe('parse-error')
    expect(
      SPECIFIC_ERRORS.some((re) => re.test(r.error.message)),
      r.error.message
    ).toBe(true)
    return 'refused'
  }
  const c = r.value
  const complete = c.truncated?.cut ? c.sections.slice(0, -1) : c.sections
  // Every complete section is the original's, byte for byte, in order.
  expect(complete).toEqual(ORIGINAL.sections.slice(0, complete.length))
  const snapshot = buildSnapshot(c)
  expect(Snapshot.safeParse(snapshot).success).toBe(true)
  if (!c.truncated) {
    expect(complete.length).toBe(ORIGINAL.sections.length)
    expect(snapshot.truncated).toBeNull()
    return 'whole'
  }
  expect(c.truncated.after).toBe(complete[complete.length - 1].name)
  expect(snapshot.truncated).toEqual(c.truncated)
  expect(snapshot.warnings[0]).toMatch(
    new RegExp(`^capture truncated after section ${c.truncated.after.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`)
  )
  if (c.truncated.cut) {
    // The cut section is the next one of the original, listed as an error without output.
    expect(c.truncated.cut).toBe(ORIGINAL.sections[complete.length].name)
    expect(snapshot.sections.find((s) => s.name === c.truncated!.cut)).toMatchObject({ status: 'error', empty: true })
  }
  return 'partial'
}

describe('a real lab capture cut anywhere', () => {
  for (const [format, text] of [
    ['format 1', FORMAT1],
    ['format 2', FORMAT2]
  ] as const) {
    it(`${format}: at every section boundary and a few bytes either side`, { timeout: 60_000 }, () => {
      const marker = /^--\S+ (section|stdout|result|stderr|end|done)$/gm
      const offsets = new Set<number>()
      for (const m of text.matchAll(marker)) for (const d of [-1, 0, 3, m[0].length + 1]) offsets.add(m.index + d)
      const seen = { partial: 0, refused: 0, whole: 0 }
      for (const offset of offsets) if (offset >= 0 && offset <= text.length) seen[checkCut(text, offset)]++
      expect(seen.partial).toBeGreaterThan(ORIGINAL.sections.length)
      expect(seen.refused).toBeGreaterThan(0)
      expect(seen.whole).toBeGreaterThan(0)
    })

    it(`${format}: at any offset (fast-check)`, { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: text.length }), (offset) => {
          checkCut(text, offset)
        }),
        { numRuns: 150 }
      )
    })
  }

  it('says which sections were lost: the cut one as an error, the ones after as not captured', () => {
    const cutAt = FORMAT2.indexOf('name: conntrack.count')
    const r = parseCaptureText(FORMAT2.slice(0, cutAt + 'name: conntrack.count\n'.length + 10))
    if (!r.ok) throw new Error(r.error.message)
    const snapshot = buildSnapshot(r.value)
    expect(snapshot.truncated).toEqual({ after: 'conntrack.list', cut: 'conntrack.count' })
    expect(snapshot.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^capture truncated after section conntrack\.list \(it ends inside conntrack\.count/),
        expect.stringMatching(/^conntrack\.count: error/),
        expect.stringMatching(/^proc\.net\.dev: not captured/),
        expect.stringMatching(/^ss\.listen: not captured/)
      ])
    )
    // What came before the cut is all there: bridges and containers from /proc.
    expect(snapshot.bridges.length).toBe(buildSnapshot(ORIGINAL).bridges.length)
    expect(snapshot.conntrack.total).toBeNull()
  })
})
