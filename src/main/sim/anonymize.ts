/**
 * `scenario-from --anonymize`: a scenario of a production host made safe to share. Consistent
 * replacement (the same original always gets the same stand-in, and the same input always gives
 * the same output) of the hostname, container, network, image, bridge, veth, namespace and NIC
 * names, and of addresses: a private /16 goes to an unused 10.x /16 and a public /24 to a
 * documentation /24 (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), keeping the host part, so
 * subnets, prefixes, gateways and who-is-in-which-subnet stay as they were. MACs are left out (the
 * simulator derives Docker's from the address). Rule comments are blanked: they are free text.
 * Loopback, link-local, multicast and documentation addresses are not secret and are kept.
 */
import { isIpv4, parseIpv4 } from '../../shared/net/ip'
import type { FindingObject } from '../../shared/diagnose/types'
import type { ScenarioDocument, ScenarioHostDocument } from './scenario-from'

export interface AnonymizeResult {
  scenario: ScenarioDocument
  notes: string[]
  /** The kinds of things replaced ("container names", …): never the originals. */
  replaced: string[]
  /**
   * The stand-in of a name the scenario holds, looked up by the kind of object a diagnose finding
   * names (an exercise's `find`); undefined for a name the scenario does not hold (never the original).
   */
  standIn(kind: FindingObject['kind'], name: string): string | undefined
}

const KEPT_NETWORKS = new Set(['bridge', 'host', 'none', 'docker_gwbridge', 'ingress', 'podman'])
const KEPT_BRIDGES = new Set(['docker0', 'docker_gwbridge', 'br0', 'podman0'])
/** Kernel-given NIC names say nothing about the owner; anything else (`prod-uplink`) is replaced. */
const GENERIC_NIC = /^(lo|eth\d+|ens\d+|enp\d+s\d+(f\d+)?|eno\d+|em\d+|wlan\d+|bond\d+)$/
const DOCUMENTATION = ['192.0.2', '198.51.100', '203.0.113']

const isPrivate = (a: number[]): boolean =>
  a[0] === 10 ||
  (a[0] === 172 && a[1] >= 16 && a[1] <= 31) ||
  (a[0] === 192 && a[1] === 168) ||
  (a[0] === 100 && a[1] >= 64 && a[1] <= 127)
const isKept = (a: number[]): boolean =>
  a[0] === 0 ||
  a[0] === 127 ||
  a[0] >= 224 ||
  (a[0] === 169 && a[1] === 254) ||
  DOCUMENTATION.includes(a.slice(0, 3).join('.'))

