/**
 * Renders a simulated host (world.ts) into the exact text the probe's commands print:
 * iproute2 6.1 JSON (`ip -j -d link`, `ip -j addr`, `ip -j route show table all`), `bridge -j`,
 * `brctl show`, Docker 20.10 `docker network/container inspect` (render-docker.ts), `iptables-save` v1.8.9
 * (nf_tables), `conntrack -L -o extended`, /proc/net/dev, `ss -Htulpn`, sysctls and netns.map.
 * Key names and order follow real outputs captured in test/fixtures/sim-reference.
 */
import type { Capture, RawSection } from '../capture/capture-types'
import { NS_SECTION, SECTION, nsSectionName } from '../capture/sections'
import type { Scenario } from './scenario-schema'
import { planFlows } from './flows'
import { renderIptablesSave } from './rules'
import { linkPeer } from './sim-helpers'
import { broadcastOf, formatIpv4, ipv4Octets, maskOf, stripPrefix } from '../../shared/net/ip'
import { isPodman, podmanListenerRows, podmanSections } from './podman'
import { countersAt, procNetDev } from './render-counters'
import { dockerContainersJson, dockerNetworksJson } from './render-docker'
import { blockOf, hostNetnsIdMap, ipValue, linkLocal, type NsId, type SimIface, type SimWorld } from './world'

const LIFE = 4294967295

type Json = Record<string, unknown>

function flagsOf(i: SimIface): string[] {
  if (i.kind === 'loopback') return ['LOOPBACK', 'UP', 'LOWER_UP']
  const base = ['BROADCAST', 'MULTICAST']
  if (!i.adminUp) return base
  if (!i.carrier) return ['NO-CARRIER', ...base, 'UP']
  return [...base, 'UP', 'LOWER_UP']
}
function operstate(i: SimIface): string {
  if (i.kind === 'loopback') return 'UNKNOWN'
  if (!i.adminUp) return 'DOWN'
  if (i.kind === 'vxlan') return 'UNKNOWN'
  if (!i.carrier) return i.kind === 'veth' ? 'LOWERLAYERDOWN' : 'DOWN'
  return 'UP'
}
const qdisc = (i: SimIface): string => (i.kind === 'device' ? (i.adminUp ? 'pfifo_fast' : 'noop') : 'noqueue')
const bridgeId = (mac: string): string =>
  `8000.${mac
    .split(':')
    .map((b) => parseInt(b, 16).toString(16))
    .join(':')}`

/** link_netnsid of an interface's peer, as seen from the interface's own namespace. */
function linkNetnsId(world: SimWorld, i: SimIface): number | null {
  if (!i.link || i.link.netns === i.netns) return null
  if (i.netns === 'host') return hostNetnsIdMap(world).get(i.link.netns) ?? null
  if (i.link.netns === 'host') return 0
  // Container seen from an overlay namespace: host is 0, then its containers in order.
  const peers = [
    ...new Set(
      world.ifaces.filter((x) => x.netns === i.netns && x.link && x.link.netns !== 'host').map((x) => x.link!.netns)
    )
  ]
  return peers.indexOf(i.link.netns) + 1
}

function masterOf(world: SimWorld, i: SimIface): SimIface | undefined {
  return i.master ? world.ifaces.find((x) => x.netns === i.netns && x.name === i.master) : undefined
}

function slaveData(world: SimWorld, i: SimIface, portNo: number): Json {
  const br = masterOf(world, i)!
  const id = bridgeId(br.mac)
  return {
    state: i.adminUp && i.carrier ? 'forwarding' : 'disabled',
    priority: 32,
    cost: 2,
    hairpin: false,
    guard: false,
    root_block: false,
    fastleave: false,
    learning: i.kind !== 'vxlan',
    flood: true,
    id: `0x${(0x8000 + portNo).toString(16)}`,
    no: `0x${portNo.toString(16)}`,
    designated_port: 32768 + portNo,
    designated_cost: 0,
    bridge_id: id,
    root_id: id,
    hold_timer: 0.0,
    message_age_timer: 0.0,
    forward_delay_timer: 0.0,
    topology_change_ack: 0,
    config_pending: 0,
    proxy_arp: false,
    proxy_arp_wifi: false,
    multicast_router: 1,
    mcast_flood: true,
    bcast_flood: true,
    mcast_to_unicast: false,
    neigh_suppress: false,
    group_fwd_mask: '0',
    group_fwd_mask_str: '0x0',
    vlan_tunnel: false,
    isolated: false,
    locked: false
  }
}

