/**
 * Containers: docker's own view (inspect) joined with the interfaces of their namespace.
 *
 * Rules (contract, see docs/snapshot-schema.md):
 * - networkMode is `bridge` (for docker's `default`), `host`, `none`, `container:<name of the joined
 *   container>`, or a network name.
 * - `container:` mode containers list the interfaces of the namespace they join, with hostVeth and
 *   bridge null (the owner carries them). `host` mode containers have no interfaces of their own.
 * - each interface's hostVeth/bridge come from the veth peer join; `evidence` says how it was found.
 */
import type { DockerContainerRecord, FdbRecord } from '../parsers/types'
import type { Container, ContainerInterface, Evidence, Route } from '../../shared/snapshot/schema'
import type { BridgeRef } from '../../shared/snapshot/bridges'
import { learntFromProc, type IfaceBuild } from './interfaces'
import { isIpv4 } from '../../shared/net/ip'
import { matchByFdb, matchByIgmp, netKey, pair, type IgmpJoins } from './joins'
import type { RootlessInfo } from './podman'
import { resolveContainerRef, type NetnsMapEntry, type NetnsModel } from './netns'

export interface ContainerJoinInput {
  docker: DockerContainerRecord[]
  netns: NetnsModel
  ifaces: IfaceBuild[]
  /** Host bridge FDB. */
  hostFdb: FdbRecord[]
  /** `netKey(runtime, network name)` → its bridge: the host's for bridge networks, the overlay namespace's for overlays. */
  networkBridge: Map<string, BridgeRef | null>
  routes: Route[]
  /**
   * Precomputed proc-igmp joins (`resolveIgmpJoins`). Given for /proc-only containers (no docker
   * data to narrow by bridge): replaces the per-interface `matchByIgmp`.
   */
  igmp?: IgmpJoins
  /** Podman: pod id → name, and what makes a rootless container (see podman.ts). */
  podNames?: Map<string, string>
  rootless?: Map<string, RootlessInfo>
}

export const stripCidr = (address: string): string => {
  const slash = address.indexOf('/')
  return slash < 0 ? address : address.slice(0, slash)
}

