/**
 * Issue #12 item 9, in process: what NetLens reads of a capture (src/main/capture/capture-limits.ts)
 * and how much a forged capture can make the model and diagnose hold. The child-process memory
 * measurements are in test/unit/model/memory-limits.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { applyCaptureLimits, countLines, MAX_SECTIONS } from '../../../src/main/capture/capture-limits'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { CaptureReader, MAX_WARNINGS_PER_SECTION } from '../../../src/main/model/reader'
import { diagnoseReport } from '../../../src/shared/diagnose'
import { MAX_FINDINGS_PER_CHECK } from '../../../src/shared/diagnose/context'
import { MAX_SECTION_LINES } from '../../../src/shared/limits'
import type { Capture, RawSection } from '../../../src/main/capture/capture-types'
import { captureFromDir } from '../../support/capture-from-dir'
import { LAB_DIR } from '../../support/snapshot-builder'

const section = (name: string, stdout: string): RawSection => ({
  name,
  command: name,
  exitCode: 0,
  ms: 1,
  status: 'ok',
  stderr: '',
  stdout
})
const capture = (sections: RawSection[]): Capture => ({
  formatVersion: 1,
  source: 'file:test',
  capturedAt: '2026-12-01T00:00:00Z',
  sections
})
const conntrackLine = (i: number) =>
  `ipv4     2 tcp      6 431999 ESTABLISHED src=172.28.0.2 dst=198.51.100.1 sport=${10000 + i} dport=80 src=198.51.100.1 dst=192.0.2.10 sport=80 dport=${10000 + i} [ASSURED] mark=0 use=1\n`

describe('countLines', () => {
  it.each([
    ['', 0],
    ['a', 1],
    ['a\n', 1],
    ['a\nb', 2],
    ['\n\n', 2]
  ])('%j has %i lines', (text, lines) => expect(countLines(text)).toBe(lines))
  it('stops counting past its limit', () => expect(countLines('a\n'.repeat(100), 5)).toBe(6))
})

describe('applyCaptureLimits', () => {
  it('cuts a conntrack list from a file at the cap and says what was left out', () => {
    const entries = Array.from({ length: 30 }, (_, i) => conntrackLine(i)).join('')
    const r = applyCaptureLimits(capture([section('conntrack.list', entries)]), { conntrackCap: 10 })
    if (!r.ok) throw new Error(r.error.message)
    expect(countLines(r.value.sections[0].stdout)).toBe(10)
    expect(r.value.sections[0].stdout).toBe(entries.split('\n').slice(0, 10).join('\n') + '\n')
    expect(r.value.notes).toEqual([
      'conntrack.list: kept the first 10 of 30 entries (NetLens reads up to 10; --conntrack-max N changes it)'
    ])
    // The note reaches the snapshot as a warning, and the snapshot holds the kept entries.
    const snapshot = buildSnapshot(r.value)
    expect(snapshot.warnings).toContain(r.value.notes?.[0])
    expect(snapshot.conntrack.entries).toHaveLength(10)
  })

  it('leaves a capture within the limits as it was', () => {
    const lab = captureFromDir(LAB_DIR)
    expect(applyCaptureLimits(lab)).toEqual({ ok: true, value: lab })
  })

  it('refuses a section over the line limit by name, size and limit', () => {
    const r = applyCaptureLimits(capture([section('iptables.save', 'x\n'.repeat(MAX_SECTION_LINES + 5))]))
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'too-large', message: 'capture section iptables.save has 1,000,005 lines; NetLens reads up to 1,000,000' }
    })
  })

  it('refuses too many sections', () => {
    const many = Array.from({ length: MAX_SECTIONS + 1 }, (_, i) => section(`ns/pid:${i}/ip.link`, ''))
    expect(applyCaptureLimits(capture(many))).toMatchObject({ ok: false, error: { code: 'too-large' } })
  })
})

describe('what a forged capture can make NetLens hold', () => {
  it(`keeps ${MAX_WARNINGS_PER_SECTION} parser warnings per section and counts the rest`, () => {
    const reader = new CaptureReader(capture([section('ip.route.text', 'garbage line\n'.repeat(500))]))
    const junk = reader.parse('ip.route.text', (text) => ({
      value: null,
      warnings: text.split('\n').filter(Boolean).map((l, i) => `line ${i + 1}: cannot read ${l}`)
    }))
    expect(junk).toBeNull()
    expect(reader.warnings).toHaveLength(MAX_WARNINGS_PER_SECTION + 1)
    expect(reader.warnings.at(-1)).toBe(`ip.route.text: ${500 - MAX_WARNINGS_PER_SECTION} more warnings like these`)
  })

  it(`lists at most ${MAX_FINDINGS_PER_CHECK} findings of one check and one finding counting the rest`, () => {
    const lab = captureFromDir(LAB_DIR)
    const drops = Array.from({ length: 1000 }, (_, i) => `-A DOCKER-USER -s 10.9.${i >> 8}.${i & 255}/32 -j DROP\n`).join('')
    const forged: Capture = {
      ...lab,
      sections: lab.sections.map((s) =>
        s.name === 'iptables.save' ? { ...s, stdout: s.stdout.replace(/(\*filter\n[\s\S]*?)(COMMIT)/, `$1${drops}$2`) } : s
      )
    }
    const report = diagnoseReport(buildSnapshot(forged))
    const userDrops = report.findings.filter((f) => f.id === 'docker-user-drop')
    expect(userDrops).toHaveLength(MAX_FINDINGS_PER_CHECK + 1)
    const more = userDrops.find((f) => f.title.en.includes('more'))
    expect(more?.title).toEqual({
      en: `${1000 - MAX_FINDINGS_PER_CHECK} more docker-user-drop findings not listed`,
      'zh-CN': `另有 ${1000 - MAX_FINDINGS_PER_CHECK} 条 docker-user-drop 问题未列出`
    })
    // The budget is per check: the next run lists every finding again.
    expect(diagnoseReport(buildSnapshot(lab)).findings.every((f) => !f.title.en.includes('findings not listed'))).toBe(true)
  })
})
