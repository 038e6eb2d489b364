/**
 * The NetLens snapshot: everything NetLens knows about one host at one moment.
 * Every view, diagnosis, test and the CLI read this shape. It is versioned (`schemaVersion`) and
 * validated with zod when loaded from a file. docs/snapshot-schema.md explains each field, and
 * docs/snapshot.schema.json is generated from these zod schemas (see scripts/gen-json-schema.ts).
 *
 * Field names marked "contract" are fixed by the Snapshot issue; anything else may grow.
 */
import { z } from 'zod'
import { READABLE_SCHEMA_VERSIONS, SCHEMA_VERSION, SECTION_STATUSES } from './constants'
import { upgradeSnapshot } from './upgrade'

export { READABLE_SCHEMA_VERSIONS, SCHEMA_VERSION, upgradeSnapshot }

export const Runtime = z.enum(['docker', 'podman'])
export type Runtime = z.infer<typeof Runtime>

export const SectionStatus = z.enum(SECTION_STATUSES)
export type SectionStatus = z.infer<typeof SectionStatus>

/** One probe section: what ran on the host and how it went (contract). */
export const Section = z.object({
  name: z.string(),
  command: z.string(),
  exitCode: z.number().int().nullable(),
  ms: z.number(),
  status: SectionStatus,
  stderr: z.string(),
  /** The command printed nothing (a section that ran but has no data is missing data, too). */
  empty: z.boolean().default(false)
})
export type Section = z.infer<typeof Section>

export const Host = z.object({
  hostname: z.string(),
  kernel: z.string().nullable(),
  dockerVersion: z.string().nullable(),
  /** `podman version` of the user the probe ran as; null when podman was not asked (see sections). */
  podmanVersion: z.string().nullable().default(null),
  iptablesBackend: z.enum(['nf_tables', 'legacy']).nullable(),
  capturedAt: z.string(),
  /** Where the snapshot came from: `local`, `ssh:<alias>`, `sim:<scenario>`, `file:<name>`. */
  source: z.string().default('unknown'),
  /** True when the probe ran as root (or through sudo -n). */
  privileged: z.boolean().default(false),
  sysctls: z.record(z.string(), z.string()).default({})
})
export type Host = z.infer<typeof Host>

export const PeerRef = z.object({
  ifindex: z.number().int(),
  /** Netns id as NetLens names it: `host`, `container:<id12>`, `docker-netns:<name>`, `ip-netns:<name>`, or `unknown`. */
  netns: z.string(),
  name: z.string().nullable()
})
export type PeerRef = z.infer<typeof PeerRef>

export const Counters = z.object({
  rxBytes: z.number(),
  rxPackets: z.number(),
  rxErrors: z.number(),
  rxDropped: z.number(),
  txBytes: z.number(),
  txPackets: z.number(),
  txErrors: z.number(),
  txDropped: z.number()
})
export type Counters = z.infer<typeof Counters>

export const Interface = z.object({
  name: z.string(),
  ifindex: z.number().int(),
  netns: z.string(),
  /** `veth`, `bridge`, `vxlan`, `macvlan`, `ipvlan`, `loopback`, `device`, `tun`, `dummy`, … */
  kind: z.string(),
  /** `UP`, `DOWN`, `UNKNOWN`, `LOWERLAYERDOWN`, … as the kernel reports operstate. */
  state: z.string(),
  flags: z.array(z.string()).default([]),
  mtu: z.number().int().nullable(),
  mac: z.string().nullable(),
  addresses: z.array(z.string()),
  master: z.string().nullable(),
  peer: PeerRef.nullable(),
  /** macvlan/ipvlan/vlan parent (`link` in ip -d link). */
  parent: z.string().nullable().default(null),
  /** VXLAN id for vxlan devices. */
  vni: z.number().int().nullable().default(null),
  counters: Counters.nullable().default(null),
  /** The raw line(s) this interface was read from, for the details panel. */
  raw: z.string().default('')
})
export type Interface = z.infer<typeof Interface>

export const Route = z.object({
  netns: z.string(),
  table: z.string(),
  dst: z.string(),
  gateway: z.string().nullable(),
  dev: z.string().nullable(),
  protocol: z.string().nullable(),
  scope: z.string().nullable(),
  prefsrc: z.string().nullable(),
  metric: z.number().nullable(),
  raw: z.string()
})
export type Route = z.infer<typeof Route>

