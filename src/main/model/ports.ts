/**
 * Published ports, learnt three ways and cross-checked:
 * - docker: each running container's bound port bindings (inspect NetworkSettings.Ports; a stopped
 *   container keeps its HostConfig.PortBindings, but nothing is published: see Container.configuredPorts),
 * - dnat: DNAT rules (`-A DOCKER ! -i br-x -p tcp -m tcp --dport 18080 -j DNAT --to-destination
 *   10.0.0.2:80`, or nft `tcp dport 8080 … dnat to 192.168.0.2:80`),
 * - proxy: docker-proxy listeners from `ss -tulpn`.
 * One PublishedPort per (proto, host address, host port); `sources` lists who confirmed it.
 */
import type { DockerContainerRecord, SsRecord } from '../parsers/types'
import type { NatRule, PublishedPort } from '../../shared/snapshot/schema'
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
const keyOf = (proto: string, hostIp: string, hostPort: number): string => `${proto}/${normIp(hostIp)}/${hostPort}`

export interface PortsInput {
  docker: DockerContainerRecord[]
  rules: NatRule[]
  listeners: SsRecord[]
  addressIndex: Map<string, string[]>
}

export function buildPublishedPorts(input: PortsInput): PublishedPort[] {
  const ports = new Map<string, PublishedPort>()
  for (const c of input.docker) {
    if (!c.running) continue
    for (const b of c.portBindings) {
      if (!b.hostPort) continue
      const hostIp = normIp(b.hostIp)
      const v6 = hostIp.includes(':')
      const net = c.networks.find((n) => (v6 ? n.ipv6 : n.ipAddress)) ?? null
      const k = keyOf(b.proto, hostIp, b.hostPort)
      if (ports.has(k)) continue
      ports.set(k, {
        hostIp,
        hostPort: b.hostPort,
        proto: b.proto,
        containerIp: net ? (v6 ? net.ipv6 : net.ipAddress) : null,
        containerPort: b.containerPort,
        container: containerName(c),
        rule: null,
        proxy: null,
        sources: ['docker']
      })
    }
  }
  for (const rule of input.rules) {
    if (rule.family === 'iptables-legacy' || rule.family === 'iptables-nft') continue
    const d = dnatPort(rule)
    if (!d) continue
    const k = keyOf(d.proto, d.hostIp, d.hostPort)
    const existing = ports.get(k)
    if (existing) {
      if (!existing.sources.includes('dnat')) {
        existing.sources.push('dnat')
        existing.rule = d.rule
        existing.containerIp ??= d.containerIp
      }
      continue
    }
    ports.set(k, {
      hostIp: d.hostIp,
      hostPort: d.hostPort,
      proto: d.proto,
      containerIp: d.containerIp,
      containerPort: d.containerPort,
      container: (d.containerIp && input.addressIndex.get(d.containerIp)?.[0]) ?? null,
      rule: d.rule,
      proxy: null,
      sources: ['dnat']
    })
  }
  for (const l of input.listeners) {
    if (l.process !== 'docker-proxy') continue
    const address = normIp(l.localAddress)
    const proxy = `docker-proxy pid=${l.pid ?? '?'} ${address.includes(':') ? `[${address}]` : address}:${l.port}`
    const k = keyOf(l.proto, address, l.port)
    const existing = ports.get(k)
    if (existing) {
      existing.proxy ??= proxy
      if (!existing.sources.includes('proxy')) existing.sources.push('proxy')
      continue
    }
    // A proxy nothing else explains (stale docker-proxy): container side unknown (containerPort 0).
    ports.set(k, {
      hostIp: address,
      hostPort: l.port,
      proto: l.proto,
      containerIp: null,
      containerPort: 0,
      container: null,
      rule: null,
      proxy,
      sources: ['proxy']
    })
  }
  const order = { docker: 0, dnat: 1, proxy: 2 } as const
  for (const p of ports.values()) p.sources.sort((a, b) => order[a] - order[b])
  return [...ports.values()].sort(
    (a, b) =>
      a.hostPort - b.hostPort ||
      a.proto.localeCompare(b.proto) ||
      v6(a.hostIp) - v6(b.hostIp) ||
      a.hostIp.localeCompare(b.hostIp)
  )
}
