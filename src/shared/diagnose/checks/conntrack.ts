/** Conntrack entries: stale translations (moby#8795) and hairpin NAT. */
import type { Check } from '../context'
import { L, finding } from '../context'
import { NEEDS } from '../coverage'
import type { ConntrackEntry } from '../../snapshot/schema'
import { formatIpv4, parseCidr, parseIpv4 } from '../../net/ip'
import { containerHolding, networksHolding } from '../../snapshot/query'
import { shellCommand } from '../../shell'
import { hostVethOf } from '../../snapshot/bridges'

const DYING = /^(TIME_WAIT|CLOSE|CLOSE_WAIT|LAST_ACK|FIN_WAIT)$/i

/** The address an entry really delivers to: the DNAT backend (reply source) or the original destination. */
function backend(e: ConntrackEntry): { ip: string; viaDnat: boolean } {
  if (e.nat === 'DNAT' || e.nat === 'SNAT+DNAT') return { ip: e.reply.src, viaDnat: true }
  return { ip: e.original.dst, viaDnat: false }
}

export const conntrackStale: Check = {
  ids: ['conntrack-stale'],
  needs: [NEEDS.conntrackList, NEEDS.dockerContainers, NEEDS.dockerNetworks],
  run(ctx) {
    const byIp = new Map<string, { entries: ConntrackEntry[]; viaDnat: boolean; networks: string[] }>()
    for (const e of ctx.snapshot.conntrack.entries) {
      if (e.state && DYING.test(e.state)) continue
      const { ip, viaDnat } = backend(e)
      if (parseIpv4(ip) === null || ctx.isLocal(ip)) continue
      const networks = networksHolding(ctx.snapshot, ip)
      if (!networks.length) continue
      // Network and broadcast addresses of the subnet are not hosts.
      const special = ctx.snapshot.networks
        .filter((n) => networks.includes(n.name))
        .flatMap((n) => ctx.subnetsOf(n))
        .some((s) => {
          const c = parseCidr(s)
          return (
            c !== null &&
            c.prefix < 31 &&
            (formatIpv4(c.network) === ip || formatIpv4(c.network + 2 ** (32 - c.prefix) - 1) === ip)
          )
        })
      if (special || containerHolding(ctx.snapshot, ip)) continue
      const group = byIp.get(ip) ?? { entries: [], viaDnat, networks }
      group.entries.push(e)
      byIp.set(ip, group)
    }
    return [...byIp].map(([ip, group]) =>
      finding(
        'conntrack-stale',
        'warning',
        L(
          `${group.entries.length} conntrack entr${group.entries.length > 1 ? 'ies point' : 'y points'} at ${ip}, which no container holds`,
          `有 ${group.entries.length} 条 conntrack 记录指向 ${ip}，但没有容器持有这个地址`
        ),
        L(
          `Conntrack still sends these flows to ${ip} (network ${group.networks.join(', ')}), yet no running container has that address: it was restarted, removed or re-addressed. Existing entries are not re-evaluated, so UDP clients that keep sending (DNS, syslog, statsd…) stay stuck on the dead address until the entry times out (moby/moby#8795). Delete the entries; the next packet creates a fresh one through the current rules.`,
          `conntrack 还在把这些流量发往 ${ip}（网络 ${group.networks.join('、')}），但已经没有运行中的容器持有这个地址了：容器重启过、被删了或者换了 IP。已有的 conntrack 记录不会按新规则重新匹配，一直在发包的 UDP 客户端（DNS、syslog、statsd 之类）会一直卡在这个失效的地址上，直到记录超时（moby/moby#8795）。把这些记录删掉，下一个包会按当前规则重新建立连接跟踪。`
        ),
        [{ kind: 'conntrack', id: ip }],
        group.entries
          .slice(0, 10)
          .map((e) => ({ label: 'conntrack', raw: e.raw || `${e.proto} src=${e.original.src} dst=${e.original.dst}` })),
        group.viaDnat ? shellCommand`conntrack -D -r ${ip}` : shellCommand`conntrack -D -d ${ip}`
      )
    )
  }
}