export const Bridge = z.object({
  name: z.string(),
  netns: z.string().default('host'),
  ports: z.array(z.string()),
  stp: z.boolean().nullable(),
  /** Docker network name this bridge serves, or null (contract). */
  network: z.string().nullable()
})
export type Bridge = z.infer<typeof Bridge>

export const Network = z.object({
  name: z.string(),
  id: z.string(),
  driver: z.string(),
  subnet: z.string().nullable(),
  gateway: z.string().nullable(),
  internal: z.boolean(),
  /** Host bridge device for bridge networks; the overlay namespace's bridge for overlay. */
  bridge: z.string().nullable(),
  scope: z.string().default('local'),
  subnets: z.array(z.object({ subnet: z.string(), gateway: z.string().nullable() })).default([]),
  options: z.record(z.string(), z.string()).default({}),
  /** Overlay only: VNI, the namespace holding its bridge and vxlan, and the remote VTEPs from the FDB. */
  overlay: z
    .object({
      vni: z.number().nullable(),
      netns: z.string().nullable(),
      vxlan: z.string().nullable(),
      remoteVteps: z.array(z.string())
    })
    .nullable()
    .default(null),
  /** macvlan/ipvlan parent interface. */
  parent: z.string().nullable().default(null),
  /** Which runtime manages it. Names are unique per runtime, not across runtimes. */
  runtime: Runtime.default('docker'),
  /** Podman: aardvark-dns answers on the gateway (`dns_enabled`); null when the runtime does not say. */
  dns: z.boolean().nullable().default(null)
})
export type Network = z.infer<typeof Network>

export const Evidence = z.enum(['netns-ifindex', 'proc-igmp', 'proc-if-inet6', 'fdb-mac', 'none'])
export type Evidence = z.infer<typeof Evidence>

export const ContainerInterface = z.object({
  ifname: z.string(),
  ifindex: z.number().int().nullable().default(null),
  mac: z.string().nullable(),
  addresses: z.array(z.string()),
  network: z.string().nullable(),
  /**
   * The other end of the veth pair (contract): on the host for bridge networks, in the network's own
   * namespace for overlay networks (see `vethNetns`). hostVeth and bridge are null for host, none and
   * container modes.
   */
  hostVeth: z.string().nullable(),
  /** Namespace of `hostVeth`: `host`, or e.g. `docker-netns:1-n1mhtk4l29` (an overlay's); null when hostVeth is. */
  vethNetns: z.string().nullable().default(null),
  bridge: z.string().nullable(),
  /**
   * Namespace of `bridge`: a bridge is identified by (name, netns); every overlay network has its own
   * `br0`. Null when bridge is, or when only docker's network settings name it (netns unknown).
   */
  bridgeNetns: z.string().nullable().default(null),
  /** How hostVeth was found; see docs/snapshot-schema.md (evidence levels). */
  evidence: Evidence,
  mtu: z.number().int().nullable().default(null),
  state: z.string().nullable().default(null)
})
export type ContainerInterface = z.infer<typeof ContainerInterface>

export const PortBinding = z.object({
  containerPort: z.number().int(),
  proto: z.string(),
  hostIp: z.string(),
  hostPort: z.number().int()
})

export const Container = z.object({
  name: z.string(),
  id: z.string(),
  image: z.string(),
  state: z.string(),
  pid: z.number().int().nullable(),
  /** bridge | host | none | container:<name> | <network name> (contract). */
  networkMode: z.string(),
  /** The netns id this container's interfaces live in (shared for container: mode). */
  netns: z.string().nullable().default(null),
  interfaces: z.array(ContainerInterface),
  networks: z.array(z.string()).default([]),
  /** What docker bound (NetworkSettings.Ports): empty while the container is not running. */
  portBindings: z.array(PortBinding).default([]),
  /** What `-p` configured (HostConfig.PortBindings), kept while stopped; `hostPort` 0 = any free port. */
  configuredPorts: z.array(PortBinding).default([]),
  /** Default gateway seen inside the namespace (or from docker), null when none. */
  defaultGateway: z.string().nullable().default(null),
  routes: z.array(Route).default([]),
  /** Which runtime runs it. */
  runtime: Runtime.default('docker'),
  /** Podman: the pod it belongs to (its name, or its id when the pod list was not read). */
  pod: z.string().nullable().default(null),
  /**
   * Rootless Podman: the user it runs as, its user-mode network (slirp4netns or pasta) with the tap
   * device inside the namespace, and the processes on the host that carry its traffic and ports.
   * It has no veth on any host bridge. Null for rootful containers.
   */
  rootless: z
    .object({
      uid: z.number().int().nullable(),
      user: z.string().nullable(),
      network: z.string(),
      tap: z.string().nullable(),
      forwarders: z.array(z.object({ process: z.string(), pid: z.number().int(), detail: z.string() }))
    })
    .nullable()
    .default(null)
})
export type Container = z.infer<typeof Container>

