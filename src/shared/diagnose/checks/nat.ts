/** NAT and filter rules: masquerade, FORWARD policy, DNAT for published ports, DOCKER-USER, backends. */
import type { Check, DiagnoseContext } from '../context'
import type { Localized } from '../../localized'
import { DROPPED_FINDING, L, finding, overBudget } from '../context'
import { NEEDS } from '../coverage'
import { deleteRuleCommand } from '../fix-commands'
import { ShellSyntax, commandLines, shellCommand, shellQuote } from '../../shell'
import type { NatRule, Network } from '../../snapshot/schema'
import { formatIpv4, parseCidr, parseIpv4 } from '../../net/ip'
import { natAddress, plainOption } from '../../netfilter/rule'
import { IPV4_IPTABLES_FAMILIES, type IptablesBackend, type Packet, type Ruleset } from '../../netfilter/ruleset'
import { OUTSIDE_PROBE, containerHolding, containerIpv4, networksHolding } from '../../snapshot/query'
import { interfaceBridgeRef } from '../../snapshot/bridges'

const v4Subnets = (ctx: DiagnoseContext, n: Network): string[] => ctx.subnetsOf(n).filter((s) => parseCidr(s) !== null)

/** IPv4 iptables rules of one table, in whichever backend they are (the kernel runs both). */
function iptablesRules(ctx: DiagnoseContext, table: string): NatRule[] {
  return ctx.snapshot.nat.rules.filter((r) => IPV4_IPTABLES_FAMILIES.includes(r.family) && r.table === table)
}

const SNAT_TARGETS = ['MASQUERADE', 'SNAT']

/** Can `chain` (or a chain it jumps to) end in one of `targets`? */
function chainReaches(rules: Ruleset, table: string, chain: string, targets: string[], seen = new Set<string>()): boolean {
  if (seen.has(chain)) return false
  seen.add(chain)
  return rules
    .rules(table, chain)
    .some(
      (r) =>
        targets.includes(r.target) || (rules.hasChain(table, r.target) && chainReaches(rules, table, r.target, targets, seen))
    )
}

/** Could this passed-over rule (its matches were not evaluated) have changed the outcome? */
const couldDecide = (rules: Ruleset, table: string, rule: NatRule, targets: string[]): boolean =>
  targets.includes(rule.target) || (rules.hasChain(table, rule.target) && chainReaches(rules, table, rule.target, targets))

/**
 * The marks a packet from a container subnet carries into nat POSTROUTING, on its way from its
 * bridge out of the uplink: every earlier hook is walked in every iptables backend (a new packet
 * starts with mark 0; a mark one backend sets is on the packet when the other's rules run).
 * Unknown (null) when a rule that might set a mark could not be evaluated.
 */
function marksAtPostrouting(
  ctx: DiagnoseContext,
  packet: Packet,
  inIface: string,
  outIface: string
): { mark: number | null; ctmark: number | null } {
  let marks: { mark: number | null; ctmark: number | null } = { mark: 0, ctmark: 0 }
  const hooks: [string, string, string | null, string | null][] = [
    ['raw', 'PREROUTING', inIface, null],
    ['mangle', 'PREROUTING', inIface, null],
    ['nat', 'PREROUTING', inIface, null],
    ['mangle', 'FORWARD', inIface, outIface],
    ['filter', 'FORWARD', inIface, outIface],
    ['mangle', 'POSTROUTING', null, outIface]
  ]
  for (const [table, hook, inI, outI] of hooks) {
    for (const { rules } of ctx.backends) {
      if (!rules.hasChain(table, hook)) continue
      const walk = rules.walk(table, hook, packet, {
        proto: packet.dport === null ? 'icmp' : 'tcp',
        inIface: inI,
        outIface: outI,
        ctstate: 'NEW',
        isLocal: ctx.isLocal,
        ...marks
      })
      marks = { mark: walk.mark, ctmark: walk.ctmark }
      if (walk.unevaluated.some((r) => couldDecide(rules, table, r, ['MARK', 'CONNMARK']))) marks = { mark: null, ctmark: null }
    }
  }
  return marks
}

type MasqueradeAnswer = { verdict: 'yes' | 'no' | 'undecided'; undecidedBy: NatRule[] }

/**
 * Is traffic from `subnet` to the outside masqueraded? Walks nat POSTROUTING of every iptables
 * backend with a packet from the subnet leaving through the uplink, honouring every match (marks,
 * conntrack state, addresses, interfaces): `yes` when one backend translates it, `no`, or
 * `undecided` with the rules whose matches NetLens cannot evaluate.
 */