function bridgeInfoData(i: SimIface): Json {
  const id = bridgeId(i.mac)
  return {
    forward_delay: 1500,
    hello_time: 200,
    max_age: 2000,
    ageing_time: 30000,
    stp_state: 0,
    priority: 32768,
    vlan_filtering: 0,
    bridge_id: id,
    root_id: id,
    root_port: 0,
    root_path_cost: 0,
    topology_change: 0,
    topology_change_detected: 0,
    hello_timer: 0.0,
    tcn_timer: 0.0,
    topology_change_timer: 0.0,
    gc_timer: 120.5,
    group_fwd_mask: '0',
    group_addr: '01:80:c2:00:00:00',
    mcast_snooping: 1,
    no_linklocal_learn: 0,
    mcast_vlan_snooping: 0,
    mcast_router: 1,
    mcast_query_use_ifaddr: 0,
    mcast_querier: 0,
    mcast_hash_elasticity: 16,
    mcast_hash_max: 4096,
    mcast_last_member_cnt: 2,
    mcast_startup_query_cnt: 2,
    mcast_last_member_intvl: 100,
    mcast_membership_intvl: 26000,
    mcast_querier_intvl: 25500,
    mcast_query_intvl: 12500,
    mcast_query_response_intvl: 1000,
    mcast_startup_query_intvl: 3124,
    mcast_stats_enabled: 0,
    mcast_igmp_version: 2,
    mcast_mld_version: 1,
    nf_call_iptables: 0,
    nf_call_ip6tables: 0,
    nf_call_arptables: 0
  }
}

/** The header fields shared by `ip -j link` and `ip -j addr` (same order as iproute2 prints them). */
function linkHead(world: SimWorld, i: SimIface, detailed: boolean): Json {
  const o: Json = { ifindex: i.ifindex }
  if (i.link) o.link_index = i.link.ifindex
  o.ifname = i.name
  o.flags = flagsOf(i)
  o.mtu = i.mtu
  o.qdisc = qdisc(i)
  if (i.master) o.master = i.master
  o.operstate = operstate(i)
  if (detailed) o.linkmode = 'DEFAULT'
  o.group = 'default'
  if (i.kind === 'loopback' || i.kind === 'device' || i.txqlen) o.txqlen = i.txqlen ?? 1000
  o.link_type = i.kind === 'loopback' ? 'loopback' : 'ether'
  o.address = i.mac
  o.broadcast = i.kind === 'loopback' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff'
  const nsid = linkNetnsId(world, i)
  if (nsid !== null) o.link_netnsid = nsid
  return o
}

