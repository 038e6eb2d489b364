/**
 * Packets for a training scenario's flows, in the pcap a real `tcpdump -w` writes: for one
 * interface (host side, or inside a container's namespace), every flow whose path crosses it
 * shows a short exchange (TCP handshake + data, three pings, a UDP query and its answer), with
 * the addresses that interface would see. The NAT point follows the kernel: MASQUERADE rewrites
 * the source on the way out of the uplink (POSTROUTING), DNAT the destination as a packet enters
 * it (PREROUTING); replies are rewritten back at the same places. So a lesson can show the SNAT
 * rewrite packet by packet: the container's address on its veth, the host's on the uplink.
 * Addresses and ports come from the flow's own conntrack entry (flows.ts), so the packets, the
 * conntrack view and the NAT annotation agree.
 */
import { buildFrame, vxlanPayload, type FrameSpec } from '../../shared/packets/build'
import { LINKTYPE, type PcapRecord } from '../../shared/packets/pcap'
import { fail, ok, toAppError, type Result } from '../../shared/result'
import { parseConntrack } from '../parsers/conntrack'
import type { Scenario } from './scenario-schema'
import { planFlows, type FlowPlan, type Hop } from './flows'
import { linkPeer } from './sim-helpers'
import { buildWorld, hashInt, randomMac, type NsId, type SimWorld } from './world'
import { isIpv4 } from '../../shared/net/ip'

interface Tuple {
  src: string
  dst: string
  sport: number
  dport: number
}

export interface SimPacketsOptions {
  /** Namespace as the simulator names it: `host` or `pid:<pid>` (a container's, for --inside). */
  netns: NsId
  iface: string
  /** At most this many packets. */
  count: number
  /** The first packet's time, ms since the epoch. */
  startMs: number
}

const MAX_EXCHANGES_PER_FLOW = 3

/** The flow's conntrack entry as two tuples; null unless all four addresses are IPv4. */
function tuplesOf(line: string): { proto: string; orig: Tuple; reply: Tuple } | null {
  const entry = parseConntrack(line).value[0]
  if (!entry || ![entry.original.src, entry.original.dst, entry.reply.src, entry.reply.dst].every((a) => isIpv4(a)))
    return null
  const t = (x: typeof entry.original): Tuple => ({
    src: x.src,
    dst: x.dst,
    sport: x.sport ?? x.id ?? 0,
    dport: x.dport ?? x.id ?? 0
  })
  return { proto: entry.proto, orig: t(entry.original), reply: t(entry.reply) }
}

function macOf(world: SimWorld, netns: NsId, iface: string): string {
  return (
    world.ifaces.find((i) => i.netns === netns && i.name === iface)?.mac ??
    randomMac(`${world.scenarioId}/${netns}/${iface}`)
  )
}

/** The MAC on the other side of a hop's link: the bridge for container ends, a router for the uplink. */
function peerMac(world: SimWorld, hop: Hop): string {
  const iface = world.ifaces.find((i) => i.netns === hop.netns && i.name === hop.iface)
  if (iface?.link) {
    const peer = linkPeer(world, iface)
    const bridge = peer?.master ? world.ifaces.find((i) => i.netns === peer.netns && i.name === peer.master) : undefined
    if (bridge) return bridge.mac
    if (peer) return peer.mac
  }
  if (iface?.master) {
    // A host veth or bridge port: the far end is the container's interface.
    const c = world.ifaces.find((i) => i.link?.ifindex === iface.ifindex && i.link.netns === iface.netns)
    if (c) return c.mac
  }
  return randomMac(`${world.scenarioId}/gateway/${hop.iface}`)
}

interface Exchange {
  forward: boolean
  spec: Omit<FrameSpec, 'macSrc' | 'macDst' | 'src' | 'dst' | 'sport' | 'dport'>
}

