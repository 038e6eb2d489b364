/**
 * `netlens scenario-from`: a real host's snapshot turned into a training scenario (the format of
 * docs/scenario-format.md), so last week's incident becomes an exercise. Pure: snapshot (and the
 * diagnose findings on it) in, a scenario document plus notes out; `scenario-yaml.ts` writes it.
 *
 * What the simulator renders must give back the source's structure (test/support/scenario-structure.ts):
 * networks are listed in creation order (Docker inserts newer networks' rules above older ones, so
 * the order is read back from the rules), bridge names, addresses, MACs and host veth names are
 * pinned, and containers with published ports keep the order of their DNAT rules. What the format
 * cannot express is listed in `notes` (a comment block in the file), never silently dropped.
 */
import type { Finding } from '../../shared/diagnose/types'
import type { Container, Interface, Snapshot } from '../../shared/snapshot/schema'
import { inCidr, isIpv4, parseCidr, stripPrefix, subnetText } from '../../shared/net/ip'
import { natAddress } from '../../shared/netfilter/rule'

/** A scenario document as written to YAML: the input shape of ScenarioSchema (defaults left out). */
export interface ScenarioDocument {
  id: string
  title: { en: string; 'zh-CN': string }
  description: { en: string; 'zh-CN': string }
  overlays?: { name: string; subnet: string; gateway?: string; vni: number }[]
  /** A troubleshooting exercise of its own (docs/scenario-format.md, "Lessons and exercises in a scenario file"). */
  exercise?: ScenarioExerciseDocument
  hosts: ScenarioHostDocument[]
}

type LocalizedText = { en: string; 'zh-CN': string }
export interface ScenarioExerciseDocument {
  title: LocalizedText
  summary: LocalizedText
  question: LocalizedText
  find: { check: string; object: string }[]
  explanation: LocalizedText
}

export interface ScenarioHostDocument {
  name: string
  kernel?: string
  dockerVersion?: string
  nics: {
    name: string
    mac?: string
    addresses: string[]
    mtu?: number
    kind?: 'veth' | 'dummy'
    peer?: { netns: string; name: string; mac?: string; addresses: string[] }
  }[]
  gateway?: string
  sysctls?: { ip_forward?: number; 'bridge-nf-call-iptables'?: number; rp_filter?: number }
  bridges?: { name: string; mac?: string; addresses: string[]; ports: string[] }[]
  networks?: {
    name: string
    driver?: 'macvlan'
    subnet: string
    gateway?: string
    internal?: boolean
    bridge?: string
    bridgeMac?: string
    parent?: string
    icc?: boolean
    mtu?: number
    runtime?: 'podman'
    dns?: boolean
  }[]
  containers?: {
    name: string
    image: string
    runtime?: 'podman'
    mode?: string
    networks?: { name: string; ip?: string; mac?: string; veth?: string }[]
    ports?: string[]
    state?: string
  }[]
  flows?: {
    from: string
    to: string
    proto: 'tcp' | 'udp' | 'icmp'
    port?: number
    rate: string
    connections?: number
  }[]
  rules?: { table: string; rule: string }[]
  faults?: Record<string, string | number>[]
}

export interface ScenarioFromResult {
  scenario: ScenarioDocument
  /** What the source holds that the scenario format cannot say, one line each (written as comments). */
  notes: string[]
  /** Names the notes quote (interfaces, networks, finding objects): anonymize replaces them too. */
  noteNames: string[]
}

export interface ScenarioFromOptions {
  /** Scenario id (lower-case); default derived from the hostname. */
  id?: string
  /** Diagnose findings on the snapshot: the faults the format can express become `faults`. */
  findings?: Finding[]
}

/** Flows are inferred from conntrack, which has no rates: every flow gets this one. */
export const INFERRED_FLOW_RATE = '100kbit/s'
const MAX_CONNECTIONS = 50
const NAT_TABLES = new Set(['filter', 'nat', 'mangle', 'raw'])

const ipv4Only = (addresses: string[]): string[] => addresses.filter((a) => isIpv4(stripPrefix(a)))
const macOrUndefined = (mac: string | null): string | undefined =>
  mac && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) ? mac : undefined

export function scenarioIdFor(hostname: string): string {
  const id = hostname
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return id ? `from-${id}` : 'from-host'
}

