/** Links: bridges and veths up and wired, MTU along the path, duplicate addresses, subnet overlap. */
import type { Check, DiagnoseContext } from '../context'
import { L, finding } from '../context'
import { NEEDS } from '../coverage'
import type { Container, ContainerInterface, Interface } from '../../snapshot/schema'
import { cidrsOverlap, parseCidr, stripPrefix } from '../../net/ip'
import { containerIpv4, mainRoutes } from '../../snapshot/query'
import { bridgeNodeId, containerNetnsId, ifaceNodeId } from '../../topology/ids'
import { commandLines, shellCommand, shellQuote } from '../../shell'
import { netnsCommand } from '../fix-commands'
import { hostVethOf, interfaceBridgeRef, sameBridge, vethNetnsOf } from '../../snapshot/bridges'

const isDown = (i: Interface): boolean =>
  (i.flags.length > 0 && !i.flags.includes('UP')) ||
  i.state === 'DOWN' ||
  i.state === 'LOWERLAYERDOWN' ||
  i.flags.includes('NO-CARRIER')
const adminDown = (i: Interface): boolean => i.flags.length > 0 && !i.flags.includes('UP')

/** Host veths and container interfaces behind a bridge. */
function attachments(ctx: DiagnoseContext, bridge: string): { ports: string[]; containers: Container[] } {
  const ports = new Set<string>(ctx.snapshot.bridges.find((b) => b.name === bridge && b.netns === 'host')?.ports ?? [])
  for (const i of ctx.snapshot.interfaces) if (i.netns === 'host' && i.master === bridge) ports.add(i.name)
  const containers = ctx
    .bridgeish()
    .filter((c) =>
      c.interfaces.some((ci) => {
        const veth = hostVethOf(ci)
        return sameBridge(interfaceBridgeRef(ci), { name: bridge, netns: 'host' }) || (veth !== null && ports.has(veth))
      })
    )
  return { ports: [...ports], containers }
}

export const bridgeDown: Check = {
  ids: ['bridge-down'],
  needs: [NEEDS.links, NEEDS.anyContainers],
  run(ctx) {
    const out = []
    for (const iface of ctx.snapshot.interfaces) {
      if (iface.netns !== 'host' || iface.kind !== 'bridge' || !isDown(iface)) continue
      const { ports, containers } = attachments(ctx, iface.name)
      // docker0 DOWN / NO-CARRIER with nothing attached is normal (the seed's first `ip addr`).
      if (!containers.length) continue
      const downPorts = ports.map((p) => ctx.hostIface(p)).filter((p): p is Interface => !!p && isDown(p))
      const fix =
        adminDown(iface) || !downPorts.length
          ? shellCommand`ip link set dev ${iface.name} up`
          : commandLines(downPorts.map((p) => shellCommand`ip link set dev ${p.name} up`))
      out.push(
        finding(
          'bridge-down',
          'critical',
          L(
            `Bridge ${iface.name} is down with containers attached`,
            `网桥 ${iface.name} 处于 down 状态，但上面挂着容器`
          ),
          L(
            `${iface.name} is ${adminDown(iface) ? 'administratively down' : `${iface.state}${iface.flags.includes('NO-CARRIER') ? ' (NO-CARRIER: none of its ports is up)' : ''}`} while ${containers.map((c) => c.name).join(', ')} ${containers.length > 1 ? 'are' : 'is'} attached. A bridge without carrier forwards nothing: those containers cannot reach their gateway, each other, or the outside.`,
            `${iface.name} 现在是 ${adminDown(iface) ? '被管理性关闭（没有 UP 标志）' : `${iface.state}${iface.flags.includes('NO-CARRIER') ? '（NO-CARRIER：没有任何一个端口是 up 的）' : ''}`}，而上面挂着 ${containers.map((c) => c.name).join('、')}。网桥没有载波就不转发任何帧，这些容器连网关、彼此、外网都访问不了。`
          ),
          [{ kind: 'bridge', id: iface.name }, ...containers.map((c) => ({ kind: 'container' as const, id: c.name }))],
          [{ label: 'ip link', raw: iface.raw }, ...downPorts.map((p) => ({ label: 'ip link', raw: p.raw }))],
          fix
        )
      )
    }
    return out
  }
}

