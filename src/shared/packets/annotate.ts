/**
 * NAT-aware packet annotation: a pure function over (packet summary, snapshot context).
 *   - names the containers behind the packet's addresses (and the host's own addresses);
 *   - where a conntrack entry explains the packet, says which side of the translation it is on:
 *       on the uplink   198.51.100.1 → 198.51.100.2  "SNAT by MASQUERADE of web 172.17.0.2"
 *       on the veth     198.51.100.2 → 10.88.0.2:80   "DNAT from :8080"
 *   - without an entry (a flow newer than the snapshot), the NAT rules say what will happen to a
 *     first packet: MASQUERADE for a container leaving its network, DNAT for a published port.
 * The rule that does it comes from walking the snapshot's nat chains (src/shared/netfilter/ruleset).
 */
import type { ConntrackEntry, NatRule, Snapshot } from '../snapshot/schema'
import { longestPrefixMatch, parseIpv4, stripPrefix } from '../net/ip'
import { mainRoutes } from '../snapshot/query'
import { Ruleset } from '../netfilter/ruleset'
import { parseNatAddress, targetValue } from '../netfilter/rule'
import { innermost, type PacketSummary } from './decode'

export type NatSide = 'before' | 'after' | 'reply-before' | 'reply-after'

export interface NatNote {
  kind: 'SNAT' | 'DNAT'
  /**
   * Where this packet is relative to the translation:
   *   before        original direction, not yet rewritten (container side of SNAT, uplink side of DNAT)
   *   after         original direction, rewritten (uplink side of SNAT, container side of DNAT)
   *   reply-before  a reply not yet rewritten back
   *   reply-after   a reply already rewritten back
   */
  side: NatSide
  /** The private end: the container's address (SNAT source, DNAT backend) and port. */
  inner: { ip: string; port: number | null }
  /** The public end: what the host shows for it (SNAT: host address; DNAT: host address and published port). */
  outer: { ip: string; port: number | null }
  /** Container at the private end, when known. */
  container: string | null
  /** MASQUERADE, SNAT or DNAT (from the rule when found). */
  target: string
  /** The nat rule that does it (raw iptables-save line), when found. */
  rule: string | null
  /** conntrack: a tracked flow matched; rule: only the rules say so (no entry for this flow yet). */
  evidence: 'conntrack' | 'rule'
}

export interface PacketAnnotation {
  /** Container names (or `host`) owning the source and destination addresses, null when unknown. */
  srcName: string | null
  dstName: string | null
  nat: NatNote[]
  /** A conntrack entry (translated or not) explains this packet. */
  tracked: boolean
}

export interface NatContext {
  names: Map<string, string>
  hostAddresses: Set<string>
  /** Conntrack entries by each address in their tuples (a busy host has 262,144 of them). */
  conntrackByAddress: Map<string, ConntrackEntry[]>
  /** `raw` of every entry indexed, so one read twice is added once. */
  conntrackSeen: Set<string>
  ruleset: Ruleset
  egress(dst: string): string | null
}

/** Precomputes the lookups once per capture; `extraConntrack` are entries read after the snapshot. */
export function natContext(snapshot: Snapshot, extraConntrack: ConntrackEntry[] = []): NatContext {
  const names = new Map<string, string>()
  for (const container of snapshot.containers) {
    // container: mode members share the owner's addresses: the owner names them.
    if (container.networkMode.startsWith('container:') || container.networkMode === 'host') continue
    for (const iface of container.interfaces)
      for (const address of iface.addresses) {
        const ip = stripPrefix(address)
        if (ip === '127.0.0.1' || ip === '::1') continue
        const had = names.get(ip)
        names.set(ip, had && had !== container.name ? `${had}, ${container.name}` : container.name)
      }
  }
  const hostAddresses = new Set<string>()
  for (const iface of snapshot.interfaces)
    if (iface.netns === 'host') for (const address of iface.addresses) hostAddresses.add(stripPrefix(address))
  const routes = mainRoutes(snapshot.routes, 'host')
  const ctx: NatContext = {
    names,
    hostAddresses,
    conntrackByAddress: new Map(),
    conntrackSeen: new Set(),
    ruleset: Ruleset.fromSnapshot(snapshot),
    egress: (dst) =>
      longestPrefixMatch(
        dst,
        routes,
        (r) => (r.dst === 'default' ? '0.0.0.0/0' : r.dst),
        (r) => r.metric
      )?.dev ?? null
  }
  addConntrack(ctx, snapshot.conntrack.entries)
  addConntrack(ctx, extraConntrack)
  return ctx
}

/**
 * Adds entries (e.g. read after the snapshot) to the context; later additions are preferred when
 * two entries explain one packet. Returns how many were new.
 */