/** The network a rule names as `-i`/`-o` bridge, by position: newer networks' rules come first. */
function creationRank(snapshot: Snapshot, bridge: string): number {
  return snapshot.nat.rules.findIndex(
    (r) =>
      r.family === 'iptables' &&
      (r.table === 'filter' || r.table === 'nat') &&
      (r.inInterface?.value === bridge || r.outInterface?.value === bridge)
  )
}

/** Container order with the published ones in the order of their DNAT rules (Docker appends on start). */
function orderContainers(snapshot: Snapshot): Container[] {
  const dnatIndex = (c: Container): number => {
    const ips = new Set(c.interfaces.flatMap((i) => i.addresses.map(stripPrefix)))
    return snapshot.nat.rules.findIndex((r) => {
      const to = r.target === 'DNAT' ? natAddress(r).ip : null
      return to !== null && ips.has(to)
    })
  }
  // A container: member comes after every owner: the simulator gives it the namespace of a container built before it.
  const member = (c: Container): boolean => c.networkMode.startsWith('container:')
  const list = [...snapshot.containers.filter((c) => !member(c)), ...snapshot.containers.filter(member)]
  const slots = list.map((c, i) => ({ i, rank: dnatIndex(c) })).filter((s) => s.rank >= 0)
  const sorted = [...slots].sort((a, b) => a.rank - b.rank)
  const out = [...list]
  slots.forEach((slot, k) => (out[slot.i] = list[sorted[k].i]))
  return out
}

function ownerOf(snapshot: Snapshot, c: Container, seen = new Set<string>()): Container | null {
  const m = /^container:(.+)$/.exec(c.networkMode)
  if (!m) return c
  if (seen.has(c.id)) return null
  seen.add(c.id)
  const ref = m[1]
  const target = snapshot.containers.find(
    (o) => o.name === ref || o.id === ref || (ref.length >= 12 && o.id.startsWith(ref))
  )
  return target ? ownerOf(snapshot, target, seen) : null
}

const containerState = (state: string): 'running' | 'exited' | 'paused' | 'created' | null => {
  const s = state.toLowerCase()
  if (/^(running|up)/.test(s)) return 'running'
  if (/^(exited|dead|stopped)/.test(s)) return 'exited'
  if (s.startsWith('paused')) return 'paused'
  if (s.startsWith('created')) return 'created'
  return null
}