const IPV4_IN_TEXT = /(?<![\d.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?![\d.]*\d)/g

class AddressMap {
  private readonly privateBlocks = new Map<string, string>()
  private readonly publicBlocks = new Map<string, string>()
  private readonly usedPrivate: Set<string>
  private readonly usedDocumentation: Set<string>
  private nextPrivate = 100
  overflow = false

  constructor(originals: string[]) {
    const octets = originals.map((ip) => ip.split('.').map(Number))
    this.usedPrivate = new Set(octets.filter((a) => a[0] === 10).map((a) => String(a[1])))
    this.usedDocumentation = new Set(
      octets.map((a) => a.slice(0, 3).join('.')).filter((b) => DOCUMENTATION.includes(b))
    )
  }

  ip(text: string): string {
    if (parseIpv4(text) === null) return text
    const a = text.split('.').map(Number)
    if (isKept(a)) return text
    if (isPrivate(a)) {
      const block = `${a[0]}.${a[1]}`
      let to = this.privateBlocks.get(block)
      if (!to) {
        while (this.usedPrivate.has(String(this.nextPrivate)) && this.nextPrivate < 255) this.nextPrivate++
        to = `10.${this.nextPrivate}`
        this.usedPrivate.add(String(this.nextPrivate))
        this.privateBlocks.set(block, to)
      }
      return `${to}.${a[2]}.${a[3]}`
    }
    const block = a.slice(0, 3).join('.')
    let to = this.publicBlocks.get(block)
    if (!to) {
      const free = DOCUMENTATION.filter(
        (d) => !this.usedDocumentation.has(d) && ![...this.publicBlocks.values()].includes(d)
      )
      if (free.length) to = free[0]
      else {
        // More public /24s than documentation ranges: later ones share the last (relations within each are kept).
        this.overflow = true
        to = DOCUMENTATION[this.publicBlocks.size % DOCUMENTATION.length]
      }
      this.publicBlocks.set(block, to)
    }
    return `${to}.${a[3]}`
  }

  cidr(text: string): string {
    const [ip, prefix] = text.split('/')
    return prefix === undefined ? this.ip(ip) : `${this.ip(ip)}/${prefix}`
  }

  text(text: string): string {
    return text.replace(IPV4_IN_TEXT, (m) => (isIpv4(m) ? this.ip(m) : m))
  }

  get replacedPrivate(): boolean {
    return this.privateBlocks.size > 0
  }
  get replacedPublic(): boolean {
    return this.publicBlocks.size > 0
  }
}

/** A name table per kind: `container-1`, `net-1`, …, in order of first appearance (deterministic). */
class NameMap {
  readonly map = new Map<string, string>()
  constructor(private readonly make: (n: number, original: string) => string) {}
  get(original: string): string {
    let to = this.map.get(original)
    if (!to) {
      to = this.make(this.map.size + 1, original)
      this.map.set(original, to)
    }
    return to
  }
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0')
const nameChars = '[A-Za-z0-9_.@-]'

export function anonymizeScenario(
  scenario: ScenarioDocument,
  notes: string[],
  noteNames: string[] = []
): AnonymizeResult {
  const hosts = scenario.hosts
  const originals: string[] = []
  const collect = (text: string): void => void originals.push(...(text.match(IPV4_IN_TEXT) ?? []))
  collect(JSON.stringify(scenario))
  const addresses = new AddressMap(originals)

  const hostNames = new NameMap((n) => `host-${n}`)
  const containers = new NameMap((n) => `container-${n}`)
  const networks = new NameMap((n, o) => (KEPT_NETWORKS.has(o) ? o : `net-${n}`))
  const images = new NameMap((n) => `image-${n}:latest`)
  const bridges = new NameMap((n, o) => (KEPT_BRIDGES.has(o) ? o : `br-${hex(n, 12)}`))
  const veths = new NameMap((n) => `veth${hex(n, 7)}`)
  const nics = new NameMap((n, o) => (GENERIC_NIC.test(o) ? o : `nic${n}`))
  const netnsNames = new NameMap((n) => `ns-${n}`)
  const replaced = new Set<string>()

  // Names first, in document order, so every table is complete before free text is rewritten.
  for (const h of hosts) {
    hostNames.get(h.name)
    h.nics.forEach((nic) => {
      nics.get(nic.name)
      if (nic.peer) {
        netnsNames.get(nic.peer.netns)
        nics.get(nic.peer.name)
      }
    })
    h.bridges?.forEach((b) => bridges.get(b.name))
    h.networks?.forEach((n) => {
      networks.get(n.name)
      if (n.bridge) bridges.get(n.bridge)
    })
    h.containers?.forEach((c) => {
      containers.get(c.name)
      images.get(c.image)
      c.networks?.forEach((n) => n.veth && veths.get(n.veth))
    })
  }
  scenario.overlays?.forEach((o) => networks.get(o.name))
  // Names only the notes quote (what the scenario left out, finding objects); built-in ones stay.
  const others = new NameMap((n, o) =>
    GENERIC_NIC.test(o) || KEPT_NETWORKS.has(o) || KEPT_BRIDGES.has(o) ? o : `name-${n}`
  )
  noteNames.forEach((name) => others.get(name))

  const containerRef = (ref: string): string => {
    if (containers.map.has(ref)) return containers.get(ref)
    return isIpv4(ref) ? addresses.ip(ref) : ref
  }
  const interfaceName = (name: string): string =>
    bridges.map.get(name) ?? veths.map.get(name) ?? nics.map.get(name) ?? name

  /** Every original name that free text (rules, notes) may quote, longest first. */
  const textNames: [string, string][] = [
    hostNames,
    containers,
    networks,
    images,
    bridges,
    veths,
    nics,
    netnsNames,
    others
  ]
    .flatMap((m) => [...m.map])
    .filter(([from, to]) => from !== to)
    .sort((a, b) => b[0].length - a[0].length)
  const freeText = (text: string): string => {
    let out = text
      .replace(/--comment\s+("(?:[^"\\]|\\.)*"|\S+)/g, '--comment "anonymized"')
      .replace(/^(.*)$/s, (t) => addresses.text(t))
    for (const [from, to] of textNames) {
      const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      out = out.replace(new RegExp(`(?<!${nameChars})${escaped}(?!${nameChars})`, 'g'), to)
    }
    return out
  }

  const anonHost = (h: ScenarioHostDocument): ScenarioHostDocument => {
    const out: ScenarioHostDocument = {
      name: hostNames.get(h.name),
      ...(h.kernel ? { kernel: h.kernel } : {}),
      ...(h.dockerVersion ? { dockerVersion: h.dockerVersion } : {}),
      nics: h.nics.map((nic) => ({
        name: nics.get(nic.name),
        addresses: nic.addresses.map((a) => addresses.cidr(a)),
        ...(nic.mtu ? { mtu: nic.mtu } : {}),
        ...(nic.kind ? { kind: nic.kind } : {}),
        ...(nic.peer
          ? {
              peer: {
                netns: netnsNames.get(nic.peer.netns),
                name: nics.get(nic.peer.name),
                addresses: nic.peer.addresses.map((a) => addresses.cidr(a))
              }
            }
          : {})
      }))
    }
    if (h.gateway) out.gateway = addresses.ip(h.gateway)
    if (h.sysctls) out.sysctls = { ...h.sysctls }
    if (h.bridges)
      out.bridges = h.bridges.map((b) => ({
        name: bridges.get(b.name),
        addresses: b.addresses.map((a) => addresses.cidr(a)),
        ports: b.ports.map(interfaceName)
      }))
    if (h.networks)
      out.networks = h.networks.map((n) => {
        const { bridgeMac: _mac, ...rest } = n
        return {
          ...rest,
          name: networks.get(n.name),
          subnet: addresses.cidr(n.subnet),
          ...(n.gateway ? { gateway: addresses.ip(n.gateway) } : {}),
          ...(n.bridge ? { bridge: bridges.get(n.bridge) } : {}),
          ...(n.parent ? { parent: interfaceName(n.parent) } : {})
        }
      })
    if (h.containers)
      out.containers = h.containers.map((c) => ({
        name: containers.get(c.name),
        image: images.get(c.image),
        ...(c.mode
          ? { mode: c.mode.startsWith('container:') ? `container:${containers.get(c.mode.slice(10))}` : c.mode }
          : {}),
        ...(c.networks
          ? {
              networks: c.networks.map((n) => ({
                name: networks.get(n.name),
                ...(n.ip ? { ip: addresses.ip(n.ip) } : {}),
                ...(n.veth ? { veth: veths.get(n.veth) } : {})
              }))
            }
          : {}),
        ...(c.ports
          ? {
              ports: c.ports.map((p) => {
                const parts = p.split(':')
                return parts.length === 3 ? `${addresses.ip(parts[0])}:${parts[1]}:${parts[2]}` : p
              })
            }
          : {}),
        ...(c.state ? { state: c.state } : {})
      }))
    if (h.flows)
      out.flows = h.flows.map((f) => ({
        ...f,
        from: containerRef(f.from),
        to: f.to === 'host' ? 'host' : containerRef(f.to)
      }))
    if (h.rules) out.rules = h.rules.map((r) => ({ table: r.table, rule: freeText(r.rule) }))
    if (h.faults)
      out.faults = h.faults.map((f) => {
        const g: Record<string, string | number> = { ...f }
        if (typeof f.container === 'string') g.container = containers.get(f.container)
        if (typeof f.network === 'string') g.network = networks.get(f.network)
        if (typeof f.interface === 'string') g.interface = interfaceName(f.interface)
        if (typeof f.gateway === 'string') g.gateway = addresses.ip(f.gateway)
        return g
      })
    return out
  }

  const anonymized: ScenarioDocument = {
    id: 'anonymized-host',
    title: { en: 'An anonymized host', 'zh-CN': '一台匿名化的主机' },
    description: {
      en: 'Made by netlens scenario-from --anonymize: names and addresses are stand-ins.',
      'zh-CN': '由 netlens scenario-from --anonymize 生成：名称和地址都已替换。'
    },
    ...(scenario.overlays
      ? {
          overlays: scenario.overlays.map((o) => ({
            ...o,
            name: networks.get(o.name),
            subnet: addresses.cidr(o.subnet),
            ...(o.gateway ? { gateway: addresses.ip(o.gateway) } : {})
          }))
        }
      : {}),
    hosts: hosts.map(anonHost)
  }

  const changed = (m: NameMap): boolean => [...m.map].some(([from, to]) => from !== to)
  if (changed(hostNames)) replaced.add('hostnames')
  if (changed(containers)) replaced.add('container names')
  if (changed(networks)) replaced.add('network names')
  if (changed(images)) replaced.add('image names')
  if (changed(bridges)) replaced.add('bridge names')
  if (changed(veths)) replaced.add('host veth names')
  if (changed(nics)) replaced.add('NIC names other than the kernel-given ones')
  if (changed(netnsNames)) replaced.add('network namespace names')
  if (addresses.replacedPrivate) replaced.add('private addresses (each /16 to an unused 10.x /16, host part kept)')
  if (addresses.replacedPublic) replaced.add('public addresses (each /24 to a documentation /24, host part kept)')
  if (
    hosts.some(
      (h) =>
        h.nics.some((n) => n.mac) ||
        h.networks?.some((n) => n.bridgeMac) ||
        h.containers?.some((c) => c.networks?.some((n) => n.mac))
    )
  )
    replaced.add('MAC addresses (left out)')
  if (hosts.some((h) => h.rules?.some((r) => /--comment/.test(r.rule))))
    replaced.add('iptables rule comments (blanked)')
  const outNotes = notes.map(freeText)
  if (addresses.overflow)
    outNotes.push('more public /24 blocks than documentation ranges: some share a documentation /24')
  const tablesOf: Partial<Record<FindingObject['kind'], NameMap[]>> = {
    host: [hostNames],
    container: [containers],
    network: [networks],
    bridge: [bridges],
    interface: [veths, nics, bridges]
  }
  // A port (8080/tcp) and the conntrack table name no one; rules and routes are raw lines: never kept.
  const standIn = (kind: FindingObject['kind'], name: string): string | undefined =>
    kind === 'port' || kind === 'conntrack'
      ? name
      : (tablesOf[kind] ?? []).map((m) => m.map.get(name)).find((to) => to !== undefined)
  return { scenario: anonymized, notes: outNotes, replaced: [...replaced], standIn }
}