function masquerades(ctx: DiagnoseContext, subnet: string, bridge: string): MasqueradeAnswer {
  const uplink = ctx.uplink()?.name ?? 'eth0'
  const packet: Packet = { src: hostInSubnet(subnet), dst: OUTSIDE_PROBE, sport: 40000, dport: 443 }
  const marks = marksAtPostrouting(ctx, packet, bridge, uplink)
  const answers = ctx.backends.map(({ rules }): MasqueradeAnswer => {
    const walk = rules.walk('nat', 'POSTROUTING', packet, {
      proto: 'tcp',
      inIface: null,
      outIface: uplink,
      ctstate: 'NEW',
      isLocal: ctx.isLocal,
      ...marks
    })
    const translated = walk.nat !== null && SNAT_TARGETS.includes(walk.nat.target)
    // Passed over without evaluation: a rule that might have translated it, or (when a later rule
    // did) one that might have ended the walk first.
    const undecidedBy = walk.unevaluated.filter((r) =>
      couldDecide(rules, 'nat', r, translated ? ['ACCEPT', 'RETURN', 'DROP', ...SNAT_TARGETS] : SNAT_TARGETS)
    )
    if (undecidedBy.length) return { verdict: 'undecided', undecidedBy }
    return { verdict: translated ? 'yes' : 'no', undecidedBy: [] }
  })
  return (
    answers.find((a) => a.verdict === 'yes') ??
    answers.find((a) => a.verdict === 'undecided') ?? { verdict: 'no', undecidedBy: [] }
  )
}

/** Bridge networks whose traffic to the outside should be masqueraded. */
function masqueradedNetworks(ctx: DiagnoseContext): { network: Network; bridge: string }[] {
  const out: { network: Network; bridge: string }[] = []
  for (const network of ctx.snapshot.networks) {
    if (network.driver !== 'bridge' || network.internal) continue
    // Masquerading switched off on purpose (enable_ip_masquerade=false, routed gateway mode).
    if (network.options['com.docker.network.bridge.enable_ip_masquerade'] === 'false') continue
    if (/routed/.test(network.options['com.docker.network.bridge.gateway_mode_ipv4'] ?? '')) continue
    const bridge = ctx.bridgeOf(network) ?? 'docker0'
    // netavark creates a network's bridge and rules with its first running container.
    if (!ctx.inUse(network)) continue
    out.push({ network, bridge })
  }
  return out
}

