/**
 * The probe's output read as it streams in (issue #16): the topology sections are handed over as
 * soon as the first late section starts, wherever the chunks of the output are split (fast-check on
 * the split points, byte-wise, through multi-byte characters), and the capture runProbe answers at
 * the end builds the same snapshot as the same output read in one piece.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCaptureText, serializeCapture } from '../../../src/main/capture/capture-file'
import { CaptureStream, isLateSection } from '../../../src/main/capture/capture-stream'
import type { Capture } from '../../../src/main/capture/capture-types'
import { runProbe } from '../../../src/main/capture/run-probe'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'

const FIXTURES = resolve(import.meta.dirname, '../../fixtures')
const CAPTURES = {
  /** A root capture of the live lab: docker, bridges, seven container namespaces, conntrack. */
  lab: 'packets/debian-12-lab/probe.cap',
  /** Hostile names (multi-byte, control characters, marker look-alikes) from the hostile corpus. */
  hostile: 'hostile/names.cap'
}

function load(file: string): Capture {
  const parsed = parseCaptureText(readFileSync(resolve(FIXTURES, file), 'utf8'))
  if (!parsed.ok) throw new Error(parsed.error.message)
  return parsed.value
}

const isLate = isLateSection

/** The capture in the probe's order: topology sections first, the late ones after them. */
function probeOrder(capture: Capture): Capture {
  return {
    ...capture,
    sections: [...capture.sections.filter((s) => !isLate(s.name)), ...capture.sections.filter((s) => isLate(s.name))]
  }
}

/** Splits `bytes` at the given offsets (any order, duplicates allowed). */
function chunksAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Buffer[] = []
  let from = 0
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p))
    from = p
  }
  return chunks
}

describe('CaptureStream', () => {
  for (const [label, file] of Object.entries(CAPTURES)) {
    const capture = probeOrder(load(file))
    const text = serializeCapture(capture)
    const bytes = Buffer.from(text, 'utf8')
    const whole = parseCaptureText(text)
    if (!whole.ok) throw new Error(whole.error.message)
    const early = capture.sections.filter((s) => !isLate(s.name))

    it(`hands over exactly the topology sections, wherever the output is split (${label})`, () => {
      expect(early.length).toBeGreaterThan(0)
      expect(capture.sections.length).toBeGreaterThan(early.length)
      // The snapshot of the topology sections alone, as runProbe's caller builds it.
      const expected = JSON.stringify(buildSnapshot({ ...whole.value, sections: early }))
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
          const given: Capture[] = []
          const stream = new CaptureStream((c) => given.push(c))
          for (const chunk of chunksAt(bytes, cuts)) stream.push(chunk)
          expect(stream.done).toBe(true)
          expect(given).toHaveLength(1)
          expect(given[0].sections).toEqual(whole.value.sections.slice(0, early.length))
          expect(given[0].truncated).toBeUndefined()
          expect(JSON.stringify(buildSnapshot(given[0]))).toBe(expected)
        }),
        { numRuns: 60 }
      )
    })
  }

  it('hands nothing over for output that is no capture, or that has no late section', () => {
    const given: Capture[] = []
    const noCapture = new CaptureStream((c) => given.push(c))
    noCapture.push(`${'x'.repeat(5000)}\n`)
    expect(noCapture.done).toBe(true)
    const lab = load(CAPTURES.lab)
    const onlyTopology = new CaptureStream((c) => given.push(c))
    onlyTopology.push(serializeCapture({ ...lab, sections: lab.sections.filter((s) => !isLate(s.name)) }))
    expect(onlyTopology.done).toBe(false)
    expect(given).toEqual([])
  })

  it('runProbe hands the topology sections over once and answers the same capture as the one-shot read', async () => {
    const capture = probeOrder(load(CAPTURES.lab))
    const text = serializeCapture(capture)
    // A stand-in probe that prints the recorded output (its arguments are not needed).
    const script = `cat <<'NETLENS_EOF'\n${text}NETLENS_EOF\n`
    let early: Capture | null = null
    let handedOver = 0
    const r = await runProbe(
      { kind: 'local' },
      {
        script,
        onTopologySections: (c) => {
          early = c
          handedOver++
        }
      }
    )
    expect(r.ok).toBe(true)
    if (!r.ok || early === null) throw new Error('no capture')
    const oneShot = parseCaptureText(text)
    if (!oneShot.ok) throw new Error(oneShot.error.message)
    expect(r.value.sections).toEqual(oneShot.value.sections)
    expect(JSON.stringify(buildSnapshot(r.value))).toBe(
      JSON.stringify(buildSnapshot({ ...oneShot.value, source: r.value.source }))
    )
    expect((early as Capture).source).toBe('local')
    expect((early as Capture).sections.map((s) => s.name)).toEqual(
      capture.sections.filter((s) => !isLate(s.name)).map((s) => s.name)
    )
    expect(handedOver).toBe(1)
  })
})
