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
 */
import type { Localized, TraceHop, TraceResult, TraceVerdict } from '../api/types'
import type { Container, ContainerInterface, Interface, NatRule, Route, Snapshot } from '../snapshot/schema'
import { bridgeNodeId, containerNetnsId, containerNodeId, ifaceNodeId, uplinkNodeId } from '../topology/ids'
import { hostVethOf, interfaceBridgeRef, sameBridge, vethNetnsOf } from '../snapshot/bridges'
import { formatCidr, inCidr, isIpv4, isPrivateIpv4, longestPrefixMatch, parseCidr, stripPrefix } from '../net/ip'
import {
  hostLocalAddresses,
  iptablesBackends,
  type IptablesBackend,
  type MatchContext,
  type Packet,
  type WalkResult
} from '../netfilter/ruleset'
import { natAddress, natToPorts } from '../netfilter/rule'
import {
  OUTSIDE_PROBE,
  containerHolding,
  containerIpv4,
  findContainer,
  hostDefaultRoute,
  hostInterface,
  interfaceAddress,
  isRejectRoute,
  isRunning,
  mainRoutes,
  namespaceOwner,
  networksHolding,
  routeText,
  sysctl
} from './model'

export { OUTSIDE_PROBE } from './model'

const EPHEMERAL_PORT = 40000

type Endpoint =
  | { kind: 'container'; container: Container; owner: Container; iface: ContainerInterface | null; ip: string | null }
  | { kind: 'host'; ip: string | null; iface: Interface | null }
  | { kind: 'outside'; ip: string; iface: Interface | null }

interface Target {
  endpoint: Endpoint
  port: number | null
  proto: string
}

const L = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh })

class Stop extends Error {
  constructor(
    readonly verdict: TraceVerdict,
    readonly reason: Localized,
    readonly droppedBy: string | null = null
  ) {
    super(reason.en)
  }
}

/** The first line of a multi-line raw record (`ip -d link` prints several). */
const headLine = (raw: string): string => raw.split('\n')[0].trim()

function fmt(p: Packet): string {
  return `${p.src}${p.sport !== null ? ':' + p.sport : ''} → ${p.dst}${p.dport !== null ? ':' + p.dport : ''}`
}

/** Parses `host[:port][/proto]`. */
function splitTarget(text: string): { ref: string; port: number | null; proto: string | null } {
  const m = /^(.*?)(?::(\d{1,5}))?(?:\/(tcp|udp|icmp|sctp))?$/i.exec(text.trim())
  if (!m) return { ref: text.trim(), port: null, proto: null }
  const port = m[2] !== undefined ? Number(m[2]) : null
  return { ref: m[1], port: port !== null && port <= 65535 ? port : null, proto: m[3] ? m[3].toLowerCase() : null }
}

class Tracer {
  readonly hops: TraceHop[] = []
  readonly reply: TraceHop[] = []
  readonly notes: Localized[] = []
  readonly unevaluated: NatRule[] = []
  /** Every IPv4 iptables backend with rules: the kernel runs them all. */
  readonly backends: IptablesBackend[]
  readonly local: Set<string>
  private target: 'hops' | 'reply' = 'hops'
  proto = 'icmp'

  constructor(readonly snapshot: Snapshot) {
    this.backends = iptablesBackends(snapshot)
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
  }

  // ---- endpoints -------------------------------------------------------------------------------

  resolveSource(from: string): Endpoint {
    const ref = from.trim()
    if (ref === 'outside') return { kind: 'outside', ip: OUTSIDE_PROBE, iface: null }
    const container = findContainer(this.snapshot, ref)
    if (container) return this.containerEndpoint(container, null)
    const iface =
      this.snapshot.interfaces.find((i) => i.name === ref && i.netns === 'host') ??
      this.snapshot.interfaces.find((i) => i.name === ref)
    if (iface) {
      if (iface.netns !== 'host') {
        const owner = this.snapshot.containers.find((c) => containerNetnsId(c) === iface.netns)
        if (owner) return this.containerEndpoint(owner, null, iface.name)
        throw new Stop(
          'unknown',
          L(
            `Interface ${ref} is in namespace ${iface.netns}, which no container owns.`,
            `接口 ${ref} 位于命名空间 ${iface.netns}，找不到对应的容器。`
          )
        )
      }
      const owner = this.snapshot.containers.find((c) => c.interfaces.some((ci) => hostVethOf(ci) === iface.name))
      if (owner)
        return this.containerEndpoint(owner, null, owner.interfaces.find((ci) => hostVethOf(ci) === iface.name)?.ifname)
      if (iface.kind === 'bridge' || iface.kind === 'loopback')
        return { kind: 'host', ip: interfaceAddress(iface.addresses), iface }
      return { kind: 'outside', ip: OUTSIDE_PROBE, iface }
    }
    if (isIpv4(ref)) return this.ipEndpoint(ref, null)
    throw new Stop(
      'unknown',
      L(
        `Source "${ref}" is not a container, interface or IPv4 address in this snapshot.`,
        `源 "${ref}" 在快照里既不是容器，也不是接口或 IPv4 地址。`
      )
    )
  }

  resolveDestination(to: string, source: Endpoint): Target {
    const { ref, port, proto } = splitTarget(to)
    const chosenProto = proto ?? (port !== null ? 'tcp' : 'icmp')
    if (ref === 'outside')
      return { endpoint: { kind: 'outside', ip: OUTSIDE_PROBE, iface: null }, port, proto: chosenProto }
    const container = findContainer(this.snapshot, ref)
    if (container) {
      if (namespaceOwner(this.snapshot, container).networkMode === 'host') {
        // A host-network container is the host: use the address of the host's default route device.
        const dev = hostDefaultRoute(this.snapshot)?.dev
        const iface = dev ? hostInterface(this.snapshot, dev) : null
        return {
          endpoint: { kind: 'host', ip: iface ? interfaceAddress(iface.addresses) : null, iface },
          port,
          proto: chosenProto
        }
      }
      const sharedWith = source.kind === 'container' ? source.owner : null
      return { endpoint: this.containerEndpoint(container, sharedWith), port, proto: chosenProto }
    }
    if (isIpv4(ref)) return { endpoint: this.ipEndpoint(ref, null), port, proto: chosenProto }
    throw new Stop(
      'unknown',
      L(
        `Destination "${ref}" is not a container, IPv4 address or "outside".`,
        `目标 "${ref}" 不是容器、IPv4 地址，也不是 "outside"。`
      )
    )
  }