export function scenarioFromSnapshot(snapshot: Snapshot, opts: ScenarioFromOptions = {}): ScenarioFromResult {
  const notes: string[] = []
  const hostIfaces = snapshot.interfaces.filter((i) => i.netns === 'host')
  const containerVeths = new Set(
    snapshot.containers.flatMap((c) =>
      c.interfaces.filter((i) => (i.vethNetns ?? 'host') === 'host').map((i) => i.hostVeth)
    )
  )
  const dockerBridges = new Set(snapshot.networks.map((n) => n.bridge).filter((b): b is string => !!b))

  // NICs: physical devices, dummies, and veths to `ip netns` peers (not containers', not bridge ports).
  const nics: ScenarioHostDocument['nics'] = []
  for (const i of hostIfaces) {
    if (i.kind === 'device' || i.kind === 'dummy') {
      nics.push({
        name: i.name,
        ...(macOrUndefined(i.mac) ? { mac: i.mac! } : {}),
        addresses: ipv4Only(i.addresses),
        ...(i.mtu && i.mtu !== 1500 ? { mtu: i.mtu } : {}),
        ...(i.kind === 'dummy' ? { kind: 'dummy' as const } : {})
      })
    } else if (i.kind === 'veth' && !containerVeths.has(i.name) && !i.master) {
      const peer = i.peer && snapshot.interfaces.find((p) => p.netns === i.peer!.netns && p.ifindex === i.peer!.ifindex)
      const netns = i.peer?.netns.startsWith('ip-netns:') ? i.peer.netns.slice('ip-netns:'.length) : null
      if (peer && netns)
        nics.push({
          name: i.name,
          ...(macOrUndefined(i.mac) ? { mac: i.mac! } : {}),
          addresses: ipv4Only(i.addresses),
          kind: 'veth',
          peer: {
            netns,
            name: peer.name,
            ...(macOrUndefined(peer.mac) ? { mac: peer.mac! } : {}),
            addresses: ipv4Only(peer.addresses)
          }
        })
      else {
        notes.push(`veth ${i.name}: its peer is not in a named ip netns (not in the scenario)`)
      }
    } else if (i.kind !== 'loopback' && i.kind !== 'veth' && i.kind !== 'bridge' && i.kind !== 'vxlan') {
      notes.push(`interface ${i.name} (kind ${i.kind}): the scenario format has no such NIC kind`)
    }
  }
  if (nics.length === 0) {
    nics.push({ name: 'eth0', addresses: [] })
    notes.push('no NIC was captured: eth0 stands in for the uplink')
  }

  const host: ScenarioHostDocument = {
    name: snapshot.host.hostname || 'host',
    ...(snapshot.host.kernel ? { kernel: snapshot.host.kernel } : {}),
    ...(snapshot.host.dockerVersion ? { dockerVersion: snapshot.host.dockerVersion } : {}),
    nics
  }
  const defaultRoute = snapshot.routes.find(
    (r) =>
      r.netns === 'host' &&
      r.dst === 'default' &&
      (r.table === 'main' || r.table === '254') &&
      r.gateway &&
      isIpv4(r.gateway)
  )
  if (defaultRoute?.gateway) host.gateway = defaultRoute.gateway

  const sysctl = (key: string, allowed: number[]): number | undefined => {
    const v = snapshot.host.sysctls[key]
    return v !== undefined && allowed.includes(Number(v)) ? Number(v) : undefined
  }
  const sysctls: NonNullable<ScenarioHostDocument['sysctls']> = {}
  const ipForward = sysctl('net.ipv4.ip_forward', [0, 1])
  const brNf = sysctl('net.bridge.bridge-nf-call-iptables', [0, 1])
  const rp = sysctl('net.ipv4.conf.all.rp_filter', [0, 1, 2])
  if (ipForward !== undefined) sysctls.ip_forward = ipForward
  if (brNf !== undefined) sysctls['bridge-nf-call-iptables'] = brNf
  if (rp !== undefined) sysctls.rp_filter = rp
  if (Object.keys(sysctls).length) host.sysctls = sysctls

  // Plain Linux bridges (not Docker's) whose ports are NICs of the scenario.
  const nicNames = new Set(nics.map((n) => n.name))
  const plainBridges = snapshot.bridges.filter((b) => b.netns === 'host' && !b.network && !dockerBridges.has(b.name))
  if (plainBridges.length)
    host.bridges = plainBridges.map((b) => {
      const iface = hostIfaces.find((i) => i.name === b.name)
      return {
        name: b.name,
        ...(macOrUndefined(iface?.mac ?? null) ? { mac: iface!.mac! } : {}),
        addresses: ipv4Only(iface?.addresses ?? []),
        ports: b.ports.filter((p) => nicNames.has(p))
      }
    })

  // Docker networks in creation order (oldest first): the default bridge, then by their rules.
  const overlays: NonNullable<ScenarioDocument['overlays']> = []
  const overlayNames = new Set<string>()
  const ranked = snapshot.networks
    .map((n, i) => ({ n, i, rank: n.bridge ? creationRank(snapshot, n.bridge) : -1 }))
    .sort((a, b) => {
      if (a.n.name === 'bridge' || b.n.name === 'bridge') return a.n.name === 'bridge' ? -1 : 1
      // No rules: keep the snapshot's order, before the ranked ones (they never interleave with rules).
      if (a.rank < 0 || b.rank < 0) return a.rank < 0 && b.rank < 0 ? a.i - b.i : a.rank < 0 ? -1 : 1
      return b.rank - a.rank
    })
  const networks: NonNullable<ScenarioHostDocument['networks']> = []
  const knownNetworks = new Set<string>()
  for (const { n } of ranked) {
    if (n.driver === 'host' || n.driver === 'null') continue
    const subnet =
      n.subnet && parseCidr(n.subnet) ? n.subnet : (n.subnets.find((s) => parseCidr(s.subnet))?.subnet ?? null)
    if (n.driver === 'overlay') {
      if (!subnet || n.overlay?.vni == null) {
        notes.push(`overlay network ${n.name}: no IPv4 subnet or VNI captured (not in the scenario)`)
        continue
      }
      if (!snapshot.containers.some((c) => c.interfaces.some((i) => i.network === n.name)))
        notes.push(
          `overlay network ${n.name}: no container here uses it (the simulator shows the overlays in use only)`
        )
      overlays.push({
        name: n.name,
        subnet,
        ...(n.gateway && isIpv4(n.gateway) ? { gateway: n.gateway } : {}),
        vni: n.overlay.vni
      })
      overlayNames.add(n.name)
      continue
    }
    if (n.driver !== 'bridge' && n.driver !== 'macvlan') {
      notes.push(
        `network ${n.name} (driver ${n.driver}): the scenario format has bridge, macvlan and overlay networks only`
      )
      continue
    }
    if (!subnet) {
      notes.push(`network ${n.name}: no IPv4 subnet captured (not in the scenario)`)
      continue
    }
    const bridgeIface = n.bridge ? hostIfaces.find((i) => i.name === n.bridge) : undefined
    // Docker leaves Gateway empty when it picked the first address: the bridge's own address says which.
    const gateway =
      n.gateway && isIpv4(n.gateway)
        ? n.gateway
        : bridgeIface?.addresses.map(stripPrefix).find((a) => isIpv4(a) && inCidr(a, subnet))
    const mtu = Number(n.options['com.docker.network.driver.mtu'] ?? bridgeIface?.mtu ?? 1500)
    if (n.runtime === 'podman') {
      // The simulator adds Podman's default network itself once anything is Podman's, and netavark
      // names the bridges (podman1…). On a host where nothing else is (podman installed, nothing
      // run yet) the default network is declared, or it would be lost.
      const otherPodman =
        snapshot.networks.some((o) => o.runtime === 'podman' && o.name !== 'podman') ||
        snapshot.containers.some((c) => c.runtime === 'podman')
      if (n.name !== 'podman' || !otherPodman)
        networks.push({
          name: n.name,
          subnet,
          ...(gateway ? { gateway } : {}),
          ...(n.internal ? { internal: true } : {}),
          runtime: 'podman',
          ...(n.dns === false ? { dns: false } : {})
        })
      knownNetworks.add(n.name)
      continue
    }
    networks.push({
      name: n.name,
      ...(n.driver === 'macvlan' ? { driver: 'macvlan' as const } : {}),
      subnet,
      ...(gateway ? { gateway } : {}),
      ...(n.internal ? { internal: true } : {}),
      ...(n.driver === 'bridge' && n.bridge ? { bridge: n.bridge } : {}),
      ...(macOrUndefined(bridgeIface?.mac ?? null) ? { bridgeMac: bridgeIface!.mac! } : {}),
      ...(n.driver === 'macvlan' && n.parent ? { parent: n.parent } : {}),
      ...(n.options['com.docker.network.bridge.enable_icc'] === 'false' ? { icc: false } : {}),
      ...(mtu !== 1500 && mtu >= 68 && mtu <= 65535 ? { mtu } : {})
    })
    knownNetworks.add(n.name)
  }
  // Networks the containers name but docker's network list did not hold (docker inspect of
  // containers alone): a bridge network on the subnet of the container's address.
  for (const c of snapshot.containers)
    for (const i of c.interfaces) {
      const address = i.addresses.find((a) => isIpv4(stripPrefix(a)) && a.includes('/'))
      const subnet = address ? subnetText(address) : null
      if (!i.network || knownNetworks.has(i.network) || overlayNames.has(i.network) || !subnet) continue
      if (i.network === 'host' || i.network === 'none') continue
      if (i.network !== 'bridge') networks.push({ name: i.network, subnet })
      else networks.unshift({ name: 'bridge', subnet })
      knownNetworks.add(i.network)
      notes.push(`network ${i.network}: not captured; its subnet ${subnet} is read from ${c.name}'s address`)
    }
  // Without docker (a non-root capture) a container's leg names only its host veth and bridge: the
  // bridge stands for its network, on the subnet of the bridge's own address.
  const bridgeNetworks = new Map<string, string>()
  for (const n of networks) if (n.bridge) bridgeNetworks.set(n.bridge, n.name)
  for (const c of snapshot.containers)
    for (const i of c.interfaces) {
      if (i.network || !i.bridge || (i.bridgeNetns ?? 'host') !== 'host' || bridgeNetworks.has(i.bridge)) continue
      const address = hostIfaces.find((h) => h.name === i.bridge)?.addresses.find((a) => isIpv4(stripPrefix(a)))
      const subnet = address ? subnetText(address) : null
      if (!subnet) continue
      const name = i.bridge === 'docker0' ? 'bridge' : i.bridge
      if (knownNetworks.has(name)) continue
      const network = { name, subnet, gateway: stripPrefix(address!), bridge: i.bridge }
      if (name === 'bridge') networks.unshift(network)
      else networks.push(network)
      knownNetworks.add(name)
      bridgeNetworks.set(i.bridge, name)
      notes.push(
        `network on bridge ${i.bridge}: docker was not read; named after its bridge, subnet from the bridge's address`
      )
    }
  if (overlays.length && !networks.some((n) => n.name === 'docker_gwbridge'))
    notes.push('docker_gwbridge was not captured: the simulator adds its default one')
  if (networks.length) host.networks = networks

  // Containers.
  const containers: NonNullable<ScenarioHostDocument['containers']> = []
  const containerByIp = new Map<string, string>()
  for (const c of orderContainers(snapshot)) {
    const state = containerState(c.state)
    if (!state) notes.push(`container ${c.name}: state "${c.state}" written as exited`)
    const doc: NonNullable<ScenarioHostDocument['containers']>[number] = {
      name: c.name,
      image: c.image || 'busybox',
      ...(c.runtime === 'podman' ? { runtime: 'podman' as const } : {})
    }
    if (c.rootless)
      notes.push(`container ${c.name}: rootless Podman is not in the scenario format (written as rootful)`)
    if (state && state !== 'running') doc.state = state
    else if (!state) doc.state = 'exited'
    const mode = c.networkMode
    if (mode === 'host' || mode === 'none') doc.mode = mode
    else if (mode.startsWith('container:')) {
      const owner = ownerOf(snapshot, c)
      if (owner && owner.id !== c.id) doc.mode = `container:${owner.name}`
      else {
        doc.mode = 'none'
        notes.push(
          `container ${c.name}: shares the namespace of a container that was not captured (written as mode none)`
        )
      }
    } else {
      const networkOf = (i: ContainerInterface): string | null =>
        i.network ?? (i.bridge && (i.bridgeNetns ?? 'host') === 'host' ? (bridgeNetworks.get(i.bridge) ?? null) : null)
      const attachments = c.interfaces.filter((i) => {
        const n = networkOf(i)
        return n !== null && (knownNetworks.has(n) || overlayNames.has(n))
      })
      const onOverlay = attachments.some((i) => overlayNames.has(networkOf(i)!))
      const listed = attachments
        // The simulator adds the docker_gwbridge leg of an overlay container itself.
        .filter((i) => !(onOverlay && networkOf(i) === 'docker_gwbridge'))
        .map((i) => attachmentOf(i, networkOf(i)!))
      const stoppedNets =
        listed.length === 0 ? c.networks.filter((n) => knownNetworks.has(n)).map((name) => ({ name })) : []
      const nets = [...listed, ...stoppedNets]
      for (const i of c.interfaces)
        if (i.network && !knownNetworks.has(i.network) && !overlayNames.has(i.network))
          notes.push(`container ${c.name}: network ${i.network} is not in the scenario`)
      if (nets.length) doc.networks = nets
      const ports = portsOf(c, notes)
      if (ports.length) doc.ports = ports
    }
    if (!mode.startsWith('container:'))
      for (const i of c.interfaces)
        for (const a of i.addresses) if (isIpv4(stripPrefix(a))) containerByIp.set(stripPrefix(a), c.name)
    containers.push(doc)
  }
  if (containers.length) host.containers = containers

  const flows = flowsFromConntrack(snapshot, containerByIp, notes)
  if (flows.length) host.flows = flows

  // Rules that are neither Docker's nor Podman's (netavark's), in the order iptables-save lists them.
  const rules = snapshot.nat.rules
    .filter(
      (r) =>
        r.owner !== 'docker' &&
        r.owner !== 'podman' &&
        r.family === 'iptables' &&
        NAT_TABLES.has(r.table) &&
        /^-A \S+ /.test(r.raw)
    )
    .map((r) => ({ table: r.table, rule: r.raw }))
  const nft = snapshot.nat.rules.filter((r) => r.family !== 'iptables').length
  if (nft) notes.push(`${nft} rule(s) of other families (nft, ip6tables) are not in the scenario`)
  if (rules.length) host.rules = rules

  const faults = faultsFrom(snapshot, opts.findings ?? [], containers, knownNetworks, notes)
  if (faults.length) host.faults = faults

  const id = opts.id ?? scenarioIdFor(snapshot.host.hostname)
  const scenario: ScenarioDocument = {
    id,
    title: { en: `Host ${snapshot.host.hostname || id}`, 'zh-CN': `主机 ${snapshot.host.hostname || id}` },
    description: {
      en: `Made by netlens scenario-from from ${snapshot.host.source}, captured ${snapshot.host.capturedAt}.`,
      'zh-CN': `由 netlens scenario-from 根据 ${snapshot.host.source} 生成，采集于 ${snapshot.host.capturedAt}。`
    },
    ...(overlays.length ? { overlays } : {}),
    hosts: [host]
  }
  // Every name the notes may quote, including what the scenario left out.
  const noteNames = [
    ...new Set([
      ...snapshot.networks.map((n) => n.name),
      ...snapshot.interfaces.map((i) => i.name),
      ...snapshot.containers.map((c) => c.name),
      ...(opts.findings ?? []).flatMap((f) =>
        f.objects.filter((o) => ['interface', 'bridge', 'network', 'container'].includes(o.kind)).map((o) => o.id)
      )
    ])
  ]
  return { scenario, notes, noteNames }
}

