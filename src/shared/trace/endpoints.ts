/**
 * What the two ends of a trace name: a container, an interface, an IPv4 address or `outside`,
 * with `host[:port][/proto]` on the destination side.
 */
import type { Container, ContainerInterface, Interface } from '../snapshot/schema'
import { containerNetnsId } from '../topology/ids'
import { hostVethOf } from '../snapshot/bridges'
import { isIpv4, stripPrefix } from '../net/ip'
import {
  OUTSIDE_PROBE,
  containerHolding,
  containerIpv4,
  findContainer,
  hostDefaultRoute,
  hostInterface,
  interfaceAddress,
  namespaceOwner
} from '../snapshot/query'
import { traceMessage as M } from './messages'
import { Stop, type Endpoint, type Target, type Tracer } from './tracer'

/** Parses `host[:port][/proto]`. */
function splitTarget(text: string): { ref: string; port: number | null; proto: string | null } {
  const m = /^(.*?)(?::(\d{1,5}))?(?:\/(tcp|udp|icmp|sctp))?$/i.exec(text.trim())
  if (!m) return { ref: text.trim(), port: null, proto: null }
  const port = m[2] !== undefined ? Number(m[2]) : null
  return { ref: m[1], port: port !== null && port <= 65535 ? port : null, proto: m[3] ? m[3].toLowerCase() : null }
}

export function resolveSource(t: Tracer, from: string): Endpoint {
  const ref = from.trim()
  const snapshot = t.snapshot
  if (ref === 'outside') return { kind: 'outside', ip: OUTSIDE_PROBE, iface: null }
  const container = findContainer(snapshot, ref)
  if (container) return containerEndpoint(t, container, null)
  const iface =
    snapshot.interfaces.find((i) => i.name === ref && i.netns === 'host') ??
    snapshot.interfaces.find((i) => i.name === ref)
  if (iface) {
    if (iface.netns !== 'host') {
      const owner = snapshot.containers.find((c) => containerNetnsId(c) === iface.netns)
      if (owner) return containerEndpoint(t, owner, null, iface.name)
      throw new Stop('unknown', M('ifaceInOrphanNetns', { ref, netns: iface.netns }))
    }
    const owner = snapshot.containers.find((c) => c.interfaces.some((ci) => hostVethOf(ci) === iface.name))
    if (owner)
      return containerEndpoint(t, owner, null, owner.interfaces.find((ci) => hostVethOf(ci) === iface.name)?.ifname)
    if (iface.kind === 'bridge' || iface.kind === 'loopback')
      return { kind: 'host', ip: interfaceAddress(iface.addresses), iface }
    return { kind: 'outside', ip: OUTSIDE_PROBE, iface }
  }
  if (isIpv4(ref)) return ipEndpoint(t, ref, null)
  throw new Stop('unknown', M('unknownSource', { ref }))
}

export function resolveDestination(t: Tracer, to: string, source: Endpoint): Target {
  const { ref, port, proto } = splitTarget(to)
  const chosenProto = proto ?? (port !== null ? 'tcp' : 'icmp')
  if (ref === 'outside')
    return { endpoint: { kind: 'outside', ip: OUTSIDE_PROBE, iface: null }, port, proto: chosenProto }
  const container = findContainer(t.snapshot, ref)
  if (container) {
    if (namespaceOwner(t.snapshot, container).networkMode === 'host') {
      // A host-network container is the host: use the address of the host's default route device.
      const dev = hostDefaultRoute(t.snapshot)?.dev
      const iface = dev ? hostInterface(t.snapshot, dev) : null
      return {
        endpoint: { kind: 'host', ip: iface ? interfaceAddress(iface.addresses) : null, iface },
        port,
        proto: chosenProto
      }
    }
    const sharedWith = source.kind === 'container' ? source.owner : null
    return { endpoint: containerEndpoint(t, container, sharedWith), port, proto: chosenProto }
  }
  if (isIpv4(ref)) return { endpoint: ipEndpoint(t, ref, null), port, proto: chosenProto }
  throw new Stop('unknown', M('unknownDestination', { ref }))
}

function containerEndpoint(t: Tracer, container: Container, near: Container | null, ifname?: string): Endpoint {
  const owner = namespaceOwner(t.snapshot, container)
  let iface: ContainerInterface | null = null
  if (ifname) iface = owner.interfaces.find((ci) => ci.ifname === ifname) ?? null
  if (!iface && near) {
    // Prefer the address on a network both containers share.
    iface =
      owner.interfaces.find(
        (ci) =>
          ci.network !== null && near.interfaces.some((n) => n.network === ci.network) && containerIpv4(ci).length > 0
      ) ?? null
  }
  if (!iface) iface = owner.interfaces.find((ci) => containerIpv4(ci).length > 0) ?? owner.interfaces[0] ?? null
  const ip = iface ? (containerIpv4(iface)[0] ? stripPrefix(containerIpv4(iface)[0]) : null) : null
  return { kind: 'container', container, owner, iface, ip }
}

function ipEndpoint(t: Tracer, ip: string, iface: Interface | null): Endpoint {
  const holder = containerHolding(t.snapshot, ip)
  if (holder)
    return { kind: 'container', container: holder.container, owner: holder.container, iface: holder.iface, ip }
  if (t.isLocal(ip)) {
    const own =
      t.snapshot.interfaces.find((i) => i.netns === 'host' && i.addresses.some((a) => stripPrefix(a) === ip)) ?? null
    return { kind: 'host', ip, iface: own }
  }
  return { kind: 'outside', ip, iface }
}