export function ipLinkJson(world: SimWorld, netns: NsId): string {
  const portNos = new Map<string, number>()
  const out = world.ifaces
    .filter((i) => i.netns === netns)
    .sort((a, b) => a.ifindex - b.ifindex)
    .map((i) => {
      const o = linkHead(world, i, true)
      const enslaved = i.master !== null
      o.promiscuity = enslaved ? 1 : 0
      o.allmulti = enslaved ? 1 : 0
      o.min_mtu = i.kind === 'loopback' ? 0 : 68
      o.max_mtu = i.kind === 'loopback' ? 0 : 65535
      let portNo = 0
      if (enslaved) {
        portNo = (portNos.get(i.master!) ?? 0) + 1
        portNos.set(i.master!, portNo)
      }
      const slave = enslaved ? { info_slave_kind: 'bridge', info_slave_data: slaveData(world, i, portNo) } : {}
      if (i.kind === 'bridge') o.linkinfo = { info_kind: 'bridge', info_data: bridgeInfoData(i) }
      else if (i.kind === 'veth') o.linkinfo = { info_kind: 'veth', ...slave }
      else if (i.kind === 'macvlan') o.linkinfo = { info_kind: 'macvlan', info_data: { mode: 'bridge' } }
      else if (i.kind === 'dummy') o.linkinfo = { info_kind: 'dummy' }
      else if (i.kind === 'vxlan')
        o.linkinfo = {
          info_kind: 'vxlan',
          info_data: {
            id: i.vni,
            port_range: { low: 0, high: 0 },
            port: 4789,
            learning: false,
            proxy: true,
            rsc: false,
            l2miss: true,
            l3miss: true,
            ttl: 0,
            df: 'unset',
            ageing: 300,
            udp_csum: false,
            udp_zero_csum6_tx: false,
            udp_zero_csum6_rx: false
          },
          ...slave
        }
      o.inet6_addr_gen_mode = 'eui64'
      const queues = i.kind === 'veth' ? 2 : 1
      o.num_tx_queues = queues
      o.num_rx_queues = queues
      o.gso_max_size = 65536
      o.gso_max_segs = 65535
      o.tso_max_size = i.kind === 'device' ? 65536 : 524280
      o.tso_max_segs = 65535
      o.gro_max_size = 65536
      if (i.kind === 'device') {
        o.parentbus = 'pci'
        o.parentdev = `0000:02:${(i.ifindex + 0).toString(16).padStart(2, '0')}.0`
      }
      return o
    })
  return JSON.stringify(out) + '\n'
}

/** Containers have IPv6 disabled by Docker (no fe80::); host interfaces get their link-local. */
function hasLinkLocal(i: SimIface): boolean {
  return i.netns === 'host' && i.kind !== 'loopback' && i.adminUp && i.carrier
}

export function ipAddrJson(world: SimWorld, netns: NsId): string {
  const out = world.ifaces
    .filter((i) => i.netns === netns)
    .sort((a, b) => a.ifindex - b.ifindex)
    .map((i) => {
      const o = linkHead(world, i, false)
      const info: Json[] = i.addresses.map((a) => {
        const [ip, prefix] = [stripPrefix(a), blockOf(a).prefix]
        const entry: Json = { family: 'inet', local: ip, prefixlen: prefix }
        if (i.kind !== 'loopback' && prefix < 31) entry.broadcast = formatIpv4(broadcastOf(blockOf(a)))
        entry.scope = i.kind === 'loopback' ? 'host' : 'global'
        entry.label = i.name
        entry.valid_life_time = LIFE
        entry.preferred_life_time = LIFE
        return entry
      })
      if (i.kind === 'loopback' && netns === 'host')
        info.push({
          family: 'inet6',
          local: '::1',
          prefixlen: 128,
          scope: 'host',
          valid_life_time: LIFE,
          preferred_life_time: LIFE
        })
      if (hasLinkLocal(i))
        info.push({
          family: 'inet6',
          local: linkLocal(i.mac),
          prefixlen: 64,
          scope: 'link',
          valid_life_time: LIFE,
          preferred_life_time: LIFE
        })
      o.addr_info = info
      return o
    })
  return JSON.stringify(out) + '\n'
}

/** A route the kernel adds to table local, as `ip -j route show table all` lists it (fields in its order). */
function kernelLocalRoute(type: string, dst: string, dev: string, rest: Json): Json {
  return { type, dst, dev, table: 'local', protocol: 'kernel', ...rest }
}

