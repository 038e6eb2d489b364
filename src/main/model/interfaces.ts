/**
 * Interfaces of one network namespace, merged from whatever the capture has for it:
 * `ip -j -d link` (or its text form), `ip -j addr`, `/proc/net/dev` counters, and for
 * non-root captures of container namespaces `/proc/<pid>/net/igmp` (ifindex and name) and
 * `/proc/<pid>/net/if_inet6` (IPv6 addresses, and the ifindex of an interface igmp does not list).
 */
import type { IfInet6Record, IgmpRecord, IpAddrRecord, IpLinkRecord, ProcNetDevRecord } from '../parsers/types'
import type { Counters, Interface } from '../../shared/snapshot/schema'

/** An interface plus the link facts the joins need (they are not part of the snapshot). */
export interface IfaceBuild {
  iface: Interface
  linkIndex: number | null
  linkNetnsId: number | null
  linkName: string | null
  /**
   * Where the interface was learnt: `ip-link`, `ip-addr`, `igmp`, `proc-net-dev`, or `if-inet6`
   * (named by `/proc/<pid>/net/dev`, its ifindex from `/proc/<pid>/net/if_inet6`).
   */
  from: 'ip-link' | 'ip-addr' | 'igmp' | 'if-inet6' | 'proc-net-dev'
}

/** Known only from /proc files a non-root probe reads (no `ip link`/`ip addr` of its namespace). */
export const learntFromProc = (b: IfaceBuild): boolean =>
  b.from === 'igmp' || b.from === 'if-inet6' || b.from === 'proc-net-dev'

export interface NsData {
  netns: string
  links: IpLinkRecord[] | null
  addrs: IpAddrRecord[] | null
  dev: ProcNetDevRecord[] | null
  igmp: IgmpRecord[] | null
  /** `/proc/<pid>/net/if_inet6`: read (IPv6 addresses, ifindexes) only when `ip addr` of the namespace is missing. */
  inet6?: IfInet6Record[] | null
}

export function countersOf(record: ProcNetDevRecord): Counters {
  return {
    rxBytes: record.rxBytes,
    rxPackets: record.rxPackets,
    rxErrors: record.rxErrors,
    rxDropped: record.rxDropped,
    txBytes: record.txBytes,
    txPackets: record.txPackets,
    txErrors: record.txErrors,
    txDropped: record.txDropped
  }
}

/** Kind when `ip -d` did not say: loopback flag, `name@ifN` + link-netnsid (a veth), a master of others. */
function guessKind(link: IpLinkRecord, masters: Set<string>): string {
  if (link.kind) return link.kind
  if (link.flags.includes('LOOPBACK') || link.name === 'lo') return 'loopback'
  if (masters.has(link.name)) return 'bridge'
  if (/^veth/.test(link.name) || (link.linkIndex !== null && link.linkNetnsId !== null)) return 'veth'
  if (/^(vxlan|vx-)/.test(link.name)) return 'vxlan'
  if (/^(tun|tap)\d/.test(link.name)) return 'tun'
  if (/^docker0$|^br-[0-9a-f]{12}$|^docker_gwbridge$/.test(link.name)) return 'bridge'
  return 'device'
}

function addressesOf(addr: IpAddrRecord | undefined): string[] {
  return addr ? addr.addresses.map((a) => a.cidr) : []
}

