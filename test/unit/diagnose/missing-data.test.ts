/**
 * Missing data is never a fault (issue #13, items 4 and 5), on real captures made partial:
 * - every check, with each capture section it needs denied, is listed as not checked and finds
 *   nothing;
 * - the classes of false finding seen on real hosts: a container whose routes were not captured
 *   (docker's overlay gateway is empty), a non-root capture's containers without addresses, DNAT
 *   rules "dangling" because docker was not readable;
 * - the CLI says what it could not check, with the remedy, and `inspect` does not invent a
 *   conntrack table size.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import type { Capture } from '../../../src/main/capture/capture-types'
import { formatReport } from '../../../src/main/cli/format/diagnose'
import { formatSnapshotSummary } from '../../../src/main/cli/format/snapshot-summary'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { CHECKS, diagnoseReport } from '../../../src/shared/diagnose'
import { captureFromDir } from '../../support/capture-from-dir'
import { FIXTURES_DIR } from '../../support/fixtures'

const LAB = captureFromDir(join(FIXTURES_DIR, 'lab/debian-12-docker-20.10'))
const OVERLAY = captureFromDir(join(FIXTURES_DIR, 'lab/debian-12-docker-20.10-overlay'))
const nonroot = parseCaptureText(
  readFileSync(join(FIXTURES_DIR, 'capture/debian-12-docker-20.10/probe--nonroot-lab.cap'), 'utf8')
)
if (!nonroot.ok) throw new Error(nonroot.error.message)
const NONROOT = nonroot.value

/** The capture with these sections denied, as a non-root probe records them (no output, a stderr). */
function denied(capture: Capture, names: readonly string[]): Capture {
  return {
    ...capture,
    sections: capture.sections.map((s) =>
      names.includes(s.name)
        ? { ...s, status: 'permission-denied', exitCode: 1, stdout: '', stderr: 'Permission denied' }
        : s
    )
  }
}
const without = (capture: Capture, drop: (name: string) => boolean): Capture => ({
  ...capture,
  sections: capture.sections.filter((s) => !drop(s.name))
})

describe('every check on a partial lab capture', () => {
  const full = diagnoseReport(buildSnapshot(LAB))

  it('checks everything on the whole root capture', () => {
    expect(full.notChecked.map((n) => `${n.check}: ${n.reason.en}`)).toEqual([
      // the lab fixture predates iptables-legacy-save in the probe
      "mixed-backends: the other iptables backend's rules were not captured, so rules hidden there are unknown (iptables-legacy.save: not captured)"
    ])
    expect(full.findings.length).toBeGreaterThan(0)
  })

  for (const check of CHECKS) {
    for (const need of check.needs) {
      it(`${check.ids[0]}: ${need.sections.join(' | ')} denied → not checked, no finding`, () => {
        const report = diagnoseReport(buildSnapshot(denied(LAB, need.sections)))
        expect(report.findings.filter((f) => check.ids.includes(f.id))).toEqual([])
        const entry = report.notChecked.find((n) => n.check === check.ids[0] && n.object === null)
        expect(entry, `${check.ids[0]} not listed`).toBeDefined()
        expect(entry!.sections).toEqual(
          expect.arrayContaining(
            need.sections
              .filter((name) => LAB.sections.some((s) => s.name === name))
              .map((name) => ({ name, state: 'permission-denied' }))
          )
        )
        expect(entry!.remedy?.en).toMatch(/--sudo/)
      })
    }
  }
})

