/**
 * Traffic flows of a scenario: which interfaces each flow crosses (for /proc/net/dev counters),
 * whether the reply comes back (faults, missing MASQUERADE), and the conntrack entries the host
 * would list (`conntrack -L -o extended` lines, NAT translated the way the rules say).
 */
import { isPodman } from './podman'
import type { Scenario, ScenarioFlow } from './scenario-schema'
import { inCidr, isIpv4 } from '../../shared/net/ip'
import { hostVtep, overlayPathBroken } from './overlay-ns'
import { linkPeer } from './sim-helpers'
import { hashInt, type NsId, type SimContainer, type SimEndpoint, type SimIface, type SimWorld } from './world'

export interface Hop {
  netns: NsId
  iface: string
  dir: 'rx' | 'tx'
}

export interface FlowPlan {
  flow: ScenarioFlow
  fwdBytesPerS: number
  fwdPktsPerS: number
  replyBytesPerS: number
  replyPktsPerS: number
  /** Forward hops in order; the reply crosses the same hops backwards when `replies`. */
  hops: Hop[]
  replies: boolean
  conntrack: string[]
}

const PKT = { tcp: 1400, udp: 512, icmp: 98 } as const
const REPLY_PKT = { tcp: 66, udp: 512, icmp: 98 } as const

export function parseRate(flow: ScenarioFlow): { bytesPerS: number; pktsPerS: number } {
  const size = PKT[flow.proto]
  if (typeof flow.rate === 'number') return { bytesPerS: flow.rate / 8, pktsPerS: flow.rate / 8 / size }
  const m = /^(\d+(?:\.\d+)?)\s*(bit|kbit|Mbit|Gbit|pkt)\/s$/.exec(flow.rate)!
  const v = Number(m[1])
  if (m[2] === 'pkt') return { bytesPerS: v * size, pktsPerS: v }
  const mult = { bit: 1, kbit: 1e3, Mbit: 1e6, Gbit: 1e9 }[m[2] as 'bit' | 'kbit' | 'Mbit' | 'Gbit']
  return { bytesPerS: (v * mult) / 8, pktsPerS: (v * mult) / 8 / size }
}

function ifaceOf(world: SimWorld, netns: NsId, name: string): SimIface | undefined {
  return world.ifaces.find((i) => i.netns === netns && i.name === name)
}
const usable = (i: SimIface | undefined): boolean => !!i && i.adminUp && i.carrier

function defaultEndpoint(world: SimWorld, c: SimContainer): SimEndpoint | null {
  const ns = world.namespaces.find((n) => n.id === c.netns)
  const def = ns?.routes.find((r) => r.dst === 'default')
  return def ? (c.endpoints.find((e) => e.ifname === def.dev) ?? null) : null
}

/** Container that owns a netns's endpoints (for container: mode members). */
function netOwner(world: SimWorld, c: SimContainer): SimContainer {
  if (!c.mode.startsWith('container:')) return c
  return world.containers.find((o) => o.name === c.mode.slice('container:'.length)) ?? c
}

function findByIp(world: SimWorld, ip: string): { c: SimContainer; ep: SimEndpoint } | null {
  for (const c of world.containers) for (const ep of c.endpoints) if (ep.ip === ip) return { c, ep }
  return null
}

function ctLine(
  proto: 'tcp' | 'udp' | 'icmp',
  orig: { src: string; dst: string; sport: number; dport: number },
  reply: { src: string; dst: string; sport: number; dport: number },
  replied: boolean,
  seed: string
): string {
  const num = { tcp: 6, udp: 17, icmp: 1 }[proto]
  const tuple = (t: { src: string; dst: string; sport: number; dport: number }, isReply: boolean): string =>
    proto === 'icmp'
      ? `src=${t.src} dst=${t.dst} type=${isReply ? 0 : 8} code=0 id=${orig.sport}`
      : `src=${t.src} dst=${t.dst} sport=${t.sport} dport=${t.dport}`
  let timeout: number
  let state = ''
  if (proto === 'tcp') {
    state = replied ? ' ESTABLISHED' : ' SYN_SENT'
    timeout = replied ? 431990 - hashInt(seed, 400) : 60 + hashInt(seed, 60)
  } else if (proto === 'udp') timeout = replied ? 110 + hashInt(seed, 60) : 10 + hashInt(seed, 20)
  else timeout = 10 + hashInt(seed, 20)
  const head = `ipv4     2 ${proto.padEnd(8)} ${num} ${timeout}${state} ${tuple(orig, false)}`
  if (replied) {
    const assured = proto === 'icmp' ? '' : ' [ASSURED]'
    return `${head} ${tuple(reply, true)}${assured} mark=0 use=1`
  }
  return `${head} [UNREPLIED] ${tuple(reply, true)} mark=0 use=1`
}