function ownerOfVeth(ctx: DiagnoseContext, veth: string): { container: Container; ci: ContainerInterface } | null {
  for (const container of ctx.bridgeish()) {
    const ci = container.interfaces.find((i) => hostVethOf(i) === veth)
    if (ci) return { container, ci }
  }
  return null
}

export const vethDown: Check = {
  ids: ['veth-down'],
  needs: [NEEDS.links],
  run(ctx) {
    const out = []
    for (const iface of ctx.snapshot.interfaces) {
      if (iface.netns !== 'host' || iface.kind !== 'veth' || !isDown(iface)) continue
      const owner = ownerOfVeth(ctx, iface.name)
      if (!owner && !iface.master) continue
      // Host side down because the container side is down: fix the container side.
      const peerDown = owner?.ci.state !== null && owner?.ci.state !== undefined && /DOWN/.test(owner.ci.state)
      const fix =
        peerDown && owner
          ? netnsCommand(owner.container)`ip link set dev ${owner.ci.ifname} up`
          : shellCommand`ip link set dev ${iface.name} up`
      out.push(
        finding(
          'veth-down',
          'critical',
          L(
            `veth ${iface.name}${owner ? ` of ${owner.container.name}` : ''} is down`,
            `${owner ? `容器 ${owner.container.name} 的 ` : ''}veth ${iface.name} 处于 down 状态`
          ),
          L(
            `${iface.name}${iface.master ? ` (port of ${iface.master})` : ''} is ${iface.state}${peerDown ? `, because the container side ${owner?.ci.ifname} is down` : ''}. Frames between ${owner ? owner.container.name : 'the container'} and the bridge stop here.`,
            `${iface.name}${iface.master ? `（${iface.master} 的端口）` : ''}状态是 ${iface.state}${peerDown ? `，原因是容器那一端的 ${owner?.ci.ifname} 被关掉了` : ''}。${owner ? `容器 ${owner.container.name}` : '容器'}和网桥之间的帧到这里就断了。`
          ),
          [
            { kind: 'interface', id: iface.name },
            ...(owner ? [{ kind: 'container' as const, id: owner.container.name }] : [])
          ],
          [{ label: 'ip link', raw: iface.raw }],
          fix
        )
      )
    }
    return out
  }
}

export const vethOrphan: Check = {
  ids: ['veth-orphan'],
  needs: [NEEDS.links, NEEDS.anyContainers],
  run(ctx) {
    const out = []
    for (const iface of ctx.snapshot.interfaces) {
      if (iface.netns !== 'host' || iface.kind !== 'veth' || iface.master) continue
      const owner = ownerOfVeth(ctx, iface.name)
      if (!owner) continue
      const network = ctx.networkByName(owner.ci.network)
      if (network && network.driver !== 'bridge') continue
      const ref = interfaceBridgeRef(owner.ci)
      const bridge = (ref?.netns === 'host' ? ref.name : null) ?? (network ? ctx.bridgeOf(network) : null)
      out.push(
        finding(
          'veth-orphan',
          'critical',
          L(
            `veth ${iface.name} of ${owner.container.name} is attached to no bridge`,
            `容器 ${owner.container.name} 的 veth ${iface.name} 没有挂到网桥上`
          ),
          L(
            `${iface.name} is the host end of ${owner.container.name}'s ${owner.ci.ifname}, but it has no master${bridge ? `; it belongs on ${bridge}` : ''}. The container's frames arrive on a dangling interface and go nowhere. This happens after a bridge was deleted and recreated, or when someone ran "ip link set dev ${shellQuote(iface.name)} nomaster".`,
            `${iface.name} 是容器 ${owner.container.name} 里 ${owner.ci.ifname} 在宿主机上的那一端，但它没有 master${bridge ? `，本来应该挂在 ${bridge} 上` : ''}。容器发出的帧到了一个悬空的接口上，哪儿也去不了。常见于网桥被删了又重建，或者有人执行过 "ip link set dev ${shellQuote(iface.name)} nomaster"。`
          ),
          [
            { kind: 'interface', id: iface.name },
            { kind: 'container', id: owner.container.name }
          ],
          [{ label: 'ip link', raw: iface.raw }],
          bridge ? shellCommand`ip link set dev ${iface.name} master ${bridge}` : null
        )
      )
    }
    return out
  }
}

