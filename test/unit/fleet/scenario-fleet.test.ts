/**
 * The multi-host training scenarios as fleets: overlay-fleet (three healthy swarm nodes) has no
 * cross-host finding and a fully joined overlay drawing; overlay-fleet-broken has the VNI mismatch,
 * the missing VTEP and the stale VTEP its faults put there, found by diagnoseFleet.
 */
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { parseScenarioText } from '../../../src/main/sim/load'
import { loadScenario, renderScenarioCapture } from '../../../src/main/sim/index'
import { diagnose } from '../../../src/shared/diagnose/index'
import { buildFleetReport } from '../../../src/shared/fleet/report'

function hostSnapshot(id: string, host: string) {
  const capture = renderScenarioCapture(id, { host })
  if (!capture.ok) throw new Error(capture.error.message)
  return buildSnapshot(capture.value)
}

function fleetOf(id: string) {
  const s = loadScenario(id)
  if (!s.ok) throw new Error(s.error.message)
  const inputs = s.value.hosts.map((h) => ({
    id: `sim:${id}#${h.name}`,
    label: h.name,
    snapshot: hostSnapshot(id, h.name)
  }))
  return buildFleetReport(inputs, diagnose)
}

describe('overlay-fleet: three healthy swarm nodes', () => {
  const report = fleetOf('overlay-fleet')

  it('has a row per node, each ok with its two containers running', () => {
    expect(report.hosts.map((h) => [h.label, h.state, h.containersRunning, h.containersTotal])).toEqual([
      ['node1', 'ok', 2, 2],
      ['node2', 'ok', 2, 2],
      ['node3', 'ok', 2, 2]
    ])
  })

  it('has no finding across hosts, and no critical finding on any host', () => {
    expect(report.findings).toEqual([])
    expect(report.hosts.map((h) => h.findings?.critical)).toEqual([0, 0, 0])
  })

  it('draws appnet on the three nodes, every tunnel known both ways', () => {
    expect(report.overlays.map((o) => o.name)).toEqual(['appnet'])
    const [appnet] = report.overlays
    expect(appnet.endpoints.map((e) => [e.label, e.vtep, e.vni, e.containers.map((c) => c.name).join()])).toEqual([
      ['node1', '10.10.0.11', 4097, 'web'],
      ['node2', '10.10.0.12', 4097, 'api'],
      ['node3', '10.10.0.13', 4097, 'db']
    ])
    expect(appnet.tunnels).toHaveLength(3)
    for (const t of appnet.tunnels) expect(t).toMatchObject({ forward: true, backward: true, vniMismatch: false })
    expect(appnet.strays).toEqual([])
  })
})

describe('overlay-fleet-broken: the faults only a fleet shows', () => {
  const report = fleetOf('overlay-fleet-broken')
  const byId = (id: string) => report.findings.filter((f) => f.id === id)

  it('finds the VNI mismatch on node3, with evidence from every node', () => {
    const [vni] = byId('fleet-overlay-vni-mismatch')
    expect(vni.hosts).toEqual(['node1', 'node2', 'node3'])
    expect(vni.explanation.en).toContain('VNI 4097: node1, node2; VNI 4098: node3')
    expect(vni.evidence.map((e) => e.label.split(':')[0])).toEqual(['node1', 'node2', 'node3'])
  })

  it('finds node1 missing node2 in its FDB (and no missing-VTEP claim across the VNI split)', () => {
    expect(byId('fleet-vtep-missing').map((f) => f.title.en)).toEqual(['node1 has no VXLAN route to node2 on appnet'])
  })

  it('finds node2 still sending a MAC to 10.10.0.99, a node outside the fleet', () => {
    const [stray] = byId('fleet-vtep-unknown')
    expect(stray.hosts).toEqual(['node2'])
    expect(stray.title.en).toContain('10.10.0.99')
  })

  it('has nothing else, and draws the broken tunnels', () => {
    expect(report.findings.map((f) => f.id).sort()).toEqual([
      'fleet-overlay-vni-mismatch',
      'fleet-vtep-missing',
      'fleet-vtep-unknown'
    ])
    const [appnet] = report.overlays
    const tunnel = (a: string, b: string) =>
      appnet.tunnels.find(
        (t) => t.from === `sim:overlay-fleet-broken#${a}` && t.to === `sim:overlay-fleet-broken#${b}`
      )!
    expect(tunnel('node1', 'node2')).toMatchObject({ forward: false, backward: true, vniMismatch: false })
    expect(tunnel('node1', 'node3').vniMismatch).toBe(true)
    expect(tunnel('node2', 'node3').vniMismatch).toBe(true)
    expect(appnet.strays).toEqual([{ hostId: 'sim:overlay-fleet-broken#node2', vtep: '10.10.0.99' }])
  })

  it('renders what the faults mean on the wire: node1 sends no VXLAN to node2, node3’s overlay has VNI 4098', () => {
    const node1 = hostSnapshot('overlay-fleet-broken', 'node1')
    expect(node1.conntrack.entries.some((e) => e.original.dport === 4789 && e.original.dst === '10.10.0.12')).toBe(
      false
    )
    const node3 = hostSnapshot('overlay-fleet-broken', 'node3')
    expect(node3.networks.find((n) => n.name === 'appnet')?.overlay?.vni).toBe(4098)
  })
})

describe('overlay faults in the scenario format', () => {
  const base = (faults: string) => `id: t1
title: { en: T, zh-CN: 测 }
description: { en: D, zh-CN: 述 }
overlays:
  - { name: ov, subnet: 10.0.9.0/24, vni: 4100 }
hosts:
  - name: a
    nics:
      - { name: eth0, addresses: [10.1.0.2/24] }
    containers:
      - { name: c1, networks: [ov] }
    faults:
${faults}
  - name: b
    nics:
      - { name: eth0, addresses: [10.1.0.3/24] }
`
  it('accepts the three overlay faults', () => {
    const r = parseScenarioText(
      base(`      - { type: overlay-vni, network: ov, vni: 4200 }
      - { type: missing-vtep, network: ov, host: b }
      - { type: stale-vtep, network: ov, vtep: 10.1.0.99 }`),
      'x.yaml'
    )
    expect(r.ok).toBe(true)
  })

  it('points at a fault naming no overlay or no other host', () => {
    const r = parseScenarioText(base(`      - { type: missing-vtep, network: nope, host: a }`), 'x.yaml')
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.errors.map((e) => `${e.path}: ${e.message}`).sort()).toEqual([
        'hosts[0].faults[0].host: "a" is not another host of this scenario',
        'hosts[0].faults[0].network: no overlay named "nope" in this scenario'
      ])
  })
})