function attachmentOf(
  i: ContainerInterface,
  network: string
): { name: string; ip?: string; mac?: string; veth?: string } {
  const ip = i.addresses.map(stripPrefix).find(isIpv4)
  return {
    name: network,
    ...(ip ? { ip } : {}),
    ...(macOrUndefined(i.mac) ? { mac: i.mac! } : {}),
    ...(i.hostVeth && (i.vethNetns ?? 'host') === 'host' ? { veth: i.hostVeth } : {})
  }
}
type ContainerInterface = Container['interfaces'][number]

function portsOf(c: Container, notes: string[]): string[] {
  const running = containerState(c.state) === 'running'
  const bindings = running && c.portBindings.length ? c.portBindings : c.configuredPorts
  const out: string[] = []
  for (const p of bindings) {
    if (p.hostIp && !isIpv4(p.hostIp)) continue // the IPv6 twin of an IPv4 binding
    if (!p.hostPort || (p.proto !== 'tcp' && p.proto !== 'udp')) {
      notes.push(
        `container ${c.name}: port ${p.containerPort}/${p.proto} (host port ${p.hostPort || 'any'}) is not in the scenario`
      )
      continue
    }
    const spec = `${p.hostIp && p.hostIp !== '0.0.0.0' ? `${p.hostIp}:` : ''}${p.hostPort}:${p.containerPort}/${p.proto}`
    if (!out.includes(spec)) out.push(spec)
  }
  return out
}

