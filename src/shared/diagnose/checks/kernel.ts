/** Kernel settings: ip_forward, bridge-nf-call-iptables, rp_filter, conntrack table size. */
import type { Check } from '../context'
import { L, finding } from '../context'
import { NEEDS } from '../coverage'
import { ipv4Addresses } from '../../snapshot/query'
import { IPV4_IPTABLES_FAMILIES } from '../../netfilter/ruleset'
import { commandLines, shellCommand } from '../../shell'
import { optionsNamed, plainOption } from '../../netfilter/rule'

export const ipForwardOff: Check = {
  ids: ['ip-forward-off'],
  needs: [NEEDS.sysctl],
  run(ctx) {
    const value = ctx.sysctl('net.ipv4.ip_forward')
    if (value === null) {
      ctx.skip(
        { kind: 'host', id: ctx.snapshot.host.hostname },
        [{ name: 'sysctl net.ipv4.ip_forward', state: 'absent' }],
        L('net.ipv4.ip_forward is not in the captured kernel settings', '采集到的内核参数里没有 net.ipv4.ip_forward')
      )
      return []
    }
    if (value !== '0') return []
    const routed = ctx.bridgeish()
    return [
      finding(
        'ip-forward-off',
        routed.length ? 'critical' : 'warning',
        L('IP forwarding is off', '内核 IP 转发被关闭了'),
        L(
          'net.ipv4.ip_forward is 0, so the host does not route packets between interfaces. Containers on bridge networks cannot reach anything beyond their bridge, and published ports do not work from outside. Docker turns it on at start; something (a sysctl.d file, a hardening script) turned it off again.',
          'net.ipv4.ip_forward 现在是 0，宿主机不会在网卡之间转发数据包。bridge 网络里的容器出不了网桥，外部访问映射端口也不通。Docker 启动时会把它打开，多半是 sysctl.d 配置或者某个加固脚本又把它关掉了。'
        ),
        [
          { kind: 'host', id: ctx.snapshot.host.hostname },
          ...routed.map((c) => ({ kind: 'container' as const, id: c.name }))
        ],
        [{ label: 'sysctl', raw: ctx.sysctlLine('net.ipv4.ip_forward') }],
        'sysctl -w net.ipv4.ip_forward=1'
      )
    ]
  }
}

export const brNfCallOff: Check = {
  ids: ['br-nf-call-off'],
  needs: [NEEDS.sysctl, NEEDS.natRules, NEEDS.filterRules],
  run(ctx) {
    const value = ctx.sysctl('net.bridge.bridge-nf-call-iptables')
    if (value !== null && value !== '0') return []
    // Rules that only see bridged (same-bridge) traffic when br_netfilter hands it to iptables.
    const dependent = ctx.snapshot.nat.rules.filter((r) => {
      if (!IPV4_IPTABLES_FAMILIES.includes(r.family)) return false
      const inIf = optionsNamed(r, '-i')[0]
      const outIf = optionsNamed(r, '-o')[0]
      const sameBridge = !!inIf && !!outIf && !inIf.negated && !outIf.negated && inIf.values[0] === outIf.values[0]
      if (sameBridge && ['DROP', 'REJECT'].includes(r.target)) return true
      // Hairpin NAT: `-s 172.17.0.2/32 -d 172.17.0.2/32 … -j MASQUERADE`.
      const src = plainOption(r, '-s')?.values[0]
      const dst = plainOption(r, '-d')?.values[0]
      return r.table === 'nat' && r.target === 'MASQUERADE' && !!src?.endsWith('/32') && src === dst
    })
    if (!dependent.length) return []
    if (value === null) {
      ctx.skip(
        { kind: 'host', id: ctx.snapshot.host.hostname },
        [{ name: 'sysctl net.bridge.bridge-nf-call-iptables', state: 'absent' }],
        L(
          `net.bridge.bridge-nf-call-iptables is not in the captured kernel settings (br_netfilter not loaded, or not readable), so whether ${dependent.length} bridge-dependent rule(s) ever match is unknown`,
          `采集到的内核参数里没有 net.bridge.bridge-nf-call-iptables（br_netfilter 没加载或读不到），无法判断 ${dependent.length} 条依赖网桥过滤的规则是否生效`
        )
      )
      return []
    }
    return [
      finding(
        'br-nf-call-off',
        'warning',
        L(
          'Bridged traffic bypasses iptables (bridge-nf-call-iptables = 0)',
          '网桥内的流量绕过了 iptables(bridge-nf-call-iptables = 0)'
        ),
        L(
          'Traffic between containers on the same bridge is switched, and iptables only sees it when br_netfilter passes it up (net.bridge.bridge-nf-call-iptables = 1). It is 0 here, so the rules below never match: inter-container isolation (icc=false) and hairpin NAT do not work as Docker expects.',
          '同一个网桥上容器之间的流量走的是二层转发，只有 br_netfilter 把它交给 iptables(net.bridge.bridge-nf-call-iptables = 1)时规则才生效。这里是 0，下面这些规则永远匹配不上：容器间隔离（icc=false）和 hairpin NAT 都不会按 Docker 的预期工作。'
        ),
        dependent.map((r) => ({ kind: 'rule' as const, id: r.raw })),
        [
          { label: 'sysctl', raw: ctx.sysctlLine('net.bridge.bridge-nf-call-iptables') },
          ...dependent.map((r) => ({ label: `${r.table} ${r.chain}`, raw: r.raw }))
        ],
        'modprobe br_netfilter && sysctl -w net.bridge.bridge-nf-call-iptables=1'
      )
    ]
  }
}