export function addConntrack(ctx: NatContext, entries: ConntrackEntry[]): number {
  let added = 0
  for (const entry of entries) {
    if (ctx.conntrackSeen.has(entry.raw) && entry.raw !== '') continue
    ctx.conntrackSeen.add(entry.raw)
    added++
    const addresses = new Set([entry.original.src, entry.original.dst, entry.reply.src, entry.reply.dst])
    for (const address of addresses) {
      const list = ctx.conntrackByAddress.get(address)
      if (list) list.push(entry)
      else ctx.conntrackByAddress.set(address, [entry])
    }
  }
  return added
}

interface Flow {
  proto: string
  src: string
  dst: string
  sport: number | null
  dport: number | null
  /** ICMP echo identifier (conntrack keys ICMP flows on it). */
  icmpId: number | null
}

function flowOf(p: PacketSummary): Flow | null {
  if (!p.src || !p.dst || (p.network !== 'IPv4' && p.network !== 'IPv6')) return null
  const proto = p.transport ?? ''
  const icmp = proto === 'icmp' || proto === 'icmpv6'
  return {
    proto,
    src: p.src,
    dst: p.dst,
    sport: icmp ? null : p.sport,
    dport: icmp ? null : p.dport,
    icmpId: p.icmp?.id ?? null
  }
}

type Tuple = ConntrackEntry['original']

const ICMP_ID = /type=\d+ code=\d+ id=(\d+)/

function entryIcmpId(entry: ConntrackEntry): number | null {
  const m = ICMP_ID.exec(entry.raw)
  return m ? Number(m[1]) : null
}

function same(flow: Flow, t: Tuple, reversed: boolean): boolean {
  const [src, dst, sport, dport] = reversed ? [t.dst, t.src, t.dport, t.sport] : [t.src, t.dst, t.sport, t.dport]
  if (flow.src !== src || flow.dst !== dst) return false
  if (flow.sport === null && flow.dport === null) return true
  return flow.sport === sport && flow.dport === dport
}

function protoMatches(flow: Flow, entry: ConntrackEntry): boolean {
  if (entry.proto !== flow.proto) return false
  if (flow.icmpId === null) return true
  const id = entryIcmpId(entry)
  return id === null || id === flow.icmpId
}

/** Which conntrack entry explains a packet, and in which of the four positions it sits. */
function findEntry(
  flow: Flow,
  entries: ConntrackEntry[]
): { entry: ConntrackEntry; position: 'orig' | 'orig-rev' | 'reply' | 'reply-rev' } | null {
  let fallback: { entry: ConntrackEntry; position: 'orig' | 'orig-rev' | 'reply' | 'reply-rev' } | null = null
  // Newest first: entries read after the snapshot were pushed last.
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]
    if (!protoMatches(flow, entry)) continue
    const position = same(flow, entry.original, false)
      ? 'orig'
      : same(flow, entry.reply, true)
        ? 'reply-rev'
        : same(flow, entry.reply, false)
          ? 'reply'
          : same(flow, entry.original, true)
            ? 'orig-rev'
            : null
    if (!position) continue
    if (entry.nat !== 'none') return { entry, position }
    fallback ??= { entry, position }
  }
  return fallback
}

type Endpoints = { src: string; dst: string; sport: number | null; dport: number | null }

/**
 * The nat rule a flow's first packet meets: MASQUERADE/SNAT in POSTROUTING (leaving through the
 * route's interface) or DNAT in PREROUTING.
 */
function natRule(ctx: NatContext, kind: 'SNAT' | 'DNAT', proto: string, packet: Endpoints): NatRule | null {
  const snat = kind === 'SNAT'
  const walk = ctx.ruleset.walk('nat', snat ? 'POSTROUTING' : 'PREROUTING', packet, {
    proto,
    inIface: null,
    outIface: snat ? ctx.egress(packet.dst) : null,
    ctstate: 'NEW',
    isLocal: (ip) => ctx.hostAddresses.has(ip)
  })
  const targets = snat ? ['MASQUERADE', 'SNAT'] : ['DNAT']
  return walk.nat && targets.includes(walk.nat.target) ? walk.nat.rule : null
}

const SIDES: Record<'orig' | 'orig-rev' | 'reply' | 'reply-rev', Record<'SNAT' | 'DNAT', NatSide>> = {
  // SNAT rewrites the source on the way out: the original tuple is the container side.
  // DNAT rewrites the destination on the way in: the original tuple is the uplink side.
  orig: { SNAT: 'before', DNAT: 'before' },
  'reply-rev': { SNAT: 'after', DNAT: 'after' },
  reply: { SNAT: 'reply-before', DNAT: 'reply-before' },
  'orig-rev': { SNAT: 'reply-after', DNAT: 'reply-after' }
}

