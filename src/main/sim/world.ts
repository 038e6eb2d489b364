/**
 * Resolves one scenario host into concrete kernel and Docker objects: namespaces, interfaces with
 * ifindexes and peers, docker networks with ids and bridges, containers with pids and endpoints.
 * Everything is deterministic (hashes of the scenario id and names) so a scenario always renders
 * to the same ids, names and MACs. The renderers (render.ts) only format this world.
 */
import type { Scenario, ScenarioContainer, ScenarioHost } from './scenario-schema'
import { formatCidr, formatIpv4, inCidr, stripPrefix } from '../../shared/net/ip'
import { addOverlayNamespace, hostVtep, overlayVniOn } from './overlay-ns'
import { isPodman, podmanNetworks, podmanNetworkUsed, podmanSandboxKey } from './podman'

export { hostVtep } from './overlay-ns'

export * from './sim-helpers'
import { blockOf, dockerMac, hashInt, ipValue, loopback, randomMac, sha } from './sim-helpers'

export type NsId = string // 'host' | 'pid:<pid>' | 'docker:<file>' | 'ipnetns:<name>'

export interface SimIface {
  netns: NsId
  ifindex: number
  name: string
  kind: 'loopback' | 'device' | 'bridge' | 'veth' | 'vxlan' | 'macvlan' | 'dummy'
  mac: string
  mtu: number
  addresses: string[]
  adminUp: boolean
  carrier: boolean
  master: string | null
  /** veth peer or macvlan parent: ifindex and the netns it is in. */
  link: { ifindex: number; netns: NsId } | null
  vni: number | null
  /** A host veth that Docker attached: its container, for docs and counters. */
  container: string | null
  /** netavark sets a queue length on its bridges and both ends of its veths. */
  txqlen?: number
}

export interface SimRoute {
  dst: string
  gateway?: string
  dev: string
  protocol?: string
  scope?: string
  prefsrc?: string
  linkdown?: boolean
}

export interface SimNamespace {
  id: NsId
  inode: number
  /** Container ids sharing this namespace (owner first). */
  containers: string[]
  routes: SimRoute[]
  fdb: {
    mac: string
    dev: string
    master?: string
    dst?: string
    linkNetnsId?: number
    flags: string[]
    state: string
  }[]
}

export interface SimEndpoint {
  network: string
  networkId: string
  endpointId: string
  ifname: string
  ip: string
  prefix: number
  gateway: string
  mac: string
  hostVeth: string | null
}

export interface SimNetwork {
  name: string
  id: string
  driver: 'bridge' | 'host' | 'null' | 'macvlan' | 'overlay'
  scope: 'local' | 'swarm'
  subnet: string | null
  gateway: string | null
  internal: boolean
  icc: boolean
  masquerade: boolean
  bridge: string | null
  parent: string | null
  vni: number | null
  options: Record<string, string>
  created: string
  /** Creation order: Docker inserts newer networks' rules above older ones. */
  order: number
  /** `podman` for netavark networks (absent: Docker's). */
  runtime?: 'docker' | 'podman'
  dns?: boolean
}

export interface SimPort {
  hostIp: string
  hostPort: number
  containerPort: number
  proto: 'tcp' | 'udp'
}

export interface SimContainer {
  name: string
  id: string
  image: string
  state: ScenarioContainer['state']
  pid: number
  mode: string
  /** Docker's HostConfig.NetworkMode string. */
  networkMode: string
  netns: NsId
  sandboxKey: string
  sandboxId: string
  endpoints: SimEndpoint[]
  ports: SimPort[]
  proxyPids: number[]
  command: string[]
  created: string
  /** `podman` for Podman containers (absent: Docker's); conmon holds their published ports. */
  runtime?: 'docker' | 'podman'
  conmonPid?: number
}

export interface SimWorld {
  scenarioId: string
  host: ScenarioHost
  hostname: string
  namespaces: SimNamespace[]
  ifaces: SimIface[]
  networks: SimNetwork[]
  containers: SimContainer[]
  /** Host's address used for MASQUERADE towards an outside address. */
  egressAddress(dst: string): { ip: string; dev: string } | null
  /** Other hosts' VTEPs, for overlay FDB entries. */
  remoteVteps: string[]
  faults: ScenarioHost['faults']
}

const BASE_TIME = Date.UTC(2026, 0, 12, 9, 30, 0)
const iso = (offsetS: number): string =>
  new Date(BASE_TIME + offsetS * 1000).toISOString().replace('.000Z', '.123456789Z')

