/**
 * Training-mode fidelity: the `lab-mirror` scenario (resources/scenarios/lab-mirror.yaml) renders a
 * snapshot whose objects and relations match NetLens's snapshot of the real lab: containers, modes,
 * networks by name, interfaces per container, which docker network each container's bridge
 * serves, published ports, internal flags, MASQUERADE per non-internal network and the wan link.
 * Generated names (veths, ids, MACs, br-<id>) may differ. When the live lab runs with a
 * non-default port or wan block (lab env overrides), those are compared modulo the override.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { renderScenarioCapture } from '../../src/main/sim/index'
import type { Snapshot } from '../../src/shared/snapshot/schema'
import { LAB_CONTAINERS, readLabTruth, type LabTruth } from './support/truth'
import { buildSnapshot, liveSnapshot } from './support/live'
import './support/provided'

const skipReason = inject('liveSkip')

const SIM_WEB_PORT = 18080
const SIM_WAN = { hostIp: '198.51.100.1', nsIp: '198.51.100.2' }
const LAB_NETWORKS = ['bridge', 'host', 'none', 'nllab-front', 'nllab-back']

/** The relations the scenario must reproduce, with generated names replaced by what they stand for. */
function relations(s: Snapshot, webPort: number) {
  const networkOfBridge = (bridge: string | null): string | null =>
    bridge === null ? null : (s.bridges.find((b) => b.name === bridge && b.netns === 'host')?.network ?? `unmapped bridge ${bridge}`)
  const containers = LAB_CONTAINERS.map((name) => {
    const c = s.containers.find((x) => x.name === name)
    if (!c) return { name, missing: true }
    return {
      name,
      networkMode: c.networkMode,
      networks: [...c.networks].sort(),
      interfaceCount: c.interfaces.filter((i) => i.ifname !== 'lo').length,
      interfaces: c.interfaces
        .filter((i) => i.ifname !== 'lo')
        .map((i) => ({
          ifname: i.ifname,
          network: i.network,
          // Each interface's bridge serves the same docker network as the interface's network.
          bridgeServes: networkOfBridge(i.bridge),
          hasHostVeth: i.hostVeth !== null,
          v4: i.addresses.filter((a) => a.includes('.') && !a.startsWith('172.17.'))
        }))
        .sort((a, b) => a.ifname.localeCompare(b.ifname)),
      sharesNetnsWith: s.containers.filter((o) => o.name !== name && o.netns !== null && o.netns === c.netns && c.netns !== 'host').map((o) => o.name).sort()
    }
  })
  const networks = LAB_NETWORKS.map((name) => {
    const n = s.networks.find((x) => x.name === name)
    if (!n) return { name, missing: true }
    const masq = s.nat.rules.filter(
      (r) => r.table === 'nat' && r.chain === 'POSTROUTING' && r.target === 'MASQUERADE' && n.subnet !== null && r.match.includes(`-s ${n.subnet} `) && r.match.includes(`! -o ${n.bridge}`)
    )
    return {
      name,
      driver: n.driver,
      internal: n.internal,
      subnet: name === 'bridge' ? 'default bridge' : n.subnet,
      hasBridge: n.bridge !== null,
      bridgeServesIt: n.bridge === null ? null : s.bridges.find((b) => b.name === n.bridge)?.network === name,
      masquerade: masq.length
    }
  })
  const publishedPorts = s.publishedPorts
    .filter((p) => p.container?.startsWith('nllab-'))
    .map((p) => ({
      container: p.container,
      hostIp: p.hostIp,
      hostPort: p.hostPort === webPort ? 'web port' : p.hostPort,
      proto: p.proto,
      containerPort: p.containerPort,
      containerIp: p.containerIp,
      dnat: p.rule !== null
    }))
    .sort((a, b) => `${a.hostIp}`.localeCompare(`${b.hostIp}`))
  return { containers, networks, publishedPorts }
}

describe.skipIf(skipReason)('the lab-mirror scenario matches the live lab', () => {
  let truth: LabTruth
  let live: Snapshot
  let sim: Snapshot

  beforeAll(async () => {
    truth = await readLabTruth()
    live = await liveSnapshot('local', null)
    const rendered = renderScenarioCapture('lab-mirror')
    if (!rendered.ok) throw new Error(`lab-mirror does not render: ${rendered.error.message}`)
    sim = buildSnapshot(rendered.value)
  })

  it('has the same containers, modes, networks and interfaces per container', () => {
    const liveContainers = relations(live, truth.webPort).containers
    expect(liveContainers.filter((c) => 'missing' in c)).toEqual([])
    expect(liveContainers.find((c) => c.name === 'nllab-app')).toMatchObject({ interfaceCount: 2, networks: ['nllab-back', 'nllab-front'] })
    expect(liveContainers.find((c) => c.name === 'nllab-sidecar')).toMatchObject({ networkMode: 'container:nllab-web', sharesNetnsWith: ['nllab-web'] })
    expect(relations(sim, SIM_WEB_PORT).containers).toEqual(relations(live, truth.webPort).containers)
  })

  it('has the same networks, internal flags, bridges and MASQUERADE per non-internal network', () => {
    const simNets = relations(sim, SIM_WEB_PORT).networks
    expect(relations(live, truth.webPort).networks.filter((n) => 'missing' in n)).toEqual([])
    expect(simNets).toEqual(relations(live, truth.webPort).networks)
    for (const n of simNets) {
      if ('missing' in n) continue
      if (n.driver === 'bridge') expect(n.masquerade, n.name).toBe(n.internal ? 0 : 1)
    }
  })

  it('publishes the same ports (modulo a lab port override)', () => {
    const livePorts = relations(live, truth.webPort).publishedPorts
    expect(livePorts.length).toBeGreaterThan(0)
    expect(relations(sim, SIM_WEB_PORT).publishedPorts).toEqual(livePorts)
  })

  it('has the wan link (modulo a lab wan-block override)', () => {
    const wanOf = (s: Snapshot, hostIp: string) => {
      const i = s.interfaces.find((x) => x.netns === 'host' && x.name === truth.wan.hostIf)
      return i ? { kind: i.kind, hasHostIp: i.addresses.some((a) => a.startsWith(`${hostIp}/`)), peerNamed: i.peer?.name ?? null } : null
    }
    expect(wanOf(sim, SIM_WAN.hostIp)).toEqual(wanOf(live, truth.wan.hostIp))
    expect(wanOf(live, truth.wan.hostIp)).toMatchObject({ kind: 'veth', hasHostIp: true })
  })
})
