/**
 * The request's way from source to destination: out of the source namespace, across the bridge,
 * through the host's hooks in kernel order (raw/mangle only when they hold rules, nat PREROUTING,
 * the routing decision, filter FORWARD or INPUT, nat POSTROUTING), out of the host or into the
 * destination container, or to a host socket.
 */
import type { Container, ContainerInterface, NatRule, Route, Snapshot } from '../snapshot/schema'
import { bridgeNodeId, containerNetnsId, containerNodeId, ifaceNodeId, uplinkNodeId } from '../topology/ids'
import { hostVethOf, interfaceBridgeRef, sameBridge, vethNetnsOf } from '../snapshot/bridges'
import type { Packet } from '../netfilter/ruleset'
import {
  containerHolding,
  hostDefaultRoute,
  hostInterface,
  interfaceAddress,
  isRejectRoute,
  isRunning,
  routeText,
  sysctl
} from '../snapshot/query'
import { traceMessage as M } from './messages'
import { Stop, fmt, headLine, type Endpoint, type Target, type Tracer } from './tracer'

const EPHEMERAL_PORT = 40000

export interface ForwardState {
  /** Packet as it left the source. */
  original: Packet
  /** Packet as it reached the destination. */
  final: Packet
  inIface: string
  outIface: string | null
  dnat: NatRule | null
  snat: NatRule | null
  local: boolean
  /** The destination container when the packet reached one. */
  deliveredTo: Container | null
  sourceContainer: Extract<Endpoint, { kind: 'container' }> | null
  sourceIface: ContainerInterface | null
  /** When the packet left the host through a non-bridge interface. */
  leftHost: boolean
  /** Bridged (same L2) path between two containers, with no routing. */
  bridged: boolean
  /** Bridged and bridge-nf-call-iptables is 0: iptables never sees these frames. */
  bypassesNetfilter: boolean
  /** The host itself (or a host-network container) sent the packet: replies go to INPUT. */
  fromHost: boolean
  /** Source and destination share one network namespace. */
  sameNamespace: boolean
}

/** Rootless Podman: user-mode networking (slirp4netns, pasta) is not a path NetLens traces. */
function rootlessStop(c: Container, direction: 'from' | 'to'): Stop {
  const r = c.rootless!
  const user = r.user ?? (r.uid !== null ? `uid ${r.uid}` : null)
  if (direction === 'to') {
    const forwarder = r.forwarders.find((f) => f.process === 'rootlessport')?.detail ?? null
    return new Stop('unknown', M('rootlessTo', { container: c.name, user, forwarder }))
  }
  const helper = r.forwarders.find((f) => f.process !== 'rootlessport') ?? null
  const via = helper ? `${helper.process} (pid ${helper.pid})` : r.network
  return new Stop('unknown', M('rootlessFrom', { container: c.name, user, tap: r.tap, via }))
}

export function forward(t: Tracer, source: Endpoint, target: Target): ForwardState {
  const dst = target.endpoint
  if (source.kind === 'container' && source.owner.rootless && source.owner.networkMode !== 'host')
    throw rootlessStop(source.owner, 'from')
  if (dst.kind === 'container' && dst.owner.rootless && dst.owner.networkMode !== 'host')
    throw rootlessStop(dst.owner, 'to')
  if (dst.kind === 'container' && dst.owner.networkMode === 'none')
    throw new Stop('no-route', M('networkModeNone', { container: dst.container.name }))
  if (!dst.ip)
    throw new Stop('unknown', M('noIpv4Address', { container: dst.kind === 'container' ? dst.container.name : null }))
  const sport = target.proto === 'icmp' ? null : EPHEMERAL_PORT
  const state: ForwardState = {
    original: { src: '', dst: dst.ip, sport, dport: target.port },
    final: { src: '', dst: dst.ip, sport, dport: target.port },
    inIface: '',
    outIface: null,
    dnat: null,
    snat: null,
    local: false,
    deliveredTo: null,
    sourceContainer: null,
    sourceIface: null,
    leftHost: false,
    bridged: false,
    bypassesNetfilter: false,
    fromHost: false,
    sameNamespace: false
  }
  if (source.kind === 'container') return fromContainer(t, source, dst, state)
  if (source.kind === 'host') return hostOrigin(t, source, state)

  // Outside: the packet arrives on the interface the host would use to reach it.
  const ingress = source.iface?.name ?? t.hostRoute(source.ip)?.dev ?? hostDefaultRoute(t.snapshot)?.dev ?? null
  if (!ingress) throw new Stop('unknown', M('noUplink'))
  state.original.src = state.final.src = source.ip
  t.hop(
    'ingress',
    ingress,
    [uplinkNodeId(ingress)],
    M('arrivesFromOutside', { src: source.ip, iface: ingress }),
    state.original
  )
  t.checkLinkUp(hostInterface(t.snapshot, ingress), ingress)
  t.deviceHook('ingress', ingress, state.original)
  state.inIface = ingress
  return hostIngress(t, ingress, state)
}

