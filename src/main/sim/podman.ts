/**
 * Podman in the simulator: netavark networks and Podman containers rendered as Podman 4.3 with
 * netavark 1.4 prints them on Debian 12 (real shapes in test/fixtures/sim-reference/debian12-podman4.3,
 * cut from the lab capture): `podman network inspect` (lower-case keys, 5-space indent),
 * `podman container inspect` (Docker's shape plus Pod, IsInfra, ImageName; NetworkMode `bridge`),
 * netavark's iptables chains, conmon holding each published port, aardvark-dns on a network's
 * gateway when DNS is on. The world (world.ts) names Podman's bridges podman0, podman1… and their
 * host veths veth0, veth1… as netavark does.
 */
import type { RawSection } from '../capture/capture-types'
import { SECTION } from '../capture/sections'
import type { ScenarioHost } from './scenario-schema'
import type { SimContainer, SimNetwork, SimWorld } from './world'
import { formatIpv4 } from '../../shared/net/ip'
import { NO_ADDRESSING, blockOf, inspectProcessState, sha } from './sim-helpers'

export const PODMAN_VERSION = '4.3.1'
const INDENT = 5

export const isPodman = (x: { runtime?: string }): boolean => x.runtime === 'podman'

/**
 * The host's Podman networks: the default `podman` (10.88.0.0/16, bridge podman0, no DNS), always
 * listed where Podman is used, and the scenario's created ones, whose bridges netavark names
 * podman1, podman2… in creation order.
 */
export function podmanNetworks(
  h: ScenarioHost,
  netId: (name: string) => string,
  iso: (offsetS: number) => string
): { networks: SimNetwork[] } {
  const declared = h.networks.filter((n) => n.runtime === 'podman')
  const used = declared.length > 0 || h.containers.some((c) => c.runtime === 'podman')
  if (!used) return { networks: [] }
  const all = [
    ...(declared.some((n) => n.name === 'podman')
      ? []
      : [{ name: 'podman', subnet: '10.88.0.0/16', gateway: undefined, internal: false, dns: false }]),
    ...declared
  ]
  let next = 1
  const networks = all.map((n, i): SimNetwork => {
    const subnet = n.subnet
    return {
      name: n.name,
      id: netId(n.name),
      driver: 'bridge',
      scope: 'local',
      subnet,
      gateway: n.gateway ?? formatIpv4(blockOf(subnet).network + 1),
      internal: n.internal,
      icc: true,
      masquerade: !n.internal,
      bridge: n.name === 'podman' ? 'podman0' : `podman${next++}`,
      parent: null,
      vni: null,
      options: {},
      created: iso(1000 + i * 60),
      order: 100 + i,
      runtime: 'podman',
      dns: n.name === 'podman' ? false : n.dns
    }
  })
  return { networks }
}

/** A running Podman container of the scenario host uses this network (netavark then sets it up). */
export function podmanNetworkUsed(h: ScenarioHost, network: string): boolean {
  return h.containers.some(
    (c) =>
      c.runtime === 'podman' &&
      (c.state === 'running' || c.state === 'paused') &&
      c.mode === 'bridge' &&
      ((c.networks ?? []).length
        ? (c.networks ?? []).some((n) => (typeof n === 'string' ? n : n.name) === network)
        : network === 'podman')
  )
}

/** netavark's per-network chain suffix: 13 upper-case hex digits derived from the network id. */
export const netavarkChain = (net: SimNetwork): string => sha(`netavark/${net.id}`).slice(0, 13).toUpperCase()

