/**
 * Small deterministic helpers of the simulator: hashes for stable ids and MACs, scenario addresses
 * and CIDRs as numbers and blocks (src/shared/net/ip.ts), and the loopback device every namespace
 * has. Kept apart from world.ts so the overlay module can use them without importing the world builder.
 */
import { createHash } from 'node:crypto'
import { ipv4Octets, parseCidr, parseIpv4, type Cidr } from '../../shared/net/ip'
import type { NsId, SimContainer, SimIface, SimWorld } from './world'

/** The address fields of an inspect endpoint without an address (host and none modes), in docker's order. */
export const NO_ADDRESSING = Object.freeze({
  Gateway: '',
  IPAddress: '',
  IPPrefixLen: 0,
  IPv6Gateway: '',
  GlobalIPv6Address: '',
  GlobalIPv6PrefixLen: 0,
  MacAddress: ''
})

/**
 * The process fields of a container's `State`, the same in `docker inspect` and `podman inspect`
 * (in that order): a paused container still has its process.
 */
export function inspectProcessState(c: SimContainer) {
  const running = c.state === 'running' || c.state === 'paused'
  return {
    Status: c.state,
    Running: running,
    Paused: c.state === 'paused',
    Restarting: false,
    OOMKilled: false,
    Dead: false,
    Pid: running ? c.pid : 0
  }
}

/** The interface at the other end of `iface`'s link (a veth's peer, a macvlan's parent), if any. */
export function linkPeer(world: SimWorld, iface: SimIface | undefined): SimIface | undefined {
  const link = iface?.link
  return link ? world.ifaces.find((i) => i.netns === link.netns && i.ifindex === link.ifindex) : undefined
}

export const sha = (text: string): string => createHash('sha256').update(text).digest('hex')
export const hashInt = (text: string, mod: number): number => parseInt(sha(text).slice(0, 8), 16) % mod

/** A scenario address as a number; the schema accepts only addresses that parse (scenario-schema.ts). */
export const ipValue = (ip: string): number => parseIpv4(ip)!
/** A scenario CIDR as a block; the schema accepts only CIDRs that parse. */
export const blockOf = (cidr: string): Cidr => parseCidr(cidr)!
/** Locally administered unicast MAC from a seed (like the kernel's random veth MACs). */
export function randomMac(seed: string): string {
  const h = sha(seed)
  const bytes = [0, 1, 2, 3, 4, 5].map((i) => parseInt(h.slice(i * 2, i * 2 + 2), 16))
  bytes[0] = (bytes[0] & 0xfe) | 0x02
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':')
}
/** Docker's MAC for a bridge endpoint: 02:42 + the IPv4 address bytes. */
export function dockerMac(ip: string): string {
  return ['02', '42', ...ipv4Octets(ipValue(ip)).map((p) => p.toString(16).padStart(2, '0'))].join(':')
}
/** fe80:: EUI-64 address from a MAC, written as iproute2 prints it. */
export function linkLocal(mac: string): string {
  const b = mac.split(':').map((x) => parseInt(x, 16))
  b[0] ^= 0x02
  const groups = [(b[0] << 8) | b[1], (b[2] << 8) | 0xff, (0xfe << 8) | b[3], (b[4] << 8) | b[5]]
  return `fe80::${groups.map((g) => g.toString(16)).join(':')}`
}

export function loopback(netns: NsId, ifindex: number): SimIface {
  return {
    netns,
    ifindex,
    name: 'lo',
    kind: 'loopback',
    mac: '00:00:00:00:00:00',
    mtu: 65536,
    addresses: ['127.0.0.1/8'],
    adminUp: true,
    carrier: true,
    master: null,
    link: null,
    vni: null,
    container: null
  }
}
