/**
 * Diagnose and trace on snapshots built by the real pipeline (buildSnapshot): the Debian 12 /
 * Docker 20.10 lab capture, and every training scenario rendered by the simulator, with each
 * simulator fault type injected into the nat-mode scenario.
 */
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { listScenarios, loadScenario, renderScenario, renderScenarioCapture } from '../../../src/main/sim/index'
import type { Scenario } from '../../../src/main/sim/index'
import type { Snapshot } from '../../../src/shared/snapshot/schema'
import { diagnose } from '../../../src/shared/diagnose'
import { traceFlow } from '../../../src/shared/trace'
import { captureFromDir } from '../../support/capture-from-dir'
import { LAB_DIR } from '../../support/snapshot-builder'

const ids = (s: Snapshot): string[] => [...new Set(diagnose(s).map((f) => f.id))].sort()

function scenarioSnapshot(id: string): Snapshot {
  const capture = renderScenarioCapture(id)
  if (!capture.ok) throw new Error(`${id}: ${capture.error.message}`)
  return buildSnapshot(capture.value)
}

function withFaults(id: string, faults: unknown[]): Snapshot {
  const base = loadScenario(id)
  if (!base.ok) throw new Error(base.error.message)
  const scenario = structuredClone(base.value) as Scenario
  ;(scenario.hosts[0] as { faults: unknown[] }).faults = faults
  const capture = renderScenario(scenario)
  if (!capture.ok) throw new Error(capture.error.message)
  return buildSnapshot(capture.value)
}

describe('lab capture (Debian 12, Docker 20.10)', () => {
  const lab = buildSnapshot(captureFromDir(LAB_DIR))

  it('finds only the real MTU problem of the build machine (eth0 MTU 1400 under 1500-byte bridges)', () => {
    expect(ids(lab)).toEqual(['mtu-mismatch'])
    for (const f of diagnose(lab)) expect(f.explanation.en).toContain('eth0 has MTU 1400')
  })

  it('traces the lab paths: masquerade out, DNAT in, isolation between networks', () => {
    const out = traceFlow(lab, 'nltmp-ll-multi', 'outside')
    expect(out.verdict).toBe('delivered')
    expect(out.hops.find((h) => h.description.en.startsWith('MASQUERADE'))?.packetAfter.src).toBe('198.51.100.1')

    const inbound = traceFlow(lab, 'outside', '192.0.2.2:18080/tcp')
    expect(inbound.verdict).toBe('delivered')
    expect(inbound.hops.at(-1)!.nodes).toContain('container:nltmp-ll-web')

    const isolated = traceFlow(lab, 'nltmp-ll-def', 'nltmp-ll-web:80/tcp')
    expect(isolated.verdict).toBe('dropped')
    expect(isolated.droppedBy).toBe('-A DOCKER-ISOLATION-STAGE-2 -o br-08358af093c8 -j DROP')

    const internal = traceFlow(lab, 'nllab-db', 'outside')
    expect(internal.verdict).not.toBe('delivered')
  })
})

describe('training scenarios', () => {
  const scenarios = listScenarios().map((s) => s.id)

  it('are all found', () => {
    expect(scenarios).toContain('nat-mode')
    expect(scenarios).toContain('nat-mode-no-masquerade')
  })

  it.each(scenarios)('%s: no critical finding unless the scenario injects a fault', (id) => {
    const loaded = loadScenario(id)
    expect(loaded.ok).toBe(true)
    // Overlay faults between hosts are found across hosts (test/unit/fleet/scenario-fleet.test.ts), not on one.
    const acrossHosts = ['overlay-vni', 'missing-vtep', 'stale-vtep']
    const faults = loaded.ok
      ? loaded.value.hosts.flatMap((h) => h.faults).filter((f) => !acrossHosts.includes(f.type))
      : []
    const critical = diagnose(scenarioSnapshot(id)).filter((f) => f.severity === 'critical')
    if (faults.length === 0) expect(critical.map((f) => f.id)).toEqual([])
    else expect(critical.length).toBeGreaterThan(0)
  })

  it('nat-mode-no-masquerade: missing-masquerade with the Docker rule as fix, and the trace has no way back', () => {
    const s = scenarioSnapshot('nat-mode-no-masquerade')
    const f = diagnose(s).find((x) => x.id === 'missing-masquerade')!
    expect(f.fix).toBe('iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE')
    const r = traceFlow(s, 'app', '203.0.113.10:443/tcp')
    expect(r.verdict).toBe('no-route')
    expect(r.hops.at(-1)!.packetAfter.src).toBe('172.17.0.2')
  })

  it('nat-mode: app reaches the outside masqueraded to the host address; outside reaches web through DNAT', () => {
    const s = scenarioSnapshot('nat-mode')
    const out = traceFlow(s, 'app', '203.0.113.10:443/tcp')
    expect(out.verdict).toBe('delivered')
    expect(out.hops.find((h) => h.description.en.startsWith('MASQUERADE'))?.packetAfter.src).toBe('10.10.0.11')
    const inbound = traceFlow(s, 'outside', '10.10.0.11:8080/tcp')
    expect(inbound.verdict).toBe('delivered')
    expect(inbound.hops.find((h) => h.description.en.startsWith('DNAT'))?.packetAfter).toMatchObject({
      dst: '172.17.0.3',
      dport: 80
    })
  })

  it.each([
    [[{ type: 'ip-forward-off' }], 'ip-forward-off'],
    [[{ type: 'missing-rule', network: 'bridge', rule: 'masquerade' }], 'missing-masquerade'],
    [[{ type: 'missing-rule', network: 'bridge', rule: 'dnat' }], 'port-no-dnat'],
    [[{ type: 'veth-detached', container: 'app' }], 'veth-orphan'],
    [[{ type: 'mtu-mismatch', container: 'app', mtu: 1400 }], 'mtu-mismatch']
  ])('simulator fault %j is found as %s', (faults, id) => {
    expect(ids(withFaults('nat-mode', faults))).toContain(id)
  })

  it('simulator interface-down on a container is found as veth-down or bridge-down', () => {
    const found = ids(withFaults('nat-mode', [{ type: 'interface-down', container: 'app' }]))
    expect(found.some((id) => id === 'veth-down' || id === 'bridge-down')).toBe(true)
  })
})
