import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { CaptureReader } from '../../../src/main/model/reader'
import { SECTION } from '../../../src/main/capture/sections'
import { Snapshot, type SectionStatus } from '../../../src/shared/snapshot/schema'
import type { Capture } from '../../../src/main/capture/capture-types'

const section = (name: string, stdout: string, status: SectionStatus = 'ok', command = name) => ({
  name,
  command,
  exitCode: status === 'ok' ? 0 : 1,
  ms: 3,
  status,
  stderr: '',
  stdout
})

describe('section warnings', () => {
  it('say what is unknown and what to do, and notice fallbacks', () => {
    const reader = new CaptureReader({
      formatVersion: 1,
      source: 'local',
      capturedAt: '2026-11-28T00:00:00Z',
      sections: [
        section('conntrack.list', '', 'missing-tool', 'sudo -n conntrack -L -o extended'),
        section('ip.link', '', 'error', 'ip -j -d link show'),
        section(
          'ip.link.text',
          '1: lo: <LOOPBACK,UP> mtu 65536 state UNKNOWN\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
        ),
        section('ns/pid:42/ip.link', '', 'permission-denied'),
        section('iptables-legacy.save', '', 'skipped')
      ]
    })
    expect(reader.sectionWarnings()).toEqual([
      'conntrack.list: missing-tool — live NAT translations unknown; install conntrack',
      'ip.link: error — read ip.link.text instead',
      'ns/pid:42/ip.link: permission-denied — interfaces inside it unknown for namespace pid:42; run as root or with --sudo'
    ])
  })
})

describe('buildSnapshot never throws', () => {
  const names = [
    ...Object.values(SECTION),
    'ns/pid:7/ip.link',
    'ns/pid:7/igmp',
    'ns/docker:1-abc/bridge.fdb',
    'ns/ipnetns:x/ip.addr'
  ]
  const statuses: SectionStatus[] = ['ok', 'missing-tool', 'permission-denied', 'timeout', 'error', 'skipped']
  it('on arbitrary section contents, and the result is a valid snapshot', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.constantFrom(...names),
            status: fc.constantFrom(...statuses),
            stdout: fc.oneof(
              fc.string(),
              fc.json(),
              fc.constantFrom('[{"ifindex":1}]', '[]', '{}', 'null', '*nat\n-A X -j DNAT\nCOMMIT')
            )
          }),
          { maxLength: 12 }
        ),
        (sections) => {
          const capture: Capture = {
            formatVersion: 1,
            source: 'local',
            capturedAt: '2026-11-28T00:00:00Z',
            sections: sections.map((s) => section(s.name, s.stdout, s.status))
          }
          const snapshot = buildSnapshot(capture)
          expect(Snapshot.safeParse(snapshot).success).toBe(true)
          expect(snapshot.sections.length).toBe(new Set(sections.map((s) => s.name)).size)
        }
      ),
      { numRuns: 150 }
    )
  })

  it('on a malformed capture object', () => {
    const snapshot = buildSnapshot({
      formatVersion: 1,
      source: 'x',
      capturedAt: 'now',
      sections: null
    } as unknown as Capture)
    expect(Snapshot.safeParse(snapshot).success).toBe(true)
    expect(snapshot.warnings).toContain('ip.link: not captured — interfaces unknown')
  })
})