export const hairpinOff: Check = {
  ids: ['hairpin-off'],
  needs: [NEEDS.conntrackList, NEEDS.dockerContainers, NEEDS.links],
  run(ctx) {
    const out = []
    const reported = new Set<string>()
    for (const e of ctx.snapshot.conntrack.entries) {
      const source = containerHolding(ctx.snapshot, e.original.src)
      if (!source) continue
      const published = ctx.snapshot.publishedPorts.find((p) => p.hostPort === e.original.dport && p.proto === e.proto)
      if (!published) continue
      const viaDnat = e.nat === 'DNAT' || e.nat === 'SNAT+DNAT'
      const proxied = ctx.snapshot.listeners.some(
        (l) => l.port === published.hostPort && /docker-proxy/.test(l.process ?? '')
      )
      let problem: 'hairpin-mode' | 'no-hairpin-nat' | null = null
      let veth: string | null = null
      if (viaDnat && e.reply.src === e.original.src) {
        // The container calls its own published port: the frame must go back out the port it came in on.
        veth = hostVethOf(source.iface)
        const raw = veth ? (ctx.hostIface(veth)?.raw ?? '') : ''
        if (/\bhairpin off\b/.test(raw) || (!/\bhairpin on\b/.test(raw) && e.flags.includes('UNREPLIED')))
          problem = 'hairpin-mode'
      } else if (!viaDnat && ctx.isLocal(e.original.dst) && !proxied && e.flags.includes('UNREPLIED')) {
        problem = 'no-hairpin-nat'
      }
      if (!problem) continue
      const key = `${source.container.name}|${published.hostPort}`
      if (reported.has(key)) continue
      reported.add(key)
      out.push(
        finding(
          'hairpin-off',
          'warning',
          L(
            `${source.container.name} calls published port ${published.hostPort} but hairpin NAT is off`,
            `${source.container.name} 访问映射端口 ${published.hostPort}，但 hairpin NAT 没开`
          ),
          problem === 'hairpin-mode'
            ? L(
                `${source.container.name} connects to ${e.original.dst}:${published.hostPort}, which DNAT sends back to itself (${e.reply.src}). The bridge must send that frame out of the port it arrived on, which needs hairpin mode on ${veth ?? 'its veth'}; it is off, so the connection hangs. Docker enables it when userland-proxy is false; it was lost or never set.`,
                `${source.container.name} 连接 ${e.original.dst}:${published.hostPort}，DNAT 又把它转回了自己（${e.reply.src}）。网桥要把帧从进来的那个端口再发回去，这需要 ${veth ?? '它的 veth'} 开启 hairpin 模式；现在是关的，连接会卡住。userland-proxy 关闭时 Docker 会自动打开 hairpin，这里要么丢了要么没设置上。`
              )
            : L(
                `${source.container.name} connects to the host's published port ${e.original.dst}:${published.hostPort}, but there is neither a DNAT for traffic from its bridge nor a docker-proxy listening, and the flow gets no reply. Enable the userland proxy or hairpin NAT (userland-proxy=false sets both the DNAT and hairpin mode).`,
                `${source.container.name} 访问宿主机的映射端口 ${e.original.dst}:${published.hostPort}，但既没有针对它所在网桥流量的 DNAT，也没有 docker-proxy 在监听，这个连接一直收不到回包。打开 userland-proxy，或者配置好 hairpin NAT（userland-proxy=false 时 Docker 会同时加 DNAT 和 hairpin 模式）。`
              ),
          [
            { kind: 'container', id: source.container.name },
            { kind: 'port', id: `${published.hostPort}/${published.proto}` },
            ...(veth ? [{ kind: 'interface' as const, id: veth }] : [])
          ],
          [
            {
              label: 'conntrack',
              raw: e.raw || `${e.proto} src=${e.original.src} dst=${e.original.dst} dport=${e.original.dport}`
            },
            ...(veth && ctx.hostIface(veth)?.raw ? [{ label: 'ip -d link', raw: ctx.hostIface(veth)!.raw }] : [])
          ],
          problem === 'hairpin-mode' && veth ? shellCommand`bridge link set dev ${veth} hairpin on` : null
        )
      )
    }
    return out
  }
}
