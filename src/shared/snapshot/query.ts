/**
 * Queries over a snapshot (beside its schema), shared by trace, diagnose, packets and fleet: which
 * container holds an address, which namespace a container-mode container really uses, host
 * interfaces, main-table routes, sysctls.
 */
import type { Container, ContainerInterface, Interface, Route, Snapshot } from './schema'
import { inCidr, isIpv4, parseCidr, stripPrefix } from '../net/ip'

/** The address a trace from or to `outside` uses: the lab's wan namespace (TEST-NET-2). */
export const OUTSIDE_PROBE = '198.51.100.2'

/** Finds a container by name (with or without the leading `/`) or by an id prefix of 4+ characters. */
export function findContainer(snapshot: Snapshot, ref: string): Container | null {
  const name = ref.replace(/^\//, '')
  const byName = snapshot.containers.find((c) => c.name.replace(/^\//, '') === name)
  if (byName) return byName
  if (/^[0-9a-f]{4,64}$/i.test(name))
    return snapshot.containers.find((c) => c.id.startsWith(name.toLowerCase())) ?? null
  return null
}

/** For `container:<ref>` network mode, the container whose namespace is shared (one level deep, loops stop). */
export function namespaceOwner(snapshot: Snapshot, container: Container): Container {
  let current = container
  const seen = new Set<string>()
  while (current.networkMode.startsWith('container:') && !seen.has(current.id)) {
    seen.add(current.id)
    const target = findContainer(snapshot, current.networkMode.slice('container:'.length))
    if (!target) break
    current = target
  }
  return current
}

export function ipv4Addresses(addresses: string[]): string[] {
  return addresses.filter((a) => isIpv4(stripPrefix(a)))
}

/** A container interface's v4 addresses, with prefix when known. */
export function containerIpv4(ci: ContainerInterface): string[] {
  return ipv4Addresses(ci.addresses)
}

/** The container (and interface) holding `ip`; container-mode containers are not returned (they share). */
export function containerHolding(
  snapshot: Snapshot,
  ip: string
): { container: Container; iface: ContainerInterface } | null {
  for (const container of snapshot.containers) {
    if (container.networkMode.startsWith('container:')) continue
    for (const iface of container.interfaces) {
      if (iface.addresses.some((a) => stripPrefix(a) === ip)) return { container, iface }
    }
  }
  return null
}

export function hostInterfaces(snapshot: Snapshot): Interface[] {
  return snapshot.interfaces.filter((i) => i.netns === 'host')
}

export function hostInterface(snapshot: Snapshot, name: string): Interface | null {
  return snapshot.interfaces.find((i) => i.netns === 'host' && i.name === name) ?? null
}

export function isRunning(container: Container): boolean {
  return /^(running|up)/i.test(container.state)
}

/** Main-table IPv4 routes of a netns (routes in other tables need `ip rule`, which is not captured). */
export function mainRoutes(routes: Route[], netns: string): Route[] {
  return routes.filter(
    (r) =>
      r.netns === netns &&
      (r.table === 'main' || r.table === '254' || r.table === '') &&
      (r.dst === 'default' || parseCidr(r.dst) !== null)
  )
}

/** The default route of the host, if any. */
export function hostDefaultRoute(snapshot: Snapshot): Route | null {
  return mainRoutes(snapshot.routes, 'host').find((r) => r.dst === 'default' || r.dst === '0.0.0.0/0') ?? null
}

/** True when the route is an unreachable/blackhole/prohibit route. */
export function isRejectRoute(route: Route): boolean {
  return /^(unreachable|blackhole|prohibit|throw)\b/.test(route.raw.trim())
}

/** Docker networks whose subnet holds `ip`. */
export function networksHolding(snapshot: Snapshot, ip: string): string[] {
  return snapshot.networks
    .filter((n) => [n.subnet, ...n.subnets.map((s) => s.subnet)].some((s) => s !== null && inCidr(ip, s)))
    .map((n) => n.name)
}

/** The address (without prefix) of the first v4 address of an interface, preferring one whose subnet holds `near`. */
export function interfaceAddress(addresses: string[], near?: string | null): string | null {
  const v4 = ipv4Addresses(addresses)
  if (near) {
    const match = v4.find((a) => a.includes('/') && inCidr(near, a))
    if (match) return stripPrefix(match)
  }
  return v4.length ? stripPrefix(v4[0]) : null
}

export function sysctl(snapshot: Snapshot, key: string): string | null {
  const value = snapshot.host.sysctls[key] ?? snapshot.host.sysctls[key.replace(/\./g, '/')]
  return value === undefined ? null : value.trim()
}

/** A route in `ip route` form: its raw line, or one rebuilt from the fields when raw is JSON (`ip -j route`). */
export function routeText(route: Route): string {
  const raw = route.raw.trim()
  if (raw && !raw.startsWith('{')) return raw
  return [
    route.dst,
    route.gateway ? `via ${route.gateway}` : '',
    route.dev ? `dev ${route.dev}` : '',
    route.protocol ? `proto ${route.protocol}` : '',
    route.scope ? `scope ${route.scope}` : '',
    route.prefsrc ? `src ${route.prefsrc}` : '',
    route.metric !== null ? `metric ${route.metric}` : ''
  ]
    .filter(Boolean)
    .join(' ')
}