export function buildWorld(scenario: Scenario, hostName?: string): SimWorld {
  const h = hostName ? scenario.hosts.find((x) => x.name === hostName) : scenario.hosts[0]
  if (!h) throw new Error(`scenario ${scenario.id} has no host "${hostName}"`)
  const seed = `${scenario.id}/${h.name}`
  const faults = h.faults
  const ifaces: SimIface[] = []
  const namespaces: SimNamespace[] = []
  let nextIfindex = 1
  const alloc = (): number => nextIfindex++

  const hostNs: SimNamespace = { id: 'host', inode: 4026531840, containers: [], routes: [], fdb: [] }
  namespaces.push(hostNs)
  const downByName = new Set(faults.flatMap((f) => (f.type === 'interface-down' && f.interface ? [f.interface] : [])))

  ifaces.push(loopback('host', alloc()))
  for (const nic of h.nics) {
    const iface: SimIface = {
      netns: 'host',
      ifindex: alloc(),
      name: nic.name,
      kind: nic.kind,
      mac: nic.mac ?? randomMac(`${seed}/nic/${nic.name}`),
      mtu: nic.mtu,
      addresses: nic.addresses,
      adminUp: !downByName.has(nic.name),
      carrier: !downByName.has(nic.name),
      master: null,
      link: null,
      vni: null,
      container: null
    }
    ifaces.push(iface)
  }

  // Docker networks: the three built-ins, then user networks in file order (creation order).
  const networks: SimNetwork[] = []
  const netId = (name: string): string => sha(`${seed}/network/${name}`)
  const userBridge = h.networks.find((n) => n.name === 'bridge')
  const defaultSubnet = userBridge?.subnet ?? '172.17.0.0/16'
  networks.push({
    name: 'bridge',
    id: netId('bridge'),
    driver: 'bridge',
    scope: 'local',
    subnet: defaultSubnet,
    gateway: userBridge?.gateway ?? formatIpv4(blockOf(defaultSubnet).network + 1),
    internal: false,
    icc: userBridge?.icc ?? true,
    masquerade: true,
    bridge: userBridge?.bridge ?? 'docker0',
    parent: null,
    vni: null,
    options: {
      'com.docker.network.bridge.default_bridge': 'true',
      'com.docker.network.bridge.enable_icc': String(userBridge?.icc ?? true),
      'com.docker.network.bridge.enable_ip_masquerade': 'true',
      'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
      'com.docker.network.bridge.name': userBridge?.bridge ?? 'docker0',
      'com.docker.network.driver.mtu': String(userBridge?.mtu ?? 1500)
    },
    created: iso(0),
    order: 0
  })
  networks.push(builtin('host', 'host', netId('host')), builtin('none', 'null', netId('none')))
  const podman = podmanNetworks(h, netId, iso)
  networks.push(...podman.networks)
  h.networks
    .filter((n) => n.name !== 'bridge' && n.runtime !== 'podman')
    .forEach((n, i) => {
      const id = netId(n.name)
      const options: Record<string, string> = {}
      if (!n.icc) options['com.docker.network.bridge.enable_icc'] = 'false'
      if (n.bridge) options['com.docker.network.bridge.name'] = n.bridge
      if (n.driver === 'macvlan' && n.parent) options.parent = n.parent
      networks.push({
        name: n.name,
        id,
        driver: n.driver,
        scope: 'local',
        subnet: n.subnet,
        gateway: n.gateway ?? formatIpv4(blockOf(n.subnet).network + 1),
        internal: n.internal,
        icc: n.icc,
        masquerade: n.driver === 'bridge' && !n.internal,
        bridge: n.driver === 'bridge' ? (n.bridge ?? `br-${id.slice(0, 12)}`) : null,
        parent: n.parent ?? null,
        vni: null,
        options,
        created: iso(600 + i * 60),
        order: i + 1
      })
    })

  // Overlay networks this host takes part in (any container on it), plus docker_gwbridge.
  const overlayUsed = scenario.overlays.filter((o) =>
    h.containers.some((c) => (c.networks ?? []).some((n) => (typeof n === 'string' ? n : n.name) === o.name))
  )
  if (overlayUsed.length > 0 && !networks.some((n) => n.name === 'docker_gwbridge')) {
    const id = netId('docker_gwbridge')
    networks.push({
      name: 'docker_gwbridge',
      id,
      driver: 'bridge',
      scope: 'local',
      subnet: '172.18.0.0/16',
      gateway: '172.18.0.1',
      internal: false,
      icc: false,
      masquerade: true,
      bridge: 'docker_gwbridge',
      parent: null,
      vni: null,
      options: {
        'com.docker.network.bridge.enable_icc': 'false',
        'com.docker.network.bridge.enable_ip_masquerade': 'true',
        'com.docker.network.bridge.name': 'docker_gwbridge'
      },
      created: iso(300),
      order: networks.length
    })
  }
  for (const o of overlayUsed) {
    // A host whose copy of the overlay has its own VNI holds another network of the same name.
    const vni = overlayVniOn(scenario, h, o.name) ?? o.vni
    networks.push({
      name: o.name,
      id: sha(`${scenario.id}/overlay/${o.name}${vni === o.vni ? '' : `/${vni}`}`).slice(0, 25),
      driver: 'overlay',
      scope: 'swarm',
      subnet: o.subnet,
      gateway: o.gateway ?? formatIpv4(blockOf(o.subnet).network + 1),
      internal: false,
      icc: true,
      masquerade: false,
      bridge: 'br0',
      parent: null,
      vni,
      options: { 'com.docker.network.driver.overlay.vxlanid_list': String(vni) },
      created: iso(900),
      order: networks.length
    })
  }

  // A host bridge, down when the scenario says so; it has carrier once a port has (set below).
  const hostBridge = (
    name: string,
    mac: string,
    mtu: number,
    addresses: string[],
    extra: Partial<SimIface> = {}
  ): SimIface => ({
    netns: 'host',
    ifindex: alloc(),
    name,
    kind: 'bridge',
    mac,
    ...extra,
    mtu,
    addresses,
    adminUp: !downByName.has(name),
    carrier: false,
    master: null,
    link: null,
    vni: null,
    container: null
  })

  // Host bridges for docker bridge networks. docker0 is always there (NO-CARRIER when empty).
  const bridgeIfaces = new Map<string, SimIface>()
  for (const n of networks.filter((x) => x.driver === 'bridge')) {
    // netavark creates a network's bridge with its first running container.
    if (isPodman(n) && !podmanNetworkUsed(h, n.name)) continue
    const userNet = h.networks.find((x) => x.name === n.name)
    const iface = hostBridge(
      n.bridge!,
      userNet?.bridgeMac ?? (isPodman(n) ? randomMac(`${seed}/podman-bridge/${n.name}`) : bridgeMac(n.id)),
      Number(n.options['com.docker.network.driver.mtu'] ?? userNet?.mtu ?? 1500),
      [`${n.gateway}/${blockOf(n.subnet!).prefix}`],
      isPodman(n) ? { txqlen: 1000 } : {}
    )
    ifaces.push(iface)
    bridgeIfaces.set(n.name, iface)
  }
  for (const b of h.bridges) {
    const iface = hostBridge(b.name, b.mac ?? randomMac(`${seed}/bridge/${b.name}`), 1500, b.addresses)
    ifaces.push(iface)
    for (const port of b.ports) {
      const p = ifaces.find((x) => x.netns === 'host' && x.name === port)
      if (p) {
        p.master = b.name
        if (p.carrier) iface.carrier = true
      }
    }
  }

  // Host veths to `ip netns` peers (e.g. the lab's wan namespace).
  for (const nic of h.nics.filter((n) => n.kind === 'veth' && n.peer)) {
    const hostSide = ifaces.find((x) => x.netns === 'host' && x.name === nic.name)!
    const nsId: NsId = `ipnetns:${nic.peer!.netns}`
    if (!namespaces.some((n) => n.id === nsId))
      namespaces.push({ id: nsId, inode: 4026532000 + hashInt(nsId, 900), containers: [], routes: [], fdb: [] })
    ifaces.push(loopback(nsId, 1))
    const peer: SimIface = {
      netns: nsId,
      ifindex: alloc(),
      name: nic.peer!.name,
      kind: 'veth',
      mac: nic.peer!.mac ?? randomMac(`${seed}/peer/${nic.peer!.name}`),
      mtu: nic.mtu,
      addresses: nic.peer!.addresses,
      adminUp: true,
      carrier: hostSide.adminUp,
      master: null,
      link: { ifindex: hostSide.ifindex, netns: 'host' },
      vni: null,
      container: null
    }
    ifaces.push(peer)
    hostSide.link = { ifindex: peer.ifindex, netns: nsId }
    nsOf(namespaces, nsId).routes.push(
      ...nic.peer!.addresses.map((a) => ({
        dst: formatCidr(blockOf(a)),
        dev: peer.name,
        protocol: 'kernel',
        scope: 'link',
        prefsrc: stripPrefix(a)
      }))
    )
  }

  // Containers.
  const containers: SimContainer[] = []
  const overlayNs = new Map<string, { nsId: NsId; br: SimIface }>()
  const detached = new Set(
    faults.flatMap((f) => (f.type === 'veth-detached' ? [`${f.container}/${f.network ?? '*'}`] : []))
  )
  const wrongGw = new Map(
    faults.flatMap((f) => (f.type === 'wrong-gateway' ? [[f.container, f.gateway] as const] : []))
  )
  const mtuFault = new Map(faults.flatMap((f) => (f.type === 'mtu-mismatch' ? [[f.container, f.mtu] as const] : [])))
  const containerDown = new Set(
    faults.flatMap((f) => (f.type === 'interface-down' && f.container ? [f.container] : []))
  )
  const usedIps = new Map<string, Set<number>>()
  const nextIp = (net: SimNetwork, wanted?: string): string => {
    const used = usedIps.get(net.name) ?? new Set<number>([ipValue(net.gateway!)])
    usedIps.set(net.name, used)
    if (wanted) {
      used.add(ipValue(wanted))
      return wanted
    }
    let n = blockOf(net.subnet!).network + 2
    while (used.has(n)) n++
    used.add(n)
    return formatIpv4(n)
  }
  // Reserve explicit addresses first so automatic ones never collide with them.
  for (const c of h.containers)
    for (const n of c.networks ?? []) {
      if (typeof n !== 'string' && n.ip) {
        const net = networks.find((x) => x.name === n.name)
        if (net) nextIp(net, n.ip)
      }
    }

  let podmanVeths = 0
  h.containers.forEach((c, ci) => {
    const id = sha(`${seed}/container/${c.name}`)
    const podman = c.runtime === 'podman'
    const running = c.state === 'running' || c.state === 'paused'
    const pid = running ? 2300 + ci * 97 + hashInt(id, 60) : 0
    const mode = c.mode
    let netns: NsId = running ? `pid:${pid}` : 'none'
    let networkMode = 'default'
    const endpoints: SimEndpoint[] = []
    const sandboxId = sha(`${id}/sandbox`)
    let sandboxKey = podman ? podmanSandboxKey(id) : `/var/run/docker/netns/${sandboxId.slice(0, 12)}`
    if (mode === 'host') {
      netns = 'host'
      networkMode = 'host'
      sandboxKey = podman ? '' : '/var/run/docker/netns/default'
      hostNs.containers.push(id)
    } else if (mode.startsWith('container:')) {
      const owner = containers.find((o) => o.name === mode.slice('container:'.length))
      networkMode = `container:${owner ? owner.id : sha(`${seed}/container/${mode.slice(10)}`)}`
      sandboxKey = ''
      netns = owner ? owner.netns : 'none'
      if (owner && running) nsOf(namespaces, owner.netns)?.containers.push(id)
    } else if (running) {
      namespaces.push({ id: netns, inode: 4026532200 + ci * 3 + hashInt(id, 2), containers: [id], routes: [], fdb: [] })
      ifaces.push(loopback(netns, 1))
    }
    if (mode === 'none') {
      networkMode = 'none'
      if (podman) sandboxKey = ''
    }
    if (mode === 'bridge') {
      const list = c.networks && c.networks.length > 0 ? c.networks : [podman ? 'podman' : 'bridge']
      const first = typeof list[0] === 'string' ? list[0] : list[0].name
      // Podman says `bridge` for every netavark network.
      networkMode = podman ? 'bridge' : first === 'bridge' ? 'default' : first
      let ifn = 0
      let defaultSet = false
      const ns = running ? nsOf(namespaces, netns) : null
      const addEndpoint = (
        net: SimNetwork,
        spec: { ip?: string; mac?: string; veth?: string; vethMac?: string }
      ): void => {
        const ip = nextIp(net, spec.ip)
        const prefix = blockOf(net.subnet!).prefix
        const ifname = `eth${ifn++}`
        // netavark gives random MACs; Docker derives them from the address.
        const mac = spec.mac ?? (podman ? randomMac(`${id}/${net.name}/mac`) : dockerMac(ip))
        const ep: SimEndpoint = {
          network: net.name,
          networkId: net.id,
          endpointId: sha(`${id}/endpoint/${net.name}`),
          ifname,
          ip,
          prefix,
          gateway: net.gateway!,
          mac,
          hostVeth: null
        }
        endpoints.push(ep)
        if (!running || !ns) return
        const down = containerDown.has(c.name)
        const mtu =
          mtuFault.get(c.name) ??
          (net.driver === 'overlay' ? (scenario.overlays.find((o) => o.name === net.name)?.mtu ?? 1450) : 1500)
        if (net.driver === 'macvlan') {
          const parent = ifaces.find((x) => x.netns === 'host' && x.name === net.parent)!
          ifaces.push({
            netns,
            ifindex: alloc(),
            name: ifname,
            kind: 'macvlan',
            mac,
            mtu,
            addresses: [`${ip}/${prefix}`],
            adminUp: !down,
            carrier: !down && parent.carrier,
            master: null,
            link: { ifindex: parent.ifindex, netns: 'host' },
            vni: null,
            container: c.name
          })
        } else {
          // veth pair: the container side is created first (ifindex n), the host side n+1.
          const inner = alloc()
          const outer = alloc()
          let bridgeName = net.bridge!
          let outerNs: NsId = 'host'
          if (net.driver === 'overlay') {
            const o = ensureOverlayNs(net)
            outerNs = o.nsId
            bridgeName = 'br0'
          }
          const vethName =
            net.driver === 'overlay'
              ? `veth${endpointsInNs(outerNs)}`
              : (spec.veth ?? (podman ? `veth${podmanVeths++}` : `veth${sha(`${id}/${net.name}/veth`).slice(0, 7)}`))
          const isDetached = detached.has(`${c.name}/${net.name}`) || detached.has(`${c.name}/*`)
          ifaces.push({
            netns,
            ifindex: inner,
            name: ifname,
            kind: 'veth',
            mac,
            mtu,
            addresses: [`${ip}/${prefix}`],
            adminUp: !down,
            carrier: true,
            master: null,
            link: { ifindex: outer, netns: outerNs },
            vni: null,
            container: c.name,
            ...(podman ? { txqlen: 1000 } : {})
          })
          ifaces.push({
            netns: outerNs,
            ifindex: outer,
            name: vethName,
            kind: 'veth',
            mac: spec.vethMac ?? randomMac(`${id}/${net.name}/vethmac`),
            mtu: net.driver === 'overlay' ? mtu : Number(net.options['com.docker.network.driver.mtu'] ?? 1500),
            addresses: [],
            adminUp: true,
            carrier: !down,
            master: isDetached ? null : bridgeName,
            link: { ifindex: inner, netns },
            vni: null,
            container: c.name,
            ...(podman ? { txqlen: 1000 } : {})
          })
          ep.hostVeth = outerNs === 'host' ? vethName : null
          const br = outerNs === 'host' ? bridgeIfaces.get(net.name) : overlayNs.get(net.name)?.br
          if (br && !isDetached && !down) br.carrier = true
        }
        ns.routes.push({
          dst: formatCidr(blockOf(`${ip}/${prefix}`)),
          dev: ifname,
          protocol: 'kernel',
          scope: 'link',
          prefsrc: ip
        })
        if (!defaultSet && !net.internal && net.driver !== 'overlay') {
          defaultSet = true
          ns.routes.unshift({ dst: 'default', gateway: wrongGw.get(c.name) ?? net.gateway!, dev: ifname })
        }
      }
      for (const entry of list) {
        const spec = typeof entry === 'string' ? { name: entry } : entry
        const net = networks.find((x) => x.name === spec.name)
        if (!net) continue
        addEndpoint(net, spec)
        if (net.driver === 'overlay') {
          const gw = networks.find((x) => x.name === 'docker_gwbridge')!
          addEndpoint(gw, {})
        }
      }
    }
    const ports: SimPort[] = c.ports.map((p) => {
      const m = /^(?:(\d+\.\d+\.\d+\.\d+):)?(\d+):(\d+)(?:\/(tcp|udp))?$/.exec(p)!
      return {
        hostIp: m[1] ?? '0.0.0.0',
        hostPort: Number(m[2]),
        containerPort: Number(m[3]),
        proto: (m[4] ?? 'tcp') as 'tcp' | 'udp'
      }
    })
    containers.push({
      name: c.name,
      id,
      image: c.image,
      state: c.state,
      pid,
      mode,
      networkMode,
      netns,
      sandboxKey: running ? sandboxKey : '',
      sandboxId: mode.startsWith('container:') || !running ? '' : sandboxId,
      endpoints,
      ports,
      proxyPids: podman ? [] : ports.flatMap((_, i) => [pid + 300 + i * 2, pid + 301 + i * 2]),
      command: c.command ?? defaultCommand(c.image),
      created: iso(1200 + ci * 30),
      ...(podman ? { runtime: 'podman' as const, conmonPid: running ? pid - 11 : undefined } : {})
    })
  })

  function endpointsInNs(ns: NsId): number {
    return ifaces.filter((x) => x.netns === ns && x.kind === 'veth').length
  }

  function ensureOverlayNs(net: SimNetwork): { nsId: NsId; br: SimIface } {
    const existing = overlayNs.get(net.name)
    if (existing) return existing
    const value = addOverlayNamespace({ scenario, host: h!, seed, net, namespaces, ifaces, alloc, nextIp })
    overlayNs.set(net.name, value)
    return value
  }

  // Host routes: connected routes for every up address, then the default route.
  for (const iface of ifaces.filter((x) => x.netns === 'host')) {
    for (const a of iface.addresses)
      hostNs.routes.push({
        dst: formatCidr(blockOf(a)),
        dev: iface.name,
        protocol: 'kernel',
        scope: 'link',
        prefsrc: stripPrefix(a),
        linkdown: !(iface.adminUp && iface.carrier) && iface.kind !== 'loopback'
      })
  }
  if (h.gateway) {
    const via = ifaces.find((x) => x.netns === 'host' && x.addresses.some((a) => inCidr(h.gateway!, a)))
    if (via) hostNs.routes.unshift({ dst: 'default', gateway: h.gateway, dev: via.name })
  }
  hostNs.routes.sort((a, b) =>
    a.dst === 'default' ? -1 : b.dst === 'default' ? 1 : ipValue(stripPrefix(a.dst)) - ipValue(stripPrefix(b.dst))
  )

  const egressAddress = (dst: string): { ip: string; dev: string } | null => {
    const direct = ifaces.find(
      (x) => x.netns === 'host' && x.kind !== 'bridge' && x.addresses.some((a) => inCidr(dst, a))
    )
    const dev =
      direct ?? ifaces.find((x) => x.netns === 'host' && x.name === hostNs.routes.find((r) => r.dst === 'default')?.dev)
    if (!dev || dev.addresses.length === 0) return null
    const addr = direct ? direct.addresses.find((a) => inCidr(dst, a))! : dev.addresses[0]
    return { ip: stripPrefix(addr), dev: dev.name }
  }

  return {
    scenarioId: scenario.id,
    host: h,
    hostname: h.name,
    namespaces,
    ifaces,
    networks,
    containers,
    egressAddress,
    remoteVteps: scenario.hosts.filter((x) => x.name !== h.name).flatMap((x) => hostVtep(x) ?? []),
    faults
  }
}

