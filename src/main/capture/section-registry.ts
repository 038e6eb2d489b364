/**
 * The section registry: one row per capture section, saying how resources/probe.sh runs it (its
 * display command, as the capture records it), whether it is read inside each namespace
 * (`ns/<nsid>/<name>`), which parser in src/main/parsers reads it (the module and its function),
 * which section holds its text form when iproute2 has no -j, and where its fixtures are (globs
 * under test/fixtures: captured on real hosts, see test/fixtures/README.md). sections.ts derives
 * the section names from it; the snapshot builder reads every parsed section through its row here
 * (CaptureReader.read), never importing a parser itself; diagnose checks name the sections they
 * need by their registry keys.
 *
 * Adding a section: a row here (with its parser), the nl_run line in probe.sh, fixtures from a real
 * host, and its use in src/main/model. test/unit/capture/section-registry.test.ts checks they agree.
 */
import type { ParseResult } from '../parsers/types'
import { parseBrctlShow } from '../parsers/brctl'
import { parseBridgeFdbJson } from '../parsers/bridge-fdb'
import { parseBridgeLinkJson } from '../parsers/bridge-link'
import { parseConntrack } from '../parsers/conntrack'
import { parseDockerContainers } from '../parsers/docker-container'
import { parseDockerNetworks } from '../parsers/docker-network'
import { parseIpAddr, parseIpAddrText } from '../parsers/ip-addr'
import { parseIpLink, parseIpLinkText } from '../parsers/ip-link'
import { parseIpRoute, parseIpRouteText } from '../parsers/ip-route'
import { parseIptablesList } from '../parsers/iptables-list'
import { parseIptablesSave } from '../parsers/iptables-save'
import { parseNetHelpers } from '../parsers/nethelpers'
import { parseNetnsMap } from '../parsers/netns-map'
import { parseNftChainsText } from '../parsers/nft-chains-text'
import { parseNftJson } from '../parsers/nft-json'
import { parsePodmanContainers, parsePodmanNetworks, parsePodmanPods } from '../parsers/podman'
import { parseProcIfInet6 } from '../parsers/proc-if-inet6'
import { parseProcIgmp } from '../parsers/proc-igmp'
import { parseProcNetDev } from '../parsers/proc-net-dev'
import { parseProcRoute } from '../parsers/proc-route'
import { parseSs } from '../parsers/ss'
import { parseSysBrif } from '../parsers/sys-brif'
import { parseSysctl } from '../parsers/sysctl'

export type SectionParser<T> = (text: string) => ParseResult<T>

/** A section's parser: its module (src/main/parsers/<module>.ts) and the function of it that reads the section. */
export interface ParserRef<T> {
  module: string
  parse: SectionParser<T>
}

/** `T` is what the section's parser gives (`never` for a section read as plain text). */
export interface SectionSpec<T = unknown> {
  /** The section's name in a capture (per-namespace ones are prefixed `ns/<nsid>/`). */
  name: string
  /** The command as probe.sh displays it (its nl_run/nl_skip DISPLAY argument; `<path>` for the namespace). */
  argv: string
  /** Read once inside each namespace rather than once on the host. */
  perNamespace: boolean
  /** The parser module (src/main/parsers/<parser>.ts), or null for a section read as plain text. */
  parser: string | null
  /** The function of that module that reads the section (null with `parser`). */
  parse: SectionParser<T> | null
  /** The row of the text form read when this JSON form is missing (old iproute2), same table. */
  textFallback: SectionSpec<T> | null
  /** Fixture globs under test/fixtures (`*` matches within one path segment). */
  fixtures: string[]
}

/** What a row's parser gives: `SectionValue<typeof HOST_SECTIONS.ipLink>` is IpLinkRecord[]. */
export type SectionValue<S> = S extends SectionSpec<infer T> ? T : never

/** A row constructor for host sections (`host`) or per-namespace ones (`inNs`). */
const row =
  (perNamespace: boolean) =>
  <T = never>(
    name: string,
    argv: string,
    parser: ParserRef<T> | null,
    fixtures: string[],
    textFallback: SectionSpec<T> | null = null
  ): SectionSpec<T> => ({
    name,
    argv,
    perNamespace,
    parser: parser?.module ?? null,
    parse: parser?.parse ?? null,
    textFallback,
    fixtures
  })
