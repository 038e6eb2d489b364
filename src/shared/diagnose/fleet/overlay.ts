/**
 * Cross-host overlay checks: one overlay name with different VNIs or subnets, FDB entries towards
 * VTEPs that are no host of the fleet, hosts of one overlay missing from each other's FDB, and MTU
 * differences along an overlay path (between hosts, and against the underlay that carries VXLAN).
 */
import type { FleetFinding } from '../../fleet/types'
import { shellCommand } from '../../shell'
import { L, fleetFinding, linkEvidence, listEn, listZh, type FleetCheck, type OverlayOnHost } from './context'

/** VXLAN over IPv4 adds 50 bytes: outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8. */
export const VXLAN_OVERHEAD = 50

function vniEvidence(o: OverlayOnHost): { label: string; raw: string } {
  if (o.vxlan?.raw) return { label: `${o.member.label}: ip -d link (${o.netns})`, raw: linkEvidence(o.vxlan) }
  return {
    label: `${o.member.label}: docker network inspect ${o.network.name}`,
    raw: `"com.docker.network.driver.overlay.vxlanid_list": "${o.vni ?? '?'}"  (network id ${o.network.id})`
  }
}

function subnetEvidence(o: OverlayOnHost): { label: string; raw: string } {
  return {
    label: `${o.member.label}: docker network inspect ${o.network.name}`,
    raw: `Subnet ${o.subnets.join(', ') || '?'}  (network id ${o.network.id})`
  }
}

function fdbEvidence(o: OverlayOnHost): { label: string; raw: string } {
  return {
    label: `${o.member.label}: bridge fdb (${o.netns})`,
    raw: o.fdb.map((f) => f.raw).join('\n') || '(no entry with a remote VTEP)'
  }
}

/** Groups the hosts of one overlay by a key, leaving out hosts where the key is unknown. */
function groupBy(list: OverlayOnHost[], key: (o: OverlayOnHost) => string | null): Map<string, OverlayOnHost[]> {
  const groups = new Map<string, OverlayOnHost[]>()
  for (const o of list) {
    const k = key(o)
    if (k === null) continue
    groups.set(k, [...(groups.get(k) ?? []), o])
  }
  return groups
}

const inspectCommand = (name: string): string | null =>
  shellCommand`docker network inspect ${name} --format '{{.Id}} {{.Scope}} {{index .Options "com.docker.network.driver.overlay.vxlanid_list"}} {{range .IPAM.Config}}{{.Subnet}} {{end}}'`

export const overlayVniMismatch: FleetCheck = {
  ids: ['fleet-overlay-vni-mismatch', 'fleet-overlay-subnet-mismatch'],
  run(ctx) {
    const out: FleetFinding[] = []
    for (const [name, list] of ctx.overlays()) {
      const byVni = groupBy(list, (o) => (o.vni === null ? null : String(o.vni)))
      if (byVni.size > 1) {
        const groups = [...byVni].map(([vni, hosts]) => `VNI ${vni}: ${hosts.map((h) => h.member.label).join(', ')}`)
        const groupsZh = [...byVni].map(([vni, hosts]) => `VNI ${vni}：${hosts.map((h) => h.member.label).join('、')}`)
        out.push(
          fleetFinding(
            'fleet-overlay-vni-mismatch',
            'critical',
            [...byVni.values()].flat().map((o) => o.member),
            L(
              `Overlay ${name} uses different VNIs on different hosts`,
              `overlay 网络 ${name} 在不同主机上的 VNI 不一样`
            ),
            L(
              `${groups.join('; ')}. Every VXLAN frame carries its VNI, and a host only hands a frame to the overlay whose VNI it carries, so containers on ${name} in one group never reach those in another, although the network has the same name everywhere. Two networks were created with one name: in two different swarms, or removed and created again while a host was away. Compare the network id and VNI on each host with the command below and recreate the odd ones from the swarm that should own the network.`,
              `${groupsZh.join('；')}。每个 VXLAN 帧都带着 VNI，主机只会把帧交给 VNI 相同的 overlay，所以这些组之间 ${name} 上的容器互相不通，尽管网络名字处处一样。这是用同一个名字建了两个网络：在两个不同的 swarm 里，或者某台主机离线期间网络被删掉又重建了。在每台主机上用下面的命令比较网络 id 和 VNI，再从应当拥有该网络的 swarm 重建不一致的那些。`
            ),
            [{ kind: 'network', id: name }],
            list.map(vniEvidence),
            `${inspectCommand(name)}\ndocker info --format '{{.Swarm.Cluster.ID}} {{.Swarm.NodeAddr}}'`
          )
        )
      }
      const bySubnet = groupBy(list, (o) => (o.subnets.length ? [...o.subnets].sort().join(' ') : null))
      if (bySubnet.size > 1) {
        const groups = [...bySubnet].map(
          ([subnet, hosts]) => `${subnet}: ${hosts.map((h) => h.member.label).join(', ')}`
        )
        const groupsZh = [...bySubnet].map(
          ([subnet, hosts]) => `${subnet}：${hosts.map((h) => h.member.label).join('、')}`
        )
        out.push(
          fleetFinding(
            'fleet-overlay-subnet-mismatch',
            'critical',
            [...bySubnet.values()].flat().map((o) => o.member),
            L(
              `Overlay ${name} has different subnets on different hosts`,
              `overlay 网络 ${name} 在不同主机上的子网不一样`
            ),
            L(
              `${groups.join('; ')}. Containers address each other inside the overlay's subnet: with different subnets they are not on one network even if frames get through, and addresses from one subnet are routed out of the overlay on the other hosts. The network was created more than once under one name; recreate it from one swarm manager so every host gets the same definition. Compare the definitions with the command below on each host.`,
              `${groupsZh.join('；')}。容器在 overlay 的子网里互相寻址：子网不同，即使帧能过去它们也不在同一个网络里，另一边的主机会把这个子网的地址路由到 overlay 之外。这个名字的网络被创建了不止一次；请从一个 swarm manager 重建它，让每台主机拿到同样的定义。在每台主机上用下面的命令比较它们的定义。`
            ),
            [{ kind: 'network', id: name }],
            list.map(subnetEvidence),
            inspectCommand(name)
          )
        )
      }
    }
    return out
  }
}

