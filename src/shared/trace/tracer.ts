/**
 * The trace's working state and the steps every path shares: recording hops, routing lookups,
 * walking netfilter hooks in every iptables backend, applying NAT, link checks. The paths
 * themselves are in endpoints.ts (what `from` and `to` name), forward.ts and reply.ts.
 */
import type { Localized } from '../localized'
import type { TraceHop, TraceVerdict } from './types'
import type { Container, ContainerInterface, Interface, NatRule, Route, Snapshot } from '../snapshot/schema'
import { bridgeNodeId, containerNetnsId, uplinkNodeId } from '../topology/ids'
import { formatCidr, inCidr, isIpv4, longestPrefixMatch, parseCidr, stripPrefix } from '../net/ip'
import {
  hostLocalAddresses,
  iptablesBackends,
  iptablesPriority,
  nftBaseChains,
  type IptablesBackend,
  type NftBaseChain,
  type MatchContext,
  type Packet,
  type WalkResult
} from '../netfilter/ruleset'
import { natAddress, natToPorts } from '../netfilter/rule'
import { containerIpv4, hostInterface, interfaceAddress, mainRoutes } from '../snapshot/query'
import { traceMessage as M } from './messages'

export type Endpoint =
  | { kind: 'container'; container: Container; owner: Container; iface: ContainerInterface | null; ip: string | null }
  | { kind: 'host'; ip: string | null; iface: Interface | null }
  | { kind: 'outside'; ip: string; iface: Interface | null }

export interface Target {
  endpoint: Endpoint
  port: number | null
  proto: string
}

/** The trace ends here: thrown inside the tracer, caught by traceFlow, never across the API. */
export class Stop extends Error {
  constructor(
    readonly verdict: TraceVerdict,
    readonly reason: Localized,
    readonly droppedBy: string | null = null
  ) {
    super(reason.en)
  }
}

/** The first line of a multi-line raw record (`ip -d link` prints several). */
export const headLine = (raw: string): string => raw.split('\n')[0].trim()

export function fmt(p: Packet): string {
  return `${p.src}${p.sport !== null ? ':' + p.sport : ''} → ${p.dst}${p.dport !== null ? ':' + p.dport : ''}`
}

export class Tracer {
  readonly hops: TraceHop[] = []
  readonly reply: TraceHop[] = []
  readonly notes: Localized[] = []
  readonly unevaluated: NatRule[] = []
  /** Every IPv4 iptables backend with rules: the kernel runs them all. */
  readonly backends: IptablesBackend[]
  /** Native nftables base chains (ip and inet tables), in priority order. */
  readonly nftChains: NftBaseChain[]
  /** `bridge` family base chains: frames crossing a bridge meet them (filter type), in priority order. */
  readonly bridgeChains: NftBaseChain[]
  /** netdev and inet ingress/egress base chains whose devices are known, in priority order. */
  readonly deviceChains: NftBaseChain[]
  readonly local: Set<string>
  private target: 'hops' | 'reply' = 'hops'
  proto = 'icmp'
  /** The packet's mark and its connection's mark as the walks change them (a new packet has 0). */
  mark: number | null = 0
  ctmark: number | null = 0

  constructor(readonly snapshot: Snapshot) {
    this.backends = iptablesBackends(snapshot)
    this.nftChains = nftBaseChains(snapshot)
    this.bridgeChains = nftBaseChains(snapshot, ['bridge']).filter((c) => c.type === 'filter')
    // netdev (and inet) ingress/egress chains run only for their devices' packets: a chain whose
    // devices the capture does not give (no nft.chains section) is said, not walked.
    const onDevices = nftBaseChains(snapshot, ['netdev', 'inet']).filter((c) => DEVICE_HOOKS.includes(c.hook))
    const kernel = snapshot.host.kernel
    const egress = hasEgressHook(kernel)
    this.deviceChains = onDevices.filter((c) => c.devices !== null && (c.hook === 'ingress' || egress))
    const unknown = onDevices.filter((c) => c.devices === null)
    const named = (chains: NftBaseChain[]) =>
      chains.map((c) => ({ table: c.table, chain: c.chain, hook: c.hook, priority: c.priority }))
    if (unknown.length) {
      const listed = snapshot.sections.some((section) => section.name === 'nft.chains' && section.status === 'ok')
      this.notes.push(M('deviceChainsNotWalked', { chains: named(unknown), listed }))
    }
    const beforeEgress = onDevices.filter((c) => c.devices !== null && c.hook === 'egress' && !egress)
    if (beforeEgress.length && kernel) this.notes.push(M('egressHookMissing', { chains: named(beforeEgress), kernel }))
    this.local = hostLocalAddresses(snapshot)
  }

