/**
 * Shared shapes for every parser. A parser is a pure function from one command's text to typed
 * records plus warnings. It never throws: bad lines become warnings (lenient) and the raw line is
 * kept on every record so the UI can show the source text.
 */
export interface ParseResult<T> {
  value: T
  warnings: string[]
}

/** `ip -j -d link` / `ip -d link show` (text) — one interface. */
export interface IpLinkRecord {
  ifindex: number
  name: string
  flags: string[]
  mtu: number | null
  operstate: string
  mac: string | null
  master: string | null
  /** `veth`, `bridge`, `vxlan`, `macvlan`, … from linkinfo.info_kind; null when -d gave none. */
  kind: string | null
  /** For `name@ifN` / `link_index`: the peer or parent ifindex. */
  linkIndex: number | null
  /** The link name after `@` when it is a name (`eth0@if5` → null; `macvlan0@eth0` → `eth0`). */
  linkName: string | null
  /** `link-netnsid N`: the peer lives in another netns whose id (as seen from this netns) is N. */
  linkNetnsId: number | null
  vxlanId: number | null
  /** Bridge details from -d: stp_state etc. */
  bridgeStp: boolean | null
  raw: string
}

export interface IpAddrRecord {
  ifindex: number
  name: string
  /** `10.0.0.1/24` strings, v4 and v6. */
  addresses: { family: 'inet' | 'inet6'; cidr: string; scope: string | null }[]
  mtu: number | null
  operstate: string | null
  mac: string | null
  /** `link_index` / `eth0@if12`: a veth's peer ifindex (in its own namespace when `linkNetnsId` is set). */
  linkIndex: number | null
  /** `link_netnsid` / `link-netnsid N`: the peer is in another namespace, known here by id N. */
  linkNetnsId: number | null
  raw: string
}

export interface IpRouteRecord {
  table: string
  /** `default`, `10.0.0.0/24`, `broadcast 10.0.0.255` type prefixes dropped into `type`. */
  dst: string
  type: string | null
  gateway: string | null
  dev: string | null
  protocol: string | null
  scope: string | null
  prefsrc: string | null
  metric: number | null
  raw: string
}

export interface BridgeLinkRecord {
  ifindex: number
  name: string
  master: string | null
  state: string | null
  mtu: number | null
  hairpin: boolean | null
  raw: string
}

export interface FdbRecord {
  mac: string
  dev: string
  master: string | null
  vlan: number | null
  /** VXLAN remote VTEP (`dst 10.0.0.2`). */
  dst: string | null
  flags: string[]
  state: string | null
  raw: string
}

/** `brctl show`: one bridge with its ports. */
export interface BrctlRecord {
  bridge: string
  bridgeId: string | null
  stp: boolean | null
  interfaces: string[]
  raw: string
}

/** An interface's counters as /proc/net/dev gives them. */
export interface InterfaceCounterFields {
  rxBytes: number
  rxPackets: number
  rxErrors: number
  rxDropped: number
  txBytes: number
  txPackets: number
  txErrors: number
  txDropped: number
}

export interface ProcNetDevRecord extends InterfaceCounterFields {
  iface: string
  raw: string
}

/** `/proc/<pid>/net/igmp`: gives the container's interface index and name without nsenter. */
export interface IgmpRecord {
  ifindex: number
  name: string
  raw: string
}

/** One line of `/proc/<pid>/net/if_inet6`: an IPv6 address of a namespace's interface. */
export interface IfInet6Record {
  /** RFC 5952 text, without prefix. */
  address: string
  ifindex: number
  prefixLength: number
  /** 0x00 global, 0x10 host (loopback), 0x20 link, 0x40 site. */
  scope: number
  /** IFA_F_* flags (0x80 permanent, 0x02 nodad, 0x40 tentative, …). */
  flags: number
  name: string
  raw: string
}

export interface SsRecord {
  proto: string
  state: string | null
  localAddress: string
  port: number
  peer: string | null
  process: string | null
  pid: number | null
  raw: string
}

/** A value that may be negated with `!` in iptables syntax. */
export interface MaybeNegated {
  negated: boolean
  value: string
}

export interface IptablesRule {
  table: string
  chain: string
  /** 1-based within the chain. */
  position: number
  /** Matches as parsed option → value(s); `-m` modules kept in order. */
  source: MaybeNegated | null
  destination: MaybeNegated | null
  protocol: MaybeNegated | null
  inInterface: MaybeNegated | null
  outInterface: MaybeNegated | null
  matchModules: string[]
  /** Every option except -A/-j/-g and target args, in order: `[{ option: '--dport', negated, values }]`. */
  options: { option: string; negated: boolean; values: string[] }[]
  target: string | null
  /** -g goto rather than -j jump. */
  goto: boolean
  targetArgs: { option: string; values: string[] }[]
  comment: string | null
  packets: number | null
  bytes: number | null
  raw: string
  line: number
}

export interface IptablesChain {
  table: string
  name: string
  policy: string | null
  packets: number | null
  bytes: number | null
  raw: string
}

export interface IptablesRuleset {
  tables: { name: string; chains: IptablesChain[]; rules: IptablesRule[] }[]
  /** Header comment, e.g. `# Generated by iptables-save v1.8.9 (nf_tables)`. */
  generatedBy: string | null
  backend: 'nf_tables' | 'legacy' | null
}

/** One direction of a conntrack entry (ICMP entries carry type, code and id instead of ports). */
export interface ConntrackTupleFields {
  src: string
  dst: string
  sport: number | null
  dport: number | null
  type?: number
  code?: number
  id?: number
}