  containerEndpoint(container: Container, near: Container | null, ifname?: string): Endpoint {
    const owner = namespaceOwner(this.snapshot, container)
    let iface: ContainerInterface | null = null
    if (ifname) iface = owner.interfaces.find((ci) => ci.ifname === ifname) ?? null
    if (!iface && near) {
      // Prefer the address on a network both containers share.
      iface =
        owner.interfaces.find(
          (ci) =>
            ci.network !== null && near.interfaces.some((n) => n.network === ci.network) && containerIpv4(ci).length > 0
        ) ?? null
    }
    if (!iface) iface = owner.interfaces.find((ci) => containerIpv4(ci).length > 0) ?? owner.interfaces[0] ?? null
    const ip = iface ? (containerIpv4(iface)[0] ? stripPrefix(containerIpv4(iface)[0]) : null) : null
    return { kind: 'container', container, owner, iface, ip }
  }

  ipEndpoint(ip: string, iface: Interface | null): Endpoint {
    const holder = containerHolding(this.snapshot, ip)
    if (holder)
      return { kind: 'container', container: holder.container, owner: holder.container, iface: holder.iface, ip }
    if (this.isLocal(ip)) {
      const own =
        this.snapshot.interfaces.find((i) => i.netns === 'host' && i.addresses.some((a) => stripPrefix(a) === ip)) ??
        null
      return { kind: 'host', ip, iface: own }
    }
    return { kind: 'outside', ip, iface }
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
      throw new Stop(
        'unknown',
        L(
          `No host routing table in the snapshot and ${dst} is not on a connected subnet.`,
          `快照里没有宿主机路由表，且 ${dst} 不在任何直连网段内。`
        )
      )
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
    if (this.backends.every((b) => b.rules.isEmpty)) {
      const nftOnly =
        this.snapshot.nat.backendsPresent.includes('nft-native') ||
        this.snapshot.nat.rules.some((r) => r.family === 'nft')
      throw new Stop(
        'unknown',
        nftOnly
          ? L(
              'Only native nftables rules were captured; NetLens does not evaluate them, so the netfilter verdict is unknown.',
              '只采集到了原生 nftables 规则，NetLens 目前不做 nft 规则求值，所以 netfilter 这一段无法判断。'
            )
          : L(
              'No iptables rules in the snapshot (section missing or denied): the netfilter verdict is unknown.',
              '快照里没有 iptables 规则（相关段缺失或没有权限），无法判断 netfilter 的处理结果。'
            )
      )
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
      const result = this.walkBackend(backend, named ? `${backend.label} ${table}` : table, table, hook, packet, ctx)
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
    // LOG/NFLOG/counters cannot change the verdict; anything else passed over might.
    this.unevaluated.push(
      ...result.unevaluated.filter((r) => !['LOG', 'NFLOG', 'ULOG', 'TRACE', ''].includes(r.target))
    )
    const policyRule = `policy ${result.policy ?? 'ACCEPT'} of ${shownTable} ${hook}`
    for (const step of result.steps) {
      const where = `${shownTable} ${step.chain}`
      // NAT targets are recorded by applyDnat/applySnat with the packet before and after.
      if (step.rule && ['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT'].includes(step.action)) continue
      if (step.rule) {
        this.hop(
          'netfilter',
          where,
          [],
          L(`${where}: ${step.action}`, `${where}：${zhAction(step.action)}`),
          packet,
          packet,
          step.rule.raw
        )
      } else {
        this.hop(
          'netfilter',
          where,
          [],
          L(
            `${where}: end of chain, ${step.action}`,
            `${where}：走到链尾，按默认策略 ${step.action.replace('policy ', '')} 处理`
          ),
          packet,
          packet,
          policyRule
        )
      }
    }
    if (result.verdict !== 'ACCEPT') {
      const by = result.rule ? result.rule.raw : `policy ${result.policy ?? 'DROP'} of ${shownTable} ${hook}`
      const others = this.backends.filter((b) => b !== backend && !b.rules.isEmpty).map((b) => b.label)
      throw new Stop(
        'dropped',
        others.length
          ? L(
              `Dropped in ${backend.label} ${table} ${hook} by: ${by}. The kernel runs the rules of ${others.join(', ')} as well (both iptables backends are loaded), and a drop in either is final: ${backend.label} decided.`,
              `在 ${backend.label} 的 ${table} 表 ${hook} 链被丢弃：${by}。内核同时执行 ${others.join('、')} 的规则（两套 iptables 后端都在），任何一套丢弃，包就没了：这里是 ${backend.label} 做的决定。`
            )
          : L(`Dropped in ${table} ${hook} by: ${by}`, `在 ${table} 表 ${hook} 链被丢弃：${by}`),
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
    this.hop(
      'netfilter',
      where,
      [],
      L(
        `DNAT: destination ${packet.dst}${packet.dport !== null ? ':' + packet.dport : ''} → ${after.dst}${after.dport !== null ? ':' + after.dport : ''}`,
        `DNAT：目的地址 ${packet.dst}${packet.dport !== null ? ':' + packet.dport : ''} 改写为 ${after.dst}${after.dport !== null ? ':' + after.dport : ''}`
      ),
      packet,
      after,
      result.nat.rule.raw
    )
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
      else
        this.notes.push(
          L(
            `MASQUERADE on ${outIface}, but the snapshot has no IPv4 address for it.`,
            `在 ${outIface} 上做 MASQUERADE，但快照里没有它的 IPv4 地址。`
          )
        )
      const port = natToPorts(result.nat.rule)
      if (port !== null) after.sport = port
    }
    this.hop(
      'netfilter',
      `nat ${result.nat.rule.chain}`,
      [],
      L(
        `${result.nat.target}: source ${packet.src} → ${after.src}`,
        `${result.nat.target}：源地址 ${packet.src} 改写为 ${after.src}`
      ),
      packet,
      after,
      result.nat.rule.raw
    )
    return { packet: after, rule: result.nat.rule }
  }

  // ---- interfaces ------------------------------------------------------------------------------

  checkLinkUp(iface: Interface | null, name: string): void {
    if (!iface) return
    const adminDown = iface.flags.length > 0 && !iface.flags.includes('UP')
    if (adminDown || iface.state === 'DOWN' || iface.state === 'LOWERLAYERDOWN') {
      const by = iface.raw ? headLine(iface.raw) : `${name} state ${iface.state}`
      throw new Stop(
        'dropped',
        L(
          `Interface ${name} is down (${iface.state}${iface.flags.includes('NO-CARRIER') ? ', NO-CARRIER' : ''}).`,
          `接口 ${name} 处于 down 状态（${iface.state}），包过不去。`
        ),
        by
      )
    }
  }

  /** Container namespace → host: veth and bridge hops. Returns the bridge the packet enters the host on. */
  leaveContainer(src: Extract<Endpoint, { kind: 'container' }>, ci: ContainerInterface, packet: Packet): string {
    const owner = src.owner
    const netns = containerNetnsId(owner)
    if (ci.state && /^(DOWN|LOWERLAYERDOWN)$/.test(ci.state)) {
      throw new Stop(
        'dropped',
        L(`${ci.ifname} in ${owner.name} is down.`, `容器 ${owner.name} 里的 ${ci.ifname} 是 down 状态。`),
        `${owner.name} ${ci.ifname} state ${ci.state}`
      )
    }
    // The veth leads into another namespace (an overlay's br0): not a host bridge, so not traced here.
    const vethNetns = vethNetnsOf(ci)
    if (vethNetns && vethNetns !== 'host') {
      const where = ci.bridge ? `${ci.bridge} in ${ci.bridgeNetns ?? vethNetns}` : vethNetns
      throw new Stop(
        'unknown',
        L(
          `${owner.name} ${ci.ifname} leads to ${ci.hostVeth} on bridge ${where}${ci.network ? ` (network ${ci.network})` : ''}, not to a host bridge; NetLens traces host bridge networks only.`,
          `${owner.name} 的 ${ci.ifname} 连到 ${where} 网桥上的 ${ci.hostVeth}${ci.network ? `（网络 ${ci.network}）` : ''}，不是宿主机上的网桥；NetLens 目前只追踪宿主机 bridge 网络。`
        )
      )
    }
    if (!ci.hostVeth) {
      const network = ci.network ? this.snapshot.networks.find((n) => n.name === ci.network) : undefined
      if (network && network.driver !== 'bridge') {
        throw new Stop(
          'unknown',
          L(
            `${owner.name} is on ${network.driver} network ${network.name}; NetLens traces bridge networks only.`,
            `${owner.name} 接在 ${network.driver} 网络 ${network.name} 上，NetLens 目前只追踪 bridge 网络。`
          )
        )
      }
      if (!ci.bridge)
        throw new Stop(
          'unknown',
          L(
            `The host-side veth of ${owner.name} ${ci.ifname} is not known.`,
            `没找到 ${owner.name} 的 ${ci.ifname} 对应的宿主机 veth。`
          )
        )
    }
    const veth = ci.hostVeth ? hostInterface(this.snapshot, ci.hostVeth) : null
    if (ci.hostVeth) {
      this.hop(
        'veth',
        `${owner.name} ${ci.ifname} → host ${ci.hostVeth}`,
        [containerNodeId(src.container.name), ifaceNodeId(netns, ci.ifname), ifaceNodeId('host', ci.hostVeth)],
        L(
          `Leaves ${owner.name} through ${ci.ifname}, arrives on its host peer ${ci.hostVeth}.`,
          `从容器 ${owner.name} 的 ${ci.ifname} 发出，经 veth pair 到宿主机一端 ${ci.hostVeth}。`
        ),
        packet
      )
      this.checkLinkUp(veth, ci.hostVeth)
    }
    // When the host veth is in the snapshot, its master is the truth (docker's idea may be stale).
    const bridge = veth ? veth.master : ci.bridge
    if (!bridge) {
      throw new Stop(
        'dropped',
        L(
          `Host veth ${ci.hostVeth} is attached to no bridge: the packet goes nowhere.`,
          `宿主机上的 ${ci.hostVeth} 没有挂到任何网桥上，包出不去。`
        ),
        veth?.raw ? headLine(veth.raw) : `${ci.hostVeth} has no master`
      )
    }
    const bridgeIface = hostInterface(this.snapshot, bridge)
    this.hop(
      'bridge',
      bridge,
      [bridgeNodeId('host', bridge)],
      L(`Bridge ${bridge} receives the frame.`, `网桥 ${bridge} 收到这个帧。`),
      packet
    )
    this.checkLinkUp(bridgeIface, bridge)
    return bridge
  }

  /** Host bridge → destination container: bridge, veth, container interface. */
  enterContainer(bridge: string, packet: Packet): Container {
    const holder = containerHolding(this.snapshot, packet.dst)
    if (!holder || !onHostBridge(this.snapshot, holder.iface, bridge, true)) {
      throw new Stop(
        'no-route',
        L(
          `No container on ${bridge} holds ${packet.dst}: ARP gets no answer.`,
          `${bridge} 上没有容器持有 ${packet.dst}，ARP 没人应答，包送不到。`
        )
      )
    }
    const { container, iface } = holder
    const netns = containerNetnsId(container)
    const hostVeth = hostVethOf(iface)
    const veth = hostVeth ? hostInterface(this.snapshot, hostVeth) : null
    if (hostVeth) {
      this.hop(
        'veth',
        `host ${hostVeth} → ${container.name} ${iface.ifname}`,
        [
          bridgeNodeId('host', bridge),
          ifaceNodeId('host', hostVeth),
          ifaceNodeId(netns, iface.ifname),
          containerNodeId(container.name)
        ],
        L(
          `${bridge} forwards to ${hostVeth}, which is ${container.name}'s ${iface.ifname}.`,
          `${bridge} 把帧转给 ${hostVeth}，也就是容器 ${container.name} 的 ${iface.ifname}。`
        ),
        packet
      )
      this.checkLinkUp(veth, hostVeth)
      if (veth && veth.master && veth.master !== bridge) {
        throw new Stop(
          'dropped',
          L(
            `${hostVeth} is attached to ${veth.master}, not ${bridge}.`,
            `${hostVeth} 挂在 ${veth.master} 上，而不是 ${bridge}。`
          ),
          veth.raw ? headLine(veth.raw) : null
        )
      }
      if (veth && !veth.master) {
        throw new Stop(
          'dropped',
          L(
            `${hostVeth} is attached to no bridge, so ${container.name} cannot be reached.`,
            `${hostVeth} 没挂到网桥上，${container.name} 收不到包。`
          ),
          veth.raw ? headLine(veth.raw) : `${hostVeth} has no master`
        )
      }
    }
    if (!isRunning(container)) {
      throw new Stop(
        'dropped',
        L(
          `${container.name} is not running (${container.state}).`,
          `容器 ${container.name} 没在运行（${container.state}）。`
        ),
        `${container.name} state ${container.state}`
      )
    }
    this.hop(
      'deliver',
      `${container.name} ${iface.ifname}`,
      [containerNodeId(container.name), ifaceNodeId(netns, iface.ifname)],
      L(
        `Delivered to ${container.name} (${packet.dst}${packet.dport !== null ? ':' + packet.dport : ''}).`,
        `送达容器 ${container.name}（${packet.dst}${packet.dport !== null ? ':' + packet.dport : ''}）。`
      ),
      packet
    )
    return container
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

function zhAction(action: string): string {
  if (action.startsWith('jump ')) return `跳转到 ${action.slice(5)}`
  if (action === 'RETURN') return '返回上一级链'
  if (action === 'ACCEPT') return '放行'
  if (action === 'DROP') return '丢弃'
  if (action === 'REJECT') return '拒绝'
  return action
}

interface ForwardState {
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

/** Trace a flow; never throws (a failure becomes verdict `unknown`). */
export function traceFlow(snapshot: Snapshot, from: string, to: string): TraceResult {
  const tracer = new Tracer(snapshot)
  let proto = 'icmp'
  let forwardDone = false
  try {
    const source = tracer.resolveSource(from)
    const target = tracer.resolveDestination(to, source)
    proto = target.proto
    tracer.proto = proto
    const state = forward(tracer, source, target)
    forwardDone = true
    tracer.useReply()
    replyPath(tracer, state)
    const reason = state.leftHost
      ? L(
          `Leaves the host through ${state.outIface}; NetLens cannot see beyond it.`,
          `包可以从 ${state.outIface} 离开宿主机，再往后的路径 NetLens 看不到。`
        )
      : state.deliveredTo
        ? L(`Delivered to ${state.deliveredTo.name}.`, `可以送达容器 ${state.deliveredTo.name}。`)
        : L('Delivered to the host itself.', '可以送达宿主机本身。')
    return finish(tracer, from, to, proto, 'delivered', reason, null)
  } catch (e) {
    const stop =
      e instanceof Stop
        ? e
        : new Stop(
            'unknown',
            L(
              `Trace failed: ${e instanceof Error ? e.message : String(e)}`,
              `追踪失败：${e instanceof Error ? e.message : String(e)}`
            )
          )
    const reason =
      forwardDone && stop.verdict !== 'unknown'
        ? L(
            `The request gets through, but the reply does not: ${stop.reason.en}`,
            `请求能过去，但回包回不来：${stop.reason['zh-CN']}`
          )
        : stop.reason
    return finish(tracer, from, to, proto, stop.verdict, reason, stop.verdict === 'dropped' ? stop.droppedBy : null)
  }
}

const VERDICT_ZH: Record<TraceVerdict, string> = {
  delivered: '可以送达',
  dropped: '被丢弃',
  'no-route': '没有路由',
  unknown: '无法判断'
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
    const lines = [...new Set(t.unevaluated.map((r) => r.raw))].join(' | ')
    return {
      from,
      to,
      proto,
      verdict: 'unknown',
      reason: L(
        `Would be ${verdict}: ${reason.en} But these rules have matches NetLens cannot evaluate and may decide otherwise: ${lines}`,
        `初步结论是“${VERDICT_ZH[verdict]}”：${reason['zh-CN']}但下面这些规则含有 NetLens 无法求值的匹配条件，结果可能不同：${lines}`
      ),
      droppedBy: null,
      hops: t.hops,
      reply: t.reply
    }
  }
  const notes = t.notes
  const full = notes.length
    ? L(
        `${reason.en} ${notes.map((n) => n.en).join(' ')}`,
        `${reason['zh-CN']}${notes.map((n) => n['zh-CN']).join('')}`
      )
    : reason
  return { from, to, proto, verdict, reason: full, droppedBy, hops: t.hops, reply: t.reply }
}

function forward(t: Tracer, source: Endpoint, target: Target): ForwardState {
  const dst = target.endpoint
  if (dst.kind === 'container' && dst.owner.networkMode === 'none') {
    throw new Stop(
      'no-route',
      L(
        `${dst.container.name} uses network mode none: nothing outside its namespace can reach it.`,
        `${dst.container.name} 用的是 none 网络模式，除了它自己的命名空间，谁也连不到它。`
      )
    )
  }
  if (!dst.ip) {
    throw new Stop(
      'unknown',
      L(
        `${dst.kind === 'container' ? dst.container.name : 'The destination'} has no IPv4 address in the snapshot.`,
        `${dst.kind === 'container' ? '容器 ' + dst.container.name : '目标'} 在快照里没有 IPv4 地址。`
      )
    )
  }
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

  if (source.kind === 'container') {
    const { owner, container } = source
    if (owner.networkMode === 'host') return hostOrigin(t, { kind: 'host', ip: null, iface: null }, target, state)
    if (!isRunning(owner)) {
      throw new Stop(
        'unknown',
        L(
          `${owner.name} is not running (${owner.state}): it has no network namespace to send from.`,
          `容器 ${owner.name} 没在运行（${owner.state}），没有网络命名空间可以发包。`
        )
      )
    }
    if (owner.networkMode === 'none') {
      throw new Stop(
        'no-route',
        L(
          `${container.name} uses network mode none: it has only loopback.`,
          `${container.name} 用的是 none 网络模式，只有 lo，出不去。`
        )
      )
    }
    const netns = containerNetnsId(owner)
    const route = t.containerRoute(owner, state.original.dst)
    const srcIp = source.ip
    if (dst.kind === 'container' && dst.owner.id === owner.id) {
      state.original.src = state.final.src = srcIp ?? '127.0.0.1'
      t.hop(
        'deliver',
        `${owner.name} loopback`,
        [containerNodeId(container.name)],
        L(
          'Same network namespace: delivered locally without leaving it.',
          '源和目标在同一个网络命名空间，直接在本地送达，不经过宿主机。'
        ),
        state.original
      )
      state.deliveredTo = dst.container
      state.sameNamespace = true
      return state
    }
    if (!route || isRejectRoute(route)) {
      t.hop(
        'route',
        `${owner.name} routing table`,
        [containerNodeId(container.name)],
        L(
          `${owner.name} has no route to ${state.original.dst}.`,
          `容器 ${owner.name} 里没有去 ${state.original.dst} 的路由。`
        ),
        { ...state.original, src: srcIp ?? '0.0.0.0' },
        undefined,
        route ? routeText(route) : null
      )
      throw new Stop(
        'no-route',
        L(
          `${owner.name} has no route to ${state.original.dst}${owner.defaultGateway ? '' : ' (no default gateway)'}.`,
          `容器 ${owner.name} 没有去 ${state.original.dst} 的路由${owner.defaultGateway ? '' : '（没有默认网关）'}。`
        )
      )
    }
    const ci = owner.interfaces.find((i) => i.ifname === route.dev) ?? source.iface
    if (!ci)
      throw new Stop(
        'unknown',
        L(
          `Route dev ${route.dev} is not a known interface of ${owner.name}.`,
          `路由出接口 ${route.dev} 不在容器 ${owner.name} 的接口列表里。`
        )
      )
    const from = route.prefsrc ?? interfaceAddress(ci.addresses, route.gateway ?? state.original.dst) ?? srcIp
    if (!from)
      throw new Stop(
        'no-route',
        L(`${owner.name} ${ci.ifname} has no IPv4 address.`, `容器 ${owner.name} 的 ${ci.ifname} 没有 IPv4 地址。`)
      )
    state.original.src = state.final.src = from
    state.sourceContainer = source
    state.sourceIface = ci
    t.hop(
      'route',
      `${owner.name} routing table`,
      [containerNodeId(container.name), ifaceNodeId(netns, ci.ifname)],
      L(
        `Route lookup in ${owner.name}: ${routeText(route)}${route.gateway ? ` (next hop ${route.gateway})` : ' (directly connected)'}.`,
        `在容器 ${owner.name} 里查路由：${routeText(route)}${route.gateway ? `（下一跳 ${route.gateway}）` : '（直连网段）'}。`
      ),
      state.original,
      state.original,
      routeText(route)
    )
    const bridge = t.leaveContainer(source, ci, state.original)
    state.inIface = bridge
    // Directly connected and the destination hangs off the same bridge: switched, not routed.
    const holder = containerHolding(t.snapshot, state.original.dst)
    const switched =
      !route.gateway && holder !== null && hostVethOf(holder.iface) !== null && onHostBridge(t.snapshot, holder.iface, bridge)
    if (switched) return bridged(t, bridge, state)
    return hostIngress(t, bridge, state)
  }
  if (source.kind === 'host') return hostOrigin(t, source, target, state)

  // Outside: the packet arrives on the interface the host would use to reach it.
  const ingress = source.iface?.name ?? t.hostRoute(source.ip)?.dev ?? hostDefaultRoute(t.snapshot)?.dev ?? null
  if (!ingress)
    throw new Stop(
      'unknown',
      L(
        'No uplink found for traffic from outside (no default route in the snapshot).',
        '找不到外部流量进入的接口（快照里没有默认路由）。'
      )
    )
  state.original.src = state.final.src = source.ip
  t.hop(
    'ingress',
    ingress,
    [uplinkNodeId(ingress)],
    L(`Arrives from ${source.ip} on ${ingress}.`, `来自 ${source.ip} 的包从 ${ingress} 进入宿主机。`),
    state.original
  )
  t.checkLinkUp(hostInterface(t.snapshot, ingress), ingress)
  state.inIface = ingress
  return hostIngress(t, ingress, state)
}

function ctx(
  t: Tracer,
  inIface: string | null,
  outIface: string | null,
  ctstate: 'NEW' | 'ESTABLISHED',
  dnatted = false
): MatchContext {
  return { proto: t.proto, inIface, outIface, ctstate, dnatted, isLocal: t.isLocal }
}

/** br_netfilter: bridged IPv4 traffic also walks iptables when bridge-nf-call-iptables is 1. */
function bridgeNetfilterOn(t: Tracer): boolean {
  const value = sysctl(t.snapshot, 'net.bridge.bridge-nf-call-iptables')
  return value === null ? true : value === '1'
}

function bridged(t: Tracer, bridge: string, state: ForwardState): ForwardState {
  let packet = state.final
  t.hop(
    'bridge',
    bridge,
    [bridgeNodeId('host', bridge)],
    L(
      `${packet.dst} is on the same bridge: the frame is switched, not routed.`,
      `${packet.dst} 在同一个网桥上：二层直接转发，不走路由。`
    ),
    packet
  )
  if (bridgeNetfilterOn(t)) {
    t.ensureRules()
    t.chain('raw', 'PREROUTING', packet, ctx(t, bridge, null, 'NEW'))
    t.chain('mangle', 'PREROUTING', packet, ctx(t, bridge, null, 'NEW'))
    const nat = t.chain('nat', 'PREROUTING', packet, ctx(t, bridge, null, 'NEW'))
    const dnat = t.applyDnat(nat, packet)
    packet = dnat.packet
    state.dnat = dnat.rule
    t.chain('mangle', 'FORWARD', packet, ctx(t, bridge, bridge, 'NEW', !!state.dnat))
    t.chain('filter', 'FORWARD', packet, ctx(t, bridge, bridge, 'NEW', !!state.dnat), true)
    const post = t.chain('nat', 'POSTROUTING', packet, ctx(t, null, bridge, 'NEW', !!state.dnat))
    const snat = t.applySnat(post, packet, bridge, packet.dst)
    packet = snat.packet
    state.snat = snat.rule
  } else {
    t.hop(
      'bridge',
      bridge,
      [bridgeNodeId('host', bridge)],
      L(
        'bridge-nf-call-iptables is 0: iptables does not see bridged frames.',
        'bridge-nf-call-iptables 为 0：桥内转发的帧不经过 iptables。'
      ),
      packet
    )
    state.bypassesNetfilter = true
  }
  state.final = packet
  state.outIface = bridge
  state.bridged = true
  state.deliveredTo = t.enterContainer(bridge, packet)
  return state
}

/** Packet entering the host netns on `inIface` (a bridge or an uplink). */
function hostIngress(t: Tracer, inIface: string, state: ForwardState): ForwardState {
  t.ensureRules()
  let packet = state.final
  t.chain('raw', 'PREROUTING', packet, ctx(t, inIface, null, 'NEW'))
  t.chain('mangle', 'PREROUTING', packet, ctx(t, inIface, null, 'NEW'))
  const nat = t.chain('nat', 'PREROUTING', packet, ctx(t, inIface, null, 'NEW'))
  const dnat = t.applyDnat(nat, packet)
  packet = dnat.packet
  state.dnat = dnat.rule
  const dnatted = !!state.dnat

  if (t.isLocal(packet.dst)) {
    t.hop(
      'route',
      'host routing decision',
      [],
      L(
        `${packet.dst} is a local address of the host: goes to INPUT.`,
        `${packet.dst} 是宿主机自己的地址：进入 INPUT 链。`
      ),
      packet
    )
    t.chain('mangle', 'INPUT', packet, ctx(t, inIface, null, 'NEW', dnatted))
    t.chain('filter', 'INPUT', packet, ctx(t, inIface, null, 'NEW', dnatted), true)
    state.final = packet
    state.local = true
    deliverLocal(t, packet)
    return state
  }
  const route = t.hostRoute(packet.dst)
  if (!route || isRejectRoute(route) || !route.dev) {
    t.hop(
      'route',
      'host routing decision',
      [],
      L(`No host route to ${packet.dst}.`, `宿主机上没有去 ${packet.dst} 的路由。`),
      packet,
      packet,
      route ? routeText(route) : null
    )
    throw new Stop('no-route', L(`The host has no route to ${packet.dst}.`, `宿主机没有去 ${packet.dst} 的路由。`))
  }
  const out = route.dev
  t.hop(
    'route',
    'host routing decision',
    t.egressNodes(out),
    L(`Host route: ${routeText(route)} → out ${out}.`, `宿主机查路由：${routeText(route)}，从 ${out} 出去。`),
    packet,
    packet,
    routeText(route)
  )
  if (out !== inIface || t.hostInterfaceKind(out) !== 'bridge') {
    const forwarding = sysctl(t.snapshot, 'net.ipv4.ip_forward')
    if (forwarding === '0') {
      throw new Stop(
        'dropped',
        L(
          'net.ipv4.ip_forward is 0: the host does not forward packets between interfaces.',
          'net.ipv4.ip_forward 为 0：宿主机不在接口之间转发包。'
        ),
        'net.ipv4.ip_forward = 0'
      )
    }
  }
  t.chain('mangle', 'FORWARD', packet, ctx(t, inIface, out, 'NEW', dnatted))
  t.chain('filter', 'FORWARD', packet, ctx(t, inIface, out, 'NEW', dnatted), true)
  return postRouting(t, out, route, packet, state)
}

function postRouting(t: Tracer, out: string, route: Route, packet: Packet, state: ForwardState): ForwardState {
  t.chain('mangle', 'POSTROUTING', packet, ctx(t, null, out, 'NEW', !!state.dnat))
  const post = t.chain('nat', 'POSTROUTING', packet, ctx(t, null, out, 'NEW', !!state.dnat))
  const snat = t.applySnat(post, packet, out, route.gateway ?? packet.dst)
  packet = snat.packet
  state.snat = snat.rule
  state.final = packet
  state.outIface = out
  if (t.hostInterfaceKind(out) === 'bridge') {
    t.hop('egress', out, [bridgeNodeId('host', out)], L(`Out through bridge ${out}.`, `从网桥 ${out} 发出。`), packet)
    t.checkLinkUp(hostInterface(t.snapshot, out), out)
    state.deliveredTo = t.enterContainer(out, packet)
    return state
  }
  t.hop(
    'egress',
    out,
    [uplinkNodeId(out)],
    L(
      `Leaves the host on ${out}${route.gateway ? ` via ${route.gateway}` : ''} as ${fmt(packet)}.`,
      `以 ${fmt(packet)} 从 ${out} 离开宿主机${route.gateway ? `，下一跳 ${route.gateway}` : ''}。`
    ),
    packet
  )
  t.checkLinkUp(hostInterface(t.snapshot, out), out)
  state.leftHost = true
  return state
}

/** The host itself sends: routing, nat/filter OUTPUT, POSTROUTING. */
function hostOrigin(
  t: Tracer,
  source: Extract<Endpoint, { kind: 'host' }>,
  target: Target,
  state: ForwardState
): ForwardState {
  t.ensureRules()
  let packet: Packet = { ...state.original }
  if (t.isLocal(packet.dst)) {
    packet.src = source.ip ?? packet.dst
  } else {
    const route = t.hostRoute(packet.dst)
    if (!route || !route.dev || isRejectRoute(route))
      throw new Stop('no-route', L(`The host has no route to ${packet.dst}.`, `宿主机没有去 ${packet.dst} 的路由。`))
    packet.src =
      source.ip ??
      route.prefsrc ??
      interfaceAddress(hostInterface(t.snapshot, route.dev)?.addresses ?? [], route.gateway ?? packet.dst) ??
      '0.0.0.0'
  }
  state.original = { ...packet }
  state.fromHost = true
  t.hop(
    'netns',
    'host',
    source.iface ? t.egressNodes(source.iface.name) : [],
    L(`The host sends from ${packet.src}.`, `宿主机以 ${packet.src} 为源地址发包。`),
    packet
  )
  t.chain('raw', 'OUTPUT', packet, ctx(t, null, null, 'NEW'))
  t.chain('mangle', 'OUTPUT', packet, ctx(t, null, null, 'NEW'))
  const nat = t.chain('nat', 'OUTPUT', packet, ctx(t, null, null, 'NEW'))
  const dnat = t.applyDnat(nat, packet)
  packet = dnat.packet
  state.dnat = dnat.rule
  if (t.isLocal(packet.dst)) {
    t.chain('filter', 'OUTPUT', packet, ctx(t, null, 'lo', 'NEW', !!state.dnat), true)
    t.chain('filter', 'INPUT', packet, ctx(t, 'lo', null, 'NEW', !!state.dnat), true)
    state.final = packet
    state.local = true
    state.inIface = 'lo'
    deliverLocal(t, packet)
    return state
  }
  const route = t.hostRoute(packet.dst)
  if (!route || !route.dev || isRejectRoute(route))
    throw new Stop('no-route', L(`The host has no route to ${packet.dst}.`, `宿主机没有去 ${packet.dst} 的路由。`))
  t.hop(
    'route',
    'host routing decision',
    t.egressNodes(route.dev),
    L(
      `Host route: ${routeText(route)} → out ${route.dev}.`,
      `宿主机查路由：${routeText(route)}，从 ${route.dev} 出去。`
    ),
    packet,
    packet,
    routeText(route)
  )
  t.chain('filter', 'OUTPUT', packet, ctx(t, null, route.dev, 'NEW', !!state.dnat), true)
  state.inIface = 'lo'
  void target
  return postRouting(t, route.dev, route, packet, state)
}

/** A packet accepted by INPUT: which socket takes it. */
function deliverLocal(t: Tracer, packet: Packet): void {
  if (t.proto === 'icmp' || packet.dport === null) {
    t.hop(
      'deliver',
      'host',
      [],
      L(`The host answers ${packet.dst} itself.`, `由宿主机自己（${packet.dst}）应答。`),
      packet
    )
    return
  }
  const listener = t.snapshot.listeners.find(
    (l) =>
      l.port === packet.dport &&
      l.proto.toLowerCase().startsWith(t.proto) &&
      ['0.0.0.0', '*', '::', '[::]', packet.dst].includes(l.localAddress.replace(/%.*$/, ''))
  )
  if (!listener) {
    if (t.snapshot.listeners.length === 0) {
      throw new Stop(
        'unknown',
        L(
          `Accepted by the host for ${packet.dst}:${packet.dport}, but the snapshot has no listening sockets to tell who takes it.`,
          `宿主机 INPUT 放行了 ${packet.dst}:${packet.dport}，但快照里没有监听端口信息，不知道由谁接收。`
        )
      )
    }
    throw new Stop(
      'dropped',
      L(
        `Nothing listens on ${t.proto}/${packet.dport} on the host: connection refused.`,
        `宿主机上没有进程监听 ${t.proto}/${packet.dport}，连接会被拒绝。`
      ),
      `no listener on ${t.proto}/${packet.dport}`
    )
  }
  const isProxy = (listener.process ?? '').includes('docker-proxy')
  const published = t.snapshot.publishedPorts.find((p) => p.hostPort === packet.dport && p.proto === t.proto)
  const nodes = published?.container ? [containerNodeId(published.container)] : []
  t.hop(
    isProxy ? 'proxy' : 'deliver',
    listener.process ?? 'host socket',
    nodes,
    isProxy
      ? L(
          `docker-proxy accepts on ${listener.localAddress}:${listener.port} and opens its own connection to ${published?.containerIp ?? 'the container'}:${published?.containerPort ?? '?'} (userland proxy, no DNAT).`,
          `docker-proxy 在 ${listener.localAddress}:${listener.port} 上接收连接，再自己连到 ${published?.containerIp ?? '容器'}:${published?.containerPort ?? '?'}（用户态代理，不走 DNAT）。`
        )
      : L(
          `Delivered to ${listener.process ?? 'a host socket'} on ${listener.localAddress}:${listener.port}.`,
          `送达宿主机上监听 ${listener.localAddress}:${listener.port} 的 ${listener.process ?? '进程'}。`
        ),
    packet,
    packet,
    listener.raw
  )
}

/** The reply: from the destination back to the source with conntrack's reverse NAT. */
function replyPath(t: Tracer, s: ForwardState): void {
  const back: Packet = { src: s.final.dst, dst: s.final.src, sport: s.final.dport, dport: s.final.sport }
  if (s.sameNamespace && s.deliveredTo) {
    t.hop(
      'deliver',
      s.deliveredTo.name,
      [containerNodeId(s.deliveredTo.name)],
      L('Reply stays in the same namespace.', '回包在同一个命名空间里直接返回。'),
      back
    )
    return
  }
  if (s.leftHost) {
    // Who answers from outside sees the translated source; a private, untranslated source cannot be answered.
    const srcIsOurs = t.isLocal(s.final.src)
    if (
      !srcIsOurs &&
      (networksHolding(t.snapshot, s.final.src).length > 0 ||
        (s.sourceContainer !== null && isPrivateIpv4(s.final.src) && !isPrivateIpv4(s.final.dst)))
    ) {
      t.hop(
        'ingress',
        s.outIface ?? 'uplink',
        s.outIface ? [uplinkNodeId(s.outIface)] : [],
        L(
          `The reply must go to ${s.final.src}, a container address nobody outside can route to: it never comes back (no SNAT/MASQUERADE).`,
          `回包的目的地址是 ${s.final.src}，这是容器内部地址，外面的主机没有路由能回到它：没做 SNAT/MASQUERADE，回包回不来。`
        ),
        back
      )
      throw new Stop(
        'no-route',
        L(
          `The packet leaves with source ${s.final.src} untranslated; the reply has no route back.`,
          `包带着未转换的源地址 ${s.final.src} 出去了，回包没有回来的路由。`
        )
      )
    }
    t.hop(
      'ingress',
      s.outIface ?? 'uplink',
      s.outIface ? [uplinkNodeId(s.outIface)] : [],
      L(`The reply arrives on ${s.outIface} as ${fmt(back)}.`, `回包以 ${fmt(back)} 从 ${s.outIface} 回到宿主机。`),
      back
    )
  } else if (s.deliveredTo) {
    const holder = containerHolding(t.snapshot, s.final.dst)
    t.hop(
      'netns',
      s.deliveredTo.name,
      [containerNodeId(s.deliveredTo.name)].concat(
        holder ? [ifaceNodeId(containerNetnsId(holder.container), holder.iface.ifname)] : []
      ),
      L(`${s.deliveredTo.name} answers ${fmt(back)}.`, `容器 ${s.deliveredTo.name} 回包：${fmt(back)}。`),
      back
    )
  } else if (s.local) {
    t.hop('netns', 'host', [], L(`The host answers ${fmt(back)}.`, `宿主机回包：${fmt(back)}。`), back)
  }

  let packet = back
  const replyIn = s.local ? null : s.outIface
  const replyOut = s.inIface === 'lo' ? null : s.inIface
  // De-SNAT happens on the way in (PREROUTING), un-DNAT on the way out (POSTROUTING / OUTPUT).
  if (s.snat) {
    const after = { ...packet, dst: s.original.src, dport: s.original.sport }
    t.hop(
      'netfilter',
      'conntrack (reply, PREROUTING)',
      [],
      L(
        `conntrack reverses ${s.snat.target}: destination ${packet.dst} → ${after.dst}.`,
        `conntrack 反向还原 ${s.snat.target}：目的地址 ${packet.dst} 改回 ${after.dst}。`
      ),
      packet,
      after,
      s.snat.raw
    )
    packet = after
  }
  if (s.fromHost && !s.local && replyIn) {
    t.chain('filter', 'INPUT', packet, ctx(t, replyIn, null, 'ESTABLISHED', !!s.dnat), true)
  } else if (s.local) {
    t.chain('filter', 'OUTPUT', packet, ctx(t, null, replyOut, 'ESTABLISHED', !!s.dnat), true)
  } else if (replyIn && !s.bypassesNetfilter) {
    const forwardOut = replyOut
    t.chain('filter', 'FORWARD', packet, ctx(t, replyIn, forwardOut, 'ESTABLISHED', !!s.dnat), true)
  }
  if (s.dnat) {
    const after = { ...packet, src: s.original.dst, sport: s.original.dport }
    t.hop(
      'netfilter',
      'conntrack (reply, POSTROUTING)',
      [],
      L(
        `conntrack reverses DNAT: source ${packet.src} → ${after.src}.`,
        `conntrack 反向还原 DNAT：源地址 ${packet.src} 改回 ${after.src}。`
      ),
      packet,
      after,
      s.dnat.raw
    )
    packet = after
  }
  if (s.sourceContainer && s.sourceIface) {
    const owner = s.sourceContainer.owner
    const ci = s.sourceIface
    const bridge = replyOut ?? ci.bridge
    t.hop(
      'veth',
      `host ${ci.hostVeth ?? '?'} → ${owner.name} ${ci.ifname}`,
      [
        ...(bridge ? [bridgeNodeId('host', bridge)] : []),
        ...(ci.hostVeth ? [ifaceNodeId('host', ci.hostVeth)] : []),
        ifaceNodeId(containerNetnsId(owner), ci.ifname),
        containerNodeId(s.sourceContainer.container.name)
      ],
      L(
        `Back through ${bridge ?? 'the bridge'} and ${ci.hostVeth ?? 'the veth'} to ${owner.name} as ${fmt(packet)}.`,
        `经 ${bridge ?? '网桥'} 和 ${ci.hostVeth ?? 'veth'} 回到容器 ${owner.name}，此时为 ${fmt(packet)}。`
      ),
      packet
    )
  } else if (replyOut) {
    t.hop(
      'egress',
      replyOut,
      t.egressNodes(replyOut),
      L(
        `Back out on ${replyOut} to ${packet.dst} as ${fmt(packet)}.`,
        `回包以 ${fmt(packet)} 从 ${replyOut} 发回 ${packet.dst}。`
      ),
      packet
    )
  } else {
    t.hop(
      'deliver',
      'host',
      [],
      L(`Back to the host process as ${fmt(packet)}.`, `回包送回宿主机上的进程：${fmt(packet)}。`),
      packet
    )
  }
}
