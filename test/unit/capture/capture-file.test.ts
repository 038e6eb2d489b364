import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  looksLikeCapture,
  parseCaptureFile,
  parseCaptureText,
  serializeCapture
} from '../../../src/main/capture/capture-file'
import type { Capture, RawSection } from '../../../src/main/capture/capture-types'

const B = 'nl-0f0e0d0c-1111-2222-3333-444455556666'
const HEADER = [
  `boundary: ${B}`,
  'source: manual',
  'capturedAt: 2026-11-28T16:08:37Z',
  'probe: netlens-probe 1',
  'conntrackCap: 200000',
  'uid: 0',
  'sudo: 0'
]
/** One section as format 2 prints it: exit/ms/status in a `result` block after stdout. */
const v2Section = (name: string, command: string, result: string[], stdout: string[], stderr: string[]): string[] => [
  `--${B} section`,
  `name: ${name}`,
  `command: ${command}`,
  `--${B} stdout`,
  ...stdout,
  `--${B} result`,
  ...result,
  `--${B} stderr`,
  ...stderr,
  `--${B} end`
]
/** The same section in format 1: the fields before stdout. */
const v1Section = (name: string, command: string, result: string[], stdout: string[], stderr: string[]): string[] => [
  `--${B} section`,
  `name: ${name}`,
  `command: ${command}`,
  ...result,
  `--${B} stdout`,
  ...stdout,
  `--${B} stderr`,
  ...stderr,
  `--${B} end`
]
const SECTIONS: Parameters<typeof v2Section>[] = [
  ['meta.hostname', 'hostname', ['exit: 0', 'ms: 17', 'status: ok'], ['vm', ''], ['']],
  [
    'iptables.save',
    'iptables-save',
    ['exit: 4', 'ms: 3', 'status: permission-denied'],
    [''],
    [
      'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)',
      ''
    ]
  ],
  [
    'nft.ruleset',
    'nft -j list ruleset',
    ['exit: ', 'ms: 0', 'status: skipped'],
    [''],
    ['nf_tables is not loaded (not loading it)']
  ]
]
/** The exact shape resources/probe.sh prints (docs/capture-format.md, format 2). */
const probeText = ['NETLENS-CAPTURE 2', ...HEADER, ...SECTIONS.flatMap((s) => v2Section(...s)), `--${B} done`, ''].join(
  '\n'
)
/** What probes of format 1 printed (test/fixtures/capture holds real ones). */
const v1Text = ['NETLENS-CAPTURE 1', ...HEADER, ...SECTIONS.flatMap((s) => v1Section(...s)), `--${B} done`, ''].join(
  '\n'
)

