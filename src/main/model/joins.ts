/**
 * Joins between interfaces of different namespaces, bridges and docker networks. Pure functions.
 *
 * - veth peers (exact, evidence `netns-ifindex`): a veth's `link_index` is its peer's ifindex in
 *   the peer's namespace, and the peer's `link_index` is this veth's ifindex. Both directions must
 *   agree, so an ifindex that repeats across namespaces cannot produce a wrong pair.
 * - non-root captures have no `ip link` inside namespaces, only `/proc/<pid>/net/igmp` (ifindex and
 *   name) and `/proc/<pid>/net/if_inet6` (ifindex of an interface igmp does not list): a container
 *   interface with ifindex N matches the one unpaired host veth whose `link_index` is N
 *   (`proc-igmp`, or `proc-if-inet6` when only if_inet6 gave N), narrowed by the bridge docker says
 *   the network uses.
 * - last resort: the container's MAC in the host bridge FDB names the host port (`fdb-mac`).
 */
import type { BridgeLinkRecord, BrctlRecord, DockerNetworkRecord, FdbRecord } from '../parsers/types'
import type { Bridge, Network } from '../../shared/snapshot/schema'
import { learntFromProc, type IfaceBuild } from './interfaces'

const LINKED_KINDS = new Set(['macvlan', 'ipvlan', 'vlan', 'macvtap', 'ipvtap'])

/** Pairs veths across (and within) namespaces by mutual link_index; sets `peer` on both ends. */
export function joinVethPeers(all: IfaceBuild[]): number {
  const byIndex = new Map<number, IfaceBuild[]>()
  const byNsName = new Map<string, IfaceBuild>()
  for (const b of all) {
    const list = byIndex.get(b.iface.ifindex)
    if (list) list.push(b)
    else byIndex.set(b.iface.ifindex, [b])
    byNsName.set(`${b.iface.netns}\u0000${b.iface.name}`, b)
  }
  let pairs = 0
  for (const x of all) {
    if (x.iface.peer || LINKED_KINDS.has(x.iface.kind)) continue
    if (x.linkIndex !== null && x.linkIndex > 0) {
      const candidates = (byIndex.get(x.linkIndex) ?? []).filter(
        (y) =>
          y !== x &&
          !y.iface.peer &&
          y.linkIndex === x.iface.ifindex &&
          !LINKED_KINDS.has(y.iface.kind) &&
          // link-netnsid set means the peer is in another namespace
          (x.linkNetnsId === null ? y.iface.netns === x.iface.netns : y.iface.netns !== x.iface.netns)
      )
      if (candidates.length === 1) {
        pair(x, candidates[0])
        pairs++
      }
    } else if (x.linkName && x.iface.kind === 'veth') {
      const y = byNsName.get(`${x.iface.netns}\u0000${x.linkName}`)
      if (y && !y.iface.peer && y !== x) {
        pair(x, y)
        pairs++
      }
    }
  }
  return pairs
}

export function pair(a: IfaceBuild, b: IfaceBuild): void {
  a.iface.peer = { ifindex: b.iface.ifindex, netns: b.iface.netns, name: b.iface.name }
  b.iface.peer = { ifindex: a.iface.ifindex, netns: a.iface.netns, name: a.iface.name }
  if (a.iface.kind === 'unknown') a.iface.kind = 'veth'
  if (b.iface.kind === 'unknown') b.iface.kind = 'veth'
}

/** Veths whose peer could not be found keep what their own record says about it. */
export function markUnresolvedPeers(all: IfaceBuild[]): void {
  for (const b of all) {
    if (b.iface.peer || b.iface.kind !== 'veth' || b.linkIndex === null) continue
    b.iface.peer = { ifindex: b.linkIndex, netns: 'unknown', name: null }
  }
}

/** macvlan/ipvlan/vlan parents: `link` names a device in the same namespace, else link_index in the host. */
export function resolveParents(all: IfaceBuild[]): void {
  const host = new Map<number, string>()
  for (const b of all) if (b.iface.netns === 'host') host.set(b.iface.ifindex, b.iface.name)
  for (const b of all) {
    if (!LINKED_KINDS.has(b.iface.kind)) continue
    if (b.linkName) b.iface.parent = b.linkName
    // a parent in another namespace is (for docker macvlan/ipvlan) the host's device
    else if (b.linkIndex !== null) b.iface.parent = host.get(b.linkIndex) ?? null
  }
}

/**
 * The one unpaired host veth whose link_index is `ifindex`, optionally narrowed to the expected
 * bridge. Null when none or several match.
 */