export const mtuMismatch: Check = {
  ids: ['mtu-mismatch'],
  needs: [NEEDS.links, NEEDS.anyContainers],
  run(ctx) {
    const out = []
    const uplink = ctx.uplink()
    const uplinkMtu = uplink?.mtu ?? null
    /** Containers whose interface MTU is above what the uplink carries, grouped by network. */
    const tooBig = new Map<
      string,
      {
        network: string
        overlay: boolean
        limit: number
        items: { container: Container; ci: ContainerInterface; mtu: number }[]
      }
    >()
    for (const container of ctx.bridgeish()) {
      for (const ci of container.interfaces) {
        const network = ctx.networkByName(ci.network)
        // The veth end and its bridge in their own namespace (an overlay's, or the host).
        const vethNetns = vethNetnsOf(ci)
        const veth = vethNetns && ci.hostVeth ? ctx.iface(vethNetns, ci.hostVeth) : null
        const bridgeRef = veth?.master ? { name: veth.master, netns: veth.netns } : interfaceBridgeRef(ci)
        const bridge = bridgeRef ? ctx.iface(bridgeRef.netns, bridgeRef.name) : null
        const innerMtu =
          ci.mtu ??
          ctx.snapshot.interfaces.find((i) => i.netns === containerNetnsId(container) && i.name === ci.ifname)?.mtu ??
          null
        const problems: { en: string; zh: string; fix: string | null }[] = []
        if (veth?.mtu && bridge?.mtu && veth.mtu !== bridge.mtu) {
          problems.push({
            en: `${veth.name} MTU ${veth.mtu} ≠ bridge ${bridge.name} MTU ${bridge.mtu}`,
            zh: `${veth.name} 的 MTU ${veth.mtu} 和网桥 ${bridge.name} 的 ${bridge.mtu} 不一致`,
            fix: ctx.inNamespace(veth.netns, shellCommand`ip link set dev ${veth.name} mtu ${bridge.mtu}`)
          })
        }
        if (innerMtu && veth?.mtu && innerMtu !== veth.mtu) {
          problems.push({
            en: `${container.name} ${ci.ifname} MTU ${innerMtu} ≠ its host peer ${veth.name} MTU ${veth.mtu}`,
            zh: `容器 ${container.name} 的 ${ci.ifname} MTU 是 ${innerMtu}，宿主机那端 ${veth.name} 是 ${veth.mtu}`,
            fix: netnsCommand(container)`ip link set dev ${ci.ifname} mtu ${veth.mtu}`
          })
        }
        if (problems.length) {
          out.push(
            finding(
              'mtu-mismatch',
              'warning',
              L(
                `MTU mismatch between ${container.name} and its bridge`,
                `容器 ${container.name} 和网桥之间 MTU 不一致`
              ),
              L(
                `${problems.map((p) => p.en).join('; ')}. Frames larger than the smaller MTU are dropped on this link: small packets pass, large ones vanish.`,
                `${problems.map((p) => p.zh).join(';')}。超过较小 MTU 的帧在这段链路上会被丢掉：小包能过，大包没了。`
              ),
              [
                { kind: 'container', id: container.name },
                ...(veth
                  ? [{ kind: 'interface' as const, id: veth.netns === 'host' ? veth.name : ifaceNodeId(veth.netns, veth.name) }]
                  : []),
                ...(bridgeRef
                  ? [
                      {
                        kind: 'bridge' as const,
                        id: bridgeRef.netns === 'host' ? bridgeRef.name : bridgeNodeId(bridgeRef.netns, bridgeRef.name)
                      }
                    ]
                  : [])
              ],
              [veth, bridge]
                .filter((i): i is Interface => !!i)
                .map((i) => ({ label: 'ip link', raw: i.raw || `${i.name} mtu ${i.mtu}` })),
              commandLines(problems.map((p) => p.fix))
            )
          )
        }
        if (!network || network.internal || !innerMtu || !uplinkMtu) continue
        const overlay = network.driver === 'overlay'
        if (network.driver !== 'bridge' && !overlay) continue
        const limit = overlay ? uplinkMtu - 50 : uplinkMtu
        if (innerMtu <= limit) continue
        const group = tooBig.get(network.name) ?? { network: network.name, overlay, limit, items: [] }
        group.items.push({ container, ci, mtu: innerMtu })
        tooBig.set(network.name, group)
      }
    }
    for (const group of tooBig.values()) {
      const names = group.items.map((i) => `${i.container.name} ${i.ci.ifname} (${i.mtu})`).join(', ')
      const option =
        group.network === 'bridge'
          ? `"mtu": ${group.limit} in /etc/docker/daemon.json`
          : `--opt com.docker.network.driver.mtu=${group.limit} when creating ${group.network}`
      const zhOption =
        group.network === 'bridge'
          ? `在 /etc/docker/daemon.json 里设置 "mtu": ${group.limit}`
          : `重建 ${group.network} 时加上 --opt com.docker.network.driver.mtu=${group.limit}`
      out.push(
        finding(
          'mtu-mismatch',
          'warning',
          L(
            `${group.overlay ? 'Overlay' : 'Network'} ${group.network}: container MTU above what uplink ${uplink?.name} carries`,
            `网络 ${group.network}：容器 MTU 超过了出口 ${uplink?.name} 能承载的大小`
          ),
          L(
            `Uplink ${uplink?.name} has MTU ${uplinkMtu}${group.overlay ? ', and VXLAN needs 50 bytes of it for its header' : ''}, so packets leaving the host can be at most ${group.limit} bytes, but ${names} send up to their own MTU. Full-size packets need fragmentation or path-MTU discovery; where ICMP "fragmentation needed" is filtered, pings work while TLS handshakes, image pulls and large responses hang. Lower the containers' MTU now with the commands below, and persist it with ${option}.`,
            `出口网卡 ${uplink?.name} 的 MTU 是 ${uplinkMtu}${group.overlay ? ',VXLAN 封装还要占掉 50 字节' : ''}，出宿主机的包最大只能是 ${group.limit} 字节，但 ${names} 会按自己的 MTU 发满包。满长度的包要么被分片、要么要靠 PMTU 发现；如果 ICMP "需要分片" 报文被过滤，就会出现 ping 得通、TLS 握手/拉镜像/大响应卡住的情况。先用下面的命令把容器的 MTU 调小，再${zhOption}让它永久生效。`
          ),
          [
            { kind: 'network', id: group.network },
            ...(uplink ? [{ kind: 'interface' as const, id: uplink.name }] : []),
            ...group.items.map((i) => ({ kind: 'container' as const, id: i.container.name }))
          ],
          [
            ...(uplink ? [{ label: 'uplink', raw: uplink.raw || `${uplink.name} mtu ${uplinkMtu}` }] : []),
            ...group.items.map((i) => ({
              label: `${i.container.name} ${i.ci.ifname}`,
              raw:
                ctx.snapshot.interfaces.find((x) => x.netns === containerNetnsId(i.container) && x.name === i.ci.ifname)
                  ?.raw || `${i.ci.ifname} mtu ${i.mtu}`
            }))
          ],
          commandLines(
            group.items.map((i) => netnsCommand(i.container)`ip link set dev ${i.ci.ifname} mtu ${group.limit}`)
          )
        )
      )
    }
    return out
  }
}