  isLocal = (ip: string): boolean => this.local.has(ip) || inCidr(ip, '127.0.0.0/8')

  hop(
    kind: string,
    where: string,
    nodes: string[],
    description: Localized,
    before: Packet,
    after: Packet = before,
    rule: string | null = null
  ): void {
    const list = this.target === 'hops' ? this.hops : this.reply
    list.push({
      step: list.length + 1,
      kind,
      where,
      nodes,
      description,
      rule,
      packetBefore: { ...before },
      packetAfter: { ...after }
    })
  }

  useReply(): void {
    this.target = 'reply'
    // The reply is another packet (mark 0); the connection keeps its ctmark.
    this.mark = 0
  }

  /** The matching context of a hook: protocol, interfaces, conntrack state. */
  match(
    inIface: string | null,
    outIface: string | null,
    ctstate: 'NEW' | 'ESTABLISHED',
    dnatted = false
  ): MatchContext {
    return {
      proto: this.proto,
      inIface,
      outIface,
      ctstate,
      dnatted,
      isLocal: this.isLocal,
      mark: this.mark,
      ctmark: this.ctmark
    }
  }

  // ---- routing ---------------------------------------------------------------------------------

  hostRoute(dst: string): Route | null {
    const routes = mainRoutes(this.snapshot.routes, 'host')
    if (routes.length === 0) {
      // No routing table captured: fall back to connected subnets of host interfaces.
      for (const iface of this.snapshot.interfaces) {
        if (iface.netns !== 'host') continue
        for (const a of iface.addresses)
          if (a.includes('/') && isIpv4(stripPrefix(a)) && inCidr(dst, a))
            return syntheticRoute('host', a, null, iface.name)
      }
      throw new Stop('unknown', M('noHostRoutingTable', { dst }))
    }
    return longestPrefixMatch(
      dst,
      routes,
      (r) => (r.dst === 'default' ? '0.0.0.0/0' : r.dst),
      (r) => r.metric
    )
  }

  containerRoute(owner: Container, dst: string): Route | null {
    const netns = containerNetnsId(owner)
    let routes = mainRoutes(owner.routes, owner.routes[0]?.netns ?? netns)
    if (routes.length === 0) routes = mainRoutes(this.snapshot.routes, netns)
    if (routes.length === 0) {
      // The probe could not read the namespace's routes: derive them from addresses and the gateway docker reports.
      routes = []
      for (const ci of owner.interfaces) {
        for (const a of containerIpv4(ci)) if (a.includes('/')) routes.push(syntheticRoute(netns, a, null, ci.ifname))
      }
      if (owner.defaultGateway && isIpv4(owner.defaultGateway)) {
        const dev = owner.interfaces.find((ci) =>
          containerIpv4(ci).some((a) => a.includes('/') && inCidr(owner.defaultGateway!, a))
        )
        routes.push(
          syntheticRoute(netns, 'default', owner.defaultGateway, dev?.ifname ?? owner.interfaces[0]?.ifname ?? 'eth0')
        )
      }
    }
    return longestPrefixMatch(
      dst,
      routes,
      (r) => (r.dst === 'default' ? '0.0.0.0/0' : r.dst),
      (r) => r.metric
    )
  }

  // ---- netfilter -------------------------------------------------------------------------------

  ensureRules(): void {
    if (this.backends.every((b) => b.rules.isEmpty) && this.nftChains.length === 0) {
      const nftOnly =
        this.snapshot.nat.backendsPresent.includes('nft-native') ||
        this.snapshot.nat.rules.some((r) => r.family === 'nft')
      throw new Stop('unknown', nftOnly ? M('onlyNativeNft') : M('noIptablesRules'))
    }
  }