describe('parseCaptureFile', () => {
  it('reads a probe capture: header, sections, exit codes, statuses and bodies', () => {
    const r = parseCaptureFile(probeText)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.header).toMatchObject({
      source: 'manual',
      conntrackCap: '200000',
      uid: '0',
      probe: 'netlens-probe 1'
    })
    const c = r.value.capture
    expect(c.capturedAt).toBe('2026-11-28T16:08:37Z')
    expect(c.sections.map((s) => [s.name, s.exitCode, s.status])).toEqual([
      ['meta.hostname', 0, 'ok'],
      ['iptables.save', 4, 'permission-denied'],
      ['nft.ruleset', null, 'skipped']
    ])
    expect(c.sections[0].stdout).toBe('vm\n')
    expect(c.sections[0].stderr).toBe('')
    expect(c.sections[1].stdout).toBe('')
    expect(c.sections[1].stderr).toMatch(/you must be root\)\n$/)
    expect(c.sections[2].stderr).toBe('nf_tables is not loaded (not loading it)')
  })

  it('reads format 1 files (fields before stdout) to the same capture', () => {
    const v1 = parseCaptureFile(v1Text)
    const v2 = parseCaptureFile(probeText)
    expect(v1.ok && v2.ok).toBe(true)
    if (v1.ok && v2.ok) expect(v1.value).toEqual(v2.value)
  })

  it('writes format 2, with the result after stdout as the probe prints it', () => {
    const r = parseCaptureText(probeText)
    if (!r.ok) throw new Error(r.error.message)
    const text = serializeCapture(r.value)
    expect(text.startsWith('NETLENS-CAPTURE 2\n')).toBe(true)
    const boundary = /^boundary: (\S+)$/m.exec(text)?.[1]
    expect(text).toContain(
      `--${boundary} stdout\nvm\n\n--${boundary} result\nexit: 0\nms: 17\nstatus: ok\n--${boundary} stderr\n`
    )
  })

  it('rejects other files, and captures cut before any complete section, with a parse-error', () => {
    expect(parseCaptureText('{"schemaVersion":1}').ok).toBe(false)
    expect(parseCaptureText('NETLENS-CAPTURE 2\nboundary: nl-abcdefgh\n').ok).toBe(false)
    const future = parseCaptureText(probeText.replace('NETLENS-CAPTURE 2', 'NETLENS-CAPTURE 3'))
    expect(future.ok).toBe(false)
    if (!future.ok) expect(future.error.message).toMatch(/version 3/)
    for (const cut of [probeText.indexOf('name: meta.hostname'), probeText.indexOf('status: ok')]) {
      const r = parseCaptureText(probeText.slice(0, cut))
      expect(r.ok).toBe(false)
      if (!r.ok)
        expect(r.error).toMatchObject({ code: 'parse-error', message: expect.stringMatching(/truncated before/) })
    }
  })

  it('loads a capture cut after a section (no done marker): the complete sections, the cut one unread', () => {
    const at = (needle: string): number => probeText.indexOf(needle)
    const cases: [number, { after: string; cut: string | null }, string[]][] = [
      [at(`--${B} section\nname: iptables.save`), { after: 'meta.hostname', cut: null }, ['meta.hostname']],
      [
        at('name: iptables.save') + 'name: iptables.save\n'.length,
        { after: 'meta.hostname', cut: 'iptables.save' },
        ['meta.hostname', 'iptables.save']
      ],
      [at('Permission denied'), { after: 'meta.hostname', cut: 'iptables.save' }, ['meta.hostname', 'iptables.save']],
      [
        at('status: permission-denied'),
        { after: 'meta.hostname', cut: 'iptables.save' },
        ['meta.hostname', 'iptables.save']
      ],
      [probeText.length - 20, { after: 'nft.ruleset', cut: null }, ['meta.hostname', 'iptables.save', 'nft.ruleset']]
    ]
    for (const [cut, truncated, names] of cases) {
      const r = parseCaptureText(probeText.slice(0, cut))
      if (!r.ok) throw new Error(`cut at ${cut}: ${r.error.message}`)
      expect(r.value.truncated, `cut at ${cut}`).toEqual(truncated)
      expect(r.value.sections.map((s) => s.name)).toEqual(names)
      expect(r.value.sections[0]).toMatchObject({ name: 'meta.hostname', stdout: 'vm\n', status: 'ok' })
      if (truncated.cut) {
        const cutSection = r.value.sections[r.value.sections.length - 1]
        expect(cutSection).toMatchObject({ name: truncated.cut, status: 'error', stdout: '', exitCode: null })
        expect(cutSection.stderr).toMatch(/ends inside this section/)
      }
    }
    // A cut inside the `name:` line itself does not name a section.
    const midName = parseCaptureText(probeText.slice(0, at('name: iptables.save') + 'name: ipt'.length))
    expect(midName.ok && midName.value.truncated).toEqual({ after: 'meta.hostname', cut: null })
    // The whole file, and the whole file without its last newline, are not truncated.
    for (const text of [probeText, probeText.slice(0, -1)]) {
      const whole = parseCaptureText(text)
      expect(whole.ok && whole.value.truncated).toBeUndefined()
    }
  })

  it('still refuses a capture that is damaged (structure broken before its done marker)', () => {
    const broken = probeText.replace(`--${B} section\nname: iptables.save`, `--${B} sectoin\nname: iptables.save`)
    const r = parseCaptureText(broken)
    expect(!r.ok && r.error.message).toMatch(/damaged after section "meta.hostname"/)
  })

  it('tells capture files from JSON', () => {
    expect(looksLikeCapture(probeText)).toBe(true)
    expect(looksLikeCapture('\uFEFF' + probeText)).toBe(true)
    expect(looksLikeCapture('{"schemaVersion":1}')).toBe(false)
  })

  it('keeps an unknown status as error and tolerates unknown header keys', () => {
    const text = probeText.replace('status: ok', 'status: weird').replace('ms: 17', 'ms: 17\nfuture: yes')
    const r = parseCaptureText(text)
    expect(r.ok && r.value.sections[0].status).toBe('error')
    expect(r.ok && r.value.sections[0].ms).toBe(17)
  })
})

