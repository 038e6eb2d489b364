/**
 * The training scenario schema (resources/scenarios/*.yaml), validated with zod.
 * docs/scenario-format.md documents every field with examples. Anything not given is filled with
 * what Docker 20.10 (iptables-nft backend) does by default.
 */
import { z } from 'zod'
import { isIpv4, parseCidr } from '../../shared/net/ip'

const localized = z.object({ en: z.string().min(1), 'zh-CN': z.string().min(1) }).strict()

// Octets past 255 and prefixes past 32 are refused here, so the simulator's address math never meets them.
const ipv4 = z
  .string()
  .refine((text) => text === text.trim() && isIpv4(text), 'expected an IPv4 address like 172.17.0.2')
const cidr = z
  .string()
  .refine(
    (text) => /^[\d.]+\/\d{1,2}$/.test(text) && parseCidr(text) !== null,
    'expected an IPv4 CIDR like 172.17.0.0/16'
  )
const mac = z.string().regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, 'expected a lower-case MAC like 02:42:ac:11:00:02')
const ifname = z.string().regex(/^[A-Za-z0-9_.@-]{1,15}$/, 'expected an interface name (1-15 characters)')
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, _ . -')

export const NicSchema = z
  .object({
    name: ifname,
    mac: mac.optional(),
    addresses: z.array(cidr).default([]),
    mtu: z.number().int().min(68).max(65535).default(1500),
    /** `device` (a physical NIC), `veth` (with its peer in an `ip netns`), `dummy`. */
    kind: z.enum(['device', 'veth', 'dummy']).default('device'),
    /** For kind veth: the peer side, living in `ip netns <netns>`. */
    peer: z
      .object({ netns: name, name: ifname, mac: mac.optional(), addresses: z.array(cidr).default([]) })
      .strict()
      .optional()
  })
  .strict()

export const NetworkSchema = z
  .object({
    name,
    driver: z.enum(['bridge', 'macvlan']).default('bridge'),
    subnet: cidr,
    gateway: ipv4.optional(),
    internal: z.boolean().default(false),
    /** Host bridge device name; default `docker0` for the network named `bridge`, else `br-<id12>`. */
    bridge: ifname.optional(),
    bridgeMac: mac.optional(),
    /** macvlan parent NIC. */
    parent: ifname.optional(),
    /** `com.docker.network.bridge.enable_icc`; false adds Docker's inter-container DROP rule. */
    icc: z.boolean().default(true),
    mtu: z.number().int().min(68).max(65535).optional(),
    /** `podman`: a netavark network (bridge podman1, podman2…, NETAVARK-* rules); default `docker`. */
    runtime: z.enum(['docker', 'podman']).default('docker'),
    /** Podman: aardvark-dns on the gateway (`dns_enabled`, on by default for created networks). */
    dns: z.boolean().default(true)
  })
  .strict()

export const OverlaySchema = z
  .object({
    name,
    subnet: cidr,
    gateway: ipv4.optional(),
    vni: z.number().int().min(1).max(16777215),
    mtu: z.number().int().default(1450)
  })
  .strict()

const portSpec = z
  .string()
  .regex(
    /^((\d{1,3}\.){3}\d{1,3}:)?\d{1,5}:\d{1,5}(\/(tcp|udp))?$/,
    'expected a port like 18080:80/tcp or 127.0.0.1:18080:80'
  )

const containerNetwork = z.union([
  name,
  z
    .object({ name, ip: ipv4.optional(), mac: mac.optional(), veth: ifname.optional(), vethMac: mac.optional() })
    .strict()
])

export const ContainerSchema = z
  .object({
    name,
    image: z.string().min(1).default('busybox'),
    /** bridge (attach to `networks`, default [bridge]) | host | none | container:<name>. */
    mode: z
      .string()
      .regex(
        /^(bridge|host|none|container:[A-Za-z0-9][A-Za-z0-9_.-]*)$/,
        'expected bridge, host, none or container:<name>'
      )
      .default('bridge'),
    networks: z.array(containerNetwork).optional(),
    ports: z.array(portSpec).default([]),
    state: z.enum(['running', 'exited', 'paused', 'created']).default('running'),
    command: z.array(z.string()).optional(),
    /** `podman`: a rootful Podman container (its networks are Podman's; default network `podman`). */
    runtime: z.enum(['docker', 'podman']).default('docker')
  })
  .strict()

/** `2Mbit/s`, `500kbit/s`, `1200bit/s`, `40pkt/s`, or a plain number of bits/s. */
const rate = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?\s*(bit|kbit|Mbit|Gbit|pkt)\/s$/, 'expected a rate like 2Mbit/s or 40pkt/s')
])

export const FlowSchema = z
  .object({
    /** A container name, or an outside IPv4 address (for inbound flows to a published port). */
    from: z.string().min(1),
    /** A container name, an IPv4 address, or `host` (the host's own address, for published ports). */
    to: z.string().min(1),
    proto: z.enum(['tcp', 'udp', 'icmp']).default('tcp'),
    port: z.number().int().min(1).max(65535).optional(),
    rate: rate,
    /** Reply traffic as a fraction of the forward bytes (TCP ACKs are small). */
    replyRatio: z.number().min(0).max(100).optional(),
    /** Several connections of the same flow (each a conntrack entry). */
    connections: z.number().int().min(1).max(50).default(1)
  })
  .strict()