  /**
   * Walks one hook of one table in every backend that has it, recording a hop per matching rule.
   * Both iptables backends register a table's hook at the same priority, so the order between
   * them is not known from a capture; it does not change the verdict: an ACCEPT in one lets the
   * packet on to the other, a DROP in either is final. The first NAT found sets the translation,
   * as the kernel's first nat binding does.
   */
  chain(table: string, hook: string, packet: Packet, ctx: MatchContext, always = false): WalkResult | null {
    // Native nft base chains of this table's type at this hook run by priority around iptables' table.
    const nftType = table === 'nat' ? 'nat' : table === 'filter' ? 'filter' : null
    const natives = this.nftChains.filter((c) => c.type === nftType && c.hook === hook.toLowerCase())
    const at = iptablesPriority(table, hook)
    let first: WalkResult | null = null
    const take = (result: WalkResult): void => {
      if (!first || (!first.nat && result.nat)) first = result
    }
    for (const c of natives.filter((n) => n.priority < at)) take(this.walkNative(c, packet, ctx))
    const iptables = this.iptablesChain(
      table,
      hook,
      packet,
      ctx,
      always && !this.backends.every((b) => b.rules.isEmpty)
    )
    if (iptables) take(iptables)
    for (const c of natives.filter((n) => n.priority >= at)) take(this.walkNative(c, packet, ctx))
    return first
  }

  /**
   * The `bridge` family base chains of one bridge hook (`prerouting`, `input`, `forward`, `output`,
   * `postrouting`) that a frame crossing `bridge` meets, the bridge ports as its interfaces (`iifname`
   * is the port the frame came in on, `oifname` the one it leaves by), restricted to priorities
   * `picked` accepts (br_netfilter calls iptables from the same hooks, at priority 0 in prerouting
   * and -1 in forward: lower ones run before it). A drop is final and names the chain.
   */
  bridgeHook(
    hook: string,
    packet: Packet,
    inPort: string | null,
    outPort: string | null,
    picked: (priority: number) => boolean = () => true
  ): void {
    for (const c of this.bridgeChains)
      if (c.hook === hook && picked(c.priority)) this.walkNative(c, packet, this.match(inPort, outPort, 'NEW'))
  }

  /**
   * The netdev and inet base chains of `hook` on `device`: ingress chains see a packet arriving on
   * the device before anything else (prerouting, or the bridge when the device is a bridge port),
   * egress chains see it leaving by the device after everything else (postrouting, the bridge's
   * own hooks). Both families' chains of one device run in one priority order; a drop is final.
   */
  deviceHook(
    hook: 'ingress' | 'egress',
    device: string | null,
    packet: Packet,
    ctstate: 'NEW' | 'ESTABLISHED' = 'NEW'
  ): void {
    if (!device) return
    const ctx = hook === 'ingress' ? this.match(device, null, ctstate) : this.match(null, device, ctstate)
    for (const c of this.deviceChains)
      if (c.hook === hook && c.devices!.includes(device)) this.walkNative(c, packet, ctx, device)
  }

  /** One native nft base chain: its hops, and a drop that names the family, table, chain, hook, device and priority. */
  private walkNative(c: NftBaseChain, packet: Packet, ctx: MatchContext, device: string | null = null): WalkResult {
    const result = c.rules.walk(c.table, c.chain, packet, { ...ctx, mark: this.mark, ctmark: this.ctmark })
    this.mark = result.mark
    this.ctmark = result.ctmark
    this.unevaluated.push(...result.unevaluated.filter((r) => !['LOG', 'NFLOG', 'COUNTER', ''].includes(r.target)))
    const shown = `nft ${c.table}`
    const on = device !== null ? `, device ${device}` : ''
    const policyRule = `policy ${(result.policy ?? 'ACCEPT').toLowerCase()} of ${shown} ${c.chain} (hook ${c.hook}${on}, priority ${c.priority})`
    this.recordSteps(result, shown, packet, policyRule)
    if (result.verdict !== 'ACCEPT') {
      const by = result.rule ? result.rule.raw : policyRule
      const chain = {
        family: c.family,
        table: c.table.slice(c.family.length + 1),
        chain: c.chain,
        hook: c.hook,
        priority: c.priority,
        by
      }
      const reason = device !== null ? M('droppedOnDevice', { ...chain, device }) : M('droppedInNft', chain)
      throw new Stop('dropped', reason, by)
    }
    return result
  }

