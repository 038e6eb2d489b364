/**
 * Cross-host checks that are not about one overlay: docker and iptables-backend version skew, one
 * docker subnet on hosts that route to each other (or that holds another host's address), and
 * one container name running on several hosts of one service.
 */
import type { FleetFinding } from '../../fleet/types'
import type { Network, Route } from '../../snapshot/schema'
import { shellCommand } from '../../shell'
import { cidrsOverlap, parseCidr } from '../../net/ip'
import { mainRoutes, routeText } from '../../snapshot/query'
import { L, fleetFinding, listEn, listZh, type FleetCheck, type FleetMember } from './context'

/** `20.10.24+dfsg1` → `20.10`; `27.3.1` → `27.3`. */
export function dockerMinor(version: string): string {
  return /^(\d+\.\d+)/.exec(version.trim())?.[1] ?? version.trim()
}

function groupHosts(members: FleetMember[], key: (m: FleetMember) => string | null): Map<string, FleetMember[]> {
  const groups = new Map<string, FleetMember[]>()
  for (const m of members) {
    const k = key(m)
    if (k !== null) groups.set(k, [...(groups.get(k) ?? []), m])
  }
  return groups
}

const groupText = (groups: Map<string, FleetMember[]>, sep: string, colon: string): string =>
  [...groups].map(([k, hosts]) => `${k}${colon}${hosts.map((h) => h.label).join(sep)}`).join(sep === '、' ? '；' : '; ')

export const versionSkew: FleetCheck = {
  ids: ['fleet-docker-version-skew', 'fleet-iptables-backend-skew'],
  run(ctx) {
    const out: FleetFinding[] = []
    const docker = groupHosts(ctx.members, (m) => m.snapshot.host.dockerVersion?.trim() || null)
    if (docker.size > 1) {
      const minors = new Set([...docker.keys()].map(dockerMinor))
      out.push(
        fleetFinding(
          'fleet-docker-version-skew',
          minors.size > 1 ? 'warning' : 'info',
          [...docker.values()].flat(),
          L(
            `Docker versions differ across the fleet (${docker.size})`,
            `这组主机的 Docker 版本不一致（${docker.size} 种）`
          ),
          L(
            `${groupText(docker, ', ', ': ')}. ${minors.size > 1 ? 'Different Docker releases create different iptables rules and overlay defaults (chains, MTU, the nftables backend since 29), so one host behaves unlike the others; swarm managers and workers several releases apart also drop features silently.' : 'Only patch levels differ: worth aligning in the next maintenance window.'} The command below, run on each host, shows its version.`,
            `${groupText(docker, '、', '：')}。${minors.size > 1 ? '不同的 Docker 版本生成的 iptables 规则和 overlay 默认值不一样（链、MTU、29 起的 nftables 后端），所以某台主机的行为会和其它主机不同；swarm 的 manager 和 worker 相差好几个版本时还会悄悄丢失功能。' : '只是补丁版本不同：下次维护时对齐即可。'}在每台主机上运行下面的命令可以看到它的版本。`
          ),
          [],
          [...docker].flatMap(([version, hosts]) =>
            hosts.map((h) => ({ label: `${h.label}: docker version`, raw: `Server Version: ${version}` }))
          ),
          "docker version --format '{{.Server.Version}}'"
        )
      )
    }
    const backend = groupHosts(ctx.members, (m) => m.snapshot.host.iptablesBackend)
    if (backend.size > 1) {
      out.push(
        fleetFinding(
          'fleet-iptables-backend-skew',
          'warning',
          [...backend.values()].flat(),
          L('Hosts use different iptables backends', '这组主机用的 iptables 后端不一样'),
          L(
            `${groupText(backend, ', ', ': ')}. Rules written with iptables-legacy are invisible to iptables-nft and the other way round: tooling, firewall scripts and playbooks that work on one group miss or duplicate rules on the other, and a host where both backends hold Docker rules filters twice. Pick one backend for the fleet (update-alternatives --config iptables) and restart Docker after switching; the commands below, run on each host, show its backend.`,
            `${groupText(backend, '、', '：')}。用 iptables-legacy 写的规则 iptables-nft 看不见，反之亦然：在一组主机上好用的工具、防火墙脚本和 playbook，到了另一组会漏掉或重复规则，而两种后端里都有 Docker 规则的主机会过滤两遍。整组主机选定一种后端（update-alternatives --config iptables），切换后重启 Docker；在每台主机上运行下面的命令可以看到它用的后端。`
          ),
          [],
          [...backend].flatMap(([b, hosts]) =>
            hosts.map((h) => ({
              label: `${h.label}: iptables --version`,
              raw: `iptables (${b})${h.snapshot.nat.backendsPresent.length ? `; rules seen in: ${h.snapshot.nat.backendsPresent.join(', ')}` : ''}`
            }))
          ),
          'iptables --version\nupdate-alternatives --display iptables'
        )
      )
    }
    return out
  }
}