export function ipRouteJson(world: SimWorld, netns: NsId): string {
  const ns = world.namespaces.find((n) => n.id === netns)
  const ifaces = world.ifaces.filter((i) => i.netns === netns).sort((a, b) => a.ifindex - b.ifindex)
  const out: Json[] = []
  for (const r of ns?.routes ?? []) {
    const o: Json = { dst: r.dst }
    if (r.gateway) o.gateway = r.gateway
    o.dev = r.dev
    if (r.protocol) o.protocol = r.protocol
    if (r.scope) o.scope = r.scope
    if (r.prefsrc) o.prefsrc = r.prefsrc
    o.flags = r.linkdown ? ['linkdown'] : []
    out.push(o)
  }
  // Table local: a local route per address and a broadcast route per subnet (in address order).
  const local: Json[] = []
  for (const i of ifaces)
    for (const a of i.addresses) {
      const ip = stripPrefix(a)
      if (i.kind === 'loopback') {
        local.push(
          kernelLocalRoute('local', '127.0.0.0/8', 'lo', { scope: 'host', prefsrc: ip, flags: [] }),
          kernelLocalRoute('local', '127.0.0.1', 'lo', { scope: 'host', prefsrc: ip, flags: [] }),
          kernelLocalRoute('broadcast', '127.255.255.255', 'lo', { scope: 'link', prefsrc: ip, flags: [] })
        )
        continue
      }
      const linkdown = !(i.adminUp && i.carrier)
      local.push(kernelLocalRoute('local', ip, i.name, { scope: 'host', prefsrc: ip, flags: [] }))
      if (blockOf(a).prefix < 31)
        local.push(
          kernelLocalRoute('broadcast', formatIpv4(broadcastOf(blockOf(a))), i.name, {
            scope: 'link',
            prefsrc: ip,
            flags: linkdown ? ['linkdown'] : []
          })
        )
    }
  const ipKey = (o: Json): number =>
    (o.dst as string)
      .split(/[./]/)
      .slice(0, 4)
      .reduce((acc, p) => acc * 256 + Number(p), 0)
  const lo = local.filter((o) => o.dev === 'lo')
  out.push(...lo, ...local.filter((o) => o.dev !== 'lo').sort((a, b) => ipKey(a) - ipKey(b)))
  if (netns === 'host') {
    const v6 = ifaces.filter((i) => hasLinkLocal(i))
    for (const i of v6)
      out.push({ dst: 'fe80::/64', dev: i.name, protocol: 'kernel', metric: 256, flags: [], pref: 'medium' })
    const kernelLocal = (type: string, dst: string, dev: string, metric: number): Json =>
      kernelLocalRoute(type, dst, dev, { metric, flags: [], pref: 'medium' })
    out.push(kernelLocal('local', '::1', 'lo', 0))
    for (const i of v6) out.push(kernelLocal('local', linkLocal(i.mac), i.name, 0))
    for (const i of v6) out.push(kernelLocal('multicast', 'ff00::/8', i.name, 256))
  }
  return JSON.stringify(out) + '\n'
}

export function bridgeLinkJson(world: SimWorld): string {
  const out = world.ifaces
    .filter((i) => i.netns === 'host' && i.master)
    .sort((a, b) => a.ifindex - b.ifindex)
    .map((i) => {
      const o: Json = { ifindex: i.ifindex }
      if (i.link) o.link = `if${i.link.ifindex}`
      o.ifname = i.name
      o.flags = flagsOf(i)
      o.mtu = i.mtu
      o.master = i.master
      o.state = i.adminUp && i.carrier ? 'forwarding' : 'disabled'
      o.priority = 32
      o.cost = 2
      return o
    })
  return JSON.stringify(out) + '\n'
}

