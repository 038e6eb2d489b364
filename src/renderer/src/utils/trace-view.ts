/**
 * How the trace stepper lays out a trace: which hop decided the verdict (the one to jump to), how
 * deep each netfilter hop sits in the chain jumps (DOCKER-USER inside FORWARD), and which topology
 * nodes a hop without nodes of its own stands for. Pure.
 */
import type { TraceHop, TraceResult } from '@shared/api/types'

const BUILTIN_CHAINS = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'])

/**
 * `filter DOCKER-USER` → table and chain; null for hops that are not a chain. On a host with both
 * iptables backends the table carries its backend (`iptables-legacy filter`), so each nests apart.
 */
function chainOf(hop: TraceHop): { table: string; chain: string } | null {
  if (hop.kind !== 'netfilter') return null
  const m = /^((?:iptables-(?:legacy|nft) )?\S+) (\S+)$/.exec(hop.where)
  return m ? { table: m[1], chain: m[2] } : null
}

/** The chain a rule jumps (`-j`) or goes (`-g`) to, when it is not a verdict. */
function jumpTarget(rule: string | null): string | null {
  const m = rule ? /\s-[jg]\s+(\S+)/.exec(rule) : null
  if (!m) return null
  return /^(ACCEPT|DROP|REJECT|RETURN|MASQUERADE|SNAT|DNAT|LOG|NFLOG|MARK|CONNMARK|REDIRECT|TPROXY)$/.test(m[1]) ? null : m[1]
}

/** Nesting depth per hop: a user chain sits one level under the hop that jumped into it. */
export function hopDepths(hops: readonly TraceHop[]): number[] {
  const depthOf = new Map<string, number>()
  const out: number[] = []
  for (const hop of hops) {
    const chain = chainOf(hop)
    if (!chain) {
      depthOf.clear()
      out.push(0)
      continue
    }
    const key = `${chain.table} ${chain.chain}`
    const depth = BUILTIN_CHAINS.has(chain.chain) ? 0 : (depthOf.get(key) ?? 1)
    out.push(depth)
    const target = jumpTarget(hop.rule)
    if (target) depthOf.set(`${chain.table} ${target}`, depth + 1)
  }
  return out
}

/**
 * The hop that decided a trace that failed, as an index into forward + reply hops: the rule that
 * dropped it, else the last hop reached. Null for a delivered trace or one with no hops at all.
 */
export function verdictHopIndex(trace: Pick<TraceResult, 'verdict' | 'droppedBy' | 'hops' | 'reply'>): number | null {
  if (trace.verdict === 'delivered') return null
  const all = [...trace.hops, ...trace.reply]
  if (!all.length) return null
  if (trace.droppedBy) {
    for (let i = all.length - 1; i >= 0; i--) if (all[i].rule === trace.droppedBy) return i
  }
  return all.length - 1
}

/** The topology nodes of a hop, or of the nearest hop before it that has some (netfilter hops have none). */
export function hopNodes(hops: readonly TraceHop[], index: number): string[] {
  for (let i = index; i >= 0; i--) if (hops[i]?.nodes.length) return hops[i].nodes
  for (let i = index + 1; i < hops.length; i++) if (hops[i].nodes.length) return hops[i].nodes
  return []
}
