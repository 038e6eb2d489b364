/**
 * buildSnapshot(capture) → Snapshot: parse every section with the right parser (JSON form first,
 * text form as fallback), join interfaces across namespaces, bridges and docker networks, model
 * NAT, published ports and conntrack, and turn parser warnings and missing/denied sections into
 * snapshot warnings. It never throws: anything unexpected becomes a warning, and the result always
 * satisfies the Snapshot schema.
 */
import type { Capture } from '../capture/capture-types'
import { HOST_SECTIONS as HOST, NS_SECTIONS as NS, type SectionValue } from '../capture/section-registry'
import { SECTION } from '../capture/sections'
import type { Interface, Route, Snapshot } from '../../shared/snapshot/schema'
import { SCHEMA_VERSION } from '../../shared/snapshot/constants'
import { networkBridgeRef } from '../../shared/snapshot/bridges'
import { subnetText } from '../../shared/net/ip'
import type { FdbRecord, IpRouteRecord, IptablesRuleset } from '../parsers/types'
import { conntrackSection, conntrackTableFromText, readCount } from './conntrack'
import { buildContainers, containerAddressIndex, procContainerRecords } from './containers'
import { buildInterfaces, type IfaceBuild } from './interfaces'
import {
  buildBridges,
  buildNetworks,
  dockerBridgeName,
  joinVethPeers,
  netKey,
  markUnresolvedPeers,
  resolveIgmpJoins,
  sameNamespaceNsids,
  resolveParents,
  type IgmpJoins
} from './joins'
import { buildNat, listToRuleset } from './nat'
import { buildNetns, namespacesOf, type NetnsMapEntry } from './netns'
import { nameClashWarnings, podmanView } from './podman'
import { buildPublishedPorts } from './ports'
import { CaptureReader, splitNsSection } from './reader'
import { emptySnapshot } from './empty-snapshot'

export { emptySnapshot }

const firstLine = (text: string | null): string | null => {
  const line = text
    ?.split(/\r?\n/)
    .find((l) => l.trim() !== '')
    ?.trim()
  return line ? line : null
}

export function buildSnapshot(capture: Capture): Snapshot {
  return buildSnapshotInStages(capture).complete()
}

/**
 * The snapshot in two steps, so a caller can show the host's wiring before a large conntrack
 * table is read (262,144 entries take a good part of the build): `topology` has everything but the
 * conntrack entries (`conntrack.entries` is empty, `total` and `max` are known), and `complete()`
 * reads them and gives the whole snapshot, the same as buildSnapshot's (made once).
 */
export interface SnapshotStages {
  topology: Snapshot
  complete(): Snapshot
}

export function buildSnapshotInStages(capture: Capture): SnapshotStages {
  let built: SnapshotStages
  try {
    built = stages(capture)
  } catch (error) {
    const failed = unbuildable(capture, error)
    return { topology: failed, complete: () => failed }
  }
  let whole: Snapshot | null = null
  return {
    topology: built.topology,
    complete: () => {
      if (whole) return whole
      try {
        whole = built.complete()
      } catch (error) {
        whole = unbuildable(capture, error)
      }
      return whole
    }
  }
}

/** A snapshot with the sections only, for a capture the model failed on (it never throws). */
function unbuildable(capture: Capture, error: unknown): Snapshot {
  const reader = new CaptureReader(capture)
  const message = error instanceof Error ? error.message : String(error)
  const truncated = safe(() => truncationOf(capture), null)
  return {
    ...emptySnapshot(capture),
    sections: safe(() => reader.sectionRecords(), []),
    warnings: [
      ...(truncated ? [truncationWarning(truncated)] : []),
      `snapshot: could not be built (${message}); showing sections only`
    ],
    truncated
  }
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn()
  } catch {
    return fallback
  }
}

function toRoute(netns: string, r: IpRouteRecord): Route {
  return {
    netns,
    table: r.table || 'main',
    dst: r.dst,
    gateway: r.gateway,
    dev: r.dev,
    protocol: r.protocol,
    scope: r.scope,
    prefsrc: r.prefsrc,
    metric: r.metric,
    raw: r.raw
  }
}

const listRuleset = (list: SectionValue<typeof HOST.iptablesListNat> | null): IptablesRuleset | null =>
  list && list.chains.length ? listToRuleset(list.chains, 'nat') : null

const netnsOrder = (id: string): string => (id === 'host' ? '' : id)