export const missingMasquerade: Check = {
  ids: ['missing-masquerade', 'masquerade-undecided'],
  needs: [NEEDS.dockerNetworks, NEEDS.natRules],
  run(ctx) {
    if (!ctx.hasIptables('nat')) return []
    const snat = iptablesRules(ctx, 'nat').filter((r) => SNAT_TARGETS.includes(r.target))
    const out = []
    for (const { network, bridge } of masqueradedNetworks(ctx)) {
      for (const subnet of v4Subnets(ctx, network)) {
        const answer = masquerades(ctx, subnet, bridge)
        if (answer.verdict === 'yes') continue
        const attached = ctx.containersOn(network)
        const objects = [
          { kind: 'network' as const, id: network.name },
          { kind: 'bridge' as const, id: bridge },
          ...attached.map((c) => ({ kind: 'container' as const, id: c.name }))
        ]
        if (answer.verdict === 'undecided') {
          out.push(
            finding(
              'masquerade-undecided',
              'info',
              L(
                `Cannot tell whether network ${network.name} (${subnet}) is masqueraded`,
                `无法判断网络 ${network.name}（${subnet}）是否做了 MASQUERADE`
              ),
              L(
                `Whether traffic from ${subnet} to the outside is masqueraded depends on rules whose matches NetLens cannot evaluate (listed below). NetLens does not take a conditional rule as unconditional, so it cannot say. Check them by hand, or trace a flow from a container on ${network.name} with its real addresses.`,
                `${subnet} 发往外部的流量是否做 MASQUERADE，取决于下面这些规则，而它们的匹配条件 NetLens 无法求值。NetLens 不会把带条件的规则当成无条件规则，所以这里给不出结论。请手工核对，或者用 ${network.name} 上容器的真实地址做一次路径追踪。`
              ),
              objects,
              answer.undecidedBy.map((r) => ({ label: `nat ${r.chain}`, raw: r.raw })),
              null
            )
          )
          continue
        }
        const podman = network.runtime === 'podman'
        out.push(
          finding(
            'missing-masquerade',
            attached.length ? 'critical' : 'warning',
            L(
              `No MASQUERADE for network ${network.name} (${subnet})`,
              `网络 ${network.name}（${subnet}）缺少 MASQUERADE 规则`
            ),
            podman
              ? L(
                  `Containers on Podman network ${network.name} send with source addresses from ${subnet}. No rule in nat POSTROUTING masquerades them on the way out (conditional rules such as netavark's "-m mark --mark 0x2000/0x2000 -j MASQUERADE" only cover port-forwarded traffic), so replies never find their way back: outbound connections hang. netavark adds "-s ${shellQuote(subnet)} -j NETAVARK-<id>" with a MASQUERADE for everything but the subnet itself when the network's first container starts; it is missing (flushed nat table, another firewall manager). "podman network reload --all" makes netavark add its rules again.`,
                  `Podman 网络 ${network.name} 里的容器用 ${subnet} 网段的地址发包。nat 表 POSTROUTING 里没有规则对这些包做 MASQUERADE（netavark 那条 "-m mark --mark 0x2000/0x2000 -j MASQUERADE" 是带条件的，只管端口转发的流量），包带着私网源地址出了宿主机，回包找不到回来的路，对外连接会一直卡住。netavark 在网络的第一个容器启动时会加上 "-s ${shellQuote(subnet)} -j NETAVARK-<id>" 和里面的 MASQUERADE，现在没有了（nat 表被清空，或被别的防火墙工具覆盖）。执行 "podman network reload --all" 可以让 netavark 重新加上规则。`
                )
              : L(
                  `Containers on ${network.name} send with source addresses from ${subnet}. Without a MASQUERADE (or SNAT) rule in nat POSTROUTING the packets leave the host with that private source, and replies never find their way back: outbound connections hang. Docker adds "-s ${shellQuote(subnet)} ! -o ${shellQuote(bridge)} -j MASQUERADE" when it creates the network; it is missing (flushed nat table, another firewall manager, or a restart with --ip-masq=false).`,
                  `${network.name} 里的容器用 ${subnet} 网段的地址发包。nat 表 POSTROUTING 里没有对应的 MASQUERADE（或 SNAT）规则，包带着私网源地址出了宿主机，回包找不到回来的路，对外连接会一直卡住。Docker 建网络时本来会加 "-s ${shellQuote(subnet)} ! -o ${shellQuote(bridge)} -j MASQUERADE"，现在这条没了，常见原因是 nat 表被清空、被别的防火墙工具覆盖，或者 dockerd 用了 --ip-masq=false。`
                ),
            objects,
            snat.length
              ? snat.map((r) => ({ label: `nat ${r.chain}`, raw: r.raw }))
              : [
                  {
                    label: 'nat POSTROUTING',
                    raw: `:POSTROUTING ${ctx.rules.policy('nat', 'POSTROUTING') ?? 'ACCEPT'} (no MASQUERADE/SNAT rules)`
                  }
                ],
            podman
              ? 'podman network reload --all'
              : shellCommand`iptables -t nat -A POSTROUTING -s ${subnet} ! -o ${bridge} -j MASQUERADE`
          )
        )
      }
    }
    return out
  }
}