/** A container sends: its own route lookup, then out through its veth onto a host bridge. */
function fromContainer(
  t: Tracer,
  source: Extract<Endpoint, { kind: 'container' }>,
  dst: Endpoint,
  state: ForwardState
): ForwardState {
  const { owner, container } = source
  if (owner.networkMode === 'host') return hostOrigin(t, { kind: 'host', ip: null, iface: null }, state)
  if (!isRunning(owner)) throw new Stop('unknown', M('sourceNotRunning', { container: owner.name, state: owner.state }))
  if (owner.networkMode === 'none')
    throw new Stop('no-route', M('sourceNetworkModeNone', { container: container.name }))
  const netns = containerNetnsId(owner)
  const route = t.containerRoute(owner, state.original.dst)
  const srcIp = source.ip
  if (dst.kind === 'container' && dst.owner.id === owner.id) {
    state.original.src = state.final.src = srcIp ?? '127.0.0.1'
    t.hop('deliver', `${owner.name} loopback`, [containerNodeId(container.name)], M('sameNetns'), state.original)
    state.deliveredTo = dst.container
    state.sameNamespace = true
    return state
  }
  if (!route || isRejectRoute(route)) {
    t.hop(
      'route',
      `${owner.name} routing table`,
      [containerNodeId(container.name)],
      M('containerNoRouteHop', { container: owner.name, dst: state.original.dst }),
      { ...state.original, src: srcIp ?? '0.0.0.0' },
      undefined,
      route ? routeText(route) : null
    )
    const noGateway = !owner.defaultGateway
    throw new Stop('no-route', M('containerNoRoute', { container: owner.name, dst: state.original.dst, noGateway }))
  }
  const ci = owner.interfaces.find((i) => i.ifname === route.dev) ?? source.iface
  if (!ci) throw new Stop('unknown', M('routeDevUnknown', { dev: route.dev, container: owner.name }))
  const from = route.prefsrc ?? interfaceAddress(ci.addresses, route.gateway ?? state.original.dst) ?? srcIp
  if (!from) throw new Stop('no-route', M('ifaceNoIpv4', { container: owner.name, ifname: ci.ifname }))
  state.original.src = state.final.src = from
  state.sourceContainer = source
  state.sourceIface = ci
  t.hop(
    'route',
    `${owner.name} routing table`,
    [containerNodeId(container.name), ifaceNodeId(netns, ci.ifname)],
    M('containerRoute', { container: owner.name, route: routeText(route), gateway: route.gateway }),
    state.original,
    state.original,
    routeText(route)
  )
  const bridge = leaveContainer(t, source, ci, state.original)
  state.inIface = bridge
  // Directly connected and the destination hangs off the same bridge: switched, not routed.
  const holder = containerHolding(t.snapshot, state.original.dst)
  const switched =
    !route.gateway &&
    holder !== null &&
    hostVethOf(holder.iface) !== null &&
    onHostBridge(t.snapshot, holder.iface, bridge)
  if (switched) return bridged(t, bridge, state)
  // To the bridge device itself (the gateway): the rest of bridge prerouting, then bridge input.
  t.bridgeHook('prerouting', state.original, ci.hostVeth, null, (priority) => priority >= BRNF_PREROUTING)
  t.bridgeHook('input', state.original, ci.hostVeth, null)
  // Passed up by the bridge, the packet arrives on the bridge device: its ingress chains.
  t.deviceHook('ingress', bridge, state.original)
  return hostIngress(t, bridge, state)
}

/**
 * Is this container interface plugged into host bridge `bridge`? By its own record (name and
 * namespace: an overlay's br0 is not the host's) or by its host veth's master. `unknownOk`: an
 * interface whose bridge is not known at all is given the benefit of the doubt.
 */