export function matchByIgmp(
  ifindex: number,
  hostVeths: IfaceBuild[],
  expectedBridge: string | null
): IfaceBuild | null {
  if (ifindex <= 0) return null
  let candidates = hostVeths.filter((h) => !h.iface.peer && h.linkIndex === ifindex)
  if (candidates.length > 1 && expectedBridge) candidates = candidates.filter((h) => h.iface.master === expectedBridge)
  return candidates.length === 1 ? candidates[0] : null
}

/** The host bridge port that learnt `mac` (never the bridge's own permanent entries). */
export function matchByFdb(mac: string | null, fdb: FdbRecord[], hostVethNames: Set<string>): FdbRecord | null {
  if (!mac) return null
  const wanted = mac.toLowerCase()
  const hits = fdb.filter((f) => f.mac.toLowerCase() === wanted && hostVethNames.has(f.dev) && f.state !== 'permanent')
  const devs = new Set(hits.map((h) => h.dev))
  return devs.size === 1 ? hits[0] : null
}

/** Network lookups by name are per runtime: Docker and Podman may both have a network called `web`. */
export const netKey = (runtime: string | undefined, name: string): string => `${runtime ?? 'docker'}\u0000${name}`

/** The host bridge device a bridge network uses (Docker: docker0 / br-<id12> / its option; Podman: network_interface). */
export function dockerBridgeName(
  network: Pick<DockerNetworkRecord, 'name' | 'id' | 'driver' | 'options' | 'runtime' | 'bridge'>
): string | null {
  if (network.driver !== 'bridge') return null
  if (network.runtime === 'podman') return network.bridge ?? null
  const option = network.options['com.docker.network.bridge.name']
  if (option) return option
  if (network.name === 'bridge') return 'docker0'
  return network.id ? `br-${network.id.slice(0, 12)}` : null
}

export interface BridgeSources {
  ifaces: IfaceBuild[]
  bridgeLink: BridgeLinkRecord[] | null
  brctl: BrctlRecord[] | null
  sysBrif: BrctlRecord[] | null
}

/** Bridges of every namespace with their ports, from ip link master plus bridge link / brctl / sys brif (host). */
export function buildBridges(src: BridgeSources): Bridge[] {
  const bridges = new Map<string, { name: string; netns: string; ports: Set<string>; stp: boolean | null }>()
  const key = (netns: string, name: string): string => `${netns}\u0000${name}`
  const ensure = (netns: string, name: string): { ports: Set<string>; stp: boolean | null } => {
    let bridge = bridges.get(key(netns, name))
    if (!bridge) {
      bridge = { name, netns, ports: new Set(), stp: null }
      bridges.set(key(netns, name), bridge)
    }
    return bridge
  }
  const kindOf = new Map<string, string>()
  for (const b of src.ifaces) kindOf.set(key(b.iface.netns, b.iface.name), b.iface.kind)
  for (const b of src.ifaces) if (b.iface.kind === 'bridge') ensure(b.iface.netns, b.iface.name)
  for (const b of src.ifaces) {
    const master = b.iface.master
    if (!master) continue
    const masterKind = kindOf.get(key(b.iface.netns, master))
    // bond/team/vrf masters are not bridges
    if (masterKind && masterKind !== 'bridge') continue
    ensure(b.iface.netns, master).ports.add(b.iface.name)
  }
  for (const l of src.bridgeLink ?? []) if (l.master) ensure('host', l.master).ports.add(l.name)
  for (const list of [src.brctl, src.sysBrif]) {
    for (const r of list ?? []) {
      const bridge = ensure('host', r.bridge)
      for (const port of r.interfaces) bridge.ports.add(port)
      if (r.stp !== null && bridge.stp === null) bridge.stp = r.stp
    }
  }
  const stpOf = new Map<string, boolean | null>()
  for (const b of src.ifaces) {
    const stp = /"stp_state":\s*(\d)/.exec(b.iface.raw)?.[1] ?? /\bstp_state (\d)/.exec(b.iface.raw)?.[1]
    if (stp !== undefined) stpOf.set(key(b.iface.netns, b.iface.name), stp !== '0')
  }
  return [...bridges.values()]
    .map((b) => ({
      name: b.name,
      netns: b.netns,
      ports: [...b.ports].sort(),
      stp: stpOf.get(key(b.netns, b.name)) ?? b.stp,
      network: null as string | null
    }))
    .sort((a, b) =>
      a.netns === b.netns
        ? a.name.localeCompare(b.name)
        : a.netns === 'host'
          ? -1
          : b.netns === 'host'
            ? 1
            : a.netns.localeCompare(b.netns)
    )
}