export const forwardDrop: Check = {
  ids: ['forward-drop'],
  needs: [NEEDS.dockerNetworks, NEEDS.filterRules],
  run(ctx) {
    if (ctx.rules.policy('filter', 'FORWARD') !== 'DROP') return []
    // Docker's accept rules are in the other backend: mixed-backends names the stale policy.
    if (dockerRulesElsewhere(ctx)) return []
    const out = []
    const uplink = ctx.uplink()?.name ?? 'eth0'
    for (const network of ctx.snapshot.networks) {
      if (network.driver !== 'bridge' || network.internal || !ctx.inUse(network)) continue
      const bridge = ctx.bridgeOf(network)
      const subnet = v4Subnets(ctx, network)[0]
      if (!bridge || !subnet) continue
      const attached = ctx.containersOn(network)
      const holder = attached
        .flatMap((c) => c.interfaces)
        .find((i) =>
          containerIpv4(i).some((a) => networksHolding(ctx.snapshot, a.split('/')[0]).includes(network.name))
        )
      const srcIp = holder ? containerIpv4(holder)[0].split('/')[0] : hostInSubnet(subnet)
      const isLocal = ctx.isLocal
      const outbound = ctx.rules.walk(
        'filter',
        'FORWARD',
        { src: srcIp, dst: OUTSIDE_PROBE, sport: 40000, dport: 443 },
        { proto: 'tcp', inIface: bridge, outIface: uplink, ctstate: 'NEW', isLocal }
      )
      const reply = ctx.rules.walk(
        'filter',
        'FORWARD',
        { src: OUTSIDE_PROBE, dst: srcIp, sport: 443, dport: 40000 },
        { proto: 'tcp', inIface: uplink, outIface: bridge, ctstate: 'ESTABLISHED', isLocal }
      )
      const failed = [outbound, reply].filter(
        (w) => w.verdict !== 'ACCEPT' && w.rule === null && w.unevaluated.length === 0
      )
      if (!failed.length) continue
      const fix = commandLines([
        outbound.verdict !== 'ACCEPT' ? shellCommand`iptables -A FORWARD -i ${bridge} ! -o ${bridge} -j ACCEPT` : null,
        reply.verdict !== 'ACCEPT'
          ? shellCommand`iptables -A FORWARD -o ${bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`
          : null
      ])
      out.push(
        finding(
          'forward-drop',
          attached.length ? 'critical' : 'warning',
          L(
            `FORWARD policy DROP and no accept rule for ${network.name}`,
            `FORWARD 默认策略是 DROP，且 ${network.name} 没有放行规则`
          ),
          L(
            `filter FORWARD drops by default, and Docker's accept rules for ${bridge} are missing, so ${outbound.verdict !== 'ACCEPT' ? 'traffic from the containers to the outside' : 'replies to the containers'} falls through to the DROP policy. Restarting dockerd recreates its rules; the commands below add just the two Docker would add.`,
            `filter 表 FORWARD 链默认策略是 DROP，而 Docker 给 ${bridge} 加的放行规则不见了，${outbound.verdict !== 'ACCEPT' ? '容器往外发的流量' : '回给容器的流量'}一路落到 DROP 策略上被丢掉。重启 dockerd 会重建这些规则；也可以只补下面这两条 Docker 本来会加的规则。`
          ),
          [
            { kind: 'network', id: network.name },
            { kind: 'bridge', id: bridge },
            { kind: 'rule', id: 'filter FORWARD policy' }
          ],
          [
            { label: 'filter FORWARD', raw: ':FORWARD DROP' },
            ...ctx.rules.rules('filter', 'FORWARD').map((r) => ({ label: 'filter FORWARD', raw: r.raw }))
          ],
          fix
        )
      )
    }
    return out
  }
}

function hostInSubnet(subnet: string): string {
  const cidr = parseCidr(subnet)
  return cidr ? formatIpv4(cidr.network + 2) : '0.0.0.0'
}

function dnatRules(ctx: DiagnoseContext): NatRule[] {
  return iptablesRules(ctx, 'nat').filter((r) => r.target === 'DNAT')
}