/** The conntrack line of a connection without NAT: its reply tuple is the original one reversed. */
function unNattedCtLine(
  proto: 'tcp' | 'udp' | 'icmp',
  orig: { src: string; dst: string; sport: number; dport: number },
  replied: boolean,
  seed: string
): string {
  const reply = { src: orig.dst, dst: orig.src, sport: orig.dport, dport: orig.sport }
  return ctLine(proto, orig, reply, replied, seed)
}

export function planFlows(world: SimWorld, scenario: Scenario): FlowPlan[] {
  const plans: FlowPlan[] = []
  const forwardOn = world.host.sysctls.ip_forward === 1 && !world.faults.some((f) => f.type === 'ip-forward-off')
  const masqMissing = (net: string): boolean =>
    world.faults.some((f) => f.type === 'missing-rule' && f.network === net && f.rule === 'masquerade')
  const dnatMissing = (net: string): boolean =>
    world.faults.some((f) => f.type === 'missing-rule' && f.network === net && f.rule === 'dnat')

  world.host.flows.forEach((flow, fi) => {
    const { bytesPerS, pktsPerS } = parseRate(flow)
    const ratio = flow.replyRatio ?? (flow.proto === 'icmp' ? 1 : flow.proto === 'udp' ? 0.2 : 0.05)
    const replyBytes = bytesPerS * ratio
    const plan: FlowPlan = {
      flow,
      fwdBytesPerS: bytesPerS,
      fwdPktsPerS: pktsPerS,
      replyBytesPerS: replyBytes,
      replyPktsPerS: replyBytes / REPLY_PKT[flow.proto],
      hops: [],
      replies: false,
      conntrack: []
    }
    plans.push(plan)
    const dport = flow.port ?? 0
    const sportOf = (k: number): number => 32768 + hashInt(`${world.scenarioId}/${fi}/${k}`, 28000)
    const eachConn = (fn: (sport: number, k: number) => void): void => {
      for (let k = 0; k < flow.connections; k++)
        fn(flow.proto === 'icmp' ? 1 + hashInt(`${fi}/${k}`, 60000) : sportOf(k), k)
    }
    const src = world.containers.find((c) => c.name === flow.from)
    const toName = flow.to.split(':')[0]
    const dstContainer =
      world.containers.find((c) => c.name === toName) ?? (isIpv4(flow.to) ? findByIp(world, flow.to)?.c : undefined)

    if (src && src.state !== 'running') return
    // Inbound: an outside address to a published port on the host.
    if (!src && isIpv4(flow.from)) {
      const egress = world.egressAddress(flow.from)
      if (!egress) return
      const hostIface = ifaceOf(world, 'host', egress.dev)
      plan.hops.push({ netns: 'host', iface: egress.dev, dir: 'rx' })
      if (!usable(hostIface)) return
      const target =
        flow.to === 'host' || flow.to === egress.ip
          ? world.containers.find((c) => c.ports.some((p) => p.hostPort === dport && p.proto === flow.proto))
          : undefined
      const port = target?.ports.find((p) => p.hostPort === dport && p.proto === flow.proto)
      const ep = target?.endpoints.find((e) => e.hostVeth) ?? null
      if (!target || !port || !ep) return
      const net = world.networks.find((n) => n.name === ep.network)!
      const cIface = ifaceOf(world, target.netns, ep.ifname)
      const veth = ifaceOf(world, 'host', ep.hostVeth!)
      // Docker's FORWARD policy is DROP and netavark accepts only replies and its containers' own
      // traffic: new connections from outside to a Podman port are DNATed, then dropped.
      if (isPodman(target)) {
        eachConn((sport, k) => {
          plan.conntrack.push(
            ctLine(
              flow.proto,
              { src: flow.from, dst: egress.ip, sport, dport },
              dnatMissing(net.name)
                ? { src: egress.ip, dst: flow.from, sport: dport, dport: sport }
                : { src: ep.ip, dst: flow.from, sport: port.containerPort, dport: sport },
              false,
              `${fi}/${k}`
            )
          )
        })
        return
      }
      const reachable = usable(cIface) && !!veth?.master && forwardOn
      if (dnatMissing(net.name)) {
        // No DNAT: docker-proxy (the userland proxy) accepts and opens its own connection.
        plan.hops.push(
          { netns: 'host', iface: net.bridge!, dir: 'tx' },
          { netns: 'host', iface: ep.hostVeth!, dir: 'tx' },
          { netns: target.netns, iface: ep.ifname, dir: 'rx' }
        )
        plan.replies = usable(cIface) && !!veth?.master
        eachConn((sport, k) => {
          plan.conntrack.push(
            unNattedCtLine(flow.proto, { src: flow.from, dst: egress.ip, sport, dport }, true, `${fi}/${k}/in`)
          )
          const psport = sportOf(k + 100)
          plan.conntrack.push(
            unNattedCtLine(
              flow.proto,
              { src: net.gateway!, dst: ep.ip, sport: psport, dport: port.containerPort },
              plan.replies,
              `${fi}/${k}/px`
            )
          )
        })
        return
      }
      plan.hops.push({ netns: 'host', iface: net.bridge!, dir: 'tx' })
      if (veth?.master) plan.hops.push({ netns: 'host', iface: ep.hostVeth!, dir: 'tx' })
      if (reachable) plan.hops.push({ netns: target.netns, iface: ep.ifname, dir: 'rx' })
      plan.replies = reachable
      eachConn((sport, k) => {
        plan.conntrack.push(
          ctLine(
            flow.proto,
            { src: flow.from, dst: egress.ip, sport, dport },
            { src: ep.ip, dst: flow.from, sport: port.containerPort, dport: sport },
            reachable,
            `${fi}/${k}`
          )
        )
      })
      return
    }
    if (!src) return
    const owner = netOwner(world, src)

    // Same network namespace (container: mode, or the container itself): loopback.
    if (dstContainer && (dstContainer.netns === src.netns || (flow.to === '127.0.0.1' && src.netns !== 'host'))) {
      plan.hops.push({ netns: src.netns, iface: 'lo', dir: 'tx' }, { netns: src.netns, iface: 'lo', dir: 'rx' })
      plan.replies = true
      return
    }
    if (flow.to === '127.0.0.1') {
      plan.hops.push({ netns: src.netns, iface: 'lo', dir: 'tx' }, { netns: src.netns, iface: 'lo', dir: 'rx' })
      plan.replies = true
      return
    }

    // Host-mode container: the host's own stack, no NAT.
    if (src.netns === 'host') {
      const dstIp = dstContainer ? (dstContainer.endpoints[0]?.ip ?? null) : isIpv4(flow.to) ? flow.to : null
      if (!dstIp) return
      const egress = world.egressAddress(dstIp)
      const onBridge = dstContainer?.endpoints[0]
      if (onBridge?.hostVeth) {
        const net = world.networks.find((n) => n.name === onBridge.network)!
        plan.hops.push(
          { netns: 'host', iface: net.bridge!, dir: 'tx' },
          { netns: 'host', iface: onBridge.hostVeth, dir: 'tx' },
          { netns: dstContainer!.netns, iface: onBridge.ifname, dir: 'rx' }
        )
        plan.replies = true
        eachConn((sport, k) =>
          plan.conntrack.push(
            unNattedCtLine(flow.proto, { src: net.gateway!, dst: dstIp, sport, dport }, true, `${fi}/${k}`)
          )
        )
        return
      }
      if (!egress) return
      plan.hops.push({ netns: 'host', iface: egress.dev, dir: 'tx' })
      plan.replies = usable(ifaceOf(world, 'host', egress.dev))
      eachConn((sport, k) =>
        plan.conntrack.push(
          unNattedCtLine(flow.proto, { src: egress.ip, dst: dstIp, sport, dport }, plan.replies, `${fi}/${k}`)
        )
      )
      return
    }

    // Container to container. Overlay: the peer may live on another host (not in this host's world).
    const remoteHost = dstContainer
      ? undefined
      : scenario.hosts.find((h) => h.name !== world.hostname && h.containers.some((c) => c.name === toName))
    if (dstContainer || remoteHost) {
      const dOwner = dstContainer ? netOwner(world, dstContainer) : null
      const common = dOwner
        ? owner.endpoints.find((e) => dOwner.endpoints.some((d) => d.network === e.network))
        : undefined
      const overlayEp = owner.endpoints.find(
        (e) => world.networks.find((n) => n.name === e.network)?.driver === 'overlay'
      )
      if (remoteHost && overlayEp) {
        const ovlNs = world.ifaces.find((i) => i.kind === 'vxlan')?.netns
        const cIface = ifaceOf(world, owner.netns, overlayEp.ifname)
        const peer = linkPeer(world, cIface)
        const vtepDst = hostVtep(remoteHost)
        const egress = vtepDst ? world.egressAddress(vtepDst) : null
        // No FDB entry towards the remote host: vxlan0 drops the frame. Another VNI there: it
        // leaves the host but the remote VTEP drops it, so nothing comes back.
        const noFdb = world.host.faults.some(
          (f) => f.type === 'missing-vtep' && f.network === overlayEp.network && f.host === remoteHost.name
        )
        const broken = overlayPathBroken(scenario, world.host, remoteHost, overlayEp.network)
        plan.hops.push({ netns: owner.netns, iface: overlayEp.ifname, dir: 'tx' })
        if (ovlNs && peer) plan.hops.push({ netns: ovlNs, iface: peer.name, dir: 'rx' })
        if (ovlNs && peer && !noFdb) plan.hops.push({ netns: ovlNs, iface: 'vxlan0', dir: 'tx' })
        if (egress && vtepDst && !noFdb) {
          plan.hops.push({ netns: 'host', iface: egress.dev, dir: 'tx' })
          plan.replies = !broken
          const sport = 32768 + hashInt(`${world.scenarioId}/vx/${fi}`, 28000)
          plan.conntrack.push(
            unNattedCtLine('udp', { src: egress.ip, dst: vtepDst, sport, dport: 4789 }, false, `${fi}/vx`)
          )
        }
        return
      }
      if (!dOwner) return
      const srcEp = common ?? defaultEndpoint(world, owner)
      if (!srcEp) return
      const sIface = ifaceOf(world, owner.netns, srcEp.ifname)
      if (!usable(sIface)) return
      plan.hops.push({ netns: owner.netns, iface: srcEp.ifname, dir: 'tx' })
      const sVeth = srcEp.hostVeth ? ifaceOf(world, 'host', srcEp.hostVeth) : undefined
      if (!common) {
        // Different networks: DOCKER-ISOLATION drops it in FORWARD. No conntrack entry is confirmed.
        if (sVeth) plan.hops.push({ netns: 'host', iface: sVeth.name, dir: 'rx' })
        if (sVeth?.master) plan.hops.push({ netns: 'host', iface: sVeth.master, dir: 'rx' })
        return
      }
      const dEp = dOwner.endpoints.find((d) => d.network === common.network)!
      if (!sVeth) return
      plan.hops.push({ netns: 'host', iface: sVeth.name, dir: 'rx' })
      const dVeth = dEp.hostVeth ? ifaceOf(world, 'host', dEp.hostVeth) : undefined
      const dIface = ifaceOf(world, dOwner.netns, dEp.ifname)
      if (!sVeth.master || !dVeth?.master || !usable(dIface)) return
      plan.hops.push(
        { netns: 'host', iface: dVeth.name, dir: 'tx' },
        { netns: dOwner.netns, iface: dEp.ifname, dir: 'rx' }
      )
      plan.replies = true
      if (world.host.sysctls['bridge-nf-call-iptables'] === 1)
        eachConn((sport, k) =>
          plan.conntrack.push(
            unNattedCtLine(flow.proto, { src: srcEp.ip, dst: dEp.ip, sport, dport }, true, `${fi}/${k}`)
          )
        )
      return
    }

    // Container to the host itself.
    const ep = defaultEndpoint(world, owner) ?? owner.endpoints[0]
    if (!ep) return
    const net = world.networks.find((n) => n.name === ep.network)!
    const cIface = ifaceOf(world, owner.netns, ep.ifname)
    if (!usable(cIface)) return
    if (flow.to === 'host') {
      plan.hops.push({ netns: owner.netns, iface: ep.ifname, dir: 'tx' })
      if (ep.hostVeth)
        plan.hops.push(
          { netns: 'host', iface: ep.hostVeth, dir: 'rx' },
          { netns: 'host', iface: net.bridge!, dir: 'rx' }
        )
      plan.replies = !!ep.hostVeth
      eachConn((sport, k) =>
        plan.conntrack.push(
          unNattedCtLine(flow.proto, { src: ep.ip, dst: net.gateway!, sport, dport }, plan.replies, `${fi}/${k}`)
        )
      )
      return
    }

    // Container to an outside address: routed by the host, MASQUERADEd on the way out.
    const dst = flow.to
    const routeEp = defaultEndpoint(world, owner)
    if (!routeEp) return // internal network or none: no route
    const routeNet = world.networks.find((n) => n.name === routeEp.network)!
    plan.hops.push({ netns: owner.netns, iface: routeEp.ifname, dir: 'tx' })
    if (routeNet.driver === 'macvlan') {
      plan.hops.push({ netns: 'host', iface: routeNet.parent!, dir: 'tx' })
      plan.replies = true
      return
    }
    const gwRoute = world.namespaces.find((n) => n.id === owner.netns)?.routes.find((r) => r.dst === 'default')
    if (gwRoute?.gateway !== routeNet.gateway) return // wrong gateway: ARP for it is never answered
    const veth = routeEp.hostVeth ? ifaceOf(world, 'host', routeEp.hostVeth) : undefined
    if (!veth) return
    plan.hops.push({ netns: 'host', iface: veth.name, dir: 'rx' })
    if (!veth.master) return
    plan.hops.push({ netns: 'host', iface: veth.master, dir: 'rx' })
    const egress = world.egressAddress(dst)
    if (!forwardOn || !egress || !usable(ifaceOf(world, 'host', egress.dev))) return
    plan.hops.push({ netns: 'host', iface: egress.dev, dir: 'tx' })
    const masq = routeNet.masquerade && !masqMissing(routeNet.name)
    // A peer answers only addresses it can route back to: the host's, not a hidden container subnet.
    const peerKnowsSource =
      masq || world.host.nics.some((n) => n.addresses.some((a) => inCidr(dst, a) && inCidr(routeEp.ip, a)))
    plan.replies = peerKnowsSource
    eachConn((sport, k) => {
      const replyDst = masq ? egress.ip : routeEp.ip
      const replySport = masq ? sport : sport
      plan.conntrack.push(
        ctLine(
          flow.proto,
          { src: routeEp.ip, dst, sport, dport },
          { src: dst, dst: replyDst, sport: dport, dport: replySport },
          peerKnowsSource,
          `${fi}/${k}`
        )
      )
    })
  })

  // Overlay traffic arriving from other hosts: VXLAN in on the uplink, out of vxlan0 to the container.
  for (const other of scenario.hosts.filter((h) => h.name !== world.hostname)) {
    other.flows.forEach((flow, fi) => {
      const dst = world.containers.find((c) => c.name === flow.to.split(':')[0])
      const ovlEp = dst?.endpoints.find((e) => world.networks.find((n) => n.name === e.network)?.driver === 'overlay')
      if (!dst || !ovlEp) return
      const { bytesPerS, pktsPerS } = parseRate(flow)
      const ratio = flow.replyRatio ?? (flow.proto === 'icmp' ? 1 : flow.proto === 'udp' ? 0.2 : 0.05)
      const cIface = ifaceOf(world, dst.netns, ovlEp.ifname)
      const peer = linkPeer(world, cIface)
      const vtepSrc = hostVtep(other)
      const egress = vtepSrc ? world.egressAddress(vtepSrc) : null
      if (!egress || !peer || overlayPathBroken(scenario, other, world.host, ovlEp.network)) return
      const sport = 32768 + hashInt(`${world.scenarioId}/vxin/${other.name}/${fi}`, 28000)
      plans.push({
        flow,
        fwdBytesPerS: bytesPerS,
        fwdPktsPerS: pktsPerS,
        replyBytesPerS: bytesPerS * ratio,
        replyPktsPerS: (bytesPerS * ratio) / REPLY_PKT[flow.proto],
        hops: [
          { netns: 'host', iface: egress.dev, dir: 'rx' },
          { netns: peer.netns, iface: 'vxlan0', dir: 'rx' },
          { netns: peer.netns, iface: peer.name, dir: 'tx' },
          { netns: dst.netns, iface: ovlEp.ifname, dir: 'rx' }
        ],
        replies: true,
        conntrack: [unNattedCtLine('udp', { src: vtepSrc!, dst: egress.ip, sport, dport: 4789 }, false, `vxin/${fi}`)]
      })
    })
  }
  return plans
}
