/** NAT and filter rules: masquerade, FORWARD policy, DNAT for published ports, DOCKER-USER, backends. */
import type { Check, DiagnoseContext } from '../context'
import type { Localized } from '../../localized'
import { DROPPED_FINDING, L, finding, overBudget } from '../context'
import { NEEDS } from '../coverage'
import { deleteRuleCommand } from '../fix-commands'
import { ShellSyntax, commandLines, shellCommand, shellQuote } from '../../shell'
import type { NatRule, Network } from '../../snapshot/schema'
import { cidrsOverlap, formatIpv4, parseCidr, parseIpv4 } from '../../net/ip'
import { natAddress, optionsNamed, plainOption } from '../../netfilter/rule'
import { IPV4_IPTABLES_FAMILIES, type IptablesBackend } from '../../netfilter/ruleset'
import { OUTSIDE_PROBE, containerHolding, containerIpv4, networksHolding } from '../../snapshot/query'
import { interfaceBridgeRef } from '../../snapshot/bridges'

const v4Subnets = (ctx: DiagnoseContext, n: Network): string[] => ctx.subnetsOf(n).filter((s) => parseCidr(s) !== null)

/** IPv4 iptables rules of one table, in whichever backend they are (the kernel runs both). */
function iptablesRules(ctx: DiagnoseContext, table: string): NatRule[] {
  return ctx.snapshot.nat.rules.filter((r) => IPV4_IPTABLES_FAMILIES.includes(r.family) && r.table === table)
}

/** Does a SNAT/MASQUERADE rule translate traffic from `subnet`? (no -s, or a -s that covers it; not negated) */
function masqueradesSubnet(rule: NatRule, subnet: string): boolean {
  if (!['MASQUERADE', 'SNAT'].includes(rule.target)) return false
  const net = parseCidr(subnet)
  if (!net) return false
  const source = optionsNamed(rule, '-s')[0]
  if (!source) return true
  if (source.negated) return false
  return (source.values[0] ?? '').split(',').some((s) => {
    const cidr = parseCidr(s)
    return cidr !== null && cidr.prefix <= net.prefix && cidrsOverlap(cidr, net)
  })
}

export const missingMasquerade: Check = {
  ids: ['missing-masquerade'],
  needs: [NEEDS.dockerNetworks, NEEDS.natRules],
  run(ctx) {
    if (!ctx.hasIptables('nat')) return []
    const snat = iptablesRules(ctx, 'nat').filter((r) => ['MASQUERADE', 'SNAT'].includes(r.target))
    const out = []
    for (const network of ctx.snapshot.networks) {
      if (network.driver !== 'bridge' || network.internal) continue
      // Masquerading switched off on purpose (enable_ip_masquerade=false, routed gateway mode).
      if (network.options['com.docker.network.bridge.enable_ip_masquerade'] === 'false') continue
      if (/routed/.test(network.options['com.docker.network.bridge.gateway_mode_ipv4'] ?? '')) continue
      const bridge = ctx.bridgeOf(network) ?? 'docker0'
      for (const subnet of v4Subnets(ctx, network)) {
        if (snat.some((r) => masqueradesSubnet(r, subnet))) continue
        const attached = ctx.containersOn(network)
        out.push(
          finding(
            'missing-masquerade',
            attached.length ? 'critical' : 'warning',
            L(
              `No MASQUERADE for network ${network.name} (${subnet})`,
              `网络 ${network.name}（${subnet}）缺少 MASQUERADE 规则`
            ),
            L(
              `Containers on ${network.name} send with source addresses from ${subnet}. Without a MASQUERADE (or SNAT) rule in nat POSTROUTING the packets leave the host with that private source, and replies never find their way back: outbound connections hang. Docker adds "-s ${shellQuote(subnet)} ! -o ${shellQuote(bridge)} -j MASQUERADE" when it creates the network; it is missing (flushed nat table, another firewall manager, or a restart with --ip-masq=false).`,
              `${network.name} 里的容器用 ${subnet} 网段的地址发包。nat 表 POSTROUTING 里没有对应的 MASQUERADE（或 SNAT）规则，包带着私网源地址出了宿主机，回包找不到回来的路，对外连接会一直卡住。Docker 建网络时本来会加 "-s ${shellQuote(subnet)} ! -o ${shellQuote(bridge)} -j MASQUERADE"，现在这条没了，常见原因是 nat 表被清空、被别的防火墙工具覆盖，或者 dockerd 用了 --ip-masq=false。`
            ),
            [
              { kind: 'network', id: network.name },
              { kind: 'bridge', id: bridge },
              ...attached.map((c) => ({ kind: 'container' as const, id: c.name }))
            ],
            snat.length
              ? snat.map((r) => ({ label: `nat ${r.chain}`, raw: r.raw }))
              : [
                  {
                    label: 'nat POSTROUTING',
                    raw: `:POSTROUTING ${ctx.rules.policy('nat', 'POSTROUTING') ?? 'ACCEPT'} (no MASQUERADE/SNAT rules)`
                  }
                ],
            shellCommand`iptables -t nat -A POSTROUTING -s ${subnet} ! -o ${bridge} -j MASQUERADE`
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
      if (network.driver !== 'bridge' || network.internal) continue
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