function onHostBridge(snapshot: Snapshot, ci: ContainerInterface, bridge: string, unknownOk = false): boolean {
  const ref = interfaceBridgeRef(ci)
  if (unknownOk && ref === null) return true
  if (sameBridge(ref, { name: bridge, netns: 'host' })) return true
  const veth = hostVethOf(ci)
  return veth !== null && hostInterface(snapshot, veth)?.master === bridge
}

/** Container namespace → host: veth and bridge hops. Returns the bridge the packet enters the host on. */
function leaveContainer(
  t: Tracer,
  src: Extract<Endpoint, { kind: 'container' }>,
  ci: ContainerInterface,
  packet: Packet
): string {
  const owner = src.owner
  const netns = containerNetnsId(owner)
  if (ci.state && /^(DOWN|LOWERLAYERDOWN)$/.test(ci.state)) {
    const description = M('containerIfaceDown', { container: owner.name, ifname: ci.ifname })
    throw new Stop('dropped', description, `${owner.name} ${ci.ifname} state ${ci.state}`)
  }
  // The veth leads into another namespace (an overlay's br0): not a host bridge, so not traced here.
  const vethNetns = vethNetnsOf(ci)
  if (vethNetns && vethNetns !== 'host') {
    const where = ci.bridge ? `${ci.bridge} in ${ci.bridgeNetns ?? vethNetns}` : vethNetns
    throw new Stop(
      'unknown',
      M('vethToOtherNetns', {
        container: owner.name,
        ifname: ci.ifname,
        hostVeth: ci.hostVeth,
        where,
        network: ci.network
      })
    )
  }
  if (!ci.hostVeth) {
    const network = ci.network ? t.snapshot.networks.find((n) => n.name === ci.network) : undefined
    if (network && network.driver !== 'bridge') {
      const names = { container: owner.name, driver: network.driver, network: network.name }
      throw new Stop('unknown', M('nonBridgeNetwork', names))
    }
    if (!ci.bridge) throw new Stop('unknown', M('hostVethUnknown', { container: owner.name, ifname: ci.ifname }))
  }
  const veth = ci.hostVeth ? hostInterface(t.snapshot, ci.hostVeth) : null
  if (ci.hostVeth) {
    t.hop(
      'veth',
      `${owner.name} ${ci.ifname} → host ${ci.hostVeth}`,
      [containerNodeId(src.container.name), ifaceNodeId(netns, ci.ifname), ifaceNodeId('host', ci.hostVeth)],
      M('leavesContainer', { container: owner.name, ifname: ci.ifname, hostVeth: ci.hostVeth }),
      packet
    )
    t.checkLinkUp(veth, ci.hostVeth)
    // The host end receives it: its ingress chains run before the bridge sees the frame.
    t.deviceHook('ingress', ci.hostVeth, packet)
  }
  // When the host veth is in the snapshot, its master is the truth (docker's idea may be stale).
  const bridge = veth ? veth.master : ci.bridge
  if (!bridge) {
    const by = veth?.raw ? headLine(veth.raw) : `${ci.hostVeth} has no master`
    throw new Stop('dropped', M('hostVethNoBridge', { hostVeth: ci.hostVeth }), by)
  }
  const bridgeIface = hostInterface(t.snapshot, bridge)
  t.hop('bridge', bridge, [bridgeNodeId('host', bridge)], M('bridgeReceives', { bridge }), packet)
  t.checkLinkUp(bridgeIface, bridge)
  // bridge family prerouting below br_netfilter's priority 0 (which calls iptables PREROUTING).
  t.bridgeHook('prerouting', packet, ci.hostVeth, null, (priority) => priority < BRNF_PREROUTING)
  return bridge
}

/** br_netfilter's bridge hook priorities (NF_BR_PRI_BRNF): iptables runs from these, in the bridge's hooks. */
const BRNF_PREROUTING = 0
const BRNF_FORWARD = -1

/** The host veth of the container interface holding `ip`, the bridge port a frame to it leaves by. */
function portTowards(t: Tracer, ip: string): string | null {
  const holder = containerHolding(t.snapshot, ip)
  return holder ? hostVethOf(holder.iface) : null
}