  /** The hops of a walk: every rule that matched and the policy when the chain ran out. */
  private recordSteps(result: WalkResult, shownTable: string, packet: Packet, policyRule: string): void {
    for (const step of result.steps) {
      const where = `${shownTable} ${step.chain}`
      // NAT targets are recorded by applyDnat/applySnat with the packet before and after.
      if (step.rule && ['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT'].includes(step.action)) continue
      if (step.rule)
        this.hop('netfilter', where, [], M('ruleAction', { where, action: step.action }), packet, packet, step.rule.raw)
      else {
        const policy = step.action.replace('policy ', '')
        this.hop('netfilter', where, [], M('endOfChain', { where, policy }), packet, packet, policyRule)
      }
    }
  }

  /** One table at one hook in every iptables backend that has it. */
  private iptablesChain(
    table: string,
    hook: string,
    packet: Packet,
    ctx: MatchContext,
    always: boolean
  ): WalkResult | null {
    const walked = this.backends.filter((backend, index) => {
      const rules = backend.rules
      if (index === 0) return always || (rules.tableHasRules(table) && rules.hasChain(table, hook))
      return rules.hasChain(table, hook) && (rules.rules(table, hook).length > 0 || rules.dropsByPolicy(table, hook))
    })
    // The primary walked only for its implicit ACCEPT while another backend really has the hook.
    const primary = this.backends[0].rules
    if (walked.length > 1 && walked[0] === this.backends[0] && !primary.hasChain(table, hook)) walked.shift()
    // Hops name their backend once more than one holds rules.
    const named = this.backends.filter((b) => !b.rules.isEmpty).length > 1
    let first: WalkResult | null = null
    for (const backend of walked) {
      // A mark set by one backend's rules is on the packet when the other's run.
      const result = this.walkBackend(backend, named ? `${backend.label} ${table}` : table, table, hook, packet, {
        ...ctx,
        mark: this.mark,
        ctmark: this.ctmark
      })
      if (!first || (!first.nat && result.nat)) first = result
    }
    return first
  }

  private walkBackend(
    backend: IptablesBackend,
    shownTable: string,
    table: string,
    hook: string,
    packet: Packet,
    ctx: MatchContext
  ): WalkResult {
    const result = backend.rules.walk(table, hook, packet, ctx)
    this.mark = result.mark
    this.ctmark = result.ctmark
    // LOG/NFLOG/counters cannot change the verdict; anything else passed over might.
    this.unevaluated.push(
      ...result.unevaluated.filter((r) => !['LOG', 'NFLOG', 'ULOG', 'TRACE', ''].includes(r.target))
    )
    const policyRule = `policy ${result.policy ?? 'ACCEPT'} of ${shownTable} ${hook}`
    this.recordSteps(result, shownTable, packet, policyRule)
    if (result.verdict !== 'ACCEPT') {
      const by = result.rule ? result.rule.raw : `policy ${result.policy ?? 'DROP'} of ${shownTable} ${hook}`
      const others = this.backends.filter((b) => b !== backend && !b.rules.isEmpty).map((b) => b.label)
      throw new Stop(
        'dropped',
        others.length
          ? M('droppedInBackend', { backend: backend.label, table, hook, by, others })
          : M('droppedIn', { table, hook, by }),
        by
      )
    }
    return result
  }