/** Hosts of one overlay whose VNI agrees with `o` (the FDB checks compare only those). */
function sameVni(o: OverlayOnHost, list: OverlayOnHost[]): OverlayOnHost[] {
  return list.filter((p) => p.member.id !== o.member.id && (o.vni === null || p.vni === null || p.vni === o.vni))
}

export const overlayVteps: FleetCheck = {
  ids: ['fleet-vtep-unknown', 'fleet-vtep-missing'],
  run(ctx) {
    const out: FleetFinding[] = []
    for (const [name, list] of ctx.overlays()) {
      for (const o of list) {
        const strays = [...new Set(o.fdb.map((f) => f.dst!).filter((dst) => !ctx.ownerOf(dst)))]
        if (strays.length) {
          const lines = o.fdb.filter((f) => strays.includes(f.dst!))
          out.push(
            fleetFinding(
              'fleet-vtep-unknown',
              'warning',
              [o.member],
              L(
                `${o.member.label} sends ${name} traffic to ${strays.length === 1 ? 'a VTEP' : 'VTEPs'} outside the fleet: ${strays.join(', ')}`,
                `${o.member.label} 把 ${name} 的流量发往不属于本组主机的 VTEP：${strays.join('、')}`
              ),
              L(
                `The VXLAN forwarding table of ${name} on ${o.member.label} sends ${lines.length} container MAC${lines.length === 1 ? '' : 's'} to ${listEn(strays)}, and no host of this fleet has ${strays.length === 1 ? 'that address' : 'those addresses'}. Either a host you did not add to the fleet (add it to check it too), or a node that left the swarm and whose entries stayed behind: traffic to those containers disappears. Check on a swarm manager which nodes are still in the swarm, and their addresses (commands below).`,
                `${o.member.label} 上 ${name} 的 VXLAN 转发表把 ${lines.length} 个容器 MAC 发往 ${listZh(strays)}，而本组主机里没有哪台拥有这些地址。要么是没有加进这组的主机（加进来一起检查），要么是已经离开 swarm 的节点留下的旧表项：发往那些容器的流量会消失。请在 swarm manager 上用下面的命令确认哪些节点还在 swarm 里，以及它们的地址。`
              ),
              [{ kind: 'network', id: name }],
              [{ label: `${o.member.label}: bridge fdb (${o.netns})`, raw: lines.map((f) => f.raw).join('\n') }],
              `docker node ls --format '{{.Hostname}} {{.Status}} {{.Availability}}'\ndocker node inspect --format '{{.Description.Hostname}} {{.Status.Addr}}' $(docker node ls -q)`
            )
          )
        }
        for (const peer of sameVni(o, list)) {
          // The FDB only lists hosts that have containers on the overlay.
          if (!o.netns || !peer.containers.length) continue
          const reaches = o.fdb.some((f) => ctx.ownerOf(f.dst!)?.id === peer.member.id)
          if (reaches) continue
          const peerVtep = ctx.vtepOf(peer.member, name)
          const remote = peer.containers.map((c) => `${c.container.name}${c.address ? ` ${c.address}` : ''}`)
          out.push(
            fleetFinding(
              'fleet-vtep-missing',
              'critical',
              [o.member, peer.member],
              L(
                `${o.member.label} has no VXLAN route to ${peer.member.label} on ${name}`,
                `${o.member.label} 上的 ${name} 没有到 ${peer.member.label} 的 VXLAN 转发表项`
              ),
              L(
                `${peer.member.label} runs ${listEn(remote)} on ${name}, but the overlay's forwarding table on ${o.member.label} has no entry towards ${peer.member.label}${peerVtep ? ` (${peerVtep})` : ''}: ${o.member.label}'s containers cannot reach those containers. Docker fills this table from the swarm's gossip (TCP/UDP 7946) and carries the traffic in VXLAN (UDP 4789): a firewall between the two hosts, a wrong --advertise-addr or --data-path-addr, or a node that lost its swarm membership leave it empty. The commands below check, from ${o.member.label}, that ${peer.member.label}'s swarm port answers, and (on both hosts) that the firewall lets UDP 4789 and 7946 through.`,
                `${peer.member.label} 在 ${name} 上运行着 ${listZh(remote)}，但 ${o.member.label} 上这个 overlay 的转发表里没有通往 ${peer.member.label}${peerVtep ? `（${peerVtep}）` : ''}的表项：${o.member.label} 上的容器访问不到那些容器。Docker 通过 swarm 的 gossip（TCP/UDP 7946）填这张表，再用 VXLAN（UDP 4789）承载流量：两台主机之间的防火墙、错误的 --advertise-addr 或 --data-path-addr、或者节点丢了 swarm 成员身份，都会让它空着。下面的命令在 ${o.member.label} 上检查 ${peer.member.label} 的 swarm 端口是否有响应，并（在两台主机上）检查防火墙是否放行 UDP 4789 和 7946。`
              ),
              [
                { kind: 'network', id: name },
                ...peer.containers.map((c) => ({ kind: 'container' as const, id: c.container.name }))
              ],
              [
                fdbEvidence(o),
                {
                  label: `${peer.member.label}: containers on ${name}`,
                  raw: peer.containers
                    .map((c) => `${c.container.name} ${c.address ?? '-'} (VTEP ${peerVtep ?? '?'})`)
                    .join('\n')
                }
              ],
              peerVtep ? shellCommand`nc -zv ${peerVtep} 7946\niptables -S INPUT` : null
            )
          )
        }
      }
    }
    return out
  }
}