function stages(capture: Capture): SnapshotStages {
  const r = new CaptureReader(capture)
  const truncated = truncationOf(capture)
  const warnings: string[] = [
    ...(truncated ? [truncationWarning(truncated)] : []),
    ...(Array.isArray(capture.notes) ? capture.notes.filter((n) => typeof n === 'string') : []),
    ...r.sectionWarnings(),
    ...r.absentWarnings()
  ]

  // Host facts
  const uid = firstLine(r.text(SECTION.uid))
  const dockerRecords = r.read(HOST.dockerContainers)
  const docker = dockerRecords ?? []
  const dockerNetworks = r.read(HOST.dockerNetworks) ?? []
  const podmanNetworks = r.read(HOST.podmanNetworks) ?? []
  const ss = r.read(HOST.ss) ?? []

  // Host interfaces (needed early: a pid that sees exactly these lives in the host namespace)
  const hostIfaces: IfaceBuild[] = buildInterfaces({
    netns: 'host',
    links: r.read(HOST.ipLink),
    addrs: r.read(HOST.ipAddr),
    dev: r.read(HOST.procNetDev),
    igmp: null
  })

  // Namespaces
  const captureNsids = [
    ...new Set(
      r.names
        .map(splitNsSection)
        .filter((x) => x !== null)
        .map((x) => x.nsid)
    )
  ]
  const netnsMap = r.read(HOST.netnsMap) ?? []
  const probeUid = uid !== null && /^\d+$/.test(uid) ? Number(uid) : null
  const hostLike = hostLikeNsids(r, netnsMap, hostIfaces)
  const podman = podmanView({
    containers: r.read(HOST.podmanContainers),
    pods: r.read(HOST.podmanPods),
    helpers: r.read(HOST.netHelpers) ?? [],
    netnsMap,
    listeners: ss,
    probeUid,
    probeUser: firstLine(r.text(SECTION.user)),
    knownIds: new Set(docker.map((d) => d.id)),
    hostLike
  })
  const podmanIds = new Set(podman.records.map((p) => p.id))
  // Without docker (not root, not in the docker group) netns.map still names each container's pid and id.
  const procRecords =
    dockerRecords === null ? procContainerRecords(netnsMap, hostLike).filter((p) => !podmanIds.has(p.id)) : []
  const procMode = procRecords.length > 0
  const containerRecords = [...(procMode ? procRecords : docker), ...podman.records]
  warnings.push(...podman.warnings, ...nameClashWarnings(containerRecords))
  const netns = buildNetns(
    captureNsids,
    netnsMap,
    containerRecords,
    procMode ? sameNamespaceNsids(hostIfaces, unreadNamespaceIfindexes(r, netnsMap)) : []
  )

  // Interfaces of every namespace
  const ifaces: IfaceBuild[] = [...hostIfaces]
  const routes: Route[] = []
  const hostRoutes = r.read(HOST.ipRoute)
  for (const route of hostRoutes ?? []) routes.push(toRoute('host', route))
  const fdbByNetns = new Map<string, FdbRecord[]>()
  fdbByNetns.set('host', r.read(HOST.bridgeFdb) ?? [])
  const dockerNetnsFiles = new Map<string, string>()

  for (const group of netns.groups) {
    if (group.id === 'host') continue
    for (const nsid of group.nsids)
      if (nsid.startsWith('docker:')) dockerNetnsFiles.set(nsid.slice('docker:'.length), group.id)
    ifaces.push(
      ...buildInterfaces({
        netns: group.id,
        links: r.readIn(group.nsids, NS.ipLink),
        addrs: r.readIn(group.nsids, NS.ipAddr),
        dev: r.readIn(group.nsids, NS.procNetDev),
        igmp: r.readIn(group.nsids, NS.igmp),
        inet6: r.readIn(group.nsids, NS.ifInet6)
      })
    )
    const nsRoutes = r.readIn(group.nsids, NS.ipRoute) ?? r.readIn(group.nsids, NS.procRoute)
    for (const route of nsRoutes ?? []) routes.push(toRoute(group.id, route))
    const fdb = r.readIn(group.nsids, NS.bridgeFdb)
    if (fdb) fdbByNetns.set(group.id, fdb)
  }

  joinVethPeers(ifaces)
  resolveParents(ifaces)
  // Rootless containers have no veth on the host: nothing of theirs is paired with a host veth.
  const rootlessNetns = new Set(
    [...podman.rootless.keys()]
      .map((id) => netns.containerNetns.get(id))
      .filter((n): n is string => !!n && n !== 'host')
  )
  const igmp: IgmpJoins | undefined = procMode ? resolveIgmpJoins(ifaces, rootlessNetns) : undefined

  // Bridges and docker networks
  const bridges = buildBridges({
    ifaces,
    bridgeLink: r.read(HOST.bridgeLink),
    brctl: r.read(HOST.brctl),
    sysBrif: r.read(HOST.sysBrif)
  })
  const knownIfaces = new Set(ifaces.map((b) => `${b.iface.netns}\u0000${b.iface.name}`))
  for (const bridge of bridges) {
    if (!knownIfaces.has(`${bridge.netns}\u0000${bridge.name}`) && ifaces.length)
      warnings.push(`bridges: ${bridge.name} is listed as a bridge but not as an interface`)
  }
  const networks = buildNetworks({
    networks: [...dockerNetworks, ...podmanNetworks],
    ifaces,
    bridges,
    fdbByNetns,
    dockerNetnsFiles
  })
  const networkBridge = new Map(networks.map((n) => [netKey(n.runtime, n.name), networkBridgeRef(n)]))

  // Containers
  const containers = buildContainers({
    docker: containerRecords,
    netns,
    ifaces,
    hostFdb: fdbByNetns.get('host') ?? [],
    networkBridge,
    routes,
    igmp,
    podNames: podman.podNames,
    rootless: podman.rootless
  })
  if (procMode) warnings.push(...procContainerWarnings(procRecords, containers, ifaces, igmp!, netnsMap))
  markUnresolvedPeers(ifaces)
  for (const c of containers) {
    for (const i of c.interfaces) {
      if (
        i.evidence === 'none' &&
        c.networkMode !== 'host' &&
        !c.networkMode.startsWith('container:') &&
        c.state === 'running' &&
        i.hostVeth === null &&
        i.bridge !== null
      )
        warnings.push(`container ${c.name}: host veth of ${i.ifname} not found (no namespace data, igmp or FDB match)`)
    }
  }
  const addressIndex = containerAddressIndex(containers, containerRecords)

  // NAT
  const versionText = firstLine(r.text(SECTION.iptablesVersion))
  const save = r.read(HOST.iptablesSave)
  const preliminaryBackend = /\(legacy\)/.test(versionText ?? '')
    ? 'legacy'
    : /\(nf_tables\)/.test(versionText ?? '')
      ? 'nf_tables'
      : save?.backend
  let otherSave: { backend: 'nf_tables' | 'legacy'; ruleset: IptablesRuleset } | null = null
  for (const [spec, backend] of [
    [HOST.iptablesLegacySave, 'legacy'],
    [HOST.iptablesNftSave, 'nf_tables']
  ] as const) {
    if (preliminaryBackend === backend) continue
    const ruleset = r.read(spec)
    if (ruleset && !otherSave) otherSave = { backend, ruleset }
  }
  const dockerBridges = new Set<string>()
  for (const n of dockerNetworks) {
    const name = dockerBridgeName(n)
    if (name) dockerBridges.add(name)
  }
  const dockerSubnets = dockerNetworks.flatMap((n) => n.subnets.map((s) => s.subnet))
  const podmanBridges = new Set(podmanNetworks.map((n) => n.bridge).filter((b): b is string => !!b))
  const podmanSubnets = podmanNetworks.flatMap((n) => n.subnets.map((s) => s.subnet))
  for (const b of ifaces) {
    if (b.iface.netns !== 'host' || b.iface.kind !== 'bridge') continue
    // Without the runtimes' own data, their bridges are known by name.
    const runtime = /^(docker0|docker_gwbridge|br-[0-9a-f]{12})$/.test(b.iface.name)
      ? dockerBridges
      : /^podman\d+$/.test(b.iface.name)
        ? podmanBridges
        : null
    if (!runtime) continue
    runtime.add(b.iface.name)
    const subnets = runtime === dockerBridges ? dockerSubnets : podmanSubnets
    for (const a of b.iface.addresses) if (!a.includes(':')) subnets.push(subnetText(a) ?? a)
  }
  const nat = buildNat({
    save,
    save6: r.read(HOST.ip6tablesSave),
    list: save ? null : listRuleset(r.read(HOST.iptablesListNat)),
    otherSave,
    nft: r.read(HOST.nftRuleset),
    nftDevices: r.read(HOST.nftChains),
    versionText,
    dockerBridges,
    dockerSubnets,
    podmanBridges,
    podmanSubnets
  })

  // Listeners, published ports, conntrack
  const listeners = ss.map((l) => ({
    proto: l.proto,
    localAddress: l.localAddress,
    port: l.port,
    process: l.process,
    pid: l.pid,
    raw: l.raw
  }))
  const publishedPorts = buildPublishedPorts({
    docker: [...docker, ...podman.records],
    rules: nat.rules,
    listeners: ss,
    addressIndex,
    forwarderOf: new Map(
      containers.flatMap((c) => (c.rootless?.forwarders ?? []).map((f) => [f.pid, c.name] as const))
    ),
    ownerByIp: new Map(
      containers
        .filter((c) => !c.networkMode.startsWith('container:'))
        .flatMap((c) => c.interfaces.flatMap((i) => i.addresses.map((a) => [a.split('/')[0], c.name] as const)))
    )
  })

  const interfaces: Interface[] = ifaces
    .map((b) => b.iface)
    .sort(
      (a, b) =>
        netnsOrder(a.netns).localeCompare(netnsOrder(b.netns)) || a.ifindex - b.ifindex || a.name.localeCompare(b.name)
    )
  const fdb = [...fdbByNetns.entries()].flatMap(([ns, records]) =>
    records.map((f) => ({ mac: f.mac, dev: f.dev, master: f.master, dst: f.dst, netns: ns, raw: f.raw }))
  )
  // Parser warnings so far; the sysctl parser's come after and were never reported.
  const readerWarnings = [...r.warnings]
  const withoutConntrack: Omit<Snapshot, 'conntrack' | 'warnings'> = {
    schemaVersion: SCHEMA_VERSION,
    host: {
      hostname: firstLine(r.text(SECTION.hostname)) ?? 'unknown',
      kernel: firstLine(r.text(SECTION.kernel)),
      dockerVersion: firstLine(r.text(SECTION.dockerVersion)),
      podmanVersion: firstLine(r.text(SECTION.podmanVersion)),
      iptablesBackend: nat.iptablesBackend,
      capturedAt: typeof capture.capturedAt === 'string' ? capture.capturedAt : new Date(0).toISOString(),
      source: typeof capture.source === 'string' ? capture.source : 'unknown',
      privileged: uid === '0',
      sysctls: r.read(HOST.sysctl) ?? {}
    },
    sections: r.sectionRecords(),
    namespaces: namespacesOf(netns, containerRecords),
    interfaces,
    routes,
    bridges,
    networks,
    containers,
    publishedPorts,
    nat: { rules: nat.rules, chains: nat.chains, backendsPresent: nat.backendsPresent },
    listeners,
    fdb,
    truncated
  }
  const count = readCount(r.text(SECTION.conntrackCount))
  const max = readCount(r.text(SECTION.conntrackMax))
  const topology: Snapshot = {
    ...withoutConntrack,
    conntrack: { total: count, max, truncated: false, entries: [] },
    warnings: [...warnings, ...readerWarnings]
  }

  function complete(): Snapshot {
    const conntrackList = r.get(SECTION.conntrack)
    // Only a listing that ran to completion can have been cut by the cap.
    const conntrackListOk = conntrackList?.status === 'ok'
    const parsedBefore = r.warnings.length
    const conntrack = conntrackSection(
      r.parse(SECTION.conntrack, (text) => conntrackTableFromText(text, addressIndex)),
      count,
      max,
      conntrackListOk
    )
    const conntrackWarnings: string[] = []
    if (conntrack.truncated)
      conntrackWarnings.push(
        `conntrack.list: showing ${conntrack.entries.length} of ${conntrack.total} tracked connections (capture cap)`
      )
    else if (
      conntrackList &&
      !conntrackListOk &&
      conntrack.total !== null &&
      conntrack.total > conntrack.entries.length
    )
      conntrackWarnings.push(
        conntrack.entries.length
          ? `conntrack.list: ${conntrackList.status ?? 'error'} — only ${conntrack.entries.length} of the ${conntrack.total} tracked connections (conntrack.count) were read; the others are unknown`
          : `conntrack.list: ${conntrackList.status ?? 'error'} — ${conntrack.total} tracked connections are counted (conntrack.count) but their entries (addresses, NAT) are unknown`
      )
    return {
      ...withoutConntrack,
      conntrack,
      warnings: [...warnings, ...conntrackWarnings, ...readerWarnings, ...r.warnings.slice(parsedBefore)]
    }
  }

  return { topology, complete }
}