export interface NetworkJoinInput {
  networks: DockerNetworkRecord[]
  ifaces: IfaceBuild[]
  bridges: Bridge[]
  /** FDB records per NetLens netns id. */
  fdbByNetns: Map<string, FdbRecord[]>
  /** docker netns file name → NetLens netns id, for overlay namespaces (`1-<netid prefix>`). */
  dockerNetnsFiles: Map<string, string>
}

/** Finds the overlay namespace of a network: docker names it `<n>-<first 10 chars of the network id>`. */
export function overlayNetnsFile(networkId: string, files: string[]): string | null {
  const hits = files.filter((file) => {
    const m = /^\d+-([0-9a-z]{5,})$/.exec(file)
    return m !== null && networkId.startsWith(m[1])
  })
  return hits.length ? hits.sort()[0] : null
}

/** Docker networks with their bridge (host or overlay namespace), overlay VXLAN facts and parents; sets Bridge.network. */
export function buildNetworks(input: NetworkJoinInput): Network[] {
  const files = [...input.dockerNetnsFiles.keys()]
  const out: Network[] = []
  for (const n of input.networks) {
    const v4 = n.subnets.find((s) => !s.subnet.includes(':')) ?? n.subnets[0] ?? null
    let bridge = dockerBridgeName(n)
    let overlay: Network['overlay'] = null
    let parent: string | null = null
    if (n.driver === 'overlay') {
      const file = overlayNetnsFile(n.id, files)
      const netns = file ? input.dockerNetnsFiles.get(file)! : null
      const inNs = netns ? input.ifaces.filter((b) => b.iface.netns === netns) : []
      const br = inNs.find((b) => b.iface.kind === 'bridge')
      const vx = inNs.find((b) => b.iface.kind === 'vxlan')
      bridge = br?.iface.name ?? null
      const optionVni = Number.parseInt(
        (n.options['com.docker.network.driver.overlay.vxlanid_list'] ?? '').split(',')[0],
        10
      )
      const fdb = netns ? (input.fdbByNetns.get(netns) ?? []) : []
      overlay = {
        vni: vx?.iface.vni ?? (Number.isFinite(optionVni) ? optionVni : null),
        netns,
        vxlan: vx?.iface.name ?? null,
        remoteVteps: [...new Set(fdb.map((f) => f.dst).filter((d): d is string => !!d))].sort()
      }
      if (netns && bridge) {
        const b = input.bridges.find((x) => x.netns === netns && x.name === bridge)
        if (b) b.network = n.name
      }
    } else if (n.driver === 'macvlan' || n.driver === 'ipvlan') {
      parent = n.options.parent ?? null
    }
    if (n.driver === 'bridge' && bridge) {
      const b = input.bridges.find((x) => x.netns === 'host' && x.name === bridge)
      if (b) b.network = n.name
    }
    out.push({
      name: n.name,
      id: n.id,
      driver: n.driver,
      subnet: v4?.subnet ?? null,
      gateway: v4?.gateway ?? null,
      internal: n.internal,
      bridge,
      scope: n.scope || 'local',
      subnets: n.subnets.map((s) => ({ subnet: s.subnet, gateway: s.gateway })),
      options: { ...n.options },
      overlay,
      parent,
      runtime: n.runtime ?? 'docker',
      dns: n.dnsEnabled ?? null
    })
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.runtime.localeCompare(b.runtime))
}

export interface IgmpJoins {
  /** Namespace interface → its host veth (unique by ifindex, or disambiguated by link-netnsid). */
  matches: Map<IfaceBuild, IfaceBuild>
  /** Namespace interfaces whose ifindex more than one candidate pairing could explain: host veth left unknown. */
  ambiguous: Map<IfaceBuild, { veths: IfaceBuild[]; rivals: IfaceBuild[] }>
}

/**
 * proc-igmp / proc-if-inet6 joins for namespaces known only from `/proc/<pid>/net/{igmp,if_inet6,dev}` (no docker data to
 * narrow by bridge). A namespace interface with ifindex N and a host veth with `link_index` N pair
 * when each is the other's only candidate. When several namespaces hold ifindex N (two pids that
 * may or may not share one namespace), the host veth's `link-netnsid` decides, but only if one
 * candidate namespace is already known (from another, unique pairing) to carry that netnsid:
 * all veths into one namespace share its netnsid. Otherwise nothing is paired.
 */