export function containerName(record: Pick<DockerContainerRecord, 'name' | 'id'>): string {
  return record.name.replace(/^\//, '') || record.id.slice(0, 12)
}

export function normaliseNetworkMode(record: DockerContainerRecord, all: DockerContainerRecord[]): string {
  const mode = record.networkMode || 'default'
  if (mode === 'default') return 'bridge'
  if (mode.startsWith('container:')) {
    const ref = mode.slice('container:'.length)
    const owner = resolveContainerRef(ref, all)
    return `container:${owner ? containerName(owner) : ref}`
  }
  return mode
}

type DockerNet = DockerContainerRecord['networks'][number]

function endpointFor(b: IfaceBuild, nets: DockerNet[]): DockerNet | null {
  const mac = b.iface.mac?.toLowerCase()
  if (mac) {
    const hit = nets.find((n) => n.mac?.toLowerCase() === mac)
    if (hit) return hit
  }
  const ips = new Set(b.iface.addresses.map(stripCidr))
  return nets.find((n) => (n.ipAddress && ips.has(n.ipAddress)) || (n.ipv6 && ips.has(n.ipv6))) ?? null
}

const isLoopback = (b: IfaceBuild): boolean => b.iface.kind === 'loopback' || b.iface.name === 'lo'

export function buildContainers(input: ContainerJoinInput): Container[] {
  const { docker, netns, ifaces } = input
  const hostVeths = ifaces.filter((b) => b.iface.netns === 'host' && b.iface.kind === 'veth')
  const hostVethNames = new Set(hostVeths.map((b) => b.iface.name))
  const byNsName = new Map<string, IfaceBuild>()
  for (const b of ifaces) byNsName.set(`${b.iface.netns}\u0000${b.iface.name}`, b)
  const byNetns = new Map<string, IfaceBuild[]>()
  for (const b of ifaces) {
    const list = byNetns.get(b.iface.netns)
    if (list) list.push(b)
    else byNetns.set(b.iface.netns, [b])
  }
  const byId = new Map(docker.map((c) => [c.id, c]))
  const routesByNetns = new Map<string, Route[]>()
  for (const r of input.routes) {
    const list = routesByNetns.get(r.netns)
    if (list) list.push(r)
    else routesByNetns.set(r.netns, [r])
  }

  const networkByBridge = new Map<string, string>()
  // Keys are netKey(runtime, name): the network name follows the runtime.
  for (const [key, ref] of input.networkBridge)
    if (ref) networkByBridge.set(`${ref.netns}\u0000${ref.name}`, key.slice(key.indexOf('\u0000') + 1))
  const networkOfBridge = (ref: BridgeRef | null): string | null =>
    ref ? (networkByBridge.get(`${ref.netns}\u0000${ref.name}`) ?? null) : null

  // Owners first, so a container-mode member can copy resolved facts from its owner.
  const ordered = [...docker].sort((a, b) => Number(netns.ownerOf.has(a.id)) - Number(netns.ownerOf.has(b.id)))
  const built = new Map<string, Container>()
  for (const record of ordered) {
    const name = containerName(record)
    const networkMode = normaliseNetworkMode(record, docker)
    const nsId = netns.containerNetns.get(record.id) ?? null
    const ownerId = netns.ownerOf.get(record.id)
    const ownerNets = ownerId ? (byId.get(ownerId)?.networks ?? []) : []
    const nets = record.networks.length ? record.networks : ownerNets
    const bridgeOf = (network: string): BridgeRef | null =>
      input.networkBridge.get(netKey(record.runtime, network)) ?? null
    // A rootless container's namespace has a tap device (or a veth into the rootless network
    // namespace), never a veth on a host bridge.
    const rootless = input.rootless?.get(record.id) ?? null
    const interfaces: ContainerInterface[] = []

    if (networkMode !== 'host' && nsId && nsId !== 'host') {
      const nsIfaces = (byNetns.get(nsId) ?? []).filter((b) => !isLoopback(b))
      for (const b of nsIfaces) {
        const endpoint = endpointFor(b, nets)
        let veth: { name: string; netns: string } | null = null
        let bridge: BridgeRef | null = null
        let evidence: Evidence = 'none'
        /** The host veth and the bridge it is a port of (a master is in its port's namespace). */
        const hostEnd = (v: IfaceBuild): void => {
          veth = { name: v.iface.name, netns: v.iface.netns }
          bridge = v.iface.master ? { name: v.iface.master, netns: v.iface.netns } : null
        }
        if (!ownerId && !rootless) {
          const peer =
            b.iface.peer && b.iface.peer.name
              ? byNsName.get(`${b.iface.peer.netns}\u0000${b.iface.peer.name}`)
              : undefined
          if (peer && b.iface.peer?.netns !== 'unknown') {
            hostEnd(peer)
            // an interface known only from /proc was paired by an earlier /proc join (shared namespace)
            evidence = learntFromProc(b) ? procEvidence(b) : 'netns-ifindex'
          } else if (b.iface.kind === 'macvlan' || b.iface.kind === 'ipvlan') {
            evidence = b.iface.parent ? 'netns-ifindex' : 'none'
          } else {
            const expected = endpoint ? bridgeOf(endpoint.name) : null
            const viaIgmp = !learntFromProc(b)
              ? null
              : input.igmp
                ? (input.igmp.matches.get(b) ?? null)
                : matchByIgmp(b.iface.ifindex, hostVeths, expected?.netns === 'host' ? expected.name : null)
            if (viaIgmp) {
              pair(b, viaIgmp)
              hostEnd(viaIgmp)
              evidence = procEvidence(b)
            } else {
              const fdb = matchByFdb(b.iface.mac ?? endpoint?.mac ?? null, input.hostFdb, hostVethNames)
              if (fdb) {
                veth = { name: fdb.dev, netns: 'host' }
                const master = fdb.master ?? byNsName.get(`host\u0000${fdb.dev}`)?.iface.master ?? null
                bridge = master ? { name: master, netns: 'host' } : null
                evidence = 'fdb-mac'
              } else bridge = expected
            }
          }
        }
        if (!b.iface.mac && endpoint?.mac) b.iface.mac = endpoint.mac
        // No address from the namespace, or (non-root: interfaces from /proc) only IPv6 ones from
        // if_inet6: docker's IPv4 address first.
        const fromProc = learntFromProc(b)
        const noIpv4 = !b.iface.addresses.some((a) => isIpv4(stripCidr(a)))
        if (endpoint?.ipAddress && (!b.iface.addresses.length || (fromProc && noIpv4))) {
          const ipv6 =
            endpoint.ipv6 && !b.iface.addresses.some((a) => stripCidr(a) === endpoint.ipv6) ? [endpoint.ipv6] : []
          b.iface.addresses = [`${endpoint.ipAddress}/${endpoint.prefixLen ?? 32}`, ...b.iface.addresses, ...ipv6]
        }
        interfaces.push({
          ifname: b.iface.name,
          ifindex: b.iface.ifindex > 0 ? b.iface.ifindex : null,
          mac: b.iface.mac,
          addresses: [...b.iface.addresses],
          // Docker lists a swarm container's overlay endpoints, not its docker_gwbridge one: the bridge says.
          network: endpoint?.name ?? networkOfBridge(bridge),
          ...vethFields(veth, bridge),
          evidence,
          mtu: b.iface.mtu,
          state: b.iface.state === 'UNKNOWN' && b.from !== 'ip-link' ? null : b.iface.state
        })
      }
      // Docker endpoints that no namespace interface accounts for (namespace not readable).
      if (!ownerId && !rootless && nsIfaces.length === 0) {
        for (const endpoint of nets) {
          if (!endpoint.ipAddress && !endpoint.mac) continue
          const fdb = matchByFdb(endpoint.mac, input.hostFdb, hostVethNames)
          const expected = bridgeOf(endpoint.name)
          const master = fdb ? (fdb.master ?? byNsName.get(`host\u0000${fdb.dev}`)?.iface.master ?? null) : null
          interfaces.push({
            ifname: '?',
            ifindex: null,
            mac: endpoint.mac,
            addresses: endpoint.ipAddress ? [`${endpoint.ipAddress}/${endpoint.prefixLen ?? 32}`] : [],
            network: endpoint.name,
            ...vethFields(
              fdb ? { name: fdb.dev, netns: 'host' } : null,
              master ? { name: master, netns: 'host' } : expected
            ),
            evidence: fdb ? 'fdb-mac' : 'none',
            mtu: null,
            state: null
          })
        }
      }
    }
    interfaces.sort((a, b) => a.ifname.localeCompare(b.ifname) || (a.network ?? '').localeCompare(b.network ?? ''))

    const routes = nsId && nsId !== 'host' ? [...(routesByNetns.get(nsId) ?? [])] : []
    const defaultRoute =
      routes.find((r) => r.dst === 'default' && r.table === 'main' && r.gateway && !r.gateway.includes(':')) ??
      routes.find((r) => r.dst === 'default' && r.gateway)
    built.set(record.id, {
      name,
      id: record.id,
      image: record.image,
      state: record.state,
      pid: record.pid,
      networkMode,
      netns: nsId,
      interfaces,
      networks: record.networks.map((n) => n.name).sort(),
      portBindings: record.portBindings.map((p) => ({ ...p })),
      configuredPorts: record.configuredPortBindings.map((p) => ({ ...p })),
      defaultGateway:
        networkMode === 'host' ? null : (defaultRoute?.gateway ?? nets.find((n) => n.gateway)?.gateway ?? null),
      routes,
      runtime: record.runtime ?? 'docker',
      pod: record.pod ? (input.podNames?.get(record.pod) ?? shortId(record.pod)) : null,
      rootless
    })
  }
  return docker.map((c) => built.get(c.id)!).sort((a, b) => a.name.localeCompare(b.name))
}

/** The schema's veth/bridge fields of a container interface, each name with its namespace. */
function vethFields(
  veth: { name: string; netns: string } | null,
  bridge: BridgeRef | null
): Pick<ContainerInterface, 'hostVeth' | 'vethNetns' | 'bridge' | 'bridgeNetns'> {
  return {
    hostVeth: veth?.name ?? null,
    vethNetns: veth?.netns ?? null,
    bridge: bridge?.name ?? null,
    bridgeNetns: bridge?.netns ?? null
  }
}

/** A /proc join names the file its ifindex came from: igmp, or if_inet6 for an interface igmp did not list. */
const procEvidence = (b: IfaceBuild): Evidence => (b.from === 'if-inet6' ? 'proc-if-inet6' : 'proc-igmp')

/** docker's short id: the first 12 hex digits of the container id. */
export const shortId = (id: string): string => id.slice(0, 12)

/**
 * Container records for a capture without docker data (not root, not in the docker group) whose
 * `netns.map` still names each container's pid and full id (from `/proc/<pid>/cgroup`). Only what
 * /proc proves is filled in: name is the short id, image '' and networks/ports empty (unknown), state
 * `running` (it has a pid). networkMode is `host` when the pid's namespace is the host's: same
 * inode, or, when the inode was unreadable, `hostLike` (its /proc/<pid>/net/dev lists exactly the
 * host's interfaces); else `unknown`. A `container:` mode is never claimed: /proc cannot tell which
 * of two containers owns a shared namespace.
 */
export function procContainerRecords(map: NetnsMapEntry[], hostLike: Set<string>): DockerContainerRecord[] {
  const hostInode = map.find((e) => (e.nsid === 'host' || e.nsid === 'pid:1') && e.inode)?.inode ?? null
  const out: DockerContainerRecord[] = []
  const seen = new Set<string>()
  for (const entry of map) {
    const pid = /^pid:(\d+)$/.exec(entry.nsid)?.[1]
    if (!pid || !entry.containerId || entry.containerId.length < 12 || seen.has(entry.containerId)) continue
    seen.add(entry.containerId)
    const inHost = entry.inode !== null ? hostInode !== null && entry.inode === hostInode : hostLike.has(entry.nsid)
    out.push({
      id: entry.containerId,
      name: shortId(entry.containerId),
      image: '',
      state: 'running',
      running: true,
      pid: Number(pid),
      networkMode: inHost ? 'host' : 'unknown',
      sandboxKey: null,
      networks: [],
      portBindings: [],
      configuredPortBindings: [],
      raw: entry.raw
    })
  }
  return out
}

/** IP (no prefix) → container names, for conntrack attribution and published ports. */
export function containerAddressIndex(containers: Container[], docker: DockerContainerRecord[]): Map<string, string[]> {
  const index = new Map<string, string[]>()
  const add = (ip: string | null, name: string): void => {
    if (!ip || ip.startsWith('127.') || ip === '::1' || ip.toLowerCase().startsWith('fe80:')) return
    const list = index.get(ip)
    if (!list) index.set(ip, [name])
    else if (!list.includes(name)) list.push(name)
  }
  for (const c of containers) for (const i of c.interfaces) for (const a of i.addresses) add(stripCidr(a), c.name)
  for (const d of docker)
    for (const n of d.networks) {
      add(n.ipAddress, containerName(d))
      add(n.ipv6, containerName(d))
    }
  for (const list of index.values()) list.sort()
  return index
}