export function bridgeFdbJson(world: SimWorld, netns: NsId): string {
  const out: Json[] = []
  const ifaces = world.ifaces.filter((i) => i.netns === netns).sort((a, b) => a.ifindex - b.ifindex)
  for (const i of ifaces) {
    if (i.kind === 'loopback') continue
    if (i.kind === 'bridge') {
      out.push({ mac: '33:33:00:00:00:01', ifname: i.name, flags: ['self'], state: 'permanent' })
      out.push({ mac: '01:00:5e:00:00:01', ifname: i.name, flags: ['self'], state: 'permanent' })
      out.push({ mac: i.mac, ifname: i.name, flags: [], master: i.name, state: 'permanent' })
    } else if (i.master) {
      // The port's own MAC (permanent) and the learnt MAC of the container behind it.
      out.push({ mac: i.mac, ifname: i.name, vlan: 1, flags: [], master: i.master, state: 'permanent' })
      out.push({ mac: i.mac, ifname: i.name, flags: [], master: i.master, state: 'permanent' })
      const peer = linkPeer(world, i)
      if (peer && i.kind === 'veth') out.push({ mac: peer.mac, ifname: i.name, flags: [], master: i.master, state: '' })
    } else if (i.kind === 'device' || i.kind === 'veth') {
      out.push({ mac: '33:33:00:00:00:01', ifname: i.name, flags: ['self'], state: 'permanent' })
      out.push({ mac: '01:00:5e:00:00:01', ifname: i.name, flags: ['self'], state: 'permanent' })
    }
  }
  const ns = world.namespaces.find((n) => n.id === netns)
  for (const e of ns?.fdb ?? []) {
    const o: Json = { mac: e.mac, ifname: e.dev }
    if (e.dst) o.dst = e.dst
    if (e.linkNetnsId !== undefined) o.link_netnsid = e.linkNetnsId
    o.flags = e.flags
    if (e.master) o.master = e.master
    o.state = e.state
    out.push(o)
  }
  return JSON.stringify(out) + '\n'
}

export function brctlShow(world: SimWorld): string {
  const lines = ['bridge name\tbridge id\t\tSTP enabled\tinterfaces']
  const bridges = world.ifaces
    .filter((i) => i.netns === 'host' && i.kind === 'bridge')
    .sort((a, b) => a.name.localeCompare(b.name))
  for (const br of bridges) {
    const ports = world.ifaces
      .filter((i) => i.netns === 'host' && i.master === br.name)
      .map((i) => i.name)
      .sort()
    const id = `8000.${br.mac.replace(/:/g, '')}`
    const namePad = br.name.length >= 8 ? `${br.name}\t\t` : `${br.name}\t\t`
    lines.push(`${namePad}${id}\tno\t\t${ports[0] ?? ''}`)
    for (const p of ports.slice(1)) lines.push(`\t\t\t\t\t\t\t${p}`)
  }
  return lines.join('\n') + '\n'
}