export const portNoDnat: Check = {
  ids: ['port-no-dnat'],
  needs: [NEEDS.dockerContainers, NEEDS.natRules],
  run(ctx) {
    // Only when Docker's iptables nat rules were captured (Docker 29 nft-only hosts have none).
    if (!ctx.backends.some((b) => b.rules.hasChain('nat', 'DOCKER'))) return []
    const dnat = dnatRules(ctx)
    const out = []
    for (const port of ctx.snapshot.publishedPorts) {
      if (port.rule || !port.containerIp || !parseIpv4(port.containerIp)) continue
      if (port.hostIp.includes(':')) continue
      const found = dnat.some((r) => {
        const to = natAddress(r)
        const dport = plainOption(r, '--dport')
        return (
          to.ip === port.containerIp &&
          (to.port ?? port.hostPort) === port.containerPort &&
          dport?.values[0] === String(port.hostPort)
        )
      })
      if (found) continue
      const holder = containerHolding(ctx.snapshot, port.containerIp)
      const network = ctx.networkByName(holder?.iface.network ?? null)
      const held = holder ? interfaceBridgeRef(holder.iface) : null
      const bridge = (held?.netns === 'host' ? held.name : null) ?? (network ? ctx.bridgeOf(network) : null) ?? 'docker0'
      const dest = port.hostIp && port.hostIp !== '0.0.0.0' ? shellCommand` -d ${`${port.hostIp}/32`}` : ''
      out.push(
        finding(
          'port-no-dnat',
          'warning',
          L(
            `Published port ${port.hostPort}/${port.proto} has no DNAT rule`,
            `映射端口 ${port.hostPort}/${port.proto} 没有对应的 DNAT 规则`
          ),
          L(
            `Docker publishes ${port.hostIp || '0.0.0.0'}:${port.hostPort}/${port.proto} to ${port.container ?? port.containerIp}:${port.containerPort}, but nat DOCKER has no DNAT rule for it. Traffic from other hosts is not translated${port.proxy ? ' and only reaches the container through docker-proxy (the client source address is lost)' : ' and gets no answer'}. Restarting the container makes Docker add the rule again.`,
            `Docker 把 ${port.hostIp || '0.0.0.0'}:${port.hostPort}/${port.proto} 映射到 ${port.container ?? port.containerIp}:${port.containerPort}，但 nat 表 DOCKER 链里没有对应的 DNAT 规则。外部过来的流量不会被转换${port.proxy ? '，只能靠 docker-proxy 转发（容器里看不到真实客户端地址）' : '，访问不通'}。重启这个容器，Docker 会重新加上这条规则。`
          ),
          [
            { kind: 'port', id: `${port.hostPort}/${port.proto}` },
            ...(port.container ? [{ kind: 'container' as const, id: port.container }] : [])
          ],
          [
            ...(port.proxy ? [{ label: 'docker-proxy', raw: port.proxy }] : []),
            ...dnat.map((r) => ({ label: `nat ${r.chain}`, raw: r.raw }))
          ],
          dest === null
            ? null
            : shellCommand`iptables -t nat -A DOCKER${new ShellSyntax(dest)} ! -i ${bridge} -p ${port.proto} -m ${port.proto} --dport ${port.hostPort} -j DNAT --to-destination ${`${port.containerIp}:${port.containerPort}`}`
        )
      )
    }
    return out
  }
}

export const dnatDangling: Check = {
  ids: ['dnat-dangling'],
  needs: [NEEDS.dockerContainers, NEEDS.dockerNetworks, NEEDS.natRules],
  run(ctx) {
    const out = []
    for (const rule of dnatRules(ctx)) {
      const to = natAddress(rule)
      if (!to.ip || ctx.isLocal(to.ip)) continue
      // Only addresses inside docker networks: DNAT to other machines (VMs, LAN hosts) is legitimate.
      const nets = networksHolding(ctx.snapshot, to.ip)
      if (!nets.length && rule.owner !== 'docker') continue
      if (containerHolding(ctx.snapshot, to.ip)) continue
      if (overBudget()) continue
      out.push(
        finding(
          'dnat-dangling',
          'warning',
          L(`DNAT to ${to.ip}, which no container holds`, `DNAT 指向 ${to.ip}，但没有容器持有这个地址`),
          L(
            `This rule sends traffic to ${to.ip}${to.port ? ':' + to.port : ''}${nets.length ? ` (network ${nets.join(', ')})` : ''}, but no container in the snapshot has that address. Usually the container was removed or got a new address and the rule stayed behind (a crash of dockerd, or a hand-made rule): connections to the port go nowhere.`,
            `这条规则把流量转到 ${to.ip}${to.port ? ':' + to.port : ''}${nets.length ? `（属于网络 ${nets.join('、')}）` : ''}，但快照里没有任何容器持有这个地址。一般是容器删掉了或者换了 IP，规则却留了下来（dockerd 异常退出，或者手工加的规则），访问这个端口的连接都会落空。`
          ),
          [{ kind: 'rule', id: rule.raw }],
          [{ label: `nat ${rule.chain}`, raw: rule.raw }],
          deleteRuleCommand('nat', rule)
        )
      )
    }
    return out
  }
}

