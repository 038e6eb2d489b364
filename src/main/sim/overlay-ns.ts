/**
 * The overlay side of a simulated host: the namespace Docker makes for an overlay network (br0,
 * vxlan0 with the VNI), the FDB entries that send remote containers' MACs to their hosts' VTEPs,
 * and the overlay faults a host can carry:
 *   overlay-vni   this host's copy of the overlay has another VNI (the network was created twice)
 *   missing-vtep  this host's FDB has no entry towards one other host (gossip never reached it)
 *   stale-vtep    this host's FDB sends a MAC to a VTEP no host of the scenario has (a node that left)
 */
import type { Scenario, ScenarioHost } from './scenario-schema'
import { formatCidr, stripPrefix } from '../../shared/net/ip'
import { blockOf, dockerMac, hashInt, loopback, randomMac } from './sim-helpers'
import type { NsId, SimIface, SimNamespace, SimNetwork } from './world'

/** The VNI this host uses for an overlay (its overlay-vni fault, else the scenario's). */
export function overlayVniOn(scenario: Scenario, host: ScenarioHost, overlay: string): number | null {
  const fault = host.faults.find((f) => f.type === 'overlay-vni' && f.network === overlay)
  if (fault && fault.type === 'overlay-vni') return fault.vni
  return scenario.overlays.find((o) => o.name === overlay)?.vni ?? null
}

/** Whether `from` can send `overlay` frames to `to`: same VNI, and `to` is in `from`'s FDB. */
export function overlayPathBroken(scenario: Scenario, from: ScenarioHost, to: ScenarioHost, overlay: string): boolean {
  if (overlayVniOn(scenario, from, overlay) !== overlayVniOn(scenario, to, overlay)) return true
  return from.faults.some((f) => f.type === 'missing-vtep' && f.network === overlay && f.host === to.name)
}

/** The underlay address a scenario host uses as its VXLAN endpoint. */
export function hostVtep(h: ScenarioHost): string | null {
  if (h.vtep) return h.vtep
  const first = h.nics.find((n) => n.addresses.length > 0)
  return first ? stripPrefix(first.addresses[0]) : null
}

export interface OverlayNamespaceInput {
  scenario: Scenario
  host: ScenarioHost
  seed: string
  net: SimNetwork
  namespaces: SimNamespace[]
  ifaces: SimIface[]
  alloc(): number
  /** Allocates (or reserves) an address on the network, like world.ts does for local containers. */
  nextIp(net: SimNetwork): string
}

export function addOverlayNamespace(input: OverlayNamespaceInput): { nsId: NsId; br: SimIface } {
  const { scenario, host, seed, net, namespaces, ifaces } = input
  const nsId: NsId = `docker:1-${net.id.slice(0, 10)}`
  const ns: SimNamespace = { id: nsId, inode: 4026532100 + hashInt(nsId, 90), containers: [], routes: [], fdb: [] }
  namespaces.push(ns)
  ifaces.push(loopback(nsId, 1))
  const overlay = scenario.overlays.find((o) => o.name === net.name)!
  const common = { netns: nsId, mtu: overlay.mtu, adminUp: true, carrier: true, link: null, container: null }
  const br: SimIface = {
    ...common,
    ifindex: 2,
    name: 'br0',
    kind: 'bridge',
    mac: randomMac(`${seed}/${nsId}/br0`),
    addresses: [`${net.gateway}/${blockOf(net.subnet!).prefix}`],
    master: null,
    vni: null
  }
  const vx: SimIface = {
    ...common,
    ifindex: input.alloc(),
    name: 'vxlan0',
    kind: 'vxlan',
    mac: randomMac(`${seed}/${nsId}/vxlan0`),
    addresses: [],
    master: 'br0',
    vni: net.vni
  }
  ifaces.push(br, vx)
  ns.routes.push({
    dst: formatCidr(blockOf(`${net.gateway}/${blockOf(net.subnet!).prefix}`)),
    dev: 'br0',
    protocol: 'kernel',
    scope: 'link',
    prefsrc: net.gateway!
  })
  const remoteMac = (mac: string, dst: string): void => {
    ns.fdb.push({ mac, dev: 'vxlan0', dst, linkNetnsId: 0, flags: ['self'], state: 'permanent' })
    ns.fdb.push({ mac, dev: 'vxlan0', master: 'br0', flags: [], state: 'permanent' })
  }
  // Remote containers on the same overlay: their MACs sit behind the remote VTEP.
  for (const other of scenario.hosts.filter((x) => x.name !== host.name)) {
    const vtep = hostVtep(other)
    const missing = host.faults.some(
      (f) => f.type === 'missing-vtep' && f.network === net.name && f.host === other.name
    )
    if (!vtep || missing) continue
    other.containers.forEach((oc) => {
      const entry = (oc.networks ?? []).find((n) => (typeof n === 'string' ? n : n.name) === net.name)
      if (!entry) return
      const remoteIp = typeof entry !== 'string' && entry.ip ? entry.ip : null
      remoteMac(dockerMac(remoteIp ?? input.nextIp(net)), vtep)
    })
  }
  for (const f of host.faults)
    if (f.type === 'stale-vtep' && f.network === net.name)
      remoteMac(f.mac ?? randomMac(`${seed}/stale/${f.vtep}`), f.vtep)
  return { nsId, br }
}