/** Host bridge → destination container: bridge, veth, container interface. */
function enterContainer(t: Tracer, bridge: string, packet: Packet): Container {
  const holder = containerHolding(t.snapshot, packet.dst)
  if (!holder || !onHostBridge(t.snapshot, holder.iface, bridge, true))
    throw new Stop('no-route', M('noArpAnswer', { bridge, dst: packet.dst }))
  const { container, iface } = holder
  const netns = containerNetnsId(container)
  const hostVeth = hostVethOf(iface)
  const veth = hostVeth ? hostInterface(t.snapshot, hostVeth) : null
  if (hostVeth) {
    // The bridge sends the frame out of this port: the port's egress chains run last.
    t.deviceHook('egress', hostVeth, packet)
    t.hop(
      'veth',
      `host ${hostVeth} → ${container.name} ${iface.ifname}`,
      [
        bridgeNodeId('host', bridge),
        ifaceNodeId('host', hostVeth),
        ifaceNodeId(netns, iface.ifname),
        containerNodeId(container.name)
      ],
      M('bridgeToVeth', { bridge, hostVeth, container: container.name, ifname: iface.ifname }),
      packet
    )
    t.checkLinkUp(veth, hostVeth)
    if (veth && veth.master && veth.master !== bridge) {
      const description = M('vethOnOtherBridge', { hostVeth, master: veth.master, bridge })
      throw new Stop('dropped', description, veth.raw ? headLine(veth.raw) : null)
    }
    if (veth && !veth.master) {
      const by = veth.raw ? headLine(veth.raw) : `${hostVeth} has no master`
      throw new Stop('dropped', M('vethUnplugged', { hostVeth, container: container.name }), by)
    }
  }
  if (!isRunning(container)) {
    const description = M('containerNotRunning', { container: container.name, state: container.state })
    throw new Stop('dropped', description, `${container.name} state ${container.state}`)
  }
  t.hop(
    'deliver',
    `${container.name} ${iface.ifname}`,
    [containerNodeId(container.name), ifaceNodeId(netns, iface.ifname)],
    M('deliveredToContainerHop', { container: container.name, dst: packet.dst, dport: packet.dport }),
    packet
  )
  return container
}

/** br_netfilter: bridged IPv4 traffic also walks iptables when bridge-nf-call-iptables is 1. */
function bridgeNetfilterOn(t: Tracer): boolean {
  const value = sysctl(t.snapshot, 'net.bridge.bridge-nf-call-iptables')
  return value === null ? true : value === '1'
}

/** raw, mangle and nat PREROUTING of a packet arriving on `inIface`; returns it after any DNAT. */
function prerouting(t: Tracer, inIface: string, packet: Packet, state: ForwardState): Packet {
  t.chain('raw', 'PREROUTING', packet, t.match(inIface, null, 'NEW'))
  t.chain('mangle', 'PREROUTING', packet, t.match(inIface, null, 'NEW'))
  const nat = t.chain('nat', 'PREROUTING', packet, t.match(inIface, null, 'NEW'))
  const dnat = t.applyDnat(nat, packet)
  state.dnat = dnat.rule
  return dnat.packet
}

function bridged(t: Tracer, bridge: string, state: ForwardState): ForwardState {
  let packet = state.final
  t.hop('bridge', bridge, [bridgeNodeId('host', bridge)], M('switched', { dst: packet.dst }), packet)
  // The bridge family's chains see the frame between the two ports, br_netfilter or not.
  const inPort = state.sourceIface?.hostVeth ?? null
  const brnf = bridgeNetfilterOn(t)
  if (brnf) {
    t.ensureRules()
    packet = prerouting(t, bridge, packet, state)
  }
  const outPort = portTowards(t, packet.dst)
  t.bridgeHook('prerouting', packet, inPort, null, (priority) => priority >= BRNF_PREROUTING)
  t.bridgeHook('forward', packet, inPort, outPort, (priority) => priority < BRNF_FORWARD)
  if (brnf) {
    t.chain('mangle', 'FORWARD', packet, t.match(bridge, bridge, 'NEW', !!state.dnat))
    t.chain('filter', 'FORWARD', packet, t.match(bridge, bridge, 'NEW', !!state.dnat), true)
  }
  t.bridgeHook('forward', packet, inPort, outPort, (priority) => priority >= BRNF_FORWARD)
  // br_netfilter calls iptables POSTROUTING last of all (NF_BR_PRI_LAST).
  t.bridgeHook('postrouting', packet, null, outPort)
  if (brnf) {
    const post = t.chain('nat', 'POSTROUTING', packet, t.match(null, bridge, 'NEW', !!state.dnat))
    const snat = t.applySnat(post, packet, bridge, packet.dst)
    packet = snat.packet
    state.snat = snat.rule
  } else {
    t.hop('bridge', bridge, [bridgeNodeId('host', bridge)], M('bridgeNetfilterOff'), packet)
    state.bypassesNetfilter = true
  }
  state.final = packet
  state.outIface = bridge
  state.bridged = true
  state.deliveredTo = enterContainer(t, bridge, packet)
  return state
}