export const FaultSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('missing-rule'),
      network: name,
      rule: z.enum(['masquerade', 'dnat']).default('masquerade')
    })
    .strict(),
  z.object({ type: z.literal('ip-forward-off') }).strict(),
  z.object({ type: z.literal('interface-down'), interface: ifname.optional(), container: name.optional() }).strict(),
  z.object({ type: z.literal('veth-detached'), container: name, network: name.optional() }).strict(),
  z.object({ type: z.literal('wrong-gateway'), container: name, gateway: ipv4 }).strict(),
  z.object({ type: z.literal('mtu-mismatch'), container: name, mtu: z.number().int().min(68).max(65535) }).strict(),
  /** This host's copy of an overlay has its own VNI: the network was created twice with one name. */
  z.object({ type: z.literal('overlay-vni'), network: name, vni: z.number().int().min(1).max(16777215) }).strict(),
  /** This host's FDB for an overlay has no entry towards another scenario host. */
  z.object({ type: z.literal('missing-vtep'), network: name, host: name }).strict(),
  /** This host's FDB for an overlay sends a MAC to a VTEP that no scenario host has. */
  z.object({ type: z.literal('stale-vtep'), network: name, vtep: ipv4, mac: mac.optional() }).strict()
])

export const SysctlSchema = z
  .object({
    ip_forward: z.union([z.literal(0), z.literal(1)]).default(1),
    'bridge-nf-call-iptables': z.union([z.literal(0), z.literal(1)]).default(1),
    rp_filter: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0)
  })
  .strict()

export const HostSchema = z
  .object({
    name,
    kernel: z.string().default('6.1.0-28-amd64'),
    dockerVersion: z.string().default('20.10.24+dfsg1'),
    nics: z.array(NicSchema).min(1),
    /** Default gateway of the host (through the NIC whose subnet holds it). */
    gateway: ipv4.optional(),
    /** Underlay address used as VXLAN endpoint; default: the first NIC's first address. */
    vtep: ipv4.optional(),
    sysctls: SysctlSchema.default({ ip_forward: 1, 'bridge-nf-call-iptables': 1, rp_filter: 0 }),
    /** Plain Linux bridges not created by Docker (e.g. the virtual-network lesson's br0). */
    bridges: z
      .array(
        z
          .object({
            name: ifname,
            mac: mac.optional(),
            addresses: z.array(cidr).default([]),
            ports: z.array(ifname).default([])
          })
          .strict()
      )
      .default([]),
    /** User-defined docker networks; `bridge`, `host` and `none` always exist. */
    networks: z.array(NetworkSchema).default([]),
    containers: z.array(ContainerSchema).default([]),
    flows: z.array(FlowSchema).default([]),
    /** Extra iptables rules in iptables-save syntax, appended to their table. */
    rules: z
      .array(
        z
          .object({
            table: z.enum(['filter', 'nat', 'mangle', 'raw']),
            rule: z.string().regex(/^-A \S+ /, 'expected "-A CHAIN …"')
          })
          .strict()
      )
      .default([]),
    faults: z.array(FaultSchema).default([])
  })
  .strict()

const lessonStep = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case step id like conntrack'),
    view: z.enum(['topology', 'nat', 'traffic', 'diagnose']),
    text: localized,
    /** A topology node id `<kind>:<netns>:<name>` to highlight. */
    focus: z.string().min(1).max(300).optional(),
    /** NAT view tab. */
    tab: z.enum(['rules', 'ports', 'conntrack']).optional()
  })
  .strict()

/** A lesson carried by the scenario file itself (docs/scenario-format.md, "Lessons and exercises in a scenario file"). */
export const ScenarioLessonSchema = z
  .object({
    title: localized,
    summary: localized,
    steps: z.array(lessonStep).min(1).max(30),
    check: z
      .object({
        question: localized,
        choices: z.array(localized).min(2).max(8),
        /** Index (from 0) of the right choice. */
        answer: z.number().int().min(0),
        explanation: localized
      })
      .strict()
  })
  .strict()

/** A troubleshooting exercise: the learner names a fault and its object; the diagnose engine grades. */
export const ScenarioExerciseSchema = z
  .object({
    title: localized,
    summary: localized,
    steps: z.array(lessonStep).max(30).default([]),
    question: localized,
    /** The findings to name: a diagnose check id and the object it is reported on (container, network, bridge, interface name). */
    find: z
      .array(
        z
          .object({
            check: z.string().regex(/^[a-z0-9-]+$/, 'expected a check id like missing-masquerade'),
            object: z.string().min(1)
          })
          .strict()
      )
      .min(1)
      .max(8),
    explanation: localized
  })
  .strict()

export const ScenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case id like nat-mode'),
    title: localized,
    description: localized,
    /** The id of the built-in lesson this scenario belongs to, or a lesson of its own. */
    lesson: z.union([z.string(), ScenarioLessonSchema]).nullable().default(null),
    exercise: ScenarioExerciseSchema.optional(),
    overlays: z.array(OverlaySchema).default([]),
    hosts: z.array(HostSchema).min(1)
  })
  .strict()

export type Scenario = z.infer<typeof ScenarioSchema>
export type ScenarioHost = z.infer<typeof HostSchema>
export type ScenarioContainer = z.infer<typeof ContainerSchema>
export type ScenarioNetwork = z.infer<typeof NetworkSchema>
export type ScenarioFlow = z.infer<typeof FlowSchema>
export type ScenarioFault = z.infer<typeof FaultSchema>
export type ScenarioNic = z.infer<typeof NicSchema>
export type ScenarioOverlay = z.infer<typeof OverlaySchema>
export type ScenarioLesson = z.infer<typeof ScenarioLessonSchema>
export type ScenarioExercise = z.infer<typeof ScenarioExerciseSchema>