  /** Applies DNAT from a nat walk; returns the rewritten packet. */
  applyDnat(result: WalkResult | null, packet: Packet): { packet: Packet; rule: NatRule | null } {
    if (!result?.nat || !['DNAT', 'REDIRECT'].includes(result.nat.target)) return { packet, rule: null }
    const where = `nat ${result.nat.rule.chain}`
    const after = { ...packet }
    if (result.nat.target === 'DNAT') {
      const to = ipv4NatAddress(result.nat.rule)
      if (to.ip) after.dst = to.ip
      if (to.port !== null) after.dport = to.port
    } else {
      const port = natToPorts(result.nat.rule)
      if (port !== null) after.dport = port
    }
    const description = M('dnat', { dst: packet.dst, dport: packet.dport, toDst: after.dst, toDport: after.dport })
    this.hop('netfilter', where, [], description, packet, after, result.nat.rule.raw)
    return { packet: after, rule: result.nat.rule }
  }

  applySnat(
    result: WalkResult | null,
    packet: Packet,
    outIface: string,
    nextHop: string
  ): { packet: Packet; rule: NatRule | null } {
    if (!result?.nat || !['SNAT', 'MASQUERADE'].includes(result.nat.target)) return { packet, rule: null }
    const after = { ...packet }
    if (result.nat.target === 'SNAT') {
      const to = ipv4NatAddress(result.nat.rule)
      if (to.ip) after.src = to.ip
      if (to.port !== null) after.sport = to.port
    } else {
      const iface = hostInterface(this.snapshot, outIface)
      const address = iface ? interfaceAddress(iface.addresses, nextHop) : null
      if (address) after.src = address
      else this.notes.push(M('masqueradeWithoutAddress', { iface: outIface }))
      const port = natToPorts(result.nat.rule)
      if (port !== null) after.sport = port
    }
    const description = M('snat', { target: result.nat.target, src: packet.src, toSrc: after.src })
    this.hop('netfilter', `nat ${result.nat.rule.chain}`, [], description, packet, after, result.nat.rule.raw)
    return { packet: after, rule: result.nat.rule }
  }

  // ---- interfaces ------------------------------------------------------------------------------

  checkLinkUp(iface: Interface | null, name: string): void {
    if (!iface) return
    const adminDown = iface.flags.length > 0 && !iface.flags.includes('UP')
    if (adminDown || iface.state === 'DOWN' || iface.state === 'LOWERLAYERDOWN') {
      const by = iface.raw ? headLine(iface.raw) : `${name} state ${iface.state}`
      const noCarrier = iface.flags.includes('NO-CARRIER')
      throw new Stop('dropped', M('interfaceDown', { name, state: iface.state, noCarrier }), by)
    }
  }

  hostInterfaceKind(name: string): string | null {
    return hostInterface(this.snapshot, name)?.kind ?? null
  }

  egressNodes(ifname: string): string[] {
    const iface = hostInterface(this.snapshot, ifname)
    if (iface?.kind === 'bridge') return [bridgeNodeId('host', ifname)]
    return [uplinkNodeId(ifname)]
  }
}

/** Hooks whose base chains belong to devices (netdev, and inet's ingress). */
const DEVICE_HOOKS = ['ingress', 'egress']

/** Linux 5.16 brought the egress hook; an unknown kernel is given the benefit of the doubt. */
function hasEgressHook(kernel: string | null): boolean {
  const version = kernel ? /^(\d+)\.(\d+)/.exec(kernel) : null
  if (!version) return true
  const [major, minor] = [Number(version[1]), Number(version[2])]
  return major > 5 || (major === 5 && minor >= 16)
}

/** Where a DNAT/SNAT rule sends the packet; this IPv4 trace ignores IPv6 addresses. */
function ipv4NatAddress(rule: NatRule): { ip: string | null; port: number | null } {
  const to = natAddress(rule)
  return { ip: to.ip !== null && isIpv4(to.ip) ? to.ip : null, port: to.port }
}

function syntheticRoute(netns: string, dst: string, gateway: string | null, dev: string): Route {
  const network = dst === 'default' ? 'default' : parseCidr(dst) ? formatCidr(parseCidr(dst)!) : dst
  const raw = gateway ? `${network} via ${gateway} dev ${dev}` : `${network} dev ${dev} (derived from the address)`
  return {
    netns,
    table: 'main',
    dst: network,
    gateway,
    dev,
    protocol: null,
    scope: null,
    prefsrc: null,
    metric: null,
    raw
  }
}