export const dockerUserDrop: Check = {
  ids: ['docker-user-drop'],
  needs: [NEEDS.filterRules],
  run(ctx) {
    const drops = iptablesRules(ctx, 'filter').filter(
      (r) => r.chain === 'DOCKER-USER' && ['DROP', 'REJECT'].includes(r.target)
    )
    return drops.map((rule) =>
      overBudget()
        ? DROPPED_FINDING
        : finding(
            'docker-user-drop',
            'warning',
            L(
              `DOCKER-USER ${rule.target === 'DROP' ? 'drops' : 'rejects'} forwarded container traffic`,
              `DOCKER-USER 链${rule.target === 'DROP' ? '丢弃' : '拒绝'}了容器的转发流量`
            ),
            L(
              `DOCKER-USER runs before all of Docker's own FORWARD rules, so this rule wins over published ports and network isolation for the traffic it matches. If it is intended (a firewall policy), ignore this; if connections to or from containers fail, it is the first suspect.`,
              `DOCKER-USER 链在 Docker 自己的 FORWARD 规则之前执行，它匹配到的流量，端口映射和网络隔离规则都管不了。如果这是有意的防火墙策略可以忽略；如果容器进出连接不通，先查这条。`
            ),
            [{ kind: 'rule', id: rule.raw }],
            [{ label: 'filter DOCKER-USER', raw: rule.raw }],
            deleteRuleCommand('filter', rule)
          )
    )
  }
}

/** The iptables backends that hold Docker's rules. */
function dockerBackends(ctx: DiagnoseContext): IptablesBackend[] {
  return ctx.backends.filter((b) => ctx.snapshot.nat.rules.some((r) => r.family === b.family && r.owner === 'docker'))
}

/** Docker's rules are all in a backend other than the one `iptables` shows: mixed-backends speaks for it. */
function dockerRulesElsewhere(ctx: DiagnoseContext): boolean {
  const holders = dockerBackends(ctx)
  return holders.length > 0 && !holders.includes(ctx.backends[0])
}

const HOOK_EFFECT: Record<string, Localized> = {
  FORWARD: L('forwarded traffic', '转发的流量'),
  INPUT: L('traffic to the host', '发给宿主机的流量'),
  OUTPUT: L('traffic from the host', '宿主机发出的流量')
}

/** What a backend's filter policies do to the packets the other backend's rules accept. */
function policyEffects(backend: IptablesBackend): { hook: string; title: Localized; evidence: { label: string; raw: string }[] }[] {
  return Object.entries(HOOK_EFFECT).flatMap(([hook, traffic]) => {
    if (!backend.rules.dropsByPolicy('filter', hook)) return []
    const policy = backend.rules.policy('filter', hook) ?? 'DROP'
    const rules = backend.rules.rules('filter', hook)
    const all = rules.length === 0
    return [
      {
        hook,
        title: L(
          `${backend.label} filter ${hook} policy ${policy}: ${all ? '' : 'unless one of its rules accepts it, '}${traffic.en} is dropped`,
          `${backend.label} 的 filter ${hook} 默认策略是 ${policy}：${all ? '' : '除非它自己的规则放行，'}${traffic['zh-CN']}都会被丢弃`
        ),
        evidence: [
          { label: `${backend.label} filter`, raw: `:${hook} ${policy}` },
          ...rules.map((r) => ({ label: `${backend.label} filter ${hook}`, raw: r.raw }))
        ]
      }
    ]
  })
}

/** The tables to flush in the stale backend: those captured there (nat and filter when only the other's are known). */
function staleTables(ctx: DiagnoseContext, stale: IptablesBackend | null, tool: string): string[] {
  const family = stale?.label === tool ? stale.family : tool
  const captured = new Set(ctx.snapshot.nat.chains.filter((c) => c.family === family).map((c) => c.table))
  const known = ['nat', 'filter', 'mangle', 'raw'].filter((t) => captured.has(t))
  return known.length ? known : ['nat', 'filter']
}