/** Packet entering the host netns on `inIface` (a bridge or an uplink). */
function hostIngress(t: Tracer, inIface: string, state: ForwardState): ForwardState {
  t.ensureRules()
  const packet = prerouting(t, inIface, state.final, state)
  const dnatted = !!state.dnat

  if (t.isLocal(packet.dst)) {
    t.hop('route', 'host routing decision', [], M('localAddress', { dst: packet.dst }), packet)
    t.chain('mangle', 'INPUT', packet, t.match(inIface, null, 'NEW', dnatted))
    t.chain('filter', 'INPUT', packet, t.match(inIface, null, 'NEW', dnatted), true)
    state.final = packet
    state.local = true
    deliverLocal(t, packet)
    return state
  }
  const route = t.hostRoute(packet.dst)
  if (!route || isRejectRoute(route) || !route.dev) {
    const shown = route ? routeText(route) : null
    t.hop('route', 'host routing decision', [], M('noHostRouteHop', { dst: packet.dst }), packet, packet, shown)
    throw new Stop('no-route', M('hostNoRoute', { dst: packet.dst }))
  }
  const out = route.dev
  t.hop(
    'route',
    'host routing decision',
    t.egressNodes(out),
    M('hostRoute', { route: routeText(route), out }),
    packet,
    packet,
    routeText(route)
  )
  if (out !== inIface || t.hostInterfaceKind(out) !== 'bridge') {
    const forwarding = sysctl(t.snapshot, 'net.ipv4.ip_forward')
    if (forwarding === '0') throw new Stop('dropped', M('ipForwardOff'), 'net.ipv4.ip_forward = 0')
  }
  t.chain('mangle', 'FORWARD', packet, t.match(inIface, out, 'NEW', dnatted))
  t.chain('filter', 'FORWARD', packet, t.match(inIface, out, 'NEW', dnatted), true)
  return postRouting(t, out, route, packet, state)
}

function postRouting(t: Tracer, out: string, route: Route, packet: Packet, state: ForwardState): ForwardState {
  t.chain('mangle', 'POSTROUTING', packet, t.match(null, out, 'NEW', !!state.dnat))
  const post = t.chain('nat', 'POSTROUTING', packet, t.match(null, out, 'NEW', !!state.dnat))
  const snat = t.applySnat(post, packet, out, route.gateway ?? packet.dst)
  packet = snat.packet
  state.snat = snat.rule
  state.final = packet
  state.outIface = out
  // After postrouting the device sends it: its egress chains (a bridge's, then its port's below).
  t.deviceHook('egress', out, packet)
  if (t.hostInterfaceKind(out) === 'bridge') {
    t.hop('egress', out, [bridgeNodeId('host', out)], M('outThroughBridge', { bridge: out }), packet)
    t.checkLinkUp(hostInterface(t.snapshot, out), out)
    // The bridge device sends the frame: bridge output, then bridge postrouting, to the port.
    const outPort = portTowards(t, packet.dst)
    t.bridgeHook('output', packet, null, outPort)
    t.bridgeHook('postrouting', packet, null, outPort)
    state.deliveredTo = enterContainer(t, out, packet)
    return state
  }
  const description = M('leavesHostOn', { iface: out, gateway: route.gateway, packet: fmt(packet) })
  t.hop('egress', out, [uplinkNodeId(out)], description, packet)
  t.checkLinkUp(hostInterface(t.snapshot, out), out)
  state.leftHost = true
  return state
}