/** What one connection of a flow sends: forward packets, and replies when the flow gets any. */
function exchanges(proto: string, replies: boolean, seed: number): Exchange[] {
  if (proto === 'icmp') {
    const out: Exchange[] = []
    for (let seq = 1; seq <= 3; seq++) {
      out.push({ forward: true, spec: { proto: 'icmp', icmp: { type: 8, code: 0, id: 0, seq }, payload: 56 } })
      if (replies)
        out.push({ forward: false, spec: { proto: 'icmp', icmp: { type: 0, code: 0, id: 0, seq }, payload: 56 } })
    }
    return out
  }
  if (proto === 'udp')
    return [
      { forward: true, spec: { proto: 'udp', payload: 40 } },
      ...(replies ? [{ forward: false, spec: { proto: 'udp' as const, payload: 120 } }] : [])
    ]
  const isn = seed % 2 ** 31
  const rsn = (seed * 7) % 2 ** 31
  if (!replies)
    // SYN, and its retransmissions: nothing ever answers.
    return [0, 1, 2].map(() => ({
      forward: true,
      spec: { proto: 'tcp' as const, tcp: { flags: 0x02, seq: isn, ack: 0 } }
    }))
  return [
    { forward: true, spec: { proto: 'tcp', tcp: { flags: 0x02, seq: isn, ack: 0 } } },
    { forward: false, spec: { proto: 'tcp', tcp: { flags: 0x12, seq: rsn, ack: isn + 1 } } },
    { forward: true, spec: { proto: 'tcp', tcp: { flags: 0x10, seq: isn + 1, ack: rsn + 1 } } },
    { forward: true, spec: { proto: 'tcp', tcp: { flags: 0x18, seq: isn + 1, ack: rsn + 1 }, payload: 120 } },
    { forward: false, spec: { proto: 'tcp', tcp: { flags: 0x18, seq: rsn + 1, ack: isn + 121 }, payload: 600 } },
    { forward: true, spec: { proto: 'tcp', tcp: { flags: 0x10, seq: isn + 121, ack: rsn + 601 } } }
  ]
}

/**
 * The addresses a packet has at one hop. SNAT flows: the hop leaving the host (host, tx, last) is
 * past POSTROUTING. DNAT flows: every hop after the first (the uplink, rx) is past PREROUTING.
 */
function addressesAt(plan: FlowPlan, hopIndex: number, forward: boolean, orig: Tuple, reply: Tuple): Tuple {
  const hop = plan.hops[hopIndex]
  const snat = reply.dst !== orig.src
  const dnat = reply.src !== orig.dst
  const snatPublic = snat && hop.netns === 'host' && hop.dir === 'tx' && hopIndex === plan.hops.length - 1
  const dnatPrivate = dnat && hopIndex > 0
  if (forward)
    return {
      src: snatPublic ? reply.dst : orig.src,
      sport: snatPublic ? reply.dport : orig.sport,
      dst: dnatPrivate ? reply.src : orig.dst,
      dport: dnatPrivate ? reply.sport : orig.dport
    }
  return {
    src: dnatPrivate ? reply.src : orig.dst,
    sport: dnatPrivate ? reply.sport : orig.dport,
    dst: snatPublic ? reply.dst : orig.src,
    dport: snatPublic ? reply.dport : orig.sport
  }
}

/** Overlay flows on the uplink: VXLAN between the VTEPs (the flow's conntrack entry) around the containers' packet. */
function overlayInner(
  world: SimWorld,
  scenario: Scenario,
  plan: FlowPlan
): { vni: number; inner: Tuple; macSrc: string; macDst: string } | null {
  const src = world.containers.find((c) => c.name === plan.flow.from)
  const toName = plan.flow.to.split(':')[0]
  const ep = src?.endpoints.find((e) => world.networks.find((n) => n.name === e.network)?.driver === 'overlay')
  const net = ep ? world.networks.find((n) => n.name === ep.network) : undefined
  if (!ep || !net) return null
  for (const host of scenario.hosts) {
    if (host.name === world.hostname || !host.containers.some((c) => c.name === toName)) continue
    const remote = buildWorld(scenario, host.name)
    const dst = remote.containers.find((c) => c.name === toName)?.endpoints.find((e) => e.network === ep.network)
    if (!dst) continue
    const port = plan.flow.port ?? 0
    return {
      vni: net.vni ?? 4096,
      inner: {
        src: ep.ip,
        dst: dst.ip,
        sport: 40000 + hashInt(`${world.scenarioId}/${plan.flow.from}`, 20000),
        dport: port
      },
      macSrc: ep.mac,
      macDst: dst.mac
    }
  }
  return null
}