/** Every IPv4 address held in the host or a container namespace, one entry per namespace. */
interface Holder {
  netns: string
  ifname: string
  mac: string | null
  label: string
  raw: string
}

function addressHolders(ctx: DiagnoseContext): Map<string, Holder[]> {
  const byIp = new Map<string, Holder[]>()
  const add = (ip: string, holder: Holder): void => {
    if (ip.startsWith('127.') || ip.startsWith('169.254.')) return
    const list = byIp.get(ip) ?? []
    // One namespace seen twice (shared netns under two pids, or docker's view and ip's view) is one holder.
    const same = (h: Holder): boolean =>
      h.netns === holder.netns || (h.ifname === holder.ifname && h.mac !== null && h.mac === holder.mac)
    if (!list.some(same)) list.push(holder)
    byIp.set(ip, list)
  }
  for (const c of ctx.bridgeish()) {
    const netns = containerNetnsId(c)
    for (const ci of c.interfaces) {
      for (const a of containerIpv4(ci)) {
        add(stripPrefix(a), {
          netns,
          ifname: ci.ifname,
          mac: ci.mac?.toLowerCase() ?? null,
          label: `${c.name} ${ci.ifname}`,
          raw: `${c.name} ${ci.ifname} ${a}${ci.mac ? ' ' + ci.mac : ''}`
        })
      }
    }
  }
  for (const i of ctx.snapshot.interfaces) {
    if (i.netns !== 'host' && !i.netns.startsWith('pid:') && !i.netns.startsWith('container:')) continue
    for (const a of i.addresses) {
      if (!a.includes(':'))
        add(stripPrefix(a), {
          netns: i.netns,
          ifname: i.name,
          mac: i.mac?.toLowerCase() ?? null,
          label: `${i.netns} ${i.name}`,
          raw: i.raw || `${i.name} ${a}`
        })
    }
  }
  return byIp
}

