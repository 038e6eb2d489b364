/**
 * The section registry: one row per capture section, saying how resources/probe.sh runs it (its
 * display command, as the capture records it), whether it is read inside each namespace
 * (`ns/<nsid>/<name>`), which parser in src/main/parsers reads it, which section holds its text
 * form when iproute2 has no -j, and where its fixtures are (globs under test/fixtures: captured
 * on real hosts, see test/fixtures/README.md). sections.ts derives the section names from it; the
 * snapshot builder reads sections by those names; diagnose checks name the sections they need by
 * their registry keys.
 *
 * Adding a section: a row here, the nl_run line in probe.sh, fixtures from a real host, and its
 * reading in src/main/model. test/unit/capture/section-registry.test.ts checks the four agree.
 */
export interface SectionSpec {
  /** The section's name in a capture (per-namespace ones are prefixed `ns/<nsid>/`). */
  name: string
  /** The command as probe.sh displays it (its nl_run/nl_skip DISPLAY argument; `<path>` for the namespace). */
  argv: string
  /** Read once inside each namespace rather than once on the host. */
  perNamespace: boolean
  /** The parser module (src/main/parsers/<parser>.ts), or null for a section read as plain text. */
  parser: string | null
  /** The registry key of the text form read when this JSON form is missing (old iproute2). */
  textFallback: SectionKey | NsSectionKey | null
  /** Fixture globs under test/fixtures (`*` matches within one path segment). */
  fixtures: string[]
}

/** A row constructor for host sections (`host`) or per-namespace ones (`inNs`). */
const row =
  (perNamespace: boolean) =>
  (
    name: string,
    argv: string,
    parser: string | null,
    fixtures: string[],
    textFallback: SectionKey | NsSectionKey | null = null
  ): SectionSpec => ({ name, argv, perNamespace, parser, textFallback, fixtures })
const host = row(false)
const inNs = row(true)

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

/** Host sections (read once). */
export const HOST_SECTIONS: Record<SectionKey, SectionSpec> = {
  hostname: host('meta.hostname', 'hostname', null, [LAB('meta.hostname')]),
  kernel: host('meta.kernel', 'uname -r', null, [LAB('meta.kernel')]),
  uid: host('meta.uid', 'id -u', null, [LAB('meta.uid')]),
  // The owner of the rootless Podman containers the probe lists (podman runs as the probing user).
  user: host('meta.user', 'id -un', null, [PODMAN('meta-user--*')]),
  dockerVersion: host('docker.version', "docker version --format '{{.Server.Version}}'", null, [LAB('docker.version')]),
  dockerNetworks: host('docker.networks', 'docker network inspect $(docker network ls -q)', 'docker-network', [
    LAB('docker.networks'),
    'docker/*/docker-network--*.out'
  ]),
  dockerContainers: host('docker.containers', 'docker container inspect $(docker ps -aq)', 'docker-container', [
    LAB('docker.containers'),
    'docker/*/docker-container--*.out'
  ]),
  // Podman, as the user running the probe (root: rootful; else that user's rootless Podman). Only
  // asked when podman's storage and run-time marker exist (see the probe's podman block).
  podmanVersion: host('podman.version', "podman version --format '{{.Client.Version}}'", null, [
    PODMAN('podman-version--*')
  ]),
  podmanNetworks: host('podman.networks', 'podman network inspect $(podman network ls -q)', 'podman', [
    PODMAN('podman-network--*')
  ]),
  podmanContainers: host('podman.containers', 'podman container inspect $(podman ps -aq)', 'podman', [
    PODMAN('podman-container--*')
  ]),
  podmanPods: host('podman.pods', 'podman pod ps --format json', 'podman', [PODMAN('podman-pods--*')]),
  // "<pid> <ppid> <uid> <comm> [<args>]": slirp4netns/pasta (with args), rootlessport, conmon, aardvark-dns.
  netHelpers: host(
    'proc.nethelpers',
    'for p in /proc/[0-9]*: slirp4netns, pasta, rootlessport, conmon, aardvark-dns',
    'nethelpers',
    [PODMAN('nethelpers--*')]
  ),
  ipLink: host(
    'ip.link',
    'ip -j -d link show',
    'ip-link',
    [LAB('ip.link'), 'iproute2/*/ip-link-json--*.out'],
    'ipLinkText'
  ),
  ipLinkText: host('ip.link.text', 'ip -d link show || ip link show', 'ip-link', [
    LAB('ip.link.text'),
    'iproute2/*/ip-link-text--*.out'
  ]),
  ipAddr: host(
    'ip.addr',
    'ip -j addr show',
    'ip-addr',
    [LAB('ip.addr'), 'iproute2/*/ip-addr-json--*.out'],
    'ipAddrText'
  ),
  ipAddrText: host('ip.addr.text', 'ip addr show', 'ip-addr', [LAB('ip.addr.text'), 'iproute2/*/ip-addr-text--*.out']),
  ipRoute: host(
    'ip.route',
    'ip -j route show table all',
    'ip-route',
    [LAB('ip.route'), 'iproute2/*/ip-route-json--*.out'],
    'ipRouteText'
  ),
  ipRouteText: host('ip.route.text', 'ip route show table all', 'ip-route', [LAB('ip.route.text')]),
  // Captured for the record (neighbour tables in a bug report); nothing in the snapshot reads them.
  ipNeigh: host('ip.neigh', 'ip -j neigh show', null, [LAB('ip.neigh')], 'ipNeighText'),
  ipNeighText: host('ip.neigh.text', 'ip neigh show', null, [LAB('ip.neigh.text')]),
  bridgeLink: host('bridge.link', 'bridge -j link show', 'bridge-link', [LAB('bridge.link')]),
  bridgeFdb: host('bridge.fdb', 'bridge -j fdb show', 'bridge-fdb', [LAB('bridge.fdb')], 'bridgeFdbText'),
  // Only on hosts whose bridge has no -j; kept as text (ports come from bridge.link, brctl and sysfs).
  bridgeFdbText: host('bridge.fdb.text', 'bridge fdb show', null, ['iproute2/*/bridge-fdb-text--*.out']),
  brctl: host('brctl.show', 'brctl show', 'brctl', [LAB('brctl.show'), 'bridge-utils/*/brctl--*.out']),
  sysBrif: host('sys.brif', 'ls /sys/class/net/*/brif', 'sys-brif', [LAB('sys.brif')]),
  iptablesVersion: host('iptables.version', 'iptables -V', null, [LAB('iptables.version')]),
  iptablesSave: host('iptables.save', 'iptables-save', 'iptables-save', [
    LAB('iptables.save'),
    'iptables/*/iptables-save--*.out'
  ]),
  ip6tablesSave: host('ip6tables.save', 'ip6tables-save', 'iptables-save', [LAB('ip6tables.save')]),
  iptablesLegacySave: host('iptables-legacy.save', 'iptables-legacy-save', 'iptables-save', [
    LAB('iptables-legacy.save')
  ]),
  // Same format as iptables-save (the other backend's rules): its fixtures are iptables-save's.
  iptablesNftSave: host('iptables-nft.save', 'iptables-nft-save', 'iptables-save', ['iptables/*/iptables-save--*.out']),
  iptablesListNat: host('iptables.list.nat', 'iptables -t nat -L -n -v --line-numbers', 'iptables-list', [
    'model/centos-7-seed/iptables.list.nat.out',
    'iptables/*/iptables-list--*.out'
  ]),
  nftRuleset: host('nft.ruleset', 'nft -j list ruleset', 'nft-json', [
    LAB('nft.ruleset'),
    'nftables/*/nft-json--*.out'
  ]),
  conntrack: host('conntrack.list', 'conntrack -L -o extended | head -n $NL_CAP', 'conntrack', [
    LAB('conntrack.list'),
    'conntrack-tools/*/conntrack--*.out'
  ]),
  conntrackCount: host('conntrack.count', 'cat /proc/sys/net/netfilter/nf_conntrack_count', null, [
    LAB('conntrack.count')
  ]),
  conntrackMax: host('conntrack.max', 'cat /proc/sys/net/netfilter/nf_conntrack_max', null, [LAB('conntrack.max')]),
  procNetDev: host('proc.net.dev', 'cat /proc/net/dev', 'proc-net-dev', [
    LAB('proc.net.dev'),
    'proc/*/proc-net-dev--*.out'
  ]),
  ss: host('ss.listen', 'ss -Htulpn', 'ss', [LAB('ss.listen')]),
  sysctl: host(
    'sysctl',
    'cat /proc/sys/net/{ipv4/ip_forward,bridge/bridge-nf-call-ip*tables,ipv4/conf/*/rp_filter}',
    'sysctl',
    [LAB('sysctl')]
  ),
  netnsMap: host('netns.map', 'stat -L -c %i /proc/<pid>/ns/net /var/run/docker/netns/* /var/run/netns/*', null, [
    LAB('netns.map')
  ])
}