export function renderFlowPackets(world: SimWorld, scenario: Scenario, o: SimPacketsOptions): PcapRecord[] {
  const records: { timeUs: number; data: Uint8Array }[] = []
  const plans = planFlows(world, scenario)
  plans.forEach((plan, planIndex) => {
    const hopIndex = plan.hops.findIndex((h) => h.netns === o.netns && h.iface === o.iface)
    if (hopIndex < 0 || !plan.conntrack.length) return
    const hop = plan.hops[hopIndex]
    const overlay = plan.conntrack[0].includes('dport=4789') ? overlayInner(world, scenario, plan) : null
    plan.conntrack.slice(0, MAX_EXCHANGES_PER_FLOW).forEach((line, connIndex) => {
      const t = tuplesOf(line)
      if (!t) return
      const proto = overlay ? plan.flow.proto : t.proto
      const base = (planIndex * 1000 + connIndex * 200) * 1000
      exchanges(proto, plan.replies, hashInt(`${world.scenarioId}/${planIndex}/${connIndex}`, 2 ** 31)).forEach(
        (ex, k) => {
          // The replies travel the same hops backwards.
          const ownMac = macOf(world, hop.netns, hop.iface)
          const otherMac = peerMac(world, hop)
          const outgoing = (hop.dir === 'tx') === ex.forward
          const macSrc = outgoing ? ownMac : otherMac
          const macDst = outgoing ? otherMac : ownMac
          const timeUs = base + k * 20_000 + (ex.forward ? hopIndex : plan.hops.length - hopIndex) * 15
          const icmpId = overlay ? 1 : t.orig.sport
          const spec = ex.spec.icmp ? { ...ex.spec, icmp: { ...ex.spec.icmp, id: icmpId } } : ex.spec
          let frame: Uint8Array
          const onUplink = overlay && hop.netns === 'host'
          if (overlay) {
            const inner = ex.forward
              ? overlay.inner
              : {
                  src: overlay.inner.dst,
                  dst: overlay.inner.src,
                  sport: overlay.inner.dport,
                  dport: overlay.inner.sport
                }
            const innerFrame = buildFrame({
              ...spec,
              macSrc: ex.forward ? overlay.macSrc : overlay.macDst,
              macDst: ex.forward ? overlay.macDst : overlay.macSrc,
              ...inner
            })
            if (!onUplink) frame = innerFrame
            else {
              const outer = ex.forward
                ? t.orig
                : { src: t.orig.dst, dst: t.orig.src, sport: t.orig.dport, dport: t.orig.sport }
              frame = buildFrame({
                proto: 'udp',
                macSrc,
                macDst,
                ...outer,
                payload: vxlanPayload(overlay.vni, innerFrame)
              })
            }
          } else {
            const a = addressesAt(plan, hopIndex, ex.forward, t.orig, t.reply)
            frame = buildFrame({ ...spec, macSrc, macDst, ...a, ipId: (k * 97 + connIndex) & 0xffff })
          }
          records.push({ timeUs, data: frame })
        }
      )
    })
  })
  records.sort((a, b) => a.timeUs - b.timeUs)
  return records.slice(0, Math.max(0, o.count)).map((r) => {
    const ms = o.startMs + r.timeUs / 1000
    const tsSec = Math.floor(ms / 1000)
    return { tsSec, tsNsec: Math.round((ms - tsSec * 1000) * 1e6), data: r.data, originalLength: r.data.length }
  })
}

/** The pcap records for one interface of a scenario host. */
export function scenarioPackets(
  scenario: Scenario,
  o: SimPacketsOptions & { host?: string }
): Result<{ linktype: number; records: PcapRecord[] }> {
  try {
    const world = buildWorld(scenario, o.host)
    if (!world.ifaces.some((i) => i.netns === o.netns && i.name === o.iface))
      return fail('not-found', `scenario ${scenario.id} has no interface ${JSON.stringify(o.iface)} in ${o.netns}`)
    return ok({ linktype: LINKTYPE.ETHERNET, records: renderFlowPackets(world, scenario, o) })
  } catch (e) {
    return { ok: false, error: toAppError(e) }
  }
}