export const PublishedPort = z.object({
  hostIp: z.string(),
  hostPort: z.number().int(),
  proto: z.string(),
  containerIp: z.string().nullable(),
  containerPort: z.number().int(),
  container: z.string().nullable(),
  /** Raw DNAT rule line that implements it, or null when none was found. */
  rule: z.string().nullable(),
  /**
   * The process holding the host port: `docker-proxy pid=123 0.0.0.0:8080` (Docker's userland
   * proxy), `conmon pid=… 0.0.0.0:8090` (rootful Podman reserves the port, DNAT carries the
   * traffic), `rootlessport pid=… *:8091` (rootless Podman's forwarder), or null.
   */
  proxy: z.string().nullable(),
  /** Where this port was learnt: docker/podman inspect, a DNAT rule, the listener (proxy). */
  sources: z.array(z.enum(['docker', 'podman', 'dnat', 'proxy'])).default([]),
  /** The runtime that publishes it (from its inspect, its DNAT rule's owner or its listener), null when unknown. */
  runtime: Runtime.nullable().default(null)
})
export type PublishedPort = z.infer<typeof PublishedPort>

export const RuleOwner = z.enum(['docker', 'podman', 'user', 'kube', 'other'])
/** One match option of a rule as the parser read it: `! --dport 80` → { option: '--dport', negated: true, values: ['80'] }. */
export const RuleOption = z.object({ option: z.string(), negated: z.boolean(), values: z.array(z.string()) })
export type RuleOption = z.infer<typeof RuleOption>
/** One option of the rule's target: `--to-destination 172.17.0.2:80`. */
export const TargetOption = z.object({ option: z.string(), values: z.array(z.string()) })
export type TargetOption = z.infer<typeof TargetOption>
/** A negatable field (`! -i docker0`): the value and whether it is negated. */
export const NegatableField = z.object({ negated: z.boolean(), value: z.string() }).nullable()

/**
 * A rule without typed options (a snapshot file written before they existed, whose rule the loader
 * could not read again) keeps its match text as one option no evaluator understands: checks and
 * traces then say they cannot decide, instead of taking a conditional rule as unconditional.
 */
function withTypedOptions(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || 'options' in value) return value
  const match = (value as { match?: unknown }).match
  const options =
    typeof match === 'string' && match.trim() !== '' ? [{ option: 'nft', negated: false, values: [match] }] : []
  return { ...value, options }
}

export const NatRule = z.preprocess(
  withTypedOptions,
  z.object({
    table: z.string(),
    chain: z.string(),
    /** 1-based position inside its chain. */
    position: z.number().int(),
    target: z.string(),
    /** `-g` (goto) rather than `-j` (jump). */
    goto: z.boolean().default(false),
    /** The match part of the rule in iptables-save syntax (everything but -A CHAIN and -j TARGET …), for display. */
    match: z.string(),
    raw: z.string(),
    owner: RuleOwner,
    /** Target arguments, e.g. `--to-destination 172.17.0.2:80`, for display. */
    targetArgs: z.string().default(''),
    /**
     * Every match in rule order, as the parser read it (`-s`, `-i`, `-p`, `-m`, `--dport`, …; nft
     * expressions translated to these where they mean the same, `nft` options for the rest).
     */
    options: z.array(RuleOption),
    /** The target's options: `--to-destination`, `--to-source`, `--to-ports`, … */
    targetOptions: z.array(TargetOption).default([]),
    source: NegatableField.default(null),
    destination: NegatableField.default(null),
    protocol: NegatableField.default(null),
    inInterface: NegatableField.default(null),
    outInterface: NegatableField.default(null),
    packets: z.number().nullable().default(null),
    bytes: z.number().nullable().default(null),
    /** `iptables` (v4), `ip6tables`, or `nft` (native nft table, e.g. Docker 29 `ip docker-bridges`). */
    family: z.string().default('iptables')
  })
)
export type NatRule = z.infer<typeof NatRule>