export const duplicateIp: Check = {
  ids: ['duplicate-ip'],
  needs: [NEEDS.addresses, NEEDS.anyContainers],
  run(ctx) {
    const out = []
    for (const [ip, holders] of addressHolders(ctx)) {
      if (holders.length < 2) continue
      out.push(
        finding(
          'duplicate-ip',
          'critical',
          L(`Duplicate IP ${ip}`, `IP 地址 ${ip} 冲突`),
          L(
            `${ip} is configured in ${holders.length} namespaces (${holders.map((h) => h.label).join(', ')}). ARP answers flip between them, so connections to ${ip} reach one or the other at random. Usually a static --ip reused, or an address added by hand.`,
            `${ip} 同时配置在 ${holders.length} 个命名空间里（${holders.map((h) => h.label).join('、')}）。ARP 应答会在它们之间来回跳，访问 ${ip} 的连接随机落到其中一个上。一般是 --ip 指定了重复的静态地址，或者有人手工加了地址。`
          ),
          holders.map((h) => ({ kind: 'interface' as const, id: ifaceNodeId(h.netns, h.ifname) })),
          holders.map((h) => ({ label: h.label, raw: h.raw })),
          null
        )
      )
    }
    return out
  }
}

export const duplicateMac: Check = {
  ids: ['duplicate-mac'],
  needs: [NEEDS.links, NEEDS.anyContainers],
  run(ctx) {
    // Same L2 segment only: ports of one bridge (host veth MAC + the container end's MAC behind it).
    type MacHolder = { label: string; raw: string; node: string }
    const bySegment = new Map<string, Map<string, MacHolder[]>>()
    const add = (segment: string, mac: string, label: string, raw: string, node: string): void => {
      const m = mac.toLowerCase()
      if (m === '00:00:00:00:00:00') return
      const seg = bySegment.get(segment) ?? new Map<string, MacHolder[]>()
      const list = seg.get(m) ?? []
      if (!list.some((e) => e.node === node)) list.push({ label, raw, node })
      seg.set(m, list)
      bySegment.set(segment, seg)
    }
    for (const c of ctx.bridgeish()) {
      for (const ci of c.interfaces) {
        const vethNetns = vethNetnsOf(ci)
        const veth = vethNetns && ci.hostVeth ? ctx.iface(vethNetns, ci.hostVeth) : null
        const bridge = veth?.master ? { name: veth.master, netns: veth.netns } : interfaceBridgeRef(ci)
        // One L2 segment per bridge, named with its namespace when it is not the host's (overlays' br0).
        const segment = bridge ? (bridge.netns === 'host' ? bridge.name : `${bridge.name} (${bridge.netns})`) : ci.network
        if (!segment || !ci.mac) continue
        add(
          segment,
          ci.mac,
          `${c.name} ${ci.ifname}`,
          `${c.name} ${ci.ifname} link/ether ${ci.mac}`,
          ifaceNodeId(containerNetnsId(c), ci.ifname)
        )
      }
    }
    // Ports of the host's bridges and of overlay namespaces' bridges, segment named as above.
    for (const i of ctx.snapshot.interfaces) {
      if (!i.master || !i.mac || i.kind === 'bridge' || ctx.snapshot.containers.some((c) => c.netns === i.netns)) continue
      const segment = i.netns === 'host' ? i.master : `${i.master} (${i.netns})`
      add(segment, i.mac, i.name, i.raw || `${i.name} link/ether ${i.mac}`, ifaceNodeId(i.netns, i.name))
    }
    const out = []
    for (const [segment, macs] of bySegment) {
      for (const [mac, holders] of macs) {
        if (holders.length < 2) continue
        out.push(
          finding(
            'duplicate-mac',
            'critical',
            L(`Duplicate MAC ${mac} on ${segment}`, `${segment} 上 MAC 地址 ${mac} 重复`),
            L(
              `${holders.map((h) => h.label).join(', ')} share MAC ${mac} on ${segment}. The bridge learns the address on one port at a time, so frames for it go to whichever sent last. Usually a --mac-address reused, or a cloned container.`,
              `${holders.map((h) => h.label).join('、')} 在 ${segment} 上用的是同一个 MAC ${mac}。网桥同一时间只会把它学习到一个端口上，发给这个 MAC 的帧只会去最后发过包的那个。一般是 --mac-address 配重复了，或者容器是克隆出来的。`
            ),
            holders.map((h) => ({ kind: 'interface' as const, id: h.node })),
            holders.map((h) => ({ label: h.label, raw: h.raw })),
            null
          )
        )
      }
    }
    return out
  }
}

