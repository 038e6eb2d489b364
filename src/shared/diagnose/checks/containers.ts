/** Containers: addresses, default routes, container-mode targets, internal networks with outbound flows. */
import type { Check } from '../context'
import { L, finding } from '../context'
import { NEEDS } from '../coverage'
import { containerIpv4, findContainer, isRunning, mainRoutes, networksHolding } from '../../snapshot/query'
import { containerNetnsId } from '../../topology/ids'
import { inCidr, stripPrefix } from '../../net/ip'
import { shellCommand } from '../../shell'
import { netnsCommand } from '../fix-commands'

export const containerNoAddress: Check = {
  ids: ['container-no-address'],
  needs: [NEEDS.anyContainers],
  run(ctx) {
    const out = []
    for (const c of ctx.bridgeish()) {
      if (c.interfaces.some((ci) => containerIpv4(ci).length > 0)) continue
      // Addresses come from docker's endpoints or from `ip addr` inside the namespace: without both, unknown.
      const docker = ctx.coverage.gap(NEEDS.dockerContainers)
      const inside = docker && ctx.coverage.namespaceGap(c, ['ip.addr', 'ip.addr.text'])
      if (docker && inside) {
        ctx.skip(
          { kind: 'container', id: c.name },
          [...docker, ...inside],
          L('its addresses were not captured', '没有采集到它的地址')
        )
        continue
      }
      // IPv6-only networks legitimately have no v4 address.
      const nets = c.networks.map((n) => ctx.networkByName(n)).filter((n) => n !== null)
      if (
        nets.length &&
        nets.every((n) => ctx.subnetsOf(n).every((s) => s.includes(':')) && ctx.subnetsOf(n).length > 0)
      )
        continue
      if (c.interfaces.some((ci) => ci.addresses.length > 0)) continue
      const net = c.networks[0] ?? (c.networkMode === 'default' ? 'bridge' : c.networkMode)
      out.push(
        finding(
          'container-no-address',
          'critical',
          L(`${c.name} has no IP address`, `容器 ${c.name} 没有 IP 地址`),
          L(
            `${c.name} is running in network mode ${c.networkMode} but none of its interfaces has an IPv4 address${c.interfaces.length ? '' : ' (no interface besides loopback)'}. It cannot talk to anything. This happens when it was disconnected from its network, or the address was removed inside the namespace.`,
            `容器 ${c.name} 在运行，网络模式是 ${c.networkMode}，但它的接口上一个 IPv4 地址都没有${c.interfaces.length ? '' : '（除了 lo 没有别的接口）'}，什么都访问不了。一般是被 docker network disconnect 断开了网络，或者有人在命名空间里把地址删了。`
          ),
          [{ kind: 'container', id: c.name }],
          [
            {
              label: 'container',
              raw: `${c.name} state=${c.state} networkMode=${c.networkMode} interfaces=${c.interfaces.map((i) => i.ifname).join(',') || 'none'}`
            }
          ],
          shellCommand`docker network connect -- ${net} ${c.name}`
        )
      )
    }
    return out
  }
}

export const containerNoDefaultRoute: Check = {
  ids: ['container-no-default-route'],
  needs: [NEEDS.anyContainers],
  run(ctx) {
    const out = []
    for (const c of ctx.bridgeish()) {
      const addressed = c.interfaces.filter((ci) => containerIpv4(ci).length > 0)
      if (!addressed.length) continue
      // Internal networks have no gateway on purpose.
      const nets = addressed.map((ci) => ctx.networkByName(ci.network))
      if (nets.every((n) => n?.internal)) continue
      if (nets.some((n) => n && n.driver !== 'bridge' && n.driver !== 'overlay')) continue
      const routes = mainRoutes(
        c.routes.length ? c.routes : ctx.snapshot.routes,
        c.routes[0]?.netns ?? containerNetnsId(c)
      )
      // A namespace with an address always has its connected route: none at all means its routes
      // were not captured (docker's gateway is no substitute: it is empty for overlay networks).
      if (!routes.length) {
        ctx.skip(
          { kind: 'container', id: c.name },
          ctx.coverage.namespaceGap(c, ['ip.route', 'ip.route.text', 'proc.route']) ?? [
            { name: `routes of ${c.name}`, state: 'empty' }
          ],
          L('the routes inside its namespace were not captured', '没有采集到它命名空间里的路由')
        )
        continue
      }
      const hasDefault = routes.some((r) => r.dst === 'default' || r.dst === '0.0.0.0/0')
      if (hasDefault) continue
      const gwNet = nets.find((n) => n && !n.internal && n.gateway)
      const gateway = gwNet?.gateway ?? null
      const ci = addressed.find((a) => gateway && containerIpv4(a).some((x) => inCidr(gateway, x))) ?? addressed[0]
      out.push(
        finding(
          'container-no-default-route',
          'critical',
          L(`${c.name} has no default route`, `容器 ${c.name} 没有默认路由`),
          L(
            `${c.name} has an address but no default route, so it reaches only its directly connected subnet${gateway ? `; its network's gateway is ${gateway}` : ''}. Anything beyond (other networks, the internet, DNS servers outside) is unreachable from it.`,
            `容器 ${c.name} 有地址，但没有默认路由，只能访问直连网段${gateway ? `；它所在网络的网关是 ${gateway}` : ''}。直连网段以外的地方（其他网络、外网、外部 DNS）都到不了。`
          ),
          [{ kind: 'container', id: c.name }],
          routes.length
            ? routes.map((r) => ({ label: `${c.name} ip route`, raw: r.raw }))
            : [{ label: 'container', raw: `${c.name} gateway=none` }],
          gateway ? netnsCommand(c)`ip route add default via ${gateway} dev ${ci.ifname}` : null
        )
      )
    }
    return out
  }
}