export const ChainInfo = z.object({
  table: z.string(),
  chain: z.string(),
  /** Built-in chains have a policy; user chains have null. */
  policy: z.string().nullable(),
  family: z.string().default('iptables'),
  /**
   * Native nftables base chains: the netfilter hook they are attached to (`prerouting`, `input`,
   * `forward`, `output`, `postrouting`, …), their priority (the kernel runs every base chain at a
   * hook in ascending priority, iptables' tables among them) and type (`filter`, `nat`, `route`).
   * Null for regular chains and for iptables chains (their hooks and priorities are fixed).
   */
  hook: z.string().nullable().default(null),
  priority: z.number().nullable().default(null),
  type: z.string().nullable().default(null),
  /**
   * The devices a `netdev` or `inet` ingress/egress base chain is attached to (`nft list chains`;
   * [] when it names none). Null for every other chain and when not known: a capture without that
   * section, or a listing that could not be matched to the chain.
   */
  devices: z.array(z.string()).nullable().default(null)
})
export type ChainInfo = z.infer<typeof ChainInfo>

export const Tuple = z.object({
  src: z.string(),
  dst: z.string(),
  sport: z.number().int().nullable(),
  dport: z.number().int().nullable()
})
export type Tuple = z.infer<typeof Tuple>

export const NatKind = z.enum(['SNAT', 'DNAT', 'SNAT+DNAT', 'none'])
export type NatKind = z.infer<typeof NatKind>

export const ConntrackEntry = z.object({
  proto: z.string(),
  state: z.string().nullable(),
  original: Tuple,
  reply: Tuple,
  nat: NatKind,
  containers: z.array(z.string()),
  flags: z.array(z.string()).default([]),
  timeout: z.number().nullable().default(null),
  mark: z.number().nullable().default(null),
  zone: z.number().nullable().default(null),
  raw: z.string().default('')
})
export type ConntrackEntry = z.infer<typeof ConntrackEntry>

export const Listener = z.object({
  proto: z.string(),
  localAddress: z.string(),
  port: z.number().int(),
  process: z.string().nullable(),
  pid: z.number().int().nullable(),
  raw: z.string()
})
export type Listener = z.infer<typeof Listener>

export const Namespace = z.object({
  id: z.string(),
  kind: z.enum(['host', 'container', 'docker-netns', 'ip-netns', 'unknown']),
  /** Containers sharing this namespace. */
  containers: z.array(z.string()),
  path: z.string().nullable()
})
export type Namespace = z.infer<typeof Namespace>

export const Snapshot = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  host: Host,
  sections: z.array(Section),
  namespaces: z.array(Namespace).default([]),
  interfaces: z.array(Interface),
  routes: z.array(Route).default([]),
  bridges: z.array(Bridge),
  networks: z.array(Network),
  containers: z.array(Container),
  publishedPorts: z.array(PublishedPort),
  nat: z.object({
    rules: z.array(NatRule),
    chains: z.array(ChainInfo).default([]),
    /** Which rule sources were present: both backends present is a finding. */
    backendsPresent: z.array(z.enum(['nf_tables', 'legacy', 'nft-native'])).default([])
  }),
  conntrack: z.object({
    total: z.number().int().nullable(),
    max: z.number().int().nullable(),
    truncated: z.boolean(),
    entries: z.array(ConntrackEntry)
  }),
  listeners: z.array(Listener).default([]),
  fdb: z
    .array(
      z.object({
        mac: z.string(),
        dev: z.string(),
        master: z.string().nullable(),
        dst: z.string().nullable(),
        netns: z.string(),
        raw: z.string()
      })
    )
    .default([]),
  warnings: z.array(z.string()),
  /**
   * Set when the capture ended without the probe's `done` marker: `after` is the last complete
   * section, `cut` the one it ended in. Sections that would have followed are simply absent.
   */
  truncated: z.object({ after: z.string(), cut: z.string().nullable() }).nullable().default(null)
})
export type Snapshot = z.infer<typeof Snapshot>
export type SnapshotInput = z.input<typeof Snapshot>

/** Validates anything loaded from disk or the wire (older versions are upgraded first). */
export function parseSnapshot(value: unknown): { ok: true; snapshot: Snapshot } | { ok: false; error: string } {
  const parsed = Snapshot.safeParse(upgradeSnapshot(value))
  if (parsed.success) return { ok: true, snapshot: parsed.data }
  return { ok: false, error: z.prettifyError(parsed.error) }
}