const status = fc.constantFrom(
  'ok',
  'missing-tool',
  'permission-denied',
  'timeout',
  'error',
  'skipped'
) as fc.Arbitrary<RawSection['status']>
/** Well-formed Unicode (what a JS string read from UTF-8 can hold), including CR, NUL and marker-like lines. */
const body = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => s.toWellFormed()),
  fc
    .array(
      fc.constantFrom(
        '\n',
        '\r\n',
        '\0',
        '--',
        `--${B} end`,
        '--nl-x stderr',
        '--nl-x result',
        'status: ok',
        ' ',
        'NETLENS-CAPTURE 1'
      ),
      { maxLength: 30 }
    )
    .map((a) => a.join(''))
)
const section: fc.Arbitrary<RawSection> = fc.record({
  name: fc.oneof(fc.constantFrom('ip.link', 'ns/pid:123/igmp'), fc.string({ maxLength: 40 })),
  command: fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.toWellFormed()),
  exitCode: fc.option(fc.integer({ min: -255, max: 255 }), { nil: null }),
  ms: fc.nat(1_000_000),
  status,
  stdout: body,
  stderr: body
})
const capture: fc.Arbitrary<Capture> = fc.record({
  formatVersion: fc.constant(1 as const),
  source: fc.string({ maxLength: 40 }),
  capturedAt: fc.string({ maxLength: 30 }),
  sections: fc.array(section, { maxLength: 8 })
})

describe('capture file round trip (fast-check)', () => {
  it('parse(serialize(c)) === c for any section text', () => {
    fc.assert(
      fc.property(capture, (c) => {
        const r = parseCaptureText(serializeCapture(c))
        expect(r.ok).toBe(true)
        if (r.ok) expect(r.value).toEqual(c)
      }),
      { numRuns: 300 }
    )
  })

  it('survives a trip through UTF-8 bytes on disk', () => {
    fc.assert(
      fc.property(capture, (c) => {
        const onDisk = new TextDecoder().decode(new TextEncoder().encode(serializeCapture(c)))
        const r = parseCaptureText(onDisk)
        expect(r.ok && r.value).toEqual(c)
      }),
      { numRuns: 100 }
    )
  })

  it('any raw bytes a command prints keep the capture structure intact (probe-style text)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.uint8Array({ maxLength: 200 }), (out, err) => {
        // What the probe writes: header, then the bytes verbatim; the file is read back as UTF-8.
        const enc = new TextEncoder()
        const parts = [
          enc.encode(
            `NETLENS-CAPTURE 2\nboundary: ${B}\nsource: manual\ncapturedAt: x\n--${B} section\nname: a\ncommand: c\n--${B} stdout\n`
          ),
          out,
          enc.encode(`\n--${B} result\nexit: 1\nms: 2\nstatus: error\n--${B} stderr\n`),
          err,
          enc.encode(`\n--${B} end\n--${B} done\n`)
        ]
        const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
        let at = 0
        for (const p of parts) {
          bytes.set(p, at)
          at += p.length
        }
        const r = parseCaptureText(new TextDecoder().decode(bytes))
        expect(r.ok).toBe(true)
        if (!r.ok) return
        expect(r.value.sections).toHaveLength(1)
        expect(r.value.sections[0]).toMatchObject({ exitCode: 1, ms: 2, status: 'error' })
        expect(r.value.sections[0].stdout).toBe(new TextDecoder().decode(out))
        expect(r.value.sections[0].stderr).toBe(new TextDecoder().decode(err))
        // and the decoded strings round-trip through serialize/parse exactly
        const again = parseCaptureText(serializeCapture(r.value))
        expect(again.ok && again.value).toEqual(r.value)
      }),
      { numRuns: 300 }
    )
  })

  it('picks a boundary that no body contains', () => {
    const c: Capture = { formatVersion: 1, source: 's', capturedAt: 't', sections: [] }
    const text = serializeCapture(c)
    const boundary = /boundary: (\S+)/.exec(text)?.[1] ?? ''
    const hostile: Capture = {
      ...c,
      sections: [
        { name: 'x', command: 'x', exitCode: 0, ms: 0, status: 'ok', stdout: `\n--${boundary} end\n`, stderr: '' }
      ]
    }
    const out = serializeCapture(hostile)
    expect(/boundary: (\S+)/.exec(out)?.[1]).not.toBe(boundary)
    expect(parseCaptureText(out)).toEqual({ ok: true, value: hostile })
  })
})