/** `/run/netns/netns-<uuid>`: where netavark's namespace of a container lives. */
export function podmanSandboxKey(containerId: string): string {
  const h = sha(`${containerId}/netns`)
  return `/run/netns/netns-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

export function podmanNetworksJson(world: SimWorld): string {
  const nets = world.networks.filter(isPodman).map((n) => ({
    name: n.name,
    id: n.id,
    driver: 'bridge',
    network_interface: n.bridge,
    created: n.created,
    subnets: [{ subnet: n.subnet, gateway: n.gateway }],
    ipv6_enabled: false,
    internal: n.internal,
    dns_enabled: n.dns ?? false,
    ipam_options: { driver: 'host-local' }
  }))
  return JSON.stringify(nets, null, INDENT) + '\n'
}

function ports(c: SimContainer): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {}
  for (const p of c.ports)
    (out[`${p.containerPort}/${p.proto}`] ??= []).push({
      HostIp: p.hostIp === '0.0.0.0' ? '' : p.hostIp,
      HostPort: String(p.hostPort)
    })
  return out
}

export function podmanContainersJson(world: SimWorld): string {
  const list = world.containers.filter(isPodman).map((c) => {
    const running = c.state === 'running' || c.state === 'paused'
    const owner = c.mode.startsWith('container:')
      ? world.containers.find((o) => o.name === c.mode.slice(10))
      : undefined
    // Podman repeats the namespace owner's networks and ports on a container: member.
    const shown = owner ?? c
    const networks = Object.fromEntries(
      shown.endpoints.map((e) => [
        e.network,
        {
          EndpointID: '',
          Gateway: e.gateway,
          IPAddress: e.ip,
          IPPrefixLen: e.prefix,
          IPv6Gateway: '',
          GlobalIPv6Address: '',
          GlobalIPv6PrefixLen: 0,
          MacAddress: e.mac,
          NetworkID: e.network,
          DriverOpts: null,
          IPAMConfig: null,
          Links: null,
          Aliases: [c.id.slice(0, 12)]
        }
      ])
    )
    return {
      Id: c.id,
      Created: c.created,
      Path: c.command[0],
      Args: c.command.slice(1),
      State: {
        OciVersion: '1.0.2-dev',
        ...inspectProcessState(c),
        ConmonPid: running ? (c.conmonPid ?? 0) : 0,
        ExitCode: 0,
        Error: '',
        StartedAt: c.created,
        FinishedAt: '0001-01-01T00:00:00Z',
        Health: { Status: '', FailingStreak: 0, Log: null },
        CgroupPath: `/libpod_parent/libpod-${c.id}`,
        CheckpointedAt: '0001-01-01T00:00:00Z',
        RestoredAt: '0001-01-01T00:00:00Z'
      },
      Image: sha(`image/${c.image}`),
      ImageName: c.image,
      Pod: '',
      Name: c.name,
      NetworkSettings: {
        EndpointID: '',
        ...NO_ADDRESSING,
        Bridge: '',
        SandboxID: '',
        HairpinMode: false,
        LinkLocalIPv6Address: '',
        LinkLocalIPv6PrefixLen: 0,
        Ports: ports(shown),
        SandboxKey: running && c.mode !== 'host' ? c.sandboxKey : '',
        ...(shown.endpoints.length ? { Networks: networks } : {})
      },
      IsInfra: false,
      IsService: false,
      Config: { Hostname: c.id.slice(0, 12), Cmd: c.command, Image: c.image },
      HostConfig: {
        NetworkMode: c.networkMode,
        PortBindings: ports(c)
      }
    }
  })
  return JSON.stringify(list, null, INDENT) + '\n'
}

const aardvarkPid = (world: SimWorld): number =>
  3400 + (parseInt(sha(`${world.scenarioId}/aardvark`).slice(0, 4), 16) % 400)

/**
 * `ss -Htulpn` rows (proto, state, recv-q, send-q, local, peer, process): conmon holds each
 * published port of a running rootful Podman container (v4 only); aardvark-dns answers on the
 * gateway of DNS networks in use.
 */
export function podmanListenerRows(world: SimWorld): string[][] {
  const rows: string[][] = []
  for (const n of world.networks.filter(isPodman))
    if (n.dns && world.containers.some((c) => c.state === 'running' && c.endpoints.some((e) => e.network === n.name)))
      rows.push([
        'udp',
        'UNCONN',
        '0',
        '0',
        `${n.gateway}:53`,
        '0.0.0.0:*',
        `users:(("aardvark-dns",pid=${aardvarkPid(world)},fd=8))`
      ])
  for (const c of world.containers.filter(isPodman)) {
    if (c.state !== 'running' || !c.conmonPid) continue
    for (const p of c.ports) {
      const q = p.proto === 'udp' ? ['UNCONN', '0', '0'] : ['LISTEN', '0', '4096']
      rows.push([p.proto, ...q, `${p.hostIp}:${p.hostPort}`, '0.0.0.0:*', `users:(("conmon",pid=${c.conmonPid},fd=5))`])
    }
  }
  return rows
}

/** The probe's proc.nethelpers as root: conmon of every running Podman container, aardvark-dns. */
export function podmanNetHelpers(world: SimWorld): string {
  const lines = world.containers
    .filter((c) => isPodman(c) && c.state === 'running' && c.conmonPid)
    .map((c) => `${c.conmonPid} 1 0 conmon`)
  if (podmanListenerRows(world).some((r) => r[6].includes('aardvark-dns')))
    lines.unshift(`${aardvarkPid(world)} 1 0 aardvark-dns`)
  return lines.length ? lines.join('\n') + '\n' : ''
}

/** netavark's rules, in the places netavark puts them next to Docker's. */
export interface NetavarkRules {
  filterChains: string[]
  /** Inserted at the top of FORWARD (before Docker's jumps). */
  forwardTop: string[]
  filterRules: string[]
  natChains: string[]
  preroutingEnd: string[]
  outputEnd: string[]
  postroutingTop: string[]
  postroutingEnd: string[]
  natRules: string[]
}

export function netavarkRules(
  world: SimWorld,
  missing: (network: string, rule: 'masquerade' | 'dnat') => boolean
): NetavarkRules | null {
  // netavark sets a network up (bridge, rules) while a container uses it.
  const used = world.networks.filter(
    (n) =>
      isPodman(n) &&
      world.containers.some((c) => c.state === 'running' && c.endpoints.some((e) => e.network === n.name))
  )
  if (!used.length) return null
  const r: NetavarkRules = {
    filterChains: [':NETAVARK_FORWARD - [0:0]'],
    forwardTop: ['-A FORWARD -m comment --comment "netavark firewall plugin rules" -j NETAVARK_FORWARD'],
    filterRules: [],
    natChains: [],
    preroutingEnd: ['-A PREROUTING -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT'],
    outputEnd: ['-A OUTPUT -m addrtype --dst-type LOCAL -j NETAVARK-HOSTPORT-DNAT'],
    postroutingTop: ['-A POSTROUTING -j NETAVARK-HOSTPORT-MASQ'],
    postroutingEnd: [],
    natRules: []
  }
  const netChains: string[] = []
  const netRules: string[] = []
  const dnChains: string[] = []
  const dnRules: string[] = []
  const hostportDnat: string[] = []
  for (const n of used) {
    const chain = `NETAVARK-${netavarkChain(n)}`
    r.filterRules.push(
      `-A NETAVARK_FORWARD -d ${n.subnet} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A NETAVARK_FORWARD -s ${n.subnet} -j ACCEPT`
    )
    netChains.push(`:${chain} - [0:0]`)
    r.postroutingEnd.push(`-A POSTROUTING -s ${n.subnet} -j ${chain}`)
    netRules.push(`-A ${chain} -d ${n.subnet} -j ACCEPT`)
    if (!missing(n.name, 'masquerade')) netRules.push(`-A ${chain} ! -d 224.0.0.0/4 -j MASQUERADE`)
    const published = world.containers.flatMap((c) =>
      c.state === 'running' && isPodman(c)
        ? c.ports.flatMap((p) => {
            const ep = c.endpoints.find((e) => e.network === n.name)
            return ep ? [{ c, p, ep }] : []
          })
        : []
    )
    if (!published.length) continue
    const dn = `NETAVARK-DN-${netavarkChain(n)}`
    dnChains.push(`:${dn} - [0:0]`)
    for (const { c, p, ep } of published) {
      const dst = p.hostIp === '0.0.0.0' ? '' : `-d ${p.hostIp}/32 `
      dnRules.push(
        `-A ${dn} -s ${n.subnet} ${dst}-p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j NETAVARK-HOSTPORT-SETMARK`,
        `-A ${dn} -s 127.0.0.1/32 ${dst}-p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j NETAVARK-HOSTPORT-SETMARK`
      )
      if (!missing(n.name, 'dnat'))
        dnRules.push(
          `-A ${dn} ${dst}-p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${ep.ip}:${p.containerPort}`
        )
      hostportDnat.push(
        `-A NETAVARK-HOSTPORT-DNAT ${dst}-p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -m comment --comment "dnat name: ${n.name} id: ${c.id}" -j ${dn}`
      )
    }
  }
  r.natChains = [
    ...netChains,
    ...dnChains,
    ':NETAVARK-HOSTPORT-DNAT - [0:0]',
    ':NETAVARK-HOSTPORT-MASQ - [0:0]',
    ':NETAVARK-HOSTPORT-SETMARK - [0:0]'
  ]
  r.natRules = [
    ...netRules,
    ...dnRules,
    ...hostportDnat,
    '-A NETAVARK-HOSTPORT-MASQ -m comment --comment "netavark portfw masq mark" -m mark --mark 0x2000/0x2000 -j MASQUERADE',
    '-A NETAVARK-HOSTPORT-SETMARK -j MARK --set-xmark 0x2000/0x2000'
  ]
  return r
}

const section = (name: string, command: string, stdout: string, ms: number): RawSection => ({
  name,
  command,
  exitCode: 0,
  ms,
  status: 'ok',
  stderr: '',
  stdout
})

/** The probe's Podman sections, on a host where (rootful) Podman is used. */
export function podmanSections(world: SimWorld): RawSection[] {
  if (!world.networks.some(isPodman) && !world.containers.some(isPodman)) return []
  return [
    section(SECTION.user, 'id -un', 'root\n', 1),
    section(SECTION.podmanVersion, "podman version --format '{{.Client.Version}}'", `${PODMAN_VERSION}\n`, 250),
    section(SECTION.podmanNetworks, 'podman network inspect $(podman network ls -q)', podmanNetworksJson(world), 400),
    section(SECTION.podmanContainers, 'podman container inspect $(podman ps -aq)', podmanContainersJson(world), 600),
    section(SECTION.podmanPods, 'podman pod ps --format json', '[]\n', 450),
    section(
      SECTION.netHelpers,
      'for p in /proc/[0-9]*: slirp4netns, pasta, rootlessport, conmon, aardvark-dns',
      podmanNetHelpers(world),
      130
    )
  ]
}