/** The host itself sends: routing, nat/filter OUTPUT, POSTROUTING. */
function hostOrigin(t: Tracer, source: Extract<Endpoint, { kind: 'host' }>, state: ForwardState): ForwardState {
  t.ensureRules()
  let packet: Packet = { ...state.original }
  if (t.isLocal(packet.dst)) {
    packet.src = source.ip ?? packet.dst
  } else {
    const route = t.hostRoute(packet.dst)
    if (!route || !route.dev || isRejectRoute(route)) throw new Stop('no-route', M('hostNoRoute', { dst: packet.dst }))
    packet.src =
      source.ip ??
      route.prefsrc ??
      interfaceAddress(hostInterface(t.snapshot, route.dev)?.addresses ?? [], route.gateway ?? packet.dst) ??
      '0.0.0.0'
  }
  state.original = { ...packet }
  state.fromHost = true
  const nodes = source.iface ? t.egressNodes(source.iface.name) : []
  t.hop('netns', 'host', nodes, M('hostSends', { src: packet.src }), packet)
  t.chain('raw', 'OUTPUT', packet, t.match(null, null, 'NEW'))
  t.chain('mangle', 'OUTPUT', packet, t.match(null, null, 'NEW'))
  const nat = t.chain('nat', 'OUTPUT', packet, t.match(null, null, 'NEW'))
  const dnat = t.applyDnat(nat, packet)
  packet = dnat.packet
  state.dnat = dnat.rule
  if (t.isLocal(packet.dst)) {
    t.chain('filter', 'OUTPUT', packet, t.match(null, 'lo', 'NEW', !!state.dnat), true)
    t.chain('filter', 'INPUT', packet, t.match('lo', null, 'NEW', !!state.dnat), true)
    state.final = packet
    state.local = true
    state.inIface = 'lo'
    deliverLocal(t, packet)
    return state
  }
  const route = t.hostRoute(packet.dst)
  if (!route || !route.dev || isRejectRoute(route)) throw new Stop('no-route', M('hostNoRoute', { dst: packet.dst }))
  t.hop(
    'route',
    'host routing decision',
    t.egressNodes(route.dev),
    M('hostRoute', { route: routeText(route), out: route.dev }),
    packet,
    packet,
    routeText(route)
  )
  t.chain('filter', 'OUTPUT', packet, t.match(null, route.dev, 'NEW', !!state.dnat), true)
  state.inIface = 'lo'
  return postRouting(t, route.dev, route, packet, state)
}

/** A packet accepted by INPUT: which socket takes it. */
function deliverLocal(t: Tracer, packet: Packet): void {
  if (t.proto === 'icmp' || packet.dport === null) {
    t.hop('deliver', 'host', [], M('hostAnswers', { dst: packet.dst }), packet)
    return
  }
  const listener = t.snapshot.listeners.find(
    (l) =>
      l.port === packet.dport &&
      l.proto.toLowerCase().startsWith(t.proto) &&
      ['0.0.0.0', '*', '::', '[::]', packet.dst].includes(l.localAddress.replace(/%.*$/, ''))
  )
  if (!listener) {
    if (t.snapshot.listeners.length === 0)
      throw new Stop('unknown', M('noListenersCaptured', { dst: packet.dst, dport: packet.dport }))
    const by = `no listener on ${t.proto}/${packet.dport}`
    throw new Stop('dropped', M('nothingListens', { proto: t.proto, dport: packet.dport }), by)
  }
  const published = t.snapshot.publishedPorts.find(
    (p) =>
      p.hostPort === packet.dport &&
      p.proto === t.proto &&
      (p.proxy === null || p.proxy.startsWith(`${listener.process} `))
  )
  const at = { address: listener.localAddress, port: listener.port }
  if (listener.process === 'conmon')
    throw new Stop('dropped', M('conmonHoldsPort', { ...at, container: published?.container ?? null }), listener.raw)
  const isProxy = /^(docker-proxy|rootlessport|pasta)/.test(listener.process ?? '')
  const userModeForwarder = isProxy && listener.process !== 'docker-proxy' ? listener.process! : null
  const nodes = published?.container ? [containerNodeId(published.container)] : []
  if (userModeForwarder && published?.container)
    t.notes.push(M('rootlessForwarderNote', { process: userModeForwarder, container: published.container }))
  t.hop(
    isProxy ? 'proxy' : 'deliver',
    listener.process ?? 'host socket',
    nodes,
    userModeForwarder
      ? M('rootlessForwarder', {
          ...at,
          process: userModeForwarder,
          container: published?.container ?? null,
          containerPort: published?.containerPort ?? null
        })
      : isProxy
        ? M('dockerProxy', {
            ...at,
            containerIp: published?.containerIp ?? null,
            containerPort: published?.containerPort ?? null
          })
        : M('deliveredToSocket', { ...at, process: listener.process ?? null }),
    packet,
    packet,
    listener.raw
  )
}
