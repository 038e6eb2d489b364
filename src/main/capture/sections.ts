/**
 * Section names: the vocabulary shared by the probe (resources/probe.sh), the simulator
 * (src/main/sim) and the snapshot builder (src/main/model). A section holds one command's raw
 * output. Per-namespace sections are named `ns/<nsid>/<name>` where nsid is
 *   `pid:<pid>`           a container's netns reached through its process,
 *   `docker:<file>`       a file in /var/run/docker/netns (overlay, ingress, sandboxes),
 *   `ipnetns:<name>`      an `ip netns` namespace.
 */
export const SECTION = {
  hostname: 'meta.hostname', // hostname
  kernel: 'meta.kernel', // uname -r
  uid: 'meta.uid', // id -u (0 = root)
  dockerVersion: 'docker.version', // docker version --format '{{.Server.Version}}'
  dockerNetworks: 'docker.networks', // docker network inspect $(docker network ls -q)
  dockerContainers: 'docker.containers', // docker container inspect $(docker ps -aq)
  ipLink: 'ip.link', // ip -j -d link show
  ipLinkText: 'ip.link.text', // ip -d link show (old iproute2 without -j)
  ipAddr: 'ip.addr', // ip -j addr show
  ipAddrText: 'ip.addr.text', // ip addr show
  ipRoute: 'ip.route', // ip -j route show table all
  ipRouteText: 'ip.route.text', // ip route show table all
  ipNeigh: 'ip.neigh', // ip -j neigh show
  ipNeighText: 'ip.neigh.text', // ip neigh show
  bridgeLink: 'bridge.link', // bridge -j link show
  bridgeFdb: 'bridge.fdb', // bridge -j fdb show
  bridgeFdbText: 'bridge.fdb.text', // bridge fdb show (when bridge -j is not supported)
  brctl: 'brctl.show', // brctl show
  sysBrif: 'sys.brif', // for b in /sys/class/net/*/brif: "<bridge> <port>" lines
  iptablesVersion: 'iptables.version', // iptables -V  → "(nf_tables)" or "(legacy)"
  iptablesSave: 'iptables.save', // iptables-save
  ip6tablesSave: 'ip6tables.save', // ip6tables-save
  iptablesLegacySave: 'iptables-legacy.save', // iptables-legacy-save (only when iptables is nft: detects both backends)
  iptablesNftSave: 'iptables-nft.save', // iptables-nft-save (only when iptables is legacy)
  iptablesListNat: 'iptables.list.nat', // iptables -t nat -L -n -v --line-numbers (fallback)
  nftRuleset: 'nft.ruleset', // nft -j list ruleset
  conntrack: 'conntrack.list', // conntrack -L -o extended | head -n CAP  (or /proc/net/nf_conntrack)
  conntrackCount: 'conntrack.count', // cat /proc/sys/net/netfilter/nf_conntrack_count
  conntrackMax: 'conntrack.max', // cat /proc/sys/net/netfilter/nf_conntrack_max
  procNetDev: 'proc.net.dev', // cat /proc/net/dev
  ss: 'ss.listen', // ss -Htulpn
  sysctl: 'sysctl', // "key = value" lines: ip_forward, bridge-nf-call-iptables, rp_filter (all/default/per-if)
  netnsMap: 'netns.map' // "<nsid> <inode> [<container id>]" lines: which namespace is which (shared netns detection)
} as const

/** Sections read inside each namespace (prefix `ns/<nsid>/`). */
export const NS_SECTION = {
  ipLink: 'ip.link', // nsenter --net=… ip -j -d link show   (root)
  ipAddr: 'ip.addr', // nsenter … ip -j addr show          (root)
  ipRoute: 'ip.route', // nsenter … ip -j route show table all (root)
  procNetDev: 'proc.net.dev', // cat /proc/<pid>/net/dev        (works without root)
  igmp: 'igmp', // cat /proc/<pid>/net/igmp                     (works without root)
  procRoute: 'proc.route', // cat /proc/<pid>/net/route          (works without root)
  bridgeFdb: 'bridge.fdb', // nsenter … bridge -j fdb show (overlay namespaces: remote VTEPs)
  // Text forms when the host's iproute2 has no -j (same commands without -j, see docs/capture-format.md):
  ipLinkText: 'ip.link.text',
  ipAddrText: 'ip.addr.text',
  ipRouteText: 'ip.route.text'
} as const

export const nsSectionName = (nsid: string, name: string): string => `ns/${nsid}/${name}`
