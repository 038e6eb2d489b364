/**
 * Training scenarios through the real pipeline (render → buildSnapshot): the joins every lesson
 * relies on, the NAT lesson's conntrack story, and the troubleshooting exercise graded by the same
 * diagnose engine that reads real hosts.
 */
import { describe, expect, it } from 'vitest'
import { gradeLesson, listLessons, listScenarios, renderScenarioCapture } from '../../../src/main/sim/index'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { diagnose } from '../../../src/shared/diagnose/index'
import type { Snapshot } from '../../../src/shared/snapshot/schema'

function snapshotOf(id: string): Snapshot {
  const capture = renderScenarioCapture(id)
  if (!capture.ok) throw new Error(capture.error.message)
  return buildSnapshot(capture.value)
}

const LESSON_SCENARIOS = ['virtual-network', 'bridge-mode', 'nat-mode', 'host-mode', 'none-mode', 'container-mode', 'overlay']

describe('training scenarios through buildSnapshot', () => {
  it('lists at least the seven lesson scenarios', () => {
    const ids = listScenarios().map((s) => s.id)
    for (const id of LESSON_SCENARIOS) expect(ids).toContain(id)
  })

  it.each(listScenarios().map((s) => s.id))('%s: every container interface has its veth and bridge, or none for host/none/container modes', (id) => {
    const snapshot = snapshotOf(id)
    expect(snapshot.containers.length).toBeGreaterThan(0)
    const veths = new Map(snapshot.interfaces.filter((i) => i.kind === 'veth').map((i) => [`${i.netns}/${i.name}`, i]))
    for (const container of snapshot.containers) {
      const shared = container.networkMode === 'host' || container.networkMode === 'none' || container.networkMode.startsWith('container:')
      for (const iface of container.interfaces) {
        if (shared) {
          expect(iface.hostVeth, `${container.name}/${iface.ifname}`).toBeNull()
          expect(iface.bridge, `${container.name}/${iface.ifname}`).toBeNull()
          continue
        }
        if (iface.ifname === 'lo') continue
        expect(iface.hostVeth, `${container.name}/${iface.ifname} host veth`).not.toBeNull()
        expect(iface.bridge, `${container.name}/${iface.ifname} bridge`).not.toBeNull()
        expect(iface.evidence).toBe('netns-ifindex')
        const bridge = snapshot.bridges.find((b) => b.name === iface.bridge && b.ports.includes(iface.hostVeth!))
        expect(bridge, `${iface.hostVeth} is a port of ${iface.bridge}`).toBeDefined()
        const veth = [...veths.values()].find((v) => v.name === iface.hostVeth)
        expect(veth?.master).toBe(iface.bridge)
      }
    }
  })

  it('nat-mode shows the MASQUERADE translation attributed to the container', () => {
    const snapshot = snapshotOf('nat-mode')
    const snat = snapshot.conntrack.entries.filter((e) => e.nat === 'SNAT' && e.containers.includes('app'))
    expect(snat.length).toBeGreaterThan(0)
    expect(snat[0].original.src).toBe('172.17.0.2')
    expect(snat[0].reply.dst).not.toBe('172.17.0.2')
  })

  it('without MASQUERADE the reply never returns: untranslated and UNREPLIED', () => {
    const snapshot = snapshotOf('nat-mode-no-masquerade')
    const toOutside = snapshot.conntrack.entries.filter((e) => e.original.src === '172.17.0.2' && e.original.dst === '203.0.113.10')
    expect(toOutside.length).toBeGreaterThan(0)
    for (const entry of toOutside) {
      expect(entry.nat).toBe('none')
      expect(entry.flags).toContain('UNREPLIED')
      expect(entry.reply.dst).toBe('172.17.0.2')
    }
    expect(snapshot.nat.rules.some((r) => r.target === 'MASQUERADE' && r.match.includes('172.17.0.0/16'))).toBe(false)
  })
})

describe('troubleshooting exercise graded by the diagnose engine', () => {
  it('the engine sees the fault in the exercise scenario and not in the healthy one', () => {
    expect(diagnose(snapshotOf('nat-mode-no-masquerade')).map((f) => f.id)).toContain('missing-masquerade')
    expect(diagnose(snapshotOf('nat-mode')).map((f) => f.id)).not.toContain('missing-masquerade')
  })

  it('passes exactly the choice naming the fault the engine found', () => {
    const lesson = listLessons().find((l) => l.id === 'troubleshoot-nat')!
    expect(lesson.scenario).toBe('nat-mode-no-masquerade')
    const results = lesson.check.choices.map((_, i) => gradeLesson('troubleshoot-nat', i).passed)
    expect(results).toEqual([false, true, false, false])
    expect(gradeLesson('troubleshoot-nat', 1).explanation['zh-CN']).toContain('MASQUERADE')
  })
})
