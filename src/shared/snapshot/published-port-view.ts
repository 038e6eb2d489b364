/**
 * How a published port reaches its container, for people: the host side as `[::]:8080/tcp`, the
 * container side, and which path carries it. Docker publishes each port twice, on 0.0.0.0 and on
 * [::]. Without ip6tables support in the daemon, the IPv6 side has no DNAT rule at all: docker-proxy
 * accepts it and connects to the container's IPv4 address. That is Docker's normal behaviour, not a
 * fault, and must not look like the IPv4 "no DNAT rule" warning.
 */
import type { PublishedPort } from './schema'

/** `dnat`: a DNAT rule translates it. `proxy-ipv6`: the IPv6 listener of docker-proxy carries it (healthy).
 *  `rootless`: rootless Podman's forwarder (rootlessport, pasta) carries it, as it always does (healthy).
 *  `proxy-only`: an IPv4 port carried by docker-proxy alone (its DNAT rule is missing). `missing`: nothing found. */
export type PublishedPortPath = 'dnat' | 'proxy-ipv6' | 'rootless' | 'proxy-only' | 'missing'

export interface PublishedPortView {
  host: string
  /** `10.0.0.2:80`, or `:80` when the container address is not known. */
  container: string
  path: PublishedPortPath
}

const isIpv6 = (address: string): boolean => address.includes(':')

export function hostEndpoint(address: string, port: number): string {
  const bare = address.replace(/^\[(.*)\]$/, '$1')
  if (!bare) return `*:${port}`
  return isIpv6(bare) ? `[${bare}]:${port}` : `${bare}:${port}`
}

export function publishedPortView(port: PublishedPort, all: readonly PublishedPort[]): PublishedPortView {
  let containerIp = port.containerIp
  if (!containerIp) {
    // The IPv6 twin of an IPv4 mapping goes to the same container address through docker-proxy.
    const twin = all.find(
      (p) =>
        p !== port &&
        p.containerIp &&
        p.hostPort === port.hostPort &&
        p.proto === port.proto &&
        p.containerPort === port.containerPort &&
        p.container === port.container
    )
    containerIp = twin?.containerIp ?? null
  }
  const path: PublishedPortPath = port.rule
    ? 'dnat'
    : port.proxy && /^(rootlessport|pasta)/.test(port.proxy)
      ? 'rootless'
      : port.proxy
        ? isIpv6(port.hostIp)
          ? 'proxy-ipv6'
          : 'proxy-only'
        : 'missing'
  return {
    host: `${hostEndpoint(port.hostIp, port.hostPort)}/${port.proto}`,
    container: containerIp ? hostEndpoint(containerIp, port.containerPort) : `:${port.containerPort}`,
    path
  }
}
