/**
 * buildSnapshot(capture) → Snapshot: parse every section with the right parser (JSON form first,
 * text form as fallback), join interfaces across namespaces, bridges and docker networks, model
 * NAT, published ports and conntrack, and turn parser warnings and missing/denied sections into
 * snapshot warnings. It never throws: anything unexpected becomes a warning, and the result always
 * satisfies the Snapshot schema.
 */
import type { Capture } from '../capture/capture-types'
import { NS_SECTION, SECTION } from '../capture/sections'
import { SCHEMA_VERSION, type Interface, type Route, type Snapshot } from '../../shared/snapshot/schema'
import type { FdbRecord, IpRouteRecord, IptablesRuleset, ParseResult } from '../parsers/types'
import { parseBrctlShow } from '../parsers/brctl'
import { parseBridgeFdbJson } from '../parsers/bridge-fdb'
import { parseBridgeLinkJson } from '../parsers/bridge-link'
import { parseConntrack } from '../parsers/conntrack'
import { parseDockerContainers } from '../parsers/docker-container'
import { parseDockerNetworks } from '../parsers/docker-network'
import { parseIpAddrJson, parseIpAddrText } from '../parsers/ip-addr'
import { parseIpLinkJson, parseIpLinkText } from '../parsers/ip-link'
import { parseIpRouteJson, parseIpRouteText } from '../parsers/ip-route'
import { parseIptablesList, type IptablesListChain } from '../parsers/iptables-list'
import { parseIptablesSave } from '../parsers/iptables-save'
import { parseNftJson } from '../parsers/nft-json'
import { parseProcIgmp } from '../parsers/proc-igmp'
import { parseProcNetDev } from '../parsers/proc-net-dev'
import { parseProcRoute } from '../parsers/proc-route'
import { parseSs } from '../parsers/ss'
import { parseSysBrif } from '../parsers/sys-brif'
import { parseSysctl } from '../parsers/sysctl'
import { buildConntrack, readCount } from './conntrack'
import { buildContainers, containerAddressIndex } from './containers'
import { buildInterfaces, type IfaceBuild } from './interfaces'
import {
  buildBridges,
  buildNetworks,
  dockerBridgeName,
  joinVethPeers,
  markUnresolvedPeers,
  resolveParents
} from './joins'
import { buildNat, listToRuleset } from './nat'
import { buildNetns, namespacesOf, parseNetnsMap } from './netns'
import { buildPublishedPorts } from './ports'
import { CaptureReader, splitNsSection } from './reader'
import { emptySnapshot } from './empty-snapshot'

export { emptySnapshot }