export const mixedBackends: Check = {
  ids: ['mixed-backends'],
  needs: [NEEDS.natRules],
  run(ctx) {
    const present = ctx.snapshot.nat.backendsPresent
    if (!(present.includes('nf_tables') && present.includes('legacy'))) {
      const other = ctx.coverage.gap(NEEDS.otherBackend)
      if (other)
        ctx.skip(
          { kind: 'host', id: ctx.snapshot.host.hostname },
          other,
          L(
            "the other iptables backend's rules were not captured, so rules hidden there are unknown",
            '没有采集到另一套 iptables 后端的规则，藏在那里的规则无从知晓'
          )
        )
      return []
    }
    const active = ctx.snapshot.host.iptablesBackend
    const holders = dockerBackends(ctx)
    // The stale backend: the one without Docker's rules, else the one `iptables` does not show.
    const stale =
      (holders.length === 1 ? ctx.backends.find((b) => b !== holders[0] && b.label !== 'iptables') : null) ??
      ctx.backends.find((b) => b !== ctx.backends[0]) ??
      null
    const effects = stale ? policyEffects(stale) : []
    const sections = ctx.snapshot.sections.filter((s) => /iptables.*save/.test(s.name) && s.status === 'ok')
    const dockerWhere = holders.length
      ? L(`Docker's rules are in ${holders.map((b) => b.label).join(' and ')}. `, `Docker 的规则在 ${holders.map((b) => b.label).join(' 和 ')} 里。`)
      : L('', '')
    const effectText = effects.length
      ? L(
          ` Here the stale ${stale!.label} tables decide: ${effects.map((e) => e.title.en).join('; ')}, whatever Docker's rules accept.`,
          `这台机器上起作用的是残留的 ${stale!.label} 表：${effects.map((e) => e.title['zh-CN']).join('；')}，Docker 的规则放行了也没用。`
        )
      : L('', '')
    const tool = stale?.label ?? (active === 'nf_tables' ? 'iptables-legacy' : active === 'legacy' ? 'iptables-nft' : null)
    return [
      finding(
        'mixed-backends',
        effects.length ? 'critical' : 'warning',
        effects.length
          ? L(`Stale ${effects[0].title.en}`, `残留的 ${effects[0].title['zh-CN']}`)
          : L('Rules in both iptables-legacy and iptables-nft', 'iptables-legacy 和 iptables-nft 两套后端里都有规则'),
        L(
          `The kernel runs both rule sets: the legacy x_tables and the nf_tables ones, and a packet must pass both. The \`iptables\` command shows only one of them${active ? ` (here: ${active})` : ''}, so rules in the other are invisible to it but still drop or NAT packets. ${dockerWhere.en}This usually follows a switch of update-alternatives or a tool (an older kube-proxy, a firewall script) using the other binary.${effectText.en} Back up and remove the rules of the backend you no longer use.`,
          `内核里两套规则同时生效：legacy 的 x_tables 和 nf_tables，包要两套都通过才行。\`iptables\` 命令只能看到其中一套${active ? `（这台机器上是 ${active}）` : ''}，另一套里的规则它看不见，却照样会丢包或做 NAT。${dockerWhere['zh-CN']}通常是切换过 update-alternatives，或者有工具（老版本 kube-proxy、防火墙脚本）用的是另一个后端。${effectText['zh-CN']}先备份，再把不用的那套后端里的规则清掉。`
        ),
        [{ kind: 'host', id: ctx.snapshot.host.hostname }],
        [
          ...effects.flatMap((e) => e.evidence),
          ...holders.map((b) => ({
            label: "Docker's rules",
            raw: `${b.label}: ${ctx.snapshot.nat.rules.filter((r) => r.family === b.family && r.owner === 'docker').length} rules`
          })),
          { label: 'backends present', raw: present.join(', ') },
          ...sections.map((s) => ({ label: 'section', raw: s.command }))
        ],
        tool === 'iptables-legacy' || tool === 'iptables-nft'
          ? [
              `${tool}-save > /root/${tool}.backup`,
              ...effects.map((e) => `${tool} -t filter -P ${e.hook} ACCEPT`),
              ...staleTables(ctx, stale, tool).flatMap((table) => [`${tool} -t ${table} -F`, `${tool} -t ${table} -X`])
            ].join(' && ')
          : null
      )
    ]
  }
}

/**
 * A published port whose DNATed connections filter FORWARD drops: the port answers nobody from
 * outside. The classic case is Podman next to Docker: Docker sets the FORWARD policy to DROP, and
 * netavark's NETAVARK_FORWARD accepts only replies and its containers' own outgoing traffic.
 */