export function buildInterfaces(data: NsData): IfaceBuild[] {
  const { netns } = data
  const addrByIndex = new Map<number, IpAddrRecord>()
  const addrByName = new Map<string, IpAddrRecord>()
  for (const a of data.addrs ?? []) {
    addrByIndex.set(a.ifindex, a)
    addrByName.set(a.name, a)
  }
  const devByName = new Map<string, ProcNetDevRecord>()
  for (const d of data.dev ?? []) devByName.set(d.iface, d)
  const counters = (name: string): Counters | null => {
    const d = devByName.get(name)
    return d ? countersOf(d) : null
  }
  const out: IfaceBuild[] = []

  if (data.links && data.links.length) {
    const masters = new Set(data.links.map((l) => l.master).filter((m): m is string => !!m))
    for (const link of data.links) {
      const addr = addrByIndex.get(link.ifindex) ?? addrByName.get(link.name)
      out.push({
        iface: {
          name: link.name,
          ifindex: link.ifindex,
          netns,
          kind: guessKind(link, masters),
          state: link.operstate || addr?.operstate || 'UNKNOWN',
          flags: link.flags,
          mtu: link.mtu ?? addr?.mtu ?? null,
          mac: link.mac ?? addr?.mac ?? null,
          addresses: addressesOf(addr),
          master: link.master,
          peer: null,
          parent: null,
          vni: link.vxlanId,
          counters: counters(link.name),
          raw: link.raw
        },
        linkIndex: link.linkIndex,
        linkNetnsId: link.linkNetnsId,
        linkName: link.linkName,
        from: 'ip-link'
      })
    }
  } else if (data.addrs && data.addrs.length) {
    for (const addr of data.addrs) {
      out.push({
        iface: {
          name: addr.name,
          ifindex: addr.ifindex,
          netns,
          // A peer in another namespace (`eth0@if12 … link-netnsid 0`) is a veth's.
          kind:
            addr.name === 'lo'
              ? 'loopback'
              : /^veth/.test(addr.name) || (addr.linkIndex !== null && addr.linkNetnsId !== null)
                ? 'veth'
                : 'device',
          state: addr.operstate ?? 'UNKNOWN',
          flags: [],
          mtu: addr.mtu,
          mac: addr.mac,
          addresses: addressesOf(addr),
          master: null,
          peer: null,
          parent: null,
          vni: null,
          counters: counters(addr.name),
          raw: addr.raw
        },
        // Without `ip link`, `ip addr` still names the peer: the veth join needs nothing more.
        linkIndex: addr.linkIndex,
        linkNetnsId: addr.linkNetnsId,
        linkName: null,
        from: 'ip-addr'
      })
    }
  } else if (data.igmp && data.igmp.length) {
    for (const record of data.igmp) {
      out.push({
        iface: blank(record.name, record.ifindex, netns, counters(record.name), record.raw),
        linkIndex: null,
        linkNetnsId: null,
        linkName: null,
        from: 'igmp'
      })
    }
  }
  // Counters can name interfaces nothing else listed (non-root, no multicast on them).
  const known = new Set(out.map((b) => b.iface.name))
  for (const d of data.dev ?? []) {
    if (known.has(d.iface)) continue
    out.push({
      iface: blank(d.iface, 0, netns, countersOf(d), d.raw),
      linkIndex: null,
      linkNetnsId: null,
      linkName: null,
      from: 'proc-net-dev'
    })
  }
  if (!data.addrs) {
    addInet6Ifindexes(out, data.inet6 ?? [])
    addInet6Addresses(out, data.inet6 ?? [])
  }
  return out
}

/**
 * An interface named only by `/proc/<pid>/net/dev` (no igmp membership) has no ifindex; the
 * namespace's if_inet6 gives it one (every line carries its device's ifindex and name), which the
 * veth join needs. One ifindex per name, or nothing is taken.
 */
function addInet6Ifindexes(out: IfaceBuild[], records: IfInet6Record[]): void {
  const indexesOf = new Map<string, Set<number>>()
  for (const r of records) indexesOf.set(r.name, (indexesOf.get(r.name) ?? new Set()).add(r.ifindex))
  const taken = new Set(out.map((b) => b.iface.ifindex).filter((i) => i > 0))
  for (const b of out) {
    if (b.from !== 'proc-net-dev' || b.iface.ifindex > 0) continue
    const indexes = [...(indexesOf.get(b.iface.name) ?? [])]
    if (indexes.length !== 1 || indexes[0] <= 0 || taken.has(indexes[0])) continue
    b.iface.ifindex = indexes[0]
    b.from = 'if-inet6'
    taken.add(indexes[0])
  }
}

/**
 * Without the namespace's `ip addr` (non-root), its IPv6 addresses come from if_inet6, matched by
 * name (ifindex when the interface has one): `addr/prefix`, in the file's order.
 */
function addInet6Addresses(out: IfaceBuild[], records: IfInet6Record[]): void {
  for (const record of records) {
    const build =
      out.find((b) => b.iface.name === record.name && (b.iface.ifindex <= 0 || b.iface.ifindex === record.ifindex)) ??
      null
    if (!build) continue
    const cidr = `${record.address}/${record.prefixLength}`
    if (!build.iface.addresses.includes(cidr)) build.iface.addresses.push(cidr)
  }
}

/** An interface known only by name (and maybe ifindex): kind and state are unknown. */
function blank(name: string, ifindex: number, netns: string, counters: Counters | null, raw: string): Interface {
  return {
    name,
    ifindex,
    netns,
    kind: name === 'lo' ? 'loopback' : 'unknown',
    state: 'UNKNOWN',
    flags: [],
    mtu: null,
    mac: null,
    addresses: [],
    master: null,
    peer: null,
    parent: null,
    vni: null,
    counters,
    raw
  }
}