/** Local docker networks with an IPv4 subnet (bridge, macvlan, …; not overlays, which span hosts). */
function localSubnets(m: FleetMember): { network: Network; subnet: string }[] {
  return m.snapshot.networks.flatMap((network) => {
    if (network.driver === 'overlay' || network.scope === 'swarm' || network.scope === 'global') return []
    const all = [network.subnet, ...network.subnets.map((s) => s.subnet)].filter(
      (s): s is string => !!s && parseCidr(s) !== null
    )
    return [...new Set(all)].map((subnet) => ({ network, subnet }))
  })
}

const overlaps = (a: string, b: string): boolean => {
  const x = parseCidr(a)
  const y = parseCidr(b)
  return x !== null && y !== null && cidrsOverlap(x, y)
}

export const subnetConflicts: FleetCheck = {
  ids: ['fleet-subnet-routed', 'fleet-subnet-holds-host'],
  run(ctx) {
    const out: FleetFinding[] = []
    const subnets = new Map(ctx.members.map((m) => [m.id, localSubnets(m)]))
    for (const a of ctx.members) {
      const routes = mainRoutes(a.snapshot.routes, 'host').filter((r) => r.gateway && r.dst !== 'default')
      for (const b of ctx.members) {
        if (a.id === b.id) continue
        // a routes (part of) b's container subnet to b, while a uses an overlapping subnet itself.
        const towardsB: { route: Route; theirs: { network: Network; subnet: string } }[] = []
        for (const route of routes) {
          if (ctx.ownerOf(route.gateway!)?.id !== b.id) continue
          for (const theirs of subnets.get(b.id) ?? [])
            if (overlaps(route.dst, theirs.subnet)) towardsB.push({ route, theirs })
        }
        for (const { route, theirs } of towardsB) {
          const mine = (subnets.get(a.id) ?? []).find((s) => overlaps(s.subnet, theirs.subnet))
          if (!mine) continue
          out.push(
            fleetFinding(
              'fleet-subnet-routed',
              'critical',
              [a, b],
              L(
                `${a.label} routes ${theirs.subnet} to ${b.label}, but uses ${mine.subnet} itself`,
                `${a.label} 把 ${theirs.subnet} 路由到 ${b.label}，可它自己也在用 ${mine.subnet}`
              ),
              L(
                `${a.label} has a route sending ${route.dst} to ${b.label} (${route.gateway}), where docker network ${theirs.network.name} uses ${theirs.subnet}. ${a.label}'s own docker network ${mine.network.name} uses ${mine.subnet}, and its bridge's connected route wins: packets from ${a.label} to ${b.label}'s containers stay on ${a.label}'s bridge, and replies from ${b.label}'s containers to ${a.label}'s never leave ${b.label}. Give the hosts different subnets (default-address-pools in /etc/docker/daemon.json, or --subnet when creating the network); the command below, on ${a.label}, lists the containers that move with it.`,
                `${a.label} 有一条路由把 ${route.dst} 发往 ${b.label}（${route.gateway}），在那里 docker 网络 ${theirs.network.name} 用的是 ${theirs.subnet}。${a.label} 自己的 docker 网络 ${mine.network.name} 用的是 ${mine.subnet}，它网桥的直连路由优先：${a.label} 发往 ${b.label} 上容器的包留在 ${a.label} 自己的网桥上，${b.label} 的容器回给 ${a.label} 的包也出不了 ${b.label}。请给两台主机分配不同的子网（/etc/docker/daemon.json 里的 default-address-pools，或建网络时用 --subnet）；在 ${a.label} 上运行下面的命令，可以列出要跟着迁移的容器。`
              ),
              [
                { kind: 'network', id: mine.network.name },
                { kind: 'route', id: route.dst }
              ],
              [
                { label: `${a.label}: ip route`, raw: routeText(route) },
                {
                  label: `${a.label}: docker network ${mine.network.name}`,
                  raw: `Subnet ${mine.subnet} (bridge ${mine.network.bridge ?? '-'})`
                },
                {
                  label: `${b.label}: docker network ${theirs.network.name}`,
                  raw: `Subnet ${theirs.subnet} (bridge ${theirs.network.bridge ?? '-'})`
                }
              ],
              shellCommand`docker network inspect ${mine.network.name} --format '{{range .Containers}}{{.Name}} {{end}}'`
            )
          )
        }
        // a's docker subnet holds one of b's host addresses: a cannot reach b at all.
        for (const mine of subnets.get(a.id) ?? []) {
          const held = (ctx.underlay.get(b.id) ?? []).filter((x) => overlaps(mine.subnet, `${x.ip}/32`))
          if (!held.length) continue
          const addrs = held.map((x) => x.ip)
          out.push(
            fleetFinding(
              'fleet-subnet-holds-host',
              'critical',
              [a, b],
              L(
                `${a.label}'s docker network ${mine.network.name} (${mine.subnet}) holds ${b.label}'s address ${addrs[0]}`,
                `${a.label} 的 docker 网络 ${mine.network.name}（${mine.subnet}）包含了 ${b.label} 的地址 ${addrs[0]}`
              ),
              L(
                `${b.label} has ${listEn(addrs)} on ${held[0].iface.name}, inside ${mine.subnet} that ${a.label} gives to docker network ${mine.network.name}. ${a.label} sends packets for ${b.label} into its own bridge instead of to the network: ${a.label} cannot reach ${b.label} (ssh, swarm gossip, VXLAN), and its containers cannot either. Move the docker network to a range no host uses (default-address-pools in /etc/docker/daemon.json); the command below, on ${a.label}, lists the containers on it.`,
                `${b.label} 在 ${held[0].iface.name} 上有地址 ${listZh(addrs)}，落在 ${a.label} 分给 docker 网络 ${mine.network.name} 的 ${mine.subnet} 里。${a.label} 会把发往 ${b.label} 的包送进自己的网桥，而不是发到网络上：${a.label} 连不上 ${b.label}（ssh、swarm gossip、VXLAN 都不行），它的容器也一样。请把这个 docker 网络换到没有主机使用的地址段（/etc/docker/daemon.json 里的 default-address-pools）；在 ${a.label} 上运行下面的命令，可以列出用着它的容器。`
              ),
              [{ kind: 'network', id: mine.network.name }],
              [
                {
                  label: `${a.label}: docker network ${mine.network.name}`,
                  raw: `Subnet ${mine.subnet} (bridge ${mine.network.bridge ?? '-'})`
                },
                {
                  label: `${b.label}: ip addr (${held[0].iface.name})`,
                  raw: `${held[0].iface.name}: inet ${held[0].iface.addresses.filter((a) => !a.includes(':')).join(' ')}`
                }
              ],
              shellCommand`docker network inspect ${mine.network.name} --format '{{range .Containers}}{{.Name}} {{end}}'`
            )
          )
        }
      }
    }
    return out
  }
}