/** The capture's truncation record, when it is one (never trusting the shape of a hand-made capture). */
function truncationOf(capture: Capture): Snapshot['truncated'] {
  const t = capture.truncated
  if (!t || typeof t.after !== 'string') return null
  return { after: t.after, cut: typeof t.cut === 'string' ? t.cut : null }
}

function truncationWarning(t: NonNullable<Snapshot['truncated']>): string {
  return `capture truncated after section ${t.after}${t.cut ? ` (it ends inside ${t.cut}, which was not read)` : ''}: the probe was cut off (timeout, full disk or a closed ssh session), so every section after it is missing`
}

/** The ifindexes of each container pid whose namespace inode was unreadable (lo left out), from its igmp and if_inet6. */
function unreadNamespaceIfindexes(r: CaptureReader, map: NetnsMapEntry[]): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const entry of map) {
    if (entry.inode !== null || !entry.nsid.startsWith('pid:')) continue
    const records = [...(r.peekIn(entry.nsid, NS.igmp) ?? []), ...(r.peekIn(entry.nsid, NS.ifInet6) ?? [])]
    const indexes = [...new Set(records.filter((g) => g.name !== 'lo' && g.ifindex > 0).map((g) => g.ifindex))]
    if (indexes.length) out.set(entry.nsid, indexes)
  }
  return out
}