function bridgeMac(networkId: string): string {
  const h = networkId
  return `02:42:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}`
}

function builtin(name: string, driver: 'host' | 'null', id: string): SimNetwork {
  return {
    name,
    id,
    driver,
    scope: 'local',
    subnet: null,
    gateway: null,
    internal: false,
    icc: true,
    masquerade: false,
    bridge: null,
    parent: null,
    vni: null,
    options: {},
    created: iso(0),
    order: -1
  }
}

function nsOf(namespaces: SimNamespace[], id: NsId): SimNamespace {
  return namespaces.find((n) => n.id === id)!
}

function defaultCommand(image: string): string[] {
  if (/httpd|apache/.test(image)) return ['httpd-foreground']
  if (/mysql/.test(image)) return ['mysqld']
  if (/php/.test(image)) return ['php-fpm']
  if (/nginx/.test(image)) return ['nginx', '-g', 'daemon off;']
  return ['sh']
}

/** The netns ids of a world as the host sees them (`link_netnsid` on host veths). */
export function hostNetnsIdMap(world: SimWorld): Map<NsId, number> {
  const map = new Map<NsId, number>()
  let n = 0
  for (const iface of world.ifaces) {
    if (iface.netns !== 'host' || !iface.link || iface.link.netns === 'host') continue
    if (!map.has(iface.link.netns)) map.set(iface.link.netns, n++)
  }
  for (const ns of world.namespaces) if (ns.id.startsWith('docker:') && !map.has(ns.id)) map.set(ns.id, n++)
  return map
}