const host = row(false)
const inNs = row(true)
const via = <T>(module: string, parse: SectionParser<T>): ParserRef<T> => ({ module, parse })

const LAB = (file: string): string => `lab/*/${file}.out`
const NS_LAB = (file: string): string => `lab/*/ns--*--${file}.out`
const PODMAN = (file: string): string => `podman/*/${file}.out`

export type SectionKey =
  | 'hostname'
  | 'kernel'
  | 'uid'
  | 'user'
  | 'dockerVersion'
  | 'dockerNetworks'
  | 'dockerContainers'
  | 'podmanVersion'
  | 'podmanNetworks'
  | 'podmanContainers'
  | 'podmanPods'
  | 'netHelpers'
  | 'ipLink'
  | 'ipLinkText'
  | 'ipAddr'
  | 'ipAddrText'
  | 'ipRoute'
  | 'ipRouteText'
  | 'ipNeigh'
  | 'ipNeighText'
  | 'bridgeLink'
  | 'bridgeFdb'
  | 'bridgeFdbText'
  | 'brctl'
  | 'sysBrif'
  | 'iptablesVersion'
  | 'iptablesSave'
  | 'ip6tablesSave'
  | 'iptablesLegacySave'
  | 'iptablesNftSave'
  | 'iptablesListNat'
  | 'nftRuleset'
  | 'nftChains'
  | 'conntrack'
  | 'conntrackCount'
  | 'conntrackMax'
  | 'procNetDev'
  | 'ss'
  | 'sysctl'
  | 'netnsMap'

export type NsSectionKey =
  | 'ipLink'
  | 'ipAddr'
  | 'ipRoute'
  | 'procNetDev'
  | 'igmp'
  | 'procRoute'
  | 'ifInet6'
  | 'bridgeFdb'
  | 'ipLinkText'
  | 'ipAddrText'
  | 'ipRouteText'

// Text forms (iproute2 without -j), named by the JSON rows' textFallback.
const ipLinkText = host('ip.link.text', 'ip -d link show || ip link show', via('ip-link', parseIpLinkText), [
  LAB('ip.link.text'),
  'iproute2/*/ip-link-text--*.out'
])
const ipAddrText = host('ip.addr.text', 'ip addr show', via('ip-addr', parseIpAddrText), [
  LAB('ip.addr.text'),
  'iproute2/*/ip-addr-text--*.out'
])
const ipRouteText = host('ip.route.text', 'ip route show table all', via('ip-route', parseIpRouteText), [
  LAB('ip.route.text')
])
const ipNeighText = host('ip.neigh.text', 'ip neigh show', null, [LAB('ip.neigh.text')])
// Only on hosts whose bridge has no -j; kept as text (ports come from bridge.link, brctl and sysfs).
const bridgeFdbText = host('bridge.fdb.text', 'bridge fdb show', null, ['iproute2/*/bridge-fdb-text--*.out'])
// The same output format as the host's text sections.
const nsIpLinkText = inNs('ip.link.text', 'nsenter --net=<path> ip -d link show', via('ip-link', parseIpLinkText), [
  LAB('ip.link.text')
])
const nsIpAddrText = inNs('ip.addr.text', 'nsenter --net=<path> ip addr show', via('ip-addr', parseIpAddrText), [
  LAB('ip.addr.text')
])
const nsIpRouteText = inNs(
  'ip.route.text',
  'nsenter --net=<path> ip route show table all',
  via('ip-route', parseIpRouteText),
  [LAB('ip.route.text')]
)