export const rpFilterStrict: Check = {
  ids: ['rp-filter-strict'],
  needs: [NEEDS.sysctl, NEEDS.links, NEEDS.addresses],
  run(ctx) {
    const all = Number(ctx.sysctl('net.ipv4.conf.all.rp_filter') ?? '0')
    // Interfaces that lead off the host: addressed, not loopback, not a docker/lab bridge or its ports.
    const uplinks = ctx.snapshot.interfaces.filter(
      (i) =>
        i.netns === 'host' &&
        i.kind !== 'loopback' &&
        i.kind !== 'bridge' &&
        !i.master &&
        ipv4Addresses(i.addresses).length > 0
    )
    if (uplinks.length < 2) return []
    if (
      uplinks.every((i) => ctx.sysctl(`net.ipv4.conf.${i.name}.rp_filter`) === null) &&
      ctx.sysctl('net.ipv4.conf.all.rp_filter') === null
    ) {
      ctx.skip(
        { kind: 'host', id: ctx.snapshot.host.hostname },
        [{ name: 'sysctl net.ipv4.conf.*.rp_filter', state: 'absent' }],
        L('rp_filter is not in the captured kernel settings', '采集到的内核参数里没有 rp_filter')
      )
      return []
    }
    const strict = uplinks.filter((i) => {
      const own = ctx.sysctl(`net.ipv4.conf.${i.name}.rp_filter`)
      if (own === null && ctx.sysctl('net.ipv4.conf.all.rp_filter') === null) return false
      return Math.max(all, Number(own ?? '0')) === 1
    })
    if (!strict.length) return []
    return [
      finding(
        'rp-filter-strict',
        'warning',
        L('Strict reverse-path filtering on a multi-homed host', '多网卡主机上开启了严格反向路径过滤（rp_filter=1）'),
        L(
          `The host has ${uplinks.length} addressed uplinks (${uplinks.map((i) => i.name).join(', ')}). With rp_filter = 1 (strict) the kernel drops a packet whose source would not be routed back out of the interface it came in on, so asymmetric paths (policy routing, a second uplink, VPNs) lose traffic silently. The effective value is the larger of conf.all and the interface's own setting; 2 (loose) keeps spoofing protection without that problem.`,
          `这台主机有 ${uplinks.length} 个带地址的出口网卡（${uplinks.map((i) => i.name).join('、')}）。rp_filter = 1（严格模式）时，如果回程路由不走包进来的那块网卡，内核会直接丢包，策略路由、双出口、VPN 这类非对称路径会悄悄丢流量。实际生效值取 conf.all 和网卡自身设置里较大的那个，改成 2（宽松模式）既能防伪造又没有这个问题。`
        ),
        strict.map((i) => ({ kind: 'interface' as const, id: i.name })),
        [
          { label: 'sysctl', raw: ctx.sysctlLine('net.ipv4.conf.all.rp_filter') },
          ...strict.map((i) => ({ label: 'sysctl', raw: ctx.sysctlLine(`net.ipv4.conf.${i.name}.rp_filter`) }))
        ],
        commandLines([
          ...strict.map((i) => shellCommand`sysctl -w ${`net.ipv4.conf.${i.name}.rp_filter=2`}`),
          all === 1 ? 'sysctl -w net.ipv4.conf.all.rp_filter=2' : null
        ])
      )
    ]
  }
}

export const conntrackFull: Check = {
  ids: ['conntrack-full'],
  needs: [NEEDS.conntrackCount, NEEDS.conntrackMax],
  run(ctx) {
    const { total, max } = ctx.snapshot.conntrack
    if (total === null || max === null) {
      ctx.skip(
        { kind: 'conntrack', id: 'table' },
        [
          ...(total === null ? [{ name: 'conntrack.count', state: 'error' as const }] : []),
          ...(max === null ? [{ name: 'conntrack.max', state: 'error' as const }] : [])
        ],
        L('the conntrack count or limit is not a number', 'conntrack 的当前数量或上限读出来不是数字')
      )
      return []
    }
    if (max <= 0 || total / max < 0.9) return []
    const pct = Math.round((total / max) * 100)
    return [
      finding(
        'conntrack-full',
        'critical',
        L(`Conntrack table ${pct}% full`, `conntrack 连接跟踪表已用 ${pct}%`),
        L(
          `${total} of ${max} conntrack entries are in use. When the table is full the kernel drops new connections ("nf_conntrack: table full, dropping packet" in dmesg): NAT and published ports stop working for new flows. Raise the limit, and look for what opens so many connections.`,
          `conntrack 表已经用了 ${total}/${max}。表满之后内核会直接丢弃新连接（dmesg 里能看到 "nf_conntrack: table full, dropping packet"），NAT 和端口映射对新连接全部失效。先把上限调大，再排查是谁建了这么多连接。`
        ),
        [{ kind: 'conntrack', id: 'table' }],
        [
          { label: 'nf_conntrack_count', raw: String(total) },
          { label: 'nf_conntrack_max', raw: String(max) }
        ],
        shellCommand`sysctl -w net.netfilter.nf_conntrack_max=${max * 2}`
      )
    ]
  }
}