/** Sections read inside each namespace (`ns/<nsid>/<name>`; `<path>` is the namespace's file or /proc/<pid>). */
export const NS_SECTIONS: Record<NsSectionKey, SectionSpec> = {
  ipLink: inNs('ip.link', 'nsenter --net=<path> ip -j -d link show', 'ip-link', [NS_LAB('ip.link')], 'ipLinkText'),
  ipAddr: inNs('ip.addr', 'nsenter --net=<path> ip -j addr show', 'ip-addr', [NS_LAB('ip.addr')], 'ipAddrText'),
  ipRoute: inNs(
    'ip.route',
    'nsenter --net=<path> ip -j route show table all',
    'ip-route',
    [NS_LAB('ip.route')],
    'ipRouteText'
  ),
  procNetDev: inNs('proc.net.dev', 'cat /proc/<pid>/net/dev', 'proc-net-dev', [NS_LAB('proc.net.dev')]),
  igmp: inNs('igmp', 'cat /proc/<pid>/net/igmp', 'proc-igmp', [NS_LAB('igmp'), 'proc/*/proc-igmp--*.out']),
  procRoute: inNs('proc.route', 'cat /proc/<pid>/net/route', 'proc-route', [
    NS_LAB('proc.route'),
    'proc/*/proc-route--*.out'
  ]),
  // IPv6 addresses without nsenter (non-root): used where the namespace's `ip addr` is missing.
  ifInet6: inNs('if.inet6', 'cat /proc/<pid>/net/if_inet6', 'proc-if-inet6', ['proc/*/proc-if-inet6--*.out']),
  bridgeFdb: inNs('bridge.fdb', 'nsenter --net=<path> bridge -j fdb show', 'bridge-fdb', [NS_LAB('bridge.fdb')]),
  // Text forms when the host's iproute2 has no -j: the same output format as the host's text sections.
  ipLinkText: inNs('ip.link.text', 'nsenter --net=<path> ip -d link show', 'ip-link', [LAB('ip.link.text')]),
  ipAddrText: inNs('ip.addr.text', 'nsenter --net=<path> ip addr show', 'ip-addr', [LAB('ip.addr.text')]),
  ipRouteText: inNs('ip.route.text', 'nsenter --net=<path> ip route show table all', 'ip-route', [LAB('ip.route.text')])
}

export const ALL_SECTIONS: SectionSpec[] = [...Object.values(HOST_SECTIONS), ...Object.values(NS_SECTIONS)]
