/**
 * Published ports, learnt three ways and cross-checked:
 * - docker / podman: each running container's bound port bindings (inspect NetworkSettings.Ports; a
 *   stopped container keeps its HostConfig.PortBindings, but nothing is published: see Container.configuredPorts),
 * - dnat: DNAT rules (`-A DOCKER ! -i br-x -p tcp -m tcp --dport 18080 -j DNAT --to-destination
 *   10.0.0.2:80`, or nft `tcp dport 8080 … dnat to 192.168.0.2:80`),
 * - proxy: the process holding the host port, from `ss -tulpn`: docker-proxy (Docker's userland
 *   proxy), conmon (rootful Podman reserves the port; DNAT carries the traffic), rootlessport or
 *   pasta (rootless Podman's forwarders).
 * Docker's and Podman's inspect records both count (`sources` says which); `sources` lists who
 * confirmed each port.
 */
import type { DockerContainerRecord, SsRecord } from '../parsers/types'
import type { NatRule, PublishedPort, Runtime } from '../../shared/snapshot/schema'
import { holderRuntime } from '../../shared/snapshot/port-holders'
import { containerName } from './containers'
import { natAddress, plainOption } from '../../shared/netfilter/rule'

export interface DnatPort {
  proto: string
  hostIp: string
  hostPort: number
  containerIp: string | null
  containerPort: number
  rule: string
}

const anyFor = (family: string, ip: string | null): string =>
  family === 'ip6tables' || (ip ?? '').includes(':') ? '::' : '0.0.0.0'

/** The port a DNAT rule publishes (iptables and nft rules alike, from their typed options), or null for DNAT rules it cannot read (ranges, maps). */
export function dnatPort(rule: NatRule): DnatPort | null {
  if (rule.target !== 'DNAT') return null
  let proto = plainOption(rule, '-p')?.values[0] ?? null
  const dportText = plainOption(rule, '--dport')?.values[0] ?? ''
  const dport = /^\d+$/.test(dportText) ? Number(dportText) : null
  const hostIp = plainOption(rule, '-d')?.values[0]?.replace(/\/(32|128)$/, '') ?? null
  const dest = natAddress(rule)
  if (!proto || dport === null || (dest.ip === null && dest.port === null)) return null
  if (proto === '6') proto = 'tcp'
  else if (proto === '17') proto = 'udp'
  return {
    proto,
    hostIp: hostIp && hostIp !== '0.0.0.0/0' && hostIp !== '::/0' ? hostIp : anyFor(rule.family, dest.ip),
    hostPort: dport,
    containerIp: dest.ip,
    containerPort: dest.port ?? dport,
    rule: rule.raw
  }
}

const normIp = (ip: string): string => (ip === '' || ip === '*' ? '0.0.0.0' : ip === '[::]' ? '::' : ip)
const v6 = (ip: string): number => (ip.includes(':') ? 1 : 0)

export interface PortsInput {
  /** Docker's and Podman's container records (each says its runtime). */
  docker: DockerContainerRecord[]
  rules: NatRule[]
  listeners: SsRecord[]
  addressIndex: Map<string, string[]>
  /** Rootless forwarders' pids → their container (the container's own ports may be unknown to root). */
  forwarderOf?: Map<number, string>
  /** IP → the container that owns the namespace holding it (not a `container:` member sharing it). */
  ownerByIp?: Map<string, string>
}

const runtimeOfOwner = (owner: NatRule['owner']): Runtime | null =>
  owner === 'docker' || owner === 'podman' ? owner : null

/**
 * One entry per (proto, host address, host port, container): two runtimes (or two containers)
 * publishing the same host port are two entries, which is what a port conflict looks like.
 */