export const containerModeStopped: Check = {
  ids: ['container-mode-stopped'],
  needs: [NEEDS.dockerContainers],
  run(ctx) {
    const out = []
    for (const c of ctx.snapshot.containers) {
      if (!c.networkMode.startsWith('container:')) continue
      const ref = c.networkMode.slice('container:'.length)
      const target = findContainer(ctx.snapshot, ref)
      if (target && isRunning(target)) continue
      const targetName = target?.name ?? ref
      out.push(
        finding(
          'container-mode-stopped',
          isRunning(c) ? 'critical' : 'warning',
          L(
            `${c.name} shares the network of ${target ? 'stopped' : 'missing'} container ${targetName}`,
            `容器 ${c.name} 共享的网络命名空间来自${target ? '已停止' : '不存在'}的容器 ${targetName}`
          ),
          L(
            `${c.name} uses --network container:${ref}, but ${targetName} is ${target ? target.state : 'gone'}. ${isRunning(c) ? `${c.name} keeps the old namespace, which is no longer wired to anything useful; when ${targetName} starts again it gets a new namespace and ${c.name} does not follow.` : `${c.name} cannot start until ${targetName} runs.`} Start the target first, then restart the dependent container.`,
            `${c.name} 用的是 --network container:${ref}，但 ${targetName} ${target ? `现在是 ${target.state} 状态` : '已经不存在了'}。${isRunning(c) ? `${c.name} 还留在旧的命名空间里，那里已经没有正常的网络连接；${targetName} 重新启动后会拿到新的命名空间，${c.name} 不会自动跟过去。` : `${targetName} 不运行，${c.name} 就起不来。`}先启动被依赖的容器，再重启 ${c.name}。`
          ),
          [
            { kind: 'container', id: c.name },
            { kind: 'container', id: targetName }
          ],
          [
            { label: 'container', raw: `${c.name} networkMode=${c.networkMode} state=${c.state}` },
            ...(target ? [{ label: 'container', raw: `${target.name} state=${target.state}` }] : [])
          ],
          target ? shellCommand`docker start -- ${target.name} && docker restart -- ${c.name}` : null
        )
      )
    }
    return out
  }
}

export const internalOutbound: Check = {
  ids: ['internal-outbound'],
  needs: [NEEDS.dockerNetworks, NEEDS.dockerContainers, NEEDS.conntrackList],
  run(ctx) {
    const out = []
    for (const network of ctx.snapshot.networks) {
      if (!network.internal) continue
      const subnets = ctx.subnetsOf(network)
      for (const c of ctx.containersOn(network)) {
        const ips = c.interfaces
          .filter((ci) => ci.network === network.name || ci.network === network.id)
          .flatMap((ci) => containerIpv4(ci).map(stripPrefix))
        const flows = ctx.snapshot.conntrack.entries.filter(
          (e) =>
            ips.includes(e.original.src) &&
            !subnets.some((s) => inCidr(e.original.dst, s)) &&
            !e.original.dst.startsWith('127.')
        )
        if (!flows.length) continue
        const otherNets = flows.flatMap((f) => networksHolding(ctx.snapshot, f.original.dst))
        out.push(
          finding(
            'internal-outbound',
            'info',
            L(
              `${c.name} on internal network ${network.name} has outbound flows`,
              `内部网络 ${network.name} 上的 ${c.name} 有往外的连接`
            ),
            L(
              `${network.name} is internal (no route out, no NAT), yet conntrack shows ${flows.length} flow(s) from ${c.name} to addresses outside it${otherNets.length ? ` (via another network: ${[...new Set(otherNets)].join(', ')})` : ''}. Either the container is also attached to a non-internal network, or the traffic is attempted and fails. Check this is what you expect.`,
              `${network.name} 是内部网络（没有出口路由，也不做 NAT），但 conntrack 里能看到 ${c.name} 发往网络外的 ${flows.length} 条连接${otherNets.length ? `（经由其他网络：${[...new Set(otherNets)].join('、')}）` : ''}。要么这个容器还接在别的非内部网络上，要么它在尝试往外连但连不上。确认一下这是不是预期的行为。`
            ),
            [
              { kind: 'container', id: c.name },
              { kind: 'network', id: network.name }
            ],
            flows.slice(0, 10).map((f) => ({
              label: 'conntrack',
              raw: f.raw || `${f.proto} src=${f.original.src} dst=${f.original.dst}`
            })),
            null
          )
        )
      }
    }
    return out
  }
}