/** JSON when the output looks like JSON, else the text parser (old iproute2 without -j). */
const jsonOrText =
  <T>(json: (t: string) => ParseResult<T>, text: (t: string) => ParseResult<T>) =>
  (input: string): ParseResult<T> =>
    /^\s*[[{]/.test(input) ? json(input) : text(input)

const parseLinks = jsonOrText(parseIpLinkJson, parseIpLinkText)
const parseAddrs = jsonOrText(parseIpAddrJson, parseIpAddrText)
const parseRoutes = jsonOrText(parseIpRouteJson, parseIpRouteText)

const firstLine = (text: string | null): string | null => {
  const line = text
    ?.split(/\r?\n/)
    .find((l) => l.trim() !== '')
    ?.trim()
  return line ? line : null
}

export function buildSnapshot(capture: Capture): Snapshot {
  try {
    return build(capture)
  } catch (error) {
    const reader = new CaptureReader(capture)
    const message = error instanceof Error ? error.message : String(error)
    return {
      ...emptySnapshot(capture),
      sections: safe(() => reader.sectionRecords(), []),
      warnings: [`snapshot: could not be built (${message}); showing sections only`]
    }
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

const listRuleset = (list: { chains: IptablesListChain[] } | null): IptablesRuleset | null =>
  list && list.chains.length ? listToRuleset(list.chains, 'nat') : null

const netnsOrder = (id: string): string => (id === 'host' ? '' : id)

function build(capture: Capture): Snapshot {
  const r = new CaptureReader(capture)
  const warnings: string[] = [...r.sectionWarnings(), ...r.absentWarnings()]

  // Host facts
  const uid = firstLine(r.text(SECTION.uid))
  const docker = r.parse(SECTION.dockerContainers, parseDockerContainers) ?? []
  const dockerNetworks = r.parse(SECTION.dockerNetworks, parseDockerNetworks) ?? []

  // Namespaces
  const captureNsids = [
    ...new Set(
      r.names
        .map(splitNsSection)
        .filter((x) => x !== null)
        .map((x) => x.nsid)
    )
  ]
  const netnsMap = r.parse(SECTION.netnsMap, parseNetnsMap) ?? []
  const netns = buildNetns(captureNsids, netnsMap, docker)
  const nsSection = (nsids: string[], section: string): string | null => {
    for (const nsid of nsids) {
      const name = `ns/${nsid}/${section}`
      if (r.has(name)) return name
    }
    return null
  }
  const parseNs = <T>(nsids: string[], section: string, parser: (t: string) => ParseResult<T>): T | null => {
    const name = nsSection(nsids, section)
    return name ? r.parse(name, parser) : null
  }

  // Interfaces of every namespace
  const ifaces: IfaceBuild[] = buildInterfaces({
    netns: 'host',
    links:
      r.parseFirst([
        [SECTION.ipLink, parseLinks],
        [SECTION.ipLinkText, parseIpLinkText]
      ])?.value ?? null,
    addrs:
      r.parseFirst([
        [SECTION.ipAddr, parseAddrs],
        [SECTION.ipAddrText, parseIpAddrText]
      ])?.value ?? null,
    dev: r.parse(SECTION.procNetDev, parseProcNetDev),
    igmp: null
  })
  const routes: Route[] = []
  const hostRoutes = r.parseFirst([
    [SECTION.ipRoute, parseRoutes],
    [SECTION.ipRouteText, parseIpRouteText]
  ])?.value
  for (const route of hostRoutes ?? []) routes.push(toRoute('host', route))
  const fdbByNetns = new Map<string, FdbRecord[]>()
  fdbByNetns.set('host', r.parse(SECTION.bridgeFdb, parseBridgeFdbJson) ?? [])
  const dockerNetnsFiles = new Map<string, string>()

  for (const group of netns.groups) {
    if (group.id === 'host') continue
    for (const nsid of group.nsids)
      if (nsid.startsWith('docker:')) dockerNetnsFiles.set(nsid.slice('docker:'.length), group.id)
    ifaces.push(
      ...buildInterfaces({
        netns: group.id,
        links: parseNs(group.nsids, NS_SECTION.ipLink, parseLinks),
        addrs: parseNs(group.nsids, NS_SECTION.ipAddr, parseAddrs),
        dev: parseNs(group.nsids, NS_SECTION.procNetDev, parseProcNetDev),
        igmp: parseNs(group.nsids, NS_SECTION.igmp, parseProcIgmp)
      })
    )
    const nsRoutes =
      parseNs(group.nsids, NS_SECTION.ipRoute, parseRoutes) ??
      parseNs(group.nsids, NS_SECTION.procRoute, parseProcRoute)
    for (const route of nsRoutes ?? []) routes.push(toRoute(group.id, route))
    const fdb = parseNs(group.nsids, NS_SECTION.bridgeFdb, parseBridgeFdbJson)
    if (fdb) fdbByNetns.set(group.id, fdb)
  }

  joinVethPeers(ifaces)
  resolveParents(ifaces)

  // Bridges and docker networks
  const bridges = buildBridges({
    ifaces,
    bridgeLink: r.parse(SECTION.bridgeLink, parseBridgeLinkJson),
    brctl: r.parse(SECTION.brctl, parseBrctlShow),
    sysBrif: r.parse(SECTION.sysBrif, parseSysBrif)
  })
  const knownIfaces = new Set(ifaces.map((b) => `${b.iface.netns}\u0000${b.iface.name}`))
  for (const bridge of bridges) {
    if (!knownIfaces.has(`${bridge.netns}\u0000${bridge.name}`) && ifaces.length)
      warnings.push(`bridges: ${bridge.name} is listed as a bridge but not as an interface`)
  }
  const networks = buildNetworks({ networks: dockerNetworks, ifaces, bridges, fdbByNetns, dockerNetnsFiles })
  const networkBridge = new Map(networks.map((n) => [n.name, n.bridge]))

  // Containers
  const containers = buildContainers({
    docker,
    netns,
    ifaces,
    hostFdb: fdbByNetns.get('host') ?? [],
    networkBridge,
    routes
  })
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
  const addressIndex = containerAddressIndex(containers, docker)

  // NAT
  const versionText = firstLine(r.text(SECTION.iptablesVersion))
  const save = r.parse(SECTION.iptablesSave, parseIptablesSave)
  const preliminaryBackend = /\(legacy\)/.test(versionText ?? '')
    ? 'legacy'
    : /\(nf_tables\)/.test(versionText ?? '')
      ? 'nf_tables'
      : save?.backend
  let otherSave: { backend: 'nf_tables' | 'legacy'; ruleset: IptablesRuleset } | null = null
  for (const [name, backend] of [
    [SECTION.iptablesLegacySave, 'legacy'],
    [SECTION.iptablesNftSave, 'nf_tables']
  ] as const) {
    if (preliminaryBackend === backend) continue
    const ruleset = r.parse(name, parseIptablesSave)
    if (ruleset && !otherSave) otherSave = { backend, ruleset }
  }
  const dockerBridges = new Set<string>()
  for (const n of dockerNetworks) {
    const name = dockerBridgeName(n)
    if (name) dockerBridges.add(name)
  }
  const dockerSubnets = dockerNetworks.flatMap((n) => n.subnets.map((s) => s.subnet))
  for (const b of ifaces) {
    if (
      b.iface.netns !== 'host' ||
      b.iface.kind !== 'bridge' ||
      !/^(docker0|docker_gwbridge|br-[0-9a-f]{12})$/.test(b.iface.name)
    )
      continue
    dockerBridges.add(b.iface.name)
    for (const a of b.iface.addresses) if (!a.includes(':')) dockerSubnets.push(networkOf(a))
  }
  const nat = buildNat({
    save,
    save6: r.parse(SECTION.ip6tablesSave, parseIptablesSave),
    list: save ? null : listRuleset(r.parse(SECTION.iptablesListNat, parseIptablesList)),
    otherSave,
    nft: r.parse(SECTION.nftRuleset, parseNftJson),
    versionText,
    dockerBridges,
    dockerSubnets
  })

  // Listeners, published ports, conntrack
  const ss = r.parse(SECTION.ss, parseSs) ?? []
  const listeners = ss.map((l) => ({
    proto: l.proto,
    localAddress: l.localAddress,
    port: l.port,
    process: l.process,
    pid: l.pid,
    raw: l.raw
  }))
  const publishedPorts = buildPublishedPorts({ docker, rules: nat.rules, listeners: ss, addressIndex })
  const conntrack = buildConntrack(
    r.parse(SECTION.conntrack, parseConntrack),
    readCount(r.text(SECTION.conntrackCount)),
    readCount(r.text(SECTION.conntrackMax)),
    addressIndex
  )
  if (conntrack.truncated)
    warnings.push(
      `conntrack.list: showing ${conntrack.entries.length} of ${conntrack.total} tracked connections (capture cap)`
    )

  warnings.push(...r.warnings)

  const interfaces: Interface[] = ifaces
    .map((b) => b.iface)
    .sort(
      (a, b) =>
        netnsOrder(a.netns).localeCompare(netnsOrder(b.netns)) || a.ifindex - b.ifindex || a.name.localeCompare(b.name)
    )
  const fdb = [...fdbByNetns.entries()].flatMap(([ns, records]) =>
    records.map((f) => ({ mac: f.mac, dev: f.dev, master: f.master, dst: f.dst, netns: ns, raw: f.raw }))
  )

  return {
    schemaVersion: SCHEMA_VERSION,
    host: {
      hostname: firstLine(r.text(SECTION.hostname)) ?? 'unknown',
      kernel: firstLine(r.text(SECTION.kernel)),
      dockerVersion: firstLine(r.text(SECTION.dockerVersion)),
      iptablesBackend: nat.iptablesBackend,
      capturedAt: typeof capture.capturedAt === 'string' ? capture.capturedAt : new Date(0).toISOString(),
      source: typeof capture.source === 'string' ? capture.source : 'unknown',
      privileged: uid === '0',
      sysctls: r.parse(SECTION.sysctl, parseSysctl) ?? {}
    },
    sections: r.sectionRecords(),
    namespaces: namespacesOf(netns, docker),
    interfaces,
    routes,
    bridges,
    networks,
    containers,
    publishedPorts,
    nat: { rules: nat.rules, chains: nat.chains, backendsPresent: nat.backendsPresent },
    conntrack,
    listeners,
    fdb,
    warnings
  }
}

/** `172.17.0.1/16` → `172.17.0.0/16`. */
export function networkOf(cidr: string): string {
  const [ip, lenText] = cidr.split('/')
  const len = Number(lenText ?? 32)
  const parts = ip.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p)) || !Number.isInteger(len)) return cidr
  const value = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0
  const net = (value & mask) >>> 0
  return `${[net >>> 24, (net >>> 16) & 255, (net >>> 8) & 255, net & 255].join('.')}/${len}`
}
