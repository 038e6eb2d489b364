/**
 * Packet path trace from the snapshot alone: `traceFlow(snapshot, from, to)`.
 *
 * It follows the first packet of a flow through the places the kernel would send it: the source
 * namespace's route lookup, the veth into the host, the bridge, netfilter hooks in kernel order
 * (raw/mangle only when they hold rules, nat PREROUTING, the routing decision, filter FORWARD or
 * INPUT, nat POSTROUTING), the egress interface and, for a container destination, the bridge and
 * veth into its namespace. Then it walks the reply with conntrack's reverse translation.
 *
 * Nothing here runs on a host: this is reasoning over recorded rules and routes, so the verdict
 * says `unknown` when the rules it needs were not captured or cannot be evaluated.
 *
 * endpoints.ts reads `from` and `to`, forward.ts walks the request, reply.ts the reply, tracer.ts
 * holds the shared steps, messages.ts every sentence in both languages.
 */
import type { Localized } from '../localized'
import type { TraceResult, TraceVerdict } from './types'
import type { Snapshot } from '../snapshot/schema'
import { resolveDestination, resolveSource } from './endpoints'
import { forward } from './forward'
import { traceMessage as M } from './messages'
import { replyPath } from './reply'
import { Stop, Tracer } from './tracer'

export { OUTSIDE_PROBE } from '../snapshot/query'

/** Trace a flow; never throws (a failure becomes verdict `unknown`). */
export function traceFlow(snapshot: Snapshot, from: string, to: string): TraceResult {
  const tracer = new Tracer(snapshot)
  let proto = 'icmp'
  let forwardDone = false
  try {
    const source = resolveSource(tracer, from)
    const target = resolveDestination(tracer, to, source)
    proto = target.proto
    tracer.proto = proto
    const state = forward(tracer, source, target)
    forwardDone = true
    tracer.useReply()
    replyPath(tracer, state)
    const reason = state.leftHost
      ? M('leavesHost', { iface: state.outIface })
      : state.deliveredTo
        ? M('deliveredToContainer', { container: state.deliveredTo.name })
        : M('deliveredToHost')
    return finish(tracer, from, to, proto, 'delivered', reason, null)
  } catch (e) {
    const stop =
      e instanceof Stop
        ? e
        : new Stop('unknown', M('traceFailed', { error: e instanceof Error ? e.message : String(e) }))
    const reason = forwardDone && stop.verdict !== 'unknown' ? M('replyFails', { reason: stop.reason }) : stop.reason
    return finish(tracer, from, to, proto, stop.verdict, reason, stop.verdict === 'dropped' ? stop.droppedBy : null)
  }
}

/** Builds the result; a verdict that passed over rules NetLens cannot evaluate becomes `unknown`. */
function finish(
  t: Tracer,
  from: string,
  to: string,
  proto: string,
  verdict: TraceVerdict,
  reason: Localized,
  droppedBy: string | null
): TraceResult {
  if (t.unevaluated.length && verdict !== 'unknown') {
    const rules = [...new Set(t.unevaluated.map((r) => r.raw))].join(' | ')
    return {
      from,
      to,
      proto,
      verdict: 'unknown',
      reason: M('wouldBe', { verdict, reason, rules }),
      droppedBy: null,
      hops: t.hops,
      reply: t.reply
    }
  }
  const full = t.notes.length ? M('withNotes', { reason, notes: t.notes }) : reason
  return { from, to, proto, verdict, reason: full, droppedBy, hops: t.hops, reply: t.reply }
}