export function buildPublishedPorts(input: PortsInput): PublishedPort[] {
  const ports: PublishedPort[] = []
  const sameHostPort = (p: PublishedPort, proto: string, hostIp: string, hostPort: number): boolean =>
    p.proto === proto && p.hostPort === hostPort && normIp(p.hostIp) === normIp(hostIp)
  for (const c of input.docker) {
    if (!c.running) continue
    const runtime = c.runtime ?? 'docker'
    const name = containerName(c)
    for (const b of c.portBindings) {
      if (!b.hostPort) continue
      const hostIp = normIp(b.hostIp)
      const v6 = hostIp.includes(':')
      if (ports.some((p) => sameHostPort(p, b.proto, hostIp, b.hostPort) && p.container === name)) continue
      const net = c.networks.find((n) => (v6 ? n.ipv6 : n.ipAddress)) ?? null
      ports.push({
        hostIp,
        hostPort: b.hostPort,
        proto: b.proto,
        containerIp: net ? (v6 ? net.ipv6 : net.ipAddress) : null,
        containerPort: b.containerPort,
        container: name,
        rule: null,
        proxy: null,
        sources: [runtime],
        runtime
      })
    }
  }
  for (const rule of input.rules) {
    if (rule.family === 'iptables-legacy' || rule.family === 'iptables-nft') continue
    const d = dnatPort(rule)
    if (!d) continue
    const existing = ports.find(
      (p) =>
        sameHostPort(p, d.proto, d.hostIp, d.hostPort) &&
        (p.containerIp === null || d.containerIp === null || p.containerIp === d.containerIp)
    )
    if (existing) {
      if (!existing.sources.includes('dnat')) {
        existing.sources.push('dnat')
        existing.rule = d.rule
        existing.containerIp ??= d.containerIp
        existing.runtime ??= runtimeOfOwner(rule.owner)
      }
      continue
    }
    ports.push({
      hostIp: d.hostIp,
      hostPort: d.hostPort,
      proto: d.proto,
      containerIp: d.containerIp,
      containerPort: d.containerPort,
      container:
        (d.containerIp && (input.ownerByIp?.get(d.containerIp) ?? input.addressIndex.get(d.containerIp)?.[0])) ?? null,
      rule: d.rule,
      proxy: null,
      sources: ['dnat'],
      runtime: runtimeOfOwner(rule.owner)
    })
  }
  for (const l of input.listeners) {
    const holder = holderRuntime(l.process)
    if (!holder) continue
    const address = normIp(l.localAddress)
    const proxy = `${l.process} pid=${l.pid ?? '?'} ${address.includes(':') ? `[${address}]` : address}:${l.port}`
    // rootlessport listens on `*` (v4 and v6): it holds the v4 wildcard port too.
    const matching = ports.filter(
      (p) =>
        p.proto === l.proto &&
        p.hostPort === l.port &&
        (normIp(p.hostIp) === address || (l.localAddress === '*' && normIp(p.hostIp) === '0.0.0.0')) &&
        (p.runtime === null || p.runtime === holder)
    )
    for (const existing of matching) {
      existing.proxy ??= proxy
      existing.runtime ??= holder
      if (!existing.sources.includes('proxy')) existing.sources.push('proxy')
    }
    if (matching.length) continue
    // A holder nothing else explains (a stale docker-proxy, or another user's rootlessport):
    // container side unknown (containerPort 0).
    ports.push({
      hostIp: address,
      hostPort: l.port,
      proto: l.proto,
      containerIp: null,
      containerPort: 0,
      container: (l.pid !== null && input.forwarderOf?.get(l.pid)) || null,
      rule: null,
      proxy,
      sources: ['proxy'],
      runtime: holder
    })
  }
  const order = { docker: 0, podman: 0, dnat: 1, proxy: 2 } as const
  for (const p of ports) p.sources.sort((a, b) => order[a] - order[b])
  return ports.sort(
    (a, b) =>
      a.hostPort - b.hostPort ||
      a.proto.localeCompare(b.proto) ||
      v6(a.hostIp) - v6(b.hostIp) ||
      a.hostIp.localeCompare(b.hostIp) ||
      (a.container ?? '').localeCompare(b.container ?? '')
  )
}