export function sysBrif(world: SimWorld): string {
  const bridges = world.ifaces
    .filter((i) => i.netns === 'host' && i.kind === 'bridge')
    .sort((a, b) => a.name.localeCompare(b.name))
  const lines: string[] = []
  for (const br of bridges) {
    const ports = world.ifaces
      .filter((i) => i.netns === 'host' && i.master === br.name)
      .map((i) => i.name)
      .sort()
    if (ports.length === 0) lines.push(br.name)
    for (const p of ports) lines.push(`${br.name} ${p}`)
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : ''
}

// ------------------------------------------------------------------ listeners, sysctls and /proc

export function ssListen(world: SimWorld): string {
  const rows: string[][] = [['tcp', 'LISTEN', '0', '128', '0.0.0.0:22', '0.0.0.0:*', 'users:(("sshd",pid=612,fd=3))']]
  rows.push(...podmanListenerRows(world))
  for (const c of world.containers) {
    if (c.state !== 'running' || isPodman(c)) continue
    c.ports.forEach((p, i) => {
      const [pid4, pid6] = [c.proxyPids[i * 2], c.proxyPids[i * 2 + 1]]
      const q = p.proto === 'udp' ? ['UNCONN', '0', '0'] : ['LISTEN', '0', '4096']
      rows.push([p.proto, ...q, `${p.hostIp}:${p.hostPort}`, '0.0.0.0:*', `users:(("docker-proxy",pid=${pid4},fd=4))`])
      if (p.hostIp === '0.0.0.0')
        rows.push([p.proto, ...q, `[::]:${p.hostPort}`, '[::]:*', `users:(("docker-proxy",pid=${pid6},fd=4))`])
    })
  }
  rows.push(['tcp', 'LISTEN', '0', '128', '[::]:22', '[::]:*', 'users:(("sshd",pid=612,fd=4))'])
  rows.sort((a, b) => (a[0] === b[0] ? 0 : a[0] === 'udp' ? -1 : 1))
  const width = (col: number): number => Math.max(...rows.map((r) => r[col].length))
  return (
    rows
      .map((r) =>
        [
          r[0],
          r[1].padEnd(width(1)),
          r[2].padEnd(6),
          r[3].padStart(width(3)),
          r[4].padStart(width(4)),
          r[5].padEnd(width(5)),
          r[6]
        ].join(' ')
      )
      .join('\n') + '\n'
  )
}

export function sysctlText(world: SimWorld): string {
  const s = world.host.sysctls
  const ipf = world.faults.some((f) => f.type === 'ip-forward-off') ? 0 : s.ip_forward
  const lines = [
    `net.ipv4.ip_forward = ${ipf}`,
    `net.bridge.bridge-nf-call-iptables = ${s['bridge-nf-call-iptables']}`,
    `net.bridge.bridge-nf-call-ip6tables = ${s['bridge-nf-call-iptables']}`,
    `net.ipv4.conf.all.rp_filter = ${s.rp_filter}`,
    `net.ipv4.conf.default.rp_filter = ${s.rp_filter}`
  ]
  const names = world.ifaces
    .filter((i) => i.netns === 'host')
    .map((i) => i.name)
    .sort()
  for (const n of names) lines.push(`net.ipv4.conf.${n}.rp_filter = ${s.rp_filter}`)
  return lines.join('\n') + '\n'
}

function procIgmp(world: SimWorld, netns: NsId): string {
  const lines = ['Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter']
  for (const i of world.ifaces.filter((x) => x.netns === netns && x.adminUp).sort((a, b) => a.ifindex - b.ifindex)) {
    lines.push(`${i.ifindex}\t${i.name.padEnd(10)}:     1      V3`, '\t\t\t\t010000E0     1 0:00000000\t\t0')
  }
  return lines.join('\n') + '\n'
}

function procRoute(world: SimWorld, netns: NsId): string {
  // The kernel prints its u32 in host byte order: little-endian hosts reverse the octets.
  const hexOf = (value: number): string =>
    ipv4Octets(value)
      .map((p) => p.toString(16).padStart(2, '0').toUpperCase())
      .reverse()
      .join('')
  const hex = (ip: string): string => hexOf(ipValue(ip))
  const mask = (prefix: number): string => hexOf(maskOf(prefix))
  const lines = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       '
  ]
  const ns = world.namespaces.find((n) => n.id === netns)
  for (const r of ns?.routes ?? []) {
    const isDefault = r.dst === 'default'
    const { ip, prefix } = isDefault
      ? { ip: '0.0.0.0', prefix: 0 }
      : { ip: stripPrefix(r.dst), prefix: blockOf(r.dst).prefix }
    const flags = r.gateway ? '0003' : '0001'
    lines.push(
      `${r.dev}\t${hex(ip)}\t${hex(r.gateway ?? '0.0.0.0')}\t${flags}\t0\t0\t0\t${mask(prefix)}\t0\t0\t0                                                                               `
    )
  }
  return lines.join('\n') + '\n'
}