export const portForwardBlocked: Check = {
  ids: ['port-forward-blocked'],
  needs: [NEEDS.publishedPorts, NEEDS.natRules, NEEDS.filterRules],
  run(ctx) {
    if (!ctx.hasIptables('filter') || !ctx.rules.hasChain('filter', 'FORWARD')) return []
    const uplink = ctx.uplink()
    const hostIp = uplink?.addresses.find((a) => !a.includes(':'))?.split('/')[0]
    if (!uplink || !hostIp) return []
    const out = []
    const seen = new Set<string>()
    for (const port of ctx.snapshot.publishedPorts) {
      if (!port.rule || !port.containerIp || !parseIpv4(port.containerIp) || port.hostIp.includes(':')) continue
      const key = `${port.hostPort}/${port.proto}/${port.containerIp}`
      if (seen.has(key)) continue
      seen.add(key)
      const holder = containerHolding(ctx.snapshot, port.containerIp)
      const veth = holder?.iface.hostVeth ? ctx.hostIface(holder.iface.hostVeth) : null
      const bridge = veth?.master ?? holder?.iface.bridge ?? null
      if (!holder || !bridge) continue
      const base = { proto: port.proto, ctstate: 'NEW' as const, isLocal: ctx.isLocal }
      const pre = ctx.rules.walk(
        'nat',
        'PREROUTING',
        { src: OUTSIDE_PROBE, dst: hostIp, sport: 40000, dport: port.hostPort },
        { ...base, inIface: uplink.name, outIface: null, mark: 0, ctmark: 0 }
      )
      // Only the port's own DNAT, decided without guesses, says where the connection goes.
      if (pre.nat?.target !== 'DNAT' || natAddress(pre.nat.rule).ip !== port.containerIp) continue
      const packet: Packet = { src: OUTSIDE_PROBE, dst: port.containerIp, sport: 40000, dport: port.containerPort }
      const forward = ctx.rules.walk('filter', 'FORWARD', packet, {
        ...base,
        inIface: uplink.name,
        outIface: bridge,
        dnatted: true,
        mark: pre.mark,
        ctmark: pre.ctmark
      })
      if (forward.verdict === 'ACCEPT') continue
      if (forward.unevaluated.some((r) => couldDecide(ctx.rules, 'filter', r, ['ACCEPT', 'RETURN']))) continue
      const who = holder.container.name
      const by = forward.rule ? forward.rule.raw : `:FORWARD ${forward.policy ?? 'DROP'}`
      const podmanBehindDocker =
        holder.container.runtime === 'podman' && forward.rule === null && ctx.rules.hasChain('filter', 'DOCKER')
      const accept = `-o ${shellQuote(bridge)} -d ${port.containerIp}/32 -p ${port.proto} -m ${port.proto} --dport ${port.containerPort} -j ACCEPT`
      out.push(
        finding(
          'port-forward-blocked',
          'warning',
          L(
            `Published port ${port.hostPort}/${port.proto} never reaches ${who}: filter FORWARD drops it`,
            `映射端口 ${port.hostPort}/${port.proto} 到不了 ${who}：filter 表 FORWARD 链把它丢了`
          ),
          L(
            `Connections from other hosts to ${port.hostPort}/${port.proto} are DNATed to ${port.containerIp}:${port.containerPort} (${who}), then routed out of ${bridge} through filter FORWARD, which ${forward.rule ? `drops them at "${forward.rule.raw}"` : `ends in its ${forward.policy ?? 'DROP'} policy`}.${podmanBehindDocker ? ` Docker set that policy; netavark (Podman) accepts only replies and its containers' own outgoing traffic in NETAVARK_FORWARD, so new connections to a Podman port fall through Docker's rules.` : ''} From this host itself the port still works (that path has no FORWARD). The command below accepts them in DOCKER-USER, where Docker expects your own rules.`,
            `其他主机连 ${port.hostPort}/${port.proto} 时，先被 DNAT 到 ${port.containerIp}:${port.containerPort}（${who}），再经 filter 表 FORWARD 链从 ${bridge} 转出去，但 FORWARD ${forward.rule ? `在 "${forward.rule.raw}" 这条规则上把它们丢了` : `最后落到默认策略 ${forward.policy ?? 'DROP'}`}。${podmanBehindDocker ? '这个默认策略是 Docker 设的；netavark（Podman）在 NETAVARK_FORWARD 里只放行回包和自己容器主动发出的流量，所以访问 Podman 端口的新连接穿过 Docker 的规则后被丢掉。' : ''}在这台宿主机本机访问这个端口仍然正常（那条路径不经过 FORWARD）。下面的命令在 DOCKER-USER 链里放行它们，那是 Docker 留给用户自定义规则的地方。`
          ),
          [
            { kind: 'port', id: `${port.hostPort}/${port.proto}` },
            { kind: 'container', id: who },
            { kind: 'bridge', id: bridge }
          ],
          [
            { label: `nat ${pre.nat.rule.chain}`, raw: pre.nat.rule.raw },
            { label: forward.rule ? `filter ${forward.rule.chain}` : 'filter FORWARD', raw: by }
          ],
          ctx.rules.hasChain('filter', 'DOCKER-USER')
            ? `iptables -I DOCKER-USER ${accept}`
            : `iptables -I FORWARD ${accept}`
        )
      )
    }
    return out
  }
}