/**
 * Container pids (from netns.map, inode unreadable) whose `/proc/<pid>/net/dev` lists exactly the
 * host's interfaces, with the same ifindexes where `/proc/<pid>/net/igmp` gives them: the host
 * namespace (`--network host`). A namespace with only `lo` proves nothing.
 */
function hostLikeNsids(r: CaptureReader, map: NetnsMapEntry[], hostIfaces: IfaceBuild[]): Set<string> {
  const out = new Set<string>()
  const hostIndex = new Map(hostIfaces.map((b) => [b.iface.name, b.iface.ifindex]))
  if (![...hostIndex.keys()].some((n) => n !== 'lo')) return out
  for (const entry of map) {
    if (entry.inode !== null || !entry.containerId || !entry.nsid.startsWith('pid:')) continue
    const dev = r.peekIn(entry.nsid, NS.procNetDev)
    if (!dev || dev.length !== hostIndex.size || !dev.every((d) => hostIndex.has(d.iface))) continue
    const igmp = r.peekIn(entry.nsid, NS.igmp) ?? []
    if (igmp.every((g) => hostIndex.get(g.name) === g.ifindex)) out.add(entry.nsid)
  }
  return out
}

/** What a /proc-only container list does not know, one warning each. */
function procContainerWarnings(
  records: { id: string; name: string; pid: number | null; networkMode: string }[],
  containers: Snapshot['containers'],
  ifaces: IfaceBuild[],
  igmp: IgmpJoins,
  map: NetnsMapEntry[]
): string[] {
  const out = [
    `containers: ${records.length} identified from /proc (netns.map) without docker access — names are short container ids; images, docker networks, network modes and published ports unknown; run as root, in the docker group or with --sudo`
  ]
  const inodeKnown = new Map(map.map((e) => [e.nsid, e.inode !== null]))
  for (const c of records) {
    if (c.networkMode === 'host' && c.pid !== null && !inodeKnown.get(`pid:${c.pid}`))
      out.push(
        `container ${c.name}: pid ${c.pid} sees exactly the host's interfaces, so it is taken to use the host network (its namespace inode was unreadable)`
      )
  }
  const namesIn = new Map<string, string[]>()
  for (const c of containers) if (c.netns) namesIn.set(c.netns, [...(namesIn.get(c.netns) ?? []), c.name])
  const buildOf = new Map<string, IfaceBuild>()
  for (const b of ifaces) buildOf.set(`${b.iface.netns}\u0000${b.iface.name}`, b)
  for (const c of containers) {
    if (!c.netns) continue
    for (const i of c.interfaces) {
      if (i.evidence !== 'none') continue
      const b = buildOf.get(`${c.netns}\u0000${i.ifname}`)
      const amb = b ? igmp.ambiguous.get(b) : undefined
      if (!amb) continue
      const rivals = [...new Set(amb.rivals.flatMap((o) => namesIn.get(o.iface.netns) ?? [o.iface.netns]))]
        .filter((n) => n !== c.name)
        .sort()
      const veths = amb.veths.map((v) => v.iface.name).join(', ')
      out.push(
        rivals.length
          ? `container ${c.name}: host veth of ${i.ifname} unknown — its ifindex ${i.ifindex} matches ${veths}, but so does ${rivals.join(', ')}'s (namespace inodes unreadable: they may share one namespace)`
          : `container ${c.name}: host veth of ${i.ifname} unknown — its ifindex ${i.ifindex} matches several host veths (${veths})`
      )
    }
  }
  return out
}