export const subnetOverlap: Check = {
  ids: ['subnet-overlap'],
  needs: [NEEDS.dockerNetworks, NEEDS.routes],
  run(ctx) {
    const out = []
    const routes = mainRoutes(ctx.snapshot.routes, 'host').filter(
      (r) => r.dst !== 'default' && parseCidr(r.dst)?.prefix !== 0
    )
    for (const network of ctx.snapshot.networks) {
      const bridge = ctx.bridgeOf(network)
      for (const subnet of ctx.subnetsOf(network)) {
        const net = parseCidr(subnet)
        if (!net) continue
        const clashes = routes.filter(
          (r) => r.dev !== bridge && r.dev !== network.parent && cidrsOverlap(parseCidr(r.dst)!, net)
        )
        if (!clashes.length) continue
        out.push(
          finding(
            'subnet-overlap',
            'warning',
            L(
              `Network ${network.name} (${subnet}) overlaps a host route`,
              `网络 ${network.name}（${subnet}）和宿主机路由重叠`
            ),
            L(
              `The host already routes ${clashes.map((r) => `${r.dst} via ${r.dev}`).join(', ')}, which overlaps ${subnet}. Depending on prefix length, either containers cannot reach those real machines (the bridge route wins) or the host sends container traffic out of the wrong interface. Recreate the network with a free range (docker network create --subnet …) or set default-address-pools in daemon.json.`,
              `宿主机上已经有 ${clashes.map((r) => `${r.dst}（走 ${r.dev}）`).join('、')} 这样的路由，和 ${subnet} 重叠。看前缀长短，要么容器访问不到那段真实网络（网桥路由优先），要么宿主机把容器的流量从错误的网卡发出去。用一个不冲突的网段重建网络（docker network create --subnet …），或者在 daemon.json 里配置 default-address-pools。`
            ),
            [{ kind: 'network', id: network.name }, ...clashes.map((r) => ({ kind: 'route' as const, id: r.raw }))],
            clashes.map((r) => ({ label: 'ip route', raw: r.raw })),
            null
          )
        )
      }
    }
    return out
  }
}