export interface ConntrackRecord {
  l3proto: string | null
  proto: string
  timeout: number | null
  state: string | null
  original: ConntrackTupleFields
  reply: ConntrackTupleFields
  flags: string[]
  mark: number | null
  zone: number | null
  use: number | null
  raw: string
}

/** Normalised nft rule (from `nft -j list ruleset`). */
export interface NftRule {
  family: string
  table: string
  chain: string
  handle: number | null
  position: number
  /** Human-readable rendering of the expressions, iptables-like where possible. */
  text: string
  /** Verdict or NAT statement: `accept`, `drop`, `jump X`, `masquerade`, `dnat`, `snat`, … */
  verdict: string | null
  nat: { kind: 'dnat' | 'snat' | 'masquerade' | 'redirect'; addr: string | null; port: string | null } | null
  /**
   * The conditions as iptables-style options (nft-match.ts): `iifname "x"` → `-i x`, `tcp dport 80`
   * → `-p tcp --dport 80`, …; a condition with no iptables spelling is `{ option: 'nft', values: [text] }`.
   */
  options: { option: string; negated: boolean; values: string[] }[]
  /** The NAT statement as iptables target options (`--to-destination 10.0.0.2:80`, `--to-ports 8080`). */
  targetOptions: { option: string; values: string[] }[]
  source: MaybeNegated | null
  destination: MaybeNegated | null
  protocol: MaybeNegated | null
  inInterface: MaybeNegated | null
  outInterface: MaybeNegated | null
  comment: string | null
  packets: number | null
  bytes: number | null
  raw: string
}
export interface NftChain {
  family: string
  table: string
  name: string
  type: string | null
  hook: string | null
  priority: number | null
  policy: string | null
}
/** `nft list chains` (text): the devices of one base chain (ingress/egress chains name theirs). */
export interface NftChainDevices {
  family: string
  table: string
  chain: string
  hook: string
  /** The chain's `device "…"` or `devices = { … }`; [] when it names none. */
  devices: string[]
  /** The chain's `type … hook …` line. */
  raw: string
}
export interface NftRuleset {
  version: string | null
  tables: { family: string; name: string }[]
  chains: NftChain[]
  rules: NftRule[]
}

/** `docker network inspect $(docker network ls -q)` — normalised across Engine API versions. */
export interface DockerNetworkRecord {
  id: string
  name: string
  driver: string
  scope: string
  internal: boolean
  ipv6: boolean
  subnets: { subnet: string; gateway: string | null }[]
  options: Record<string, string>
  /** Containers as docker lists them in the network (endpoint id → details). */
  containers: {
    id: string
    name: string
    ipv4: string | null
    ipv6: string | null
    mac: string | null
    endpointId: string | null
  }[]
  raw: string
  /** Which runtime listed it (absent: docker). */
  runtime?: ContainerRuntime
  /** Podman: the host bridge it uses (`network_interface`, podman0, podman1, …). */
  bridge?: string | null
  /** Podman: aardvark-dns answers on the gateway (`dns_enabled`). */
  dnsEnabled?: boolean | null
}

export type ContainerRuntime = 'docker' | 'podman'

/** `podman pod ps --format json` (Podman 4). */
export interface PodmanPodRecord {
  id: string
  name: string
  infraId: string | null
  containerIds: string[]
  raw: string
}

/** `proc.nethelpers` lines: a container runtime's network helper process. */
export interface NetHelperRecord {
  pid: number
  ppid: number | null
  uid: number | null
  /** slirp4netns, pasta, rootlessport, rootlessport-child, conmon, aardvark-dns. */
  process: string
  /** slirp4netns/pasta: the namespace it serves (`--netns-type=path PATH` or a pid) and its tap device. */
  netnsPath: string | null
  netnsPid: number | null
  tap: string | null
  /** conmon (another user's): the container's id (`-c`) and name (`-n`). */
  containerId: string | null
  containerName: string | null
  raw: string
}

/** `docker container inspect $(docker ps -aq)` — normalised across Engine API versions. */
export interface DockerContainerRecord {
  id: string
  name: string
  image: string
  state: string
  running: boolean
  pid: number | null
  /** HostConfig.NetworkMode as docker prints it: `default`, `bridge`, `host`, `none`, `container:<id>`, `<network>`. */
  networkMode: string
  /** NetworkSettings.SandboxKey: `/var/run/docker/netns/<id>`; empty for container: mode. */
  sandboxKey: string | null
  networks: {
    name: string
    networkId: string | null
    endpointId: string | null
    ipAddress: string | null
    prefixLen: number | null
    gateway: string | null
    mac: string | null
    ipv6: string | null
  }[]
  /** NetworkSettings.Ports: what docker actually bound (empty while the container is not running). */
  portBindings: { containerPort: number; proto: string; hostIp: string; hostPort: number }[]
  /** HostConfig.PortBindings: what `-p` asked for (kept while stopped; HostPort "" → 0, any port). */
  configuredPortBindings: { containerPort: number; proto: string; hostIp: string; hostPort: number }[]
  raw: string
  /** Which runtime listed it (absent: docker). */
  runtime?: ContainerRuntime
  /** Podman: the pod's id, and whether this is the pod's infra container. */
  pod?: string | null
  isInfra?: boolean
  /** Podman rootless: the owning user (uid from the probe's header or the helper's process). */
  uid?: number | null
}

/** One `netns.map` line: a namespace the probe reached, its inode (null when unreadable) and container. */
export interface NetnsMapEntry {
  nsid: string
  inode: string | null
  containerId: string | null
  raw: string
}