describe('classes of false finding on real partial captures', () => {
  it('a container whose routes were not captured has no "no default route" finding, but a not-checked line', () => {
    // Without the per-namespace routes, docker's own gateway is all there is, and it is empty for overlay networks.
    const partial = without(OVERLAY, (name) => /^ns\/.*\/(ip\.route|proc\.route)$/.test(name))
    const report = diagnoseReport(buildSnapshot(partial))
    expect(report.findings.filter((f) => f.id === 'container-no-default-route')).toEqual([])
    const skipped = report.notChecked.filter((n) => n.check === 'container-no-default-route')
    expect(skipped.map((n) => n.object?.id)).toContain('nllab-ovc')
    const ovc = skipped.find((n) => n.object?.id === 'nllab-ovc')!
    expect(ovc.reason.en).toMatch(
      /^the routes inside its namespace were not captured \(ns\/pid:17202\/ip\.route: not captured/
    )
    // The same capture with its routes checks that container, and finds it has a default route.
    const whole = diagnoseReport(buildSnapshot(OVERLAY))
    expect(whole.notChecked.filter((n) => n.check === 'container-no-default-route')).toEqual([])
    expect(whole.findings.filter((f) => f.id === 'container-no-default-route')).toEqual([])
  })

  it('a non-root capture: no "has no IP address" findings for containers seen only in /proc; docker, iptables and conntrack listed with the remedy', () => {
    const report = diagnoseReport(buildSnapshot(NONROOT))
    expect(report.findings.map((f) => f.id)).not.toContain('container-no-address')
    const noAddress = report.notChecked.filter((n) => n.check === 'container-no-address')
    expect(noAddress.length).toBe(6)
    for (const n of noAddress) {
      expect(n.sections[0]).toEqual({ name: 'docker.containers', state: 'skipped' })
      expect(n.remedy?.en).toBe('capture as root, with --sudo (sudo -n), or as a user in the docker group')
    }
    const lacking = new Set(report.notChecked.flatMap((n) => n.sections.map((s) => `${s.name} ${s.state}`)))
    for (const s of ['iptables.save permission-denied', 'conntrack.list permission-denied', 'docker.networks skipped'])
      expect(lacking).toContain(s)
    expect(report.notChecked.map((n) => n.check)).toEqual(
      expect.arrayContaining([
        'missing-masquerade',
        'forward-drop',
        'port-no-dnat',
        'dnat-dangling',
        'conntrack-stale',
        'hairpin-off'
      ])
    )
  })

  it('docker not readable (iptables is): no DNAT rule is called dangling, no conntrack entry stale', () => {
    const partial = denied(LAB, ['docker.version', 'docker.networks', 'docker.containers'])
    const report = diagnoseReport(buildSnapshot(partial))
    expect(
      report.findings.map((f) => f.id).filter((id) => ['dnat-dangling', 'conntrack-stale', 'port-no-dnat'].includes(id))
    ).toEqual([])
    expect(report.notChecked.map((n) => n.check)).toEqual(expect.arrayContaining(['dnat-dangling', 'conntrack-stale']))
  })

  it('a sysctl section without ip_forward: not checked (never "forwarding is off")', () => {
    const capture = {
      ...LAB,
      sections: LAB.sections.map((s) =>
        s.name === 'sysctl' ? { ...s, stdout: s.stdout.replace(/^net\.ipv4\.ip_forward = .*\n/m, '') } : s
      )
    }
    const report = diagnoseReport(buildSnapshot(capture))
    expect(report.findings.map((f) => f.id)).not.toContain('ip-forward-off')
    expect(report.notChecked.find((n) => n.check === 'ip-forward-off')?.sections).toEqual([
      { name: 'sysctl net.ipv4.ip_forward', state: 'absent' }
    ])
  })

  it('a truncated capture names the cut and says to capture again', () => {
    const cut: Capture = {
      ...LAB,
      sections: LAB.sections.filter(
        (s) => !['conntrack.list', 'conntrack.count', 'conntrack.max', 'ss.listen'].includes(s.name)
      ),
      truncated: { after: 'nft.ruleset', cut: null }
    }
    const report = diagnoseReport(buildSnapshot(cut))
    const full = report.notChecked.find((n) => n.check === 'conntrack-full')!
    expect(full.reason.en).toBe(
      'conntrack.count: not captured (the capture was truncated after nft.ruleset); conntrack.max: not captured (the capture was truncated after nft.ruleset)'
    )
    expect(full.remedy?.en).toBe('capture again: the last capture was cut short')
  })
})

describe('the CLI on partial data', () => {
  it('diagnose text ends with "Not checked", naming sections and the remedy (en and zh-CN)', () => {
    const report = diagnoseReport(buildSnapshot(NONROOT))
    const en = formatReport(report, 'en')
    expect(en).toMatch(/^No findings\.\n\nNot checked \(\d+\): the capture lacks what these checks read/)
    expect(en).toMatch(
      /missing-masquerade, forward-drop: docker\.networks: not run — docker version failed \(permission-denied\); iptables\.save: permission denied\n\s+to check it: capture as root, with --sudo \(sudo -n\), or as a user in the docker group/
    )
    // Six containers skipped for the same reason: one line.
    expect(en.split('\n').filter((l) => l.includes('container-no-address'))).toHaveLength(1)
    expect(en).toMatch(/ns\/…\/ip\.addr: not captured/)
    const zh = formatReport(report, 'zh-CN')
    expect(zh).toMatch(/^没有发现问题。\n\n未检查（\d+）：/)
    expect(zh).toContain('docker.networks：未执行——docker version failed (permission-denied)；')
    expect(zh).toContain('怎么办：以 root 身份采集，或加 --sudo（sudo -n），或用 docker 组里的用户采集')
  })

  it('inspect does not say "N in the table" when conntrack.count was not captured', () => {
    const withCount = formatSnapshotSummary(buildSnapshot(LAB))
    expect(withCount).toMatch(/Conntrack: \d+ entries read, \d+ in the table/)
    const noCount = formatSnapshotSummary(buildSnapshot(without(LAB, (name) => name === 'conntrack.count')))
    expect(noCount).toMatch(/Conntrack: \d+ entries read/)
    expect(noCount).not.toMatch(/in the table/)
    expect(noCount).toContain('table size not captured')
  })
})