/** Who talks to whom: one flow per (from, to, protocol, port), its connections counted. */
function flowsFromConntrack(
  snapshot: Snapshot,
  containerByIp: Map<string, string>,
  notes: string[]
): NonNullable<ScenarioHostDocument['flows']> {
  const flows = new Map<string, NonNullable<ScenarioHostDocument['flows']>[number]>()
  let skipped = 0
  for (const e of snapshot.conntrack.entries) {
    const proto = e.proto === 'tcp' || e.proto === 'udp' || e.proto === 'icmp' ? e.proto : null
    const { src, dst, dport } = e.original
    if (!proto || !isIpv4(src) || !isIpv4(dst)) {
      skipped++
      continue
    }
    const fromContainer = containerByIp.get(src)
    const dnat = e.nat === 'DNAT' || e.nat === 'SNAT+DNAT'
    let from: string
    let to: string
    if (fromContainer) {
      from = fromContainer
      to = containerByIp.get(dst) ?? dst
    } else if (dnat && containerByIp.has(e.reply.src) && !src.startsWith('127.')) {
      from = src
      to = 'host'
    } else {
      skipped++
      continue
    }
    const port = proto === 'icmp' ? undefined : (dport ?? undefined)
    if (proto !== 'icmp' && !port) {
      skipped++
      continue
    }
    const key = `${from}\u0000${to}\u0000${proto}\u0000${port ?? ''}`
    const flow = flows.get(key)
    if (flow) flow.connections = Math.min(MAX_CONNECTIONS, (flow.connections ?? 1) + 1)
    else flows.set(key, { from, to, proto, ...(port ? { port } : {}), rate: INFERRED_FLOW_RATE })
  }
  if (skipped)
    notes.push(
      `${skipped} conntrack entr${skipped === 1 ? 'y' : 'ies'} not from a container nor to a published port (the host's own traffic) are not flows`
    )
  return [...flows.values()]
}