function notesFromEntry(ctx: NatContext, entry: ConntrackEntry, position: keyof typeof SIDES): NatNote[] {
  const o = entry.original
  const r = entry.reply
  const note = (
    kind: 'SNAT' | 'DNAT',
    inner: Tuple,
    innerEnd: 'src' | 'dst',
    outer: Tuple,
    outerEnd: 'src' | 'dst',
    rule: NatRule | null
  ): NatNote => {
    const port = (t: Tuple, end: 'src' | 'dst'): number | null => (end === 'src' ? t.sport : t.dport)
    return {
      kind,
      side: SIDES[position][kind],
      inner: { ip: inner[innerEnd], port: port(inner, innerEnd) },
      outer: { ip: outer[outerEnd], port: port(outer, outerEnd) },
      container: ctx.names.get(inner[innerEnd]) ?? null,
      target: rule?.target ?? kind,
      rule: rule?.raw ?? null,
      evidence: 'conntrack'
    }
  }
  const notes: NatNote[] = []
  // SNAT: the container is the original source, the host address the reply's destination.
  if (entry.nat === 'SNAT' || entry.nat === 'SNAT+DNAT')
    notes.push(
      note(
        'SNAT',
        o,
        'src',
        r,
        'dst',
        natRule(ctx, 'SNAT', entry.proto, { src: o.src, dst: r.src, sport: o.sport, dport: r.sport })
      )
    )
  // DNAT: the container is the reply's source, the published address the original destination.
  if (entry.nat === 'DNAT' || entry.nat === 'SNAT+DNAT')
    notes.push(note('DNAT', r, 'src', o, 'dst', natRule(ctx, 'DNAT', entry.proto, o)))
  return notes
}

/** `--to-destination 10.0.0.2:80` → address and port. */
function dnatTarget(rule: NatRule): { ip: string; port: number | null } | null {
  const to = targetValue(rule, '--to-destination')
  const { ip, port } = to === null ? { ip: null, port: null } : parseNatAddress(to)
  return ip ? { ip, port } : null
}

/** No tracked flow: what the nat rules will do to this packet if it is a flow's first. */
function notesFromRules(ctx: NatContext, flow: Flow): NatNote[] {
  if (parseIpv4(flow.src) === null || parseIpv4(flow.dst) === null) return []
  // A container talking to an address outside every container network and not the host's.
  const srcContainer = ctx.names.get(flow.src)
  if (srcContainer && !ctx.names.has(flow.dst) && !ctx.hostAddresses.has(flow.dst)) {
    const rule = natRule(ctx, 'SNAT', flow.proto, flow)
    if (rule)
      return [
        {
          kind: 'SNAT',
          side: 'before',
          inner: { ip: flow.src, port: flow.sport },
          outer: { ip: '', port: null },
          container: srcContainer,
          target: rule.target,
          rule: rule.raw,
          evidence: 'rule'
        }
      ]
  }
  // Something outside the container networks calling a host port that a DNAT rule publishes.
  if (!ctx.names.has(flow.src) && !ctx.names.has(flow.dst)) {
    const rule = natRule(ctx, 'DNAT', flow.proto, flow)
    const to = rule ? dnatTarget(rule) : null
    if (rule && to)
      return [
        {
          kind: 'DNAT',
          side: 'before',
          inner: to,
          outer: { ip: flow.dst, port: flow.dport },
          container: ctx.names.get(to.ip) ?? null,
          target: 'DNAT',
          rule: rule.raw,
          evidence: 'rule'
        }
      ]
  }
  return []
}

export function annotatePacket(summary: PacketSummary, ctx: NatContext): PacketAnnotation {
  const p = innermost(summary)
  const nameOf = (ip: string | null): string | null =>
    ip ? (ctx.names.get(ip) ?? (ctx.hostAddresses.has(ip) ? 'host' : null)) : null
  const annotation: PacketAnnotation = { srcName: nameOf(p.src), dstName: nameOf(p.dst), nat: [], tracked: false }
  const flow = flowOf(p)
  if (!flow || p.network === 'ARP') return annotation
  const found = findEntry(flow, ctx.conntrackByAddress.get(flow.src) ?? [])
  annotation.tracked = found !== null
  if (found && found.entry.nat !== 'none') annotation.nat = notesFromEntry(ctx, found.entry, found.position)
  else if (!found && (flow.proto === 'tcp' || flow.proto === 'udp' || flow.proto === 'icmp'))
    annotation.nat = notesFromRules(ctx, flow)
  return annotation
}