/** Host sections (read once). */
export const HOST_SECTIONS = {
  hostname: host('meta.hostname', 'hostname', null, [LAB('meta.hostname')]),
  kernel: host('meta.kernel', 'uname -r', null, [LAB('meta.kernel')]),
  uid: host('meta.uid', 'id -u', null, [LAB('meta.uid')]),
  // The owner of the rootless Podman containers the probe lists (podman runs as the probing user).
  user: host('meta.user', 'id -un', null, [PODMAN('meta-user--*')]),
  dockerVersion: host('docker.version', "docker version --format '{{.Server.Version}}'", null, [LAB('docker.version')]),
  dockerNetworks: host('docker.networks', 'docker network inspect $(docker network ls -q)', via('docker-network', parseDockerNetworks), [
    LAB('docker.networks'),
    'docker/*/docker-network--*.out'
  ]),
  dockerContainers: host('docker.containers', 'docker container inspect $(docker ps -aq)', via('docker-container', parseDockerContainers), [
    LAB('docker.containers'),
    'docker/*/docker-container--*.out'
  ]),
  // Podman, as the user running the probe (root: rootful; else that user's rootless Podman). Only
  // asked when podman's storage and run-time marker exist (see the probe's podman block).
  podmanVersion: host('podman.version', "podman version --format '{{.Client.Version}}'", null, [
    PODMAN('podman-version--*')
  ]),
  podmanNetworks: host('podman.networks', 'podman network inspect $(podman network ls -q)', via('podman', parsePodmanNetworks), [
    PODMAN('podman-network--*')
  ]),
  podmanContainers: host('podman.containers', 'podman container inspect $(podman ps -aq)', via('podman', parsePodmanContainers), [
    PODMAN('podman-container--*')
  ]),
  podmanPods: host('podman.pods', 'podman pod ps --format json', via('podman', parsePodmanPods), [PODMAN('podman-pods--*')]),
  // "<pid> <ppid> <uid> <comm> [<args>]": slirp4netns/pasta (with args), rootlessport, conmon, aardvark-dns.
  netHelpers: host(
    'proc.nethelpers',
    'for p in /proc/[0-9]*: slirp4netns, pasta, rootlessport, conmon, aardvark-dns',
    via('nethelpers', parseNetHelpers),
    [PODMAN('nethelpers--*')]
  ),
  ipLink: host(
    'ip.link',
    'ip -j -d link show',
    via('ip-link', parseIpLink),
    [LAB('ip.link'), 'iproute2/*/ip-link-json--*.out'],
    ipLinkText
  ),
  ipLinkText,
  ipAddr: host(
    'ip.addr',
    'ip -j addr show',
    via('ip-addr', parseIpAddr),
    [LAB('ip.addr'), 'iproute2/*/ip-addr-json--*.out'],
    ipAddrText
  ),
  ipAddrText,
  ipRoute: host(
    'ip.route',
    'ip -j route show table all',
    via('ip-route', parseIpRoute),
    [LAB('ip.route'), 'iproute2/*/ip-route-json--*.out'],
    ipRouteText
  ),
  ipRouteText,
  // Captured for the record (neighbour tables in a bug report); nothing in the snapshot reads them.
  ipNeigh: host('ip.neigh', 'ip -j neigh show', null, [LAB('ip.neigh')], ipNeighText),
  ipNeighText,
  bridgeLink: host('bridge.link', 'bridge -j link show', via('bridge-link', parseBridgeLinkJson), [LAB('bridge.link')]),
  bridgeFdb: host(
    'bridge.fdb',
    'bridge -j fdb show',
    via('bridge-fdb', parseBridgeFdbJson),
    [LAB('bridge.fdb')],
    bridgeFdbText
  ),
  bridgeFdbText,
  brctl: host('brctl.show', 'brctl show', via('brctl', parseBrctlShow), [
    LAB('brctl.show'),
    'bridge-utils/*/brctl--*.out'
  ]),
  sysBrif: host('sys.brif', 'ls /sys/class/net/*/brif', via('sys-brif', parseSysBrif), [LAB('sys.brif')]),
  iptablesVersion: host('iptables.version', 'iptables -V', null, [LAB('iptables.version')]),
  iptablesSave: host('iptables.save', 'iptables-save', via('iptables-save', parseIptablesSave), [
    LAB('iptables.save'),
    'iptables/*/iptables-save--*.out'
  ]),
  ip6tablesSave: host('ip6tables.save', 'ip6tables-save', via('iptables-save', parseIptablesSave), [LAB('ip6tables.save')]),
  iptablesLegacySave: host('iptables-legacy.save', 'iptables-legacy-save', via('iptables-save', parseIptablesSave), [
    LAB('iptables-legacy.save')
  ]),
  // Same format as iptables-save (the other backend's rules): its fixtures are iptables-save's.
  iptablesNftSave: host('iptables-nft.save', 'iptables-nft-save', via('iptables-save', parseIptablesSave), ['iptables/*/iptables-save--*.out']),
  iptablesListNat: host('iptables.list.nat', 'iptables -t nat -L -n -v --line-numbers', via('iptables-list', parseIptablesList), [
    'model/centos-7-seed/iptables.list.nat.out',
    'iptables/*/iptables-list--*.out'
  ]),
  nftRuleset: host('nft.ruleset', 'nft -j list ruleset', via('nft-json', parseNftJson), [
    LAB('nft.ruleset'),
    'nftables/*/nft-json--*.out'
  ]),
  // The devices of netdev/inet ingress and egress chains, which nft -j (1.0.6) leaves out.
  nftChains: host('nft.chains', 'nft list chains', via('nft-chains-text', parseNftChainsText), [
    'nftables/*/nft-chains--*.out'
  ]),
  conntrack: host('conntrack.list', 'conntrack -L -o extended | head -n $NL_CAP', via('conntrack', parseConntrack), [
    LAB('conntrack.list'),
    'conntrack-tools/*/conntrack--*.out'
  ]),
  conntrackCount: host('conntrack.count', 'cat /proc/sys/net/netfilter/nf_conntrack_count', null, [
    LAB('conntrack.count')
  ]),
  conntrackMax: host('conntrack.max', 'cat /proc/sys/net/netfilter/nf_conntrack_max', null, [LAB('conntrack.max')]),
  procNetDev: host('proc.net.dev', 'cat /proc/net/dev', via('proc-net-dev', parseProcNetDev), [
    LAB('proc.net.dev'),
    'proc/*/proc-net-dev--*.out'
  ]),
  ss: host('ss.listen', 'ss -Htulpn', via('ss', parseSs), [LAB('ss.listen')]),
  sysctl: host(
    'sysctl',
    'cat /proc/sys/net/{ipv4/ip_forward,bridge/bridge-nf-call-ip*tables,ipv4/conf/*/rp_filter}',
    via('sysctl', parseSysctl),
    [LAB('sysctl')]
  ),
  netnsMap: host('netns.map', 'stat -L -c %i /proc/<pid>/ns/net /var/run/docker/netns/* /var/run/netns/*', via('netns-map', parseNetnsMap), [
    LAB('netns.map')
  ])
} satisfies Record<SectionKey, SectionSpec>