function netnsMap(world: SimWorld): { text: string; read: NsId[] } {
  const lines = [`host ${world.namespaces[0].inode}`]
  const seen = new Set<number>([world.namespaces[0].inode])
  const read: NsId[] = []
  const inodeOf = (ns: NsId): number => world.namespaces.find((n) => n.id === ns)?.inode ?? 0
  // `docker ps -q` lists the newest container first.
  for (const c of [...world.containers].reverse()) {
    if (c.state !== 'running') continue
    const ino = inodeOf(c.netns)
    const nsid = `pid:${c.pid}`
    lines.push(`${nsid} ${ino} ${c.id}`)
    if (!seen.has(ino)) {
      seen.add(ino)
      read.push(c.netns)
    }
  }
  for (const c of world.containers) {
    if (c.state !== 'running' || !c.sandboxKey) continue
    const file = c.sandboxKey.split('/').pop()!
    // Podman's namespace files are in /run/netns, which the probe reads as `ip netns` files.
    lines.push(
      `${isPodman(c) ? 'ipnetns' : 'docker'}:${file} ${c.netns === 'host' ? world.namespaces[0].inode : inodeOf(c.netns)}`
    )
  }
  for (const ns of world.namespaces.filter((n) => n.id.startsWith('docker:') || n.id.startsWith('ipnetns:'))) {
    lines.push(`${ns.id} ${ns.inode}`)
    if (!seen.has(ns.inode)) {
      seen.add(ns.inode)
      read.push(ns.id)
    }
  }
  return { text: lines.join('\n') + '\n', read }
}

/** The namespace's section id: containers are read through their (first) pid. */
function sectionNsId(world: SimWorld, ns: NsId): string {
  if (ns.startsWith('pid:')) {
    const owner = [...world.containers].reverse().find((c) => c.netns === ns && c.state === 'running')
    return owner ? `pid:${owner.pid}` : ns
  }
  return ns
}

// ------------------------------------------------------------------ the capture

function section(name: string, command: string, stdout: string, ms = 3): RawSection {
  return { name, command, exitCode: 0, ms, status: 'ok', stderr: '', stdout }
}