export const overlayMtu: FleetCheck = {
  ids: ['fleet-overlay-mtu'],
  run(ctx) {
    const out: FleetFinding[] = []
    for (const [name, list] of ctx.overlays()) {
      const active = list.filter((o) => o.netns || o.containers.length)
      // Between hosts: the MTU the overlay's containers (or its VXLAN device) use on each host.
      const mtuOf = (o: OverlayOnHost): number | null =>
        o.containers.find((c) => c.mtu !== null)?.mtu ?? o.vxlan?.mtu ?? null
      const byMtu = groupBy(active, (o) => (mtuOf(o) === null ? null : String(mtuOf(o))))
      if (byMtu.size > 1) {
        const sizes = [...byMtu.keys()].map(Number).sort((a, b) => a - b)
        const groups = [...byMtu].map(([mtu, hosts]) => `MTU ${mtu}: ${hosts.map((h) => h.member.label).join(', ')}`)
        const groupsZh = [...byMtu].map(([mtu, hosts]) => `MTU ${mtu}：${hosts.map((h) => h.member.label).join('、')}`)
        out.push(
          fleetFinding(
            'fleet-overlay-mtu',
            'warning',
            [...byMtu.values()].flat().map((o) => o.member),
            L(
              `Overlay ${name} has different MTUs on different hosts`,
              `overlay 网络 ${name} 在不同主机上的 MTU 不一样`
            ),
            L(
              `${groups.join('; ')}. A container with MTU ${sizes[sizes.length - 1]} sends packets that a ${sizes[0]}-byte path on the other host cannot take whole: small requests work, large responses stall (TCP sessions that hang after the handshake are the usual sign). Give the overlay one MTU everywhere (the com.docker.network.driver.mtu option of the network).`,
              `${groupsZh.join('；')}。MTU 为 ${sizes[sizes.length - 1]} 的容器发出的包，另一台主机上 ${sizes[0]} 字节的路径装不下：小请求正常，大响应卡住（常见症状是 TCP 握手成功后会话就挂住）。让这个 overlay 在所有主机上用同一个 MTU（网络的 com.docker.network.driver.mtu 选项）。`
            ),
            [{ kind: 'network', id: name }],
            active.map((o) => ({
              label: `${o.member.label}: MTU on ${name}`,
              raw: [
                o.vxlan ? `${o.vxlan.name} mtu ${o.vxlan.mtu ?? '?'}` : '',
                ...o.containers.map((c) => `${c.container.name} mtu ${c.mtu ?? '?'}`)
              ]
                .filter(Boolean)
                .join('\n')
            })),
            shellCommand`docker network inspect ${name} --format '{{index .Options "com.docker.network.driver.mtu"}}'`
          )
        )
      }
      // Against the underlay: the NIC that carries VXLAN towards each remote VTEP (the route the
      // kernel picks for it) must take the overlay's MTU plus the 50 bytes of encapsulation.
      for (const o of active) {
        const overlayMtu = mtuOf(o)
        if (!overlayMtu) continue
        const seen = new Set<string>()
        for (const dst of new Set(o.fdb.map((f) => f.dst!))) {
          const egress = ctx.egressTowards(o.member, dst)
          const nic = egress?.iface
          if (!nic?.mtu || overlayMtu + VXLAN_OVERHEAD <= nic.mtu || seen.has(nic.name)) continue
          seen.add(nic.name)
          const peer = ctx.ownerOf(dst)
          const towards = peer ? `${peer.label} (${dst})` : dst
          out.push(
            fleetFinding(
              'fleet-overlay-mtu',
              'warning',
              peer ? [o.member, peer] : [o.member],
              L(
                `${o.member.label}: ${name} (MTU ${overlayMtu}) does not fit into ${nic.name} (MTU ${nic.mtu}) with VXLAN`,
                `${o.member.label}：${name}（MTU ${overlayMtu}）加上 VXLAN 封装后放不进 ${nic.name}（MTU ${nic.mtu}）`
              ),
              L(
                `VXLAN adds ${VXLAN_OVERHEAD} bytes to every packet, so an overlay MTU of ${overlayMtu} needs ${overlayMtu + VXLAN_OVERHEAD} bytes on ${nic.name}, which carries the tunnel towards ${towards} but only takes ${nic.mtu}. Full-size packets between containers on different hosts are dropped or fragmented. Lower the overlay's MTU to ${nic.mtu - VXLAN_OVERHEAD} (recreate the network from a swarm manager as below) or raise the underlay's.`,
                `VXLAN 给每个包多加 ${VXLAN_OVERHEAD} 字节，所以 overlay MTU 为 ${overlayMtu} 时，承载通往 ${towards} 隧道的 ${nic.name} 需要 ${overlayMtu + VXLAN_OVERHEAD} 字节，但它只有 ${nic.mtu}。不同主机上容器之间的满长包会被丢弃或分片。把 overlay 的 MTU 降到 ${nic.mtu - VXLAN_OVERHEAD}（在 swarm manager 上按下面的命令重建网络），或者调大底层网卡的 MTU。`
              ),
              [
                { kind: 'network', id: name },
                { kind: 'interface', id: nic.name }
              ],
              [
                { label: `${o.member.label}: ip link (${nic.name})`, raw: linkEvidence(nic) },
                ...(o.vxlan
                  ? [{ label: `${o.member.label}: ip -d link (${o.netns})`, raw: linkEvidence(o.vxlan) }]
                  : []),
                ...o.fdb
                  .filter((f) => f.dst === dst)
                  .slice(0, 1)
                  .map((f) => ({ label: `${o.member.label}: bridge fdb (${o.netns})`, raw: f.raw }))
              ],
              `docker network create -d overlay --opt com.docker.network.driver.mtu=${nic.mtu - VXLAN_OVERHEAD} …`
            )
          )
        }
      }
    }
    return out
  }
}