export function resolveIgmpJoins(all: IfaceBuild[], skipNetns: Set<string> = new Set()): IgmpJoins {
  const nsIfaces = all.filter(
    (b) =>
      b.iface.netns !== 'host' &&
      !skipNetns.has(b.iface.netns) &&
      learntFromProc(b) &&
      b.iface.ifindex > 0 &&
      b.iface.kind !== 'loopback' &&
      b.iface.name !== 'lo' &&
      !b.iface.peer
  )
  const veths = all.filter(
    (b) => b.iface.netns === 'host' && b.iface.kind === 'veth' && !b.iface.peer && (b.linkIndex ?? 0) > 0
  )
  const matches = new Map<IfaceBuild, IfaceBuild>()
  const matchedVeths = new Set<IfaceBuild>()
  const netnsidOf = new Map<string, number>()
  const namespaceOfNetnsid = new Map<number, string>()
  const ifacesAt = (index: number): IfaceBuild[] => nsIfaces.filter((b) => b.iface.ifindex === index && !matches.has(b))
  /** Could `b`'s namespace be the one `veth` leads to, judging by netnsids learnt so far? */
  const fits = (veth: IfaceBuild, b: IfaceBuild): boolean => {
    const id = veth.linkNetnsId
    if (id === null) return true
    const known = netnsidOf.get(b.iface.netns)
    if (known !== undefined) return known === id
    return !namespaceOfNetnsid.has(id)
  }
  let changed = true
  while (changed) {
    changed = false
    for (const veth of veths) {
      if (matchedVeths.has(veth)) continue
      const candidates = ifacesAt(veth.linkIndex!).filter((b) => fits(veth, b))
      if (candidates.length !== 1) continue
      const b = candidates[0]
      const rivals = veths.filter(
        (v) => v !== veth && !matchedVeths.has(v) && v.linkIndex === b.iface.ifindex && fits(v, b)
      )
      if (rivals.length) continue
      matches.set(b, veth)
      matchedVeths.add(veth)
      if (veth.linkNetnsId !== null && !netnsidOf.has(b.iface.netns)) {
        netnsidOf.set(b.iface.netns, veth.linkNetnsId)
        namespaceOfNetnsid.set(veth.linkNetnsId, b.iface.netns)
      }
      changed = true
    }
  }
  const ambiguous = new Map<IfaceBuild, { veths: IfaceBuild[]; rivals: IfaceBuild[] }>()
  for (const b of nsIfaces) {
    if (matches.has(b)) continue
    const vs = veths.filter((v) => !matchedVeths.has(v) && v.linkIndex === b.iface.ifindex)
    if (!vs.length) continue
    const rivals = nsIfaces.filter((o) => o !== b && !matches.has(o) && o.iface.ifindex === b.iface.ifindex)
    ambiguous.set(b, { veths: vs, rivals })
  }
  return { matches, ambiguous }
}

/**
 * Capture nsids (`pid:<pid>`) that are one namespace, told by the host veths' link-netnsid.
 *
 * A non-root capture cannot read namespace inodes, so every container pid looks like a namespace
 * of its own, and a namespace several containers share (a `container:` sidecar) is read once per
 * pid: each copy then claims the same host veths and none is joined. But all host veths whose
 * link-netnsid is N lead into one namespace, and a veth's link_index is its peer's ifindex there.
 * A pid whose interfaces (ifindexes from /proc/<pid>/net/igmp and if_inet6) are the peers of exactly one
 * netnsid's veths is in that namespace; pids that land on the same netnsid are one namespace,
 * whatever number of containers share it. Returns the groups of two or more nsids.
 */
export function sameNamespaceNsids(hostVeths: IfaceBuild[], ifindexesOf: Map<string, number[]>): string[][] {
  const peersOf = new Map<number, Set<number>>()
  for (const v of hostVeths) {
    if (v.iface.netns !== 'host' || v.linkNetnsId === null || v.linkIndex === null || v.linkIndex <= 0) continue
    const set = peersOf.get(v.linkNetnsId) ?? new Set<number>()
    set.add(v.linkIndex)
    peersOf.set(v.linkNetnsId, set)
  }
  const byNetnsid = new Map<number, string[]>()
  for (const [nsid, indexes] of ifindexesOf) {
    const fitting = [...peersOf].filter(([, peers]) => indexes.some((i) => peers.has(i)))
    if (fitting.length !== 1) continue
    const [netnsid] = fitting[0]
    byNetnsid.set(netnsid, [...(byNetnsid.get(netnsid) ?? []), nsid])
  }
  return [...byNetnsid.values()].filter((nsids) => nsids.length > 1)
}
