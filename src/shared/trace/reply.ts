/** The reply's way back: from the destination to the source, with conntrack's reverse NAT. */
import { isPrivateIpv4 } from '../net/ip'
import { bridgeNodeId, containerNetnsId, containerNodeId, ifaceNodeId, uplinkNodeId } from '../topology/ids'
import type { Packet } from '../netfilter/ruleset'
import { containerHolding, networksHolding } from '../snapshot/query'
import { hostVethOf } from '../snapshot/bridges'
import { traceMessage as M } from './messages'
import { Stop, fmt, type Tracer } from './tracer'
import type { ForwardState } from './forward'

export function replyPath(t: Tracer, s: ForwardState): void {
  const back: Packet = { src: s.final.dst, dst: s.final.src, sport: s.final.dport, dport: s.final.sport }
  if (s.sameNamespace && s.deliveredTo) {
    t.hop('deliver', s.deliveredTo.name, [containerNodeId(s.deliveredTo.name)], M('replySameNetns'), back)
    return
  }
  if (s.leftHost) {
    // Who answers from outside sees the translated source; a private, untranslated source cannot be answered.
    const srcIsOurs = t.isLocal(s.final.src)
    const uplink = s.outIface ? [uplinkNodeId(s.outIface)] : []
    if (
      !srcIsOurs &&
      (networksHolding(t.snapshot, s.final.src).length > 0 ||
        (s.sourceContainer !== null && isPrivateIpv4(s.final.src) && !isPrivateIpv4(s.final.dst)))
    ) {
      t.hop('ingress', s.outIface ?? 'uplink', uplink, M('replyUnroutable', { src: s.final.src }), back)
      throw new Stop('no-route', M('sourceUntranslated', { src: s.final.src }))
    }
    const description = M('replyArrives', { iface: s.outIface, packet: fmt(back) })
    t.hop('ingress', s.outIface ?? 'uplink', uplink, description, back)
    t.deviceHook('ingress', s.outIface, back, 'ESTABLISHED')
  } else if (s.deliveredTo) {
    const holder = containerHolding(t.snapshot, s.final.dst)
    t.hop(
      'netns',
      s.deliveredTo.name,
      [containerNodeId(s.deliveredTo.name)].concat(
        holder ? [ifaceNodeId(containerNetnsId(holder.container), holder.iface.ifname)] : []
      ),
      M('containerAnswers', { container: s.deliveredTo.name, packet: fmt(back) }),
      back
    )
    // Into the host through its veth, then (routed) up from the bridge: their ingress chains.
    t.deviceHook('ingress', holder ? hostVethOf(holder.iface) : null, back, 'ESTABLISHED')
    if (!s.bridged) t.deviceHook('ingress', s.outIface, back, 'ESTABLISHED')
  } else if (s.local) {
    t.hop('netns', 'host', [], M('hostAnswersReply', { packet: fmt(back) }), back)
  }

  let packet = back
  const replyIn = s.local ? null : s.outIface
  const replyOut = s.inIface === 'lo' ? null : s.inIface
  // De-SNAT happens on the way in (PREROUTING), un-DNAT on the way out (POSTROUTING / OUTPUT).
  if (s.snat) {
    const after = { ...packet, dst: s.original.src, dport: s.original.sport }
    const description = M('unSnat', { target: s.snat.target, dst: packet.dst, toDst: after.dst })
    t.hop('netfilter', 'conntrack (reply, PREROUTING)', [], description, packet, after, s.snat.raw)
    packet = after
  }
  if (s.fromHost && !s.local && replyIn) {
    t.chain('filter', 'INPUT', packet, t.match(replyIn, null, 'ESTABLISHED', !!s.dnat), true)
  } else if (s.local) {
    t.chain('filter', 'OUTPUT', packet, t.match(null, replyOut, 'ESTABLISHED', !!s.dnat), true)
  } else if (replyIn && !s.bypassesNetfilter) {
    t.chain('filter', 'FORWARD', packet, t.match(replyIn, replyOut, 'ESTABLISHED', !!s.dnat), true)
  }
  if (s.dnat) {
    const after = { ...packet, src: s.original.dst, sport: s.original.dport }
    const description = M('unDnat', { src: packet.src, toSrc: after.src })
    t.hop('netfilter', 'conntrack (reply, POSTROUTING)', [], description, packet, after, s.dnat.raw)
    packet = after
  }
  if (s.sourceContainer && s.sourceIface) {
    const owner = s.sourceContainer.owner
    const ci = s.sourceIface
    const bridge = replyOut ?? ci.bridge
    // Out by the bridge device when routed, then by the source's port: their egress chains.
    if (!s.bridged) t.deviceHook('egress', replyOut, packet, 'ESTABLISHED')
    t.deviceHook('egress', ci.hostVeth, packet, 'ESTABLISHED')
    t.hop(
      'veth',
      `host ${ci.hostVeth ?? '?'} → ${owner.name} ${ci.ifname}`,
      [
        ...(bridge ? [bridgeNodeId('host', bridge)] : []),
        ...(ci.hostVeth ? [ifaceNodeId('host', ci.hostVeth)] : []),
        ifaceNodeId(containerNetnsId(owner), ci.ifname),
        containerNodeId(s.sourceContainer.container.name)
      ],
      M('backToContainer', { bridge, hostVeth: ci.hostVeth, container: owner.name, packet: fmt(packet) }),
      packet
    )
  } else if (replyOut) {
    t.deviceHook('egress', replyOut, packet, 'ESTABLISHED')
    const description = M('backOut', { iface: replyOut, dst: packet.dst, packet: fmt(packet) })
    t.hop('egress', replyOut, t.egressNodes(replyOut), description, packet)
  } else {
    t.hop('deliver', 'host', [], M('backToHostProcess', { packet: fmt(packet) }), packet)
  }
}