/** Sections read inside each namespace (`ns/<nsid>/<name>`; `<path>` is the namespace's file or /proc/<pid>). */
export const NS_SECTIONS = {
  ipLink: inNs('ip.link', 'nsenter --net=<path> ip -j -d link show', via('ip-link', parseIpLink), [NS_LAB('ip.link')], nsIpLinkText),
  ipAddr: inNs('ip.addr', 'nsenter --net=<path> ip -j addr show', via('ip-addr', parseIpAddr), [NS_LAB('ip.addr')], nsIpAddrText),
  ipRoute: inNs(
    'ip.route',
    'nsenter --net=<path> ip -j route show table all',
    via('ip-route', parseIpRoute),
    [NS_LAB('ip.route')],
    nsIpRouteText
  ),
  procNetDev: inNs('proc.net.dev', 'cat /proc/<pid>/net/dev', via('proc-net-dev', parseProcNetDev), [NS_LAB('proc.net.dev')]),
  igmp: inNs('igmp', 'cat /proc/<pid>/net/igmp', via('proc-igmp', parseProcIgmp), [NS_LAB('igmp'), 'proc/*/proc-igmp--*.out']),
  procRoute: inNs('proc.route', 'cat /proc/<pid>/net/route', via('proc-route', parseProcRoute), [
    NS_LAB('proc.route'),
    'proc/*/proc-route--*.out'
  ]),
  // IPv6 addresses without nsenter (non-root): used where the namespace's `ip addr` is missing.
  ifInet6: inNs('if.inet6', 'cat /proc/<pid>/net/if_inet6', via('proc-if-inet6', parseProcIfInet6), ['proc/*/proc-if-inet6--*.out']),
  bridgeFdb: inNs('bridge.fdb', 'nsenter --net=<path> bridge -j fdb show', via('bridge-fdb', parseBridgeFdbJson), [NS_LAB('bridge.fdb')]),
  // Text forms when the host's iproute2 has no -j.
  ipLinkText: nsIpLinkText,
  ipAddrText: nsIpAddrText,
  ipRouteText: nsIpRouteText
} satisfies Record<NsSectionKey, SectionSpec>

export const ALL_SECTIONS: SectionSpec[] = [...Object.values(HOST_SECTIONS), ...Object.values(NS_SECTIONS)]