export const duplicateContainer: FleetCheck = {
  ids: ['fleet-duplicate-container'],
  run(ctx) {
    const out: FleetFinding[] = []
    for (const [name, list] of ctx.overlays()) {
      const byContainer = new Map<string, { member: FleetMember; address: string | null }[]>()
      for (const o of list)
        for (const c of o.containers) {
          const key = c.container.name.replace(/^\//, '')
          byContainer.set(key, [...(byContainer.get(key) ?? []), { member: o.member, address: c.address }])
        }
      for (const [container, copies] of byContainer) {
        const hosts = [...new Map(copies.map((c) => [c.member.id, c])).values()]
        if (hosts.length < 2) continue
        const where = hosts.map((h) => `${h.member.label}${h.address ? ` (${h.address})` : ''}`)
        out.push(
          fleetFinding(
            'fleet-duplicate-container',
            'warning',
            hosts.map((h) => h.member),
            L(
              `Container ${container} runs on ${hosts.length} hosts of overlay ${name}`,
              `容器 ${container} 同时在 overlay ${name} 的 ${hosts.length} 台主机上运行`
            ),
            L(
              `${container} is running on ${listEn(where)}, all attached to ${name}. On one overlay a container name is a DNS name: the others resolve ${container} to either copy, and two copies of a singleton (a database, a queue consumer) split the work or the data. Stop the extra copy (the command below, on the host that should not run it), or run it as a swarm service so the name stays unique.`,
              `${container} 同时运行在 ${listZh(where)} 上，而且都接在 ${name} 上。在同一个 overlay 上容器名就是 DNS 名：别的容器解析 ${container} 时可能拿到任何一个副本，单实例的服务（数据库、队列消费者）有两份就会把工作或数据分成两半。停掉多余的那个（在不该运行它的主机上执行下面的命令），或者改成 swarm service，让这个名字保持唯一。`
            ),
            [
              { kind: 'container', id: container },
              { kind: 'network', id: name }
            ],
            hosts.map((h) => ({
              label: `${h.member.label}: docker ps`,
              raw: `${container} on ${name}${h.address ? ` ${h.address}` : ''}`
            })),
            shellCommand`docker stop ${container}`
          )
        )
      }
    }
    return out
  }
}
