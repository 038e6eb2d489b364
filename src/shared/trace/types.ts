/** What a trace produces: the hops of a packet and of its reply, and the verdict. */
import type { Localized } from '../localized'

export type TraceVerdict = 'delivered' | 'dropped' | 'no-route' | 'unknown'
export interface TraceHop {
  step: number
  /** `netns`, `route`, `veth`, `bridge`, `netfilter`, `egress`, `ingress`, `proxy`, `deliver`. */
  kind: string
  where: string
  /** Node ids on the topology to highlight. */
  nodes: string[]
  description: Localized
  /** The rule line that matched at this hop, if any. */
  rule: string | null
  packetBefore: { src: string; dst: string; sport: number | null; dport: number | null }
  packetAfter: { src: string; dst: string; sport: number | null; dport: number | null }
}
export interface TraceResult {
  from: string
  to: string
  proto: string
  verdict: TraceVerdict
  reason: Localized
  /** The rule that dropped the packet, when verdict is `dropped`. */
  droppedBy: string | null
  hops: TraceHop[]
  reply: TraceHop[]
}