export function renderWorld(world: SimWorld, scenario: Scenario, atMs: number, capturedAt: string): Capture {
  const plans = planFlows(world, scenario)
  const counters = countersAt(world, plans, atMs)
  const conntrackLines = plans.flatMap((p) => p.conntrack)
  const hasDocker = true
  const map = netnsMap(world)
  const sections: RawSection[] = [
    section(SECTION.hostname, 'hostname', `${world.hostname}\n`, 1),
    section(SECTION.kernel, 'uname -r', `${world.host.kernel}\n`, 1),
    section(SECTION.uid, 'id -u', '0\n', 1),
    section(
      SECTION.dockerVersion,
      "docker version --format '{{.Server.Version}}'",
      `${world.host.dockerVersion}\n`,
      40
    ),
    section(SECTION.dockerNetworks, 'docker network inspect $(docker network ls -q)', dockerNetworksJson(world), 60),
    section(
      SECTION.dockerContainers,
      'docker container inspect $(docker ps -aq)',
      world.containers.length > 0 ? dockerContainersJson(world) : '[]\n',
      80
    ),
    section(SECTION.ipLink, 'ip -j -d link show', ipLinkJson(world, 'host')),
    section(SECTION.ipAddr, 'ip -j addr show', ipAddrJson(world, 'host')),
    section(SECTION.ipRoute, 'ip -j route show table all', ipRouteJson(world, 'host')),
    section(SECTION.ipNeigh, 'ip -j neigh show', '[]\n'),
    section(SECTION.bridgeLink, 'bridge -j link show', bridgeLinkJson(world)),
    section(SECTION.brctl, 'brctl show', brctlShow(world)),
    section(SECTION.bridgeFdb, 'bridge -j fdb show', bridgeFdbJson(world, 'host')),
    section(SECTION.sysBrif, 'ls /sys/class/net/*/brif', sysBrif(world)),
    section(SECTION.iptablesVersion, 'iptables -V', 'iptables v1.8.9 (nf_tables)\n', 2),
    section(SECTION.iptablesSave, 'iptables-save', hasDocker ? renderIptablesSave(world, capturedAt) : '', 12),
    // As on a Debian 12 host with ip_tables built in: the probe asks the legacy backend too, which is empty.
    section(SECTION.iptablesLegacySave, 'iptables-legacy-save', '', 3),
    section(
      SECTION.conntrack,
      'conntrack -L -o extended | head -n 200000',
      conntrackLines.length > 0 ? conntrackLines.join('\n') + '\n' : '',
      9
    ),
    section(SECTION.conntrackCount, 'cat /proc/sys/net/netfilter/nf_conntrack_count', `${conntrackLines.length}\n`, 1),
    section(SECTION.conntrackMax, 'cat /proc/sys/net/netfilter/nf_conntrack_max', '262144\n', 1),
    section(SECTION.procNetDev, 'cat /proc/net/dev', procNetDev(world, counters, 'host'), 1),
    section(SECTION.ss, 'ss -Htulpn', ssListen(world), 4),
    section(
      SECTION.sysctl,
      'cat /proc/sys/net/{ipv4/ip_forward,bridge/bridge-nf-call-ip*tables,ipv4/conf/*/rp_filter}',
      sysctlText(world),
      2
    ),
    section(SECTION.netnsMap, 'stat -L -c %i /proc/<pid>/ns/net /var/run/docker/netns/* /var/run/netns/*', map.text, 2),
    ...podmanSections(world)
  ]
  // conntrack prints its summary on stderr.
  const ct = sections.find((s) => s.name === SECTION.conntrack)!
  ct.stderr = `conntrack v1.4.7 (conntrack-tools): ${conntrackLines.length} flow entries have been shown.\n`
  for (const ns of map.read) {
    const id = sectionNsId(world, ns)
    const path = id.startsWith('pid:')
      ? `/proc/${id.slice(4)}/ns/net`
      : id.startsWith('docker:')
        ? `/var/run/docker/netns/${id.slice(7)}`
        : `/var/run/netns/${id.slice(8)}`
    sections.push(
      section(nsSectionName(id, NS_SECTION.ipLink), `nsenter --net=${path} ip -j -d link show`, ipLinkJson(world, ns)),
      section(nsSectionName(id, NS_SECTION.ipAddr), `nsenter --net=${path} ip -j addr show`, ipAddrJson(world, ns)),
      section(
        nsSectionName(id, NS_SECTION.ipRoute),
        `nsenter --net=${path} ip -j route show table all`,
        ipRouteJson(world, ns)
      ),
      section(
        nsSectionName(id, NS_SECTION.bridgeFdb),
        `nsenter --net=${path} bridge -j fdb show`,
        bridgeFdbJson(world, ns)
      )
    )
    if (id.startsWith('pid:')) {
      const pid = id.slice(4)
      sections.push(
        section(
          nsSectionName(id, NS_SECTION.procNetDev),
          `cat /proc/${pid}/net/dev`,
          procNetDev(world, counters, ns),
          1
        ),
        section(nsSectionName(id, NS_SECTION.igmp), `cat /proc/${pid}/net/igmp`, procIgmp(world, ns), 1),
        section(nsSectionName(id, NS_SECTION.procRoute), `cat /proc/${pid}/net/route`, procRoute(world, ns), 1)
      )
    }
  }
  return { formatVersion: 1, source: `sim:${scenario.id}`, capturedAt, sections }
}

/** /proc/net/dev texts of the host and each container namespace (`pid:<pid>`), for counter frames. */
export function counterTexts(world: SimWorld, scenario: Scenario, atMs: number): { netns: string; text: string }[] {
  const plans = planFlows(world, scenario)
  const counters = countersAt(world, plans, atMs)
  const out = [{ netns: 'host', text: procNetDev(world, counters, 'host') }]
  for (const ns of netnsMap(world).read) {
    if (!ns.startsWith('pid:')) continue
    out.push({ netns: sectionNsId(world, ns), text: procNetDev(world, counters, ns) })
  }
  return out
}