/** The diagnose findings the scenario format has a fault for; the others are listed in notes. */
function faultsFrom(
  snapshot: Snapshot,
  findings: Finding[],
  containers: NonNullable<ScenarioHostDocument['containers']>,
  networks: Set<string>,
  notes: string[]
): NonNullable<ScenarioHostDocument['faults']> {
  const faults: NonNullable<ScenarioHostDocument['faults']> = []
  const add = (fault: Record<string, string | number>): void => {
    if (!faults.some((f) => JSON.stringify(f) === JSON.stringify(fault))) faults.push(fault)
  }
  const inScenario = (name: string): boolean => containers.some((c) => c.name === name)
  const containerOfVeth = (veth: string): Container | undefined =>
    snapshot.containers.find((c) => c.interfaces.some((i) => i.hostVeth === veth && (i.vethNetns ?? 'host') === 'host'))
  const objectsOf = (f: Finding, kind: string): string[] => f.objects.filter((o) => o.kind === kind).map((o) => o.id)
  for (const f of findings) {
    let expressed = false
    if (f.id === 'ip-forward-off') {
      add({ type: 'ip-forward-off' })
      expressed = true
    } else if (f.id === 'missing-masquerade') {
      for (const network of objectsOf(f, 'network').filter((n) => networks.has(n))) {
        add({ type: 'missing-rule', network, rule: 'masquerade' })
        expressed = true
      }
    } else if (f.id === 'port-no-dnat') {
      for (const name of objectsOf(f, 'container').filter(inScenario)) {
        const c = snapshot.containers.find((x) => x.name === name)
        const network = c?.interfaces.find((i) => i.network && networks.has(i.network))?.network
        if (network) {
          add({ type: 'missing-rule', network, rule: 'dnat' })
          expressed = true
        }
      }
    } else if (f.id === 'bridge-down') {
      for (const b of objectsOf(f, 'bridge')) {
        add({ type: 'interface-down', interface: b })
        expressed = true
      }
    } else if (f.id === 'veth-down' || f.id === 'veth-orphan') {
      for (const veth of objectsOf(f, 'interface')) {
        const c = containerOfVeth(veth)
        if (!c || !inScenario(c.name)) continue
        add(
          f.id === 'veth-down'
            ? { type: 'interface-down', container: c.name }
            : { type: 'veth-detached', container: c.name }
        )
        expressed = true
      }
    } else if (f.id === 'mtu-mismatch') {
      for (const name of objectsOf(f, 'container').filter(inScenario)) {
        const mtu = snapshot.containers.find((c) => c.name === name)?.interfaces.find((i) => i.mtu)?.mtu
        if (mtu) {
          add({ type: 'mtu-mismatch', container: name, mtu })
          expressed = true
        }
      }
    }
    if (!expressed)
      notes.push(
        `finding ${f.id} (${f.objects.map((o) => `${o.kind} ${o.id}`).join(', ') || 'host'}): no scenario fault expresses it`
      )
  }
  // A default route through an address that is not the network's gateway (diagnose has no check for it).
  for (const c of snapshot.containers) {
    if (!inScenario(c.name) || !c.defaultGateway || c.networkMode.startsWith('container:')) continue
    const gateways = c.interfaces
      .map((i) => snapshot.networks.find((n) => n.name === i.network)?.gateway)
      .filter(Boolean)
    const subnets = c.interfaces.map((i) => snapshot.networks.find((n) => n.name === i.network)?.subnet).filter(Boolean)
    const own = snapshot.interfaces.find((i: Interface) => i.addresses.some((a) => stripPrefix(a) === c.defaultGateway))
    if (
      gateways.length &&
      !gateways.includes(c.defaultGateway) &&
      !own &&
      subnets.some((s) => inCidr(c.defaultGateway!, s!))
    )
      add({ type: 'wrong-gateway', container: c.name, gateway: c.defaultGateway })
  }
  return faults
}
