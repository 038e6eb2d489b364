/**
 * Traffic subjects (issue 15, item 3) on the lab-mirror scenario through the real pipeline, with
 * rates named the way the sampler names them (`pid:<pid>` for container namespaces): each container
 * interface once, its host veth one click away, one direction convention, idle hidden from the top.
 */
import { describe, expect, it } from 'vitest'
import { renderScenarioCapture } from '../../../src/main/sim/index'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { buildNameBook } from '../../../src/shared/snapshot/names'
import type { InterfaceRate } from '../../../src/shared/api/types'
import {
  buildTrafficSubjects,
  subjectRates,
  topTalkers
} from '../../../src/renderer/src/utils/traffic-subjects'
import { interfaceRate } from '../../support/rates'

const capture = renderScenarioCapture('lab-mirror')
if (!capture.ok) throw new Error(capture.error.message)
const lab = buildSnapshot(capture.value)
const book = buildNameBook(lab)
const pidOf = new Map(lab.containers.filter((c) => c.pid).map((c) => [c.netns, c.pid]))

/** Every interface of the snapshot as the sampler reports it, with `bytes` from the callback. */
function ratesFor(bytes: (netns: string, iface: string) => number, only?: (netns: string) => boolean): InterfaceRate[] {
  return lab.interfaces
    .filter((i) => !only || only(i.netns))
    .map((i) => {
      const netns = i.netns === 'host' ? 'host' : pidOf.get(i.netns) ? `pid:${pidOf.get(i.netns)}` : i.netns
      return interfaceRate({ iface: i.name, netns, rxBytesPerS: bytes(i.netns, i.name), txBytesPerS: 2 * bytes(i.netns, i.name) })
    })
}

describe('traffic subjects', () => {
  it('measures each container interface once, from its side, with the host veth one click away', () => {
    const subjects = buildTrafficSubjects(ratesFor(() => 100), book)
    const containers = subjects.filter((s) => s.kind === 'container')
    const labels = containers.map((s) => s.label)
    expect(new Set(labels).size).toBe(labels.length)
    expect(labels).toEqual(
      expect.arrayContaining(['nllab-web · eth0', 'nllab-app · eth0', 'nllab-app · eth1', 'nllab-db · eth0', 'nllab-default · eth0'])
    )
    // No host veth is a subject of its own.
    const veths = lab.containers.flatMap((c) => c.interfaces.map((i) => i.hostVeth).filter(Boolean))
    for (const s of subjects) expect(veths).not.toContain(s.measure.netns === 'host' ? s.measure.iface : '')
    const web = containers.find((s) => s.label === 'nllab-web · eth0')!
    expect(web.measure).toEqual({ netns: `pid:${lab.containers.find((c) => c.name === 'nllab-web')!.pid}`, iface: 'eth0', flip: false })
    expect(web.hostEnd?.iface).toBe(lab.containers.find((c) => c.name === 'nllab-web')!.interfaces[0].hostVeth)
    expect(subjects.find((s) => s.kind === 'bridge' && s.label === 'nllab-front (br-6573…)')).toBeDefined()
    expect(subjects.at(-1)?.kind).toBe('loopback')
  })

  it('falls back to the host veth, turned around, when the sampler cannot see inside a container', () => {
    const subjects = buildTrafficSubjects(ratesFor(() => 100, (ns) => ns === 'host'), book)
    const db = subjects.find((s) => s.label === 'nllab-db · eth0')!
    const veth = lab.containers.find((c) => c.name === 'nllab-db')!.interfaces[0].hostVeth!
    expect(db.measure).toEqual({ netns: 'host', iface: veth, flip: true })
    // The veth received 100 B/s: that is what nllab-db sent.
    const r = interfaceRate({ iface: veth, rxBytesPerS: 100, txBytesPerS: 7 })
    expect(subjectRates(r, true, 'bits')).toEqual({ sent: 800, received: 56 })
    expect(subjectRates(r, false, 'bits')).toEqual({ sent: 56, received: 800 })
  })

  it('top talkers hide idle subjects and follow the metric shown', () => {
    const rates = ratesFor((ns, iface) => (iface === 'eth0' && ns !== 'host' ? 500 : 0))
    const subjects = buildTrafficSubjects(rates, book)
    const latest = new Map(rates.map((r) => [`${r.netns}/${r.iface}`, r]))
    const bits = topTalkers(subjects, latest, 'bits')
    expect(bits.length).toBeGreaterThan(0)
    for (const t of bits) expect(t.rates.sent + t.rates.received).toBeGreaterThan(0)
    expect(bits.every((t) => t.subject.label.endsWith('· eth0'))).toBe(true)
    // Nothing sent errors or packets here: those tops are empty rather than full of zeros.
    expect(topTalkers(subjects, latest, 'errors')).toEqual([])
    expect(topTalkers(subjects, latest, 'packets')).toEqual([])
  })
})
