/**
 * What every cross-host check gets: the fleet's snapshots with their labels, each host's underlay
 * addresses (which host owns a VTEP address), and each overlay network as every host sees it.
 * Pure lookups over snapshots: nothing here runs or changes anything.
 */
import type { Finding, FindingObject, Severity } from '../types'
import type { Localized } from '../../localized'
import type { FleetFinding } from '../../fleet/types'
import type { Container, Interface, Network, Snapshot } from '../../snapshot/schema'
import { isIpv4, longestPrefixMatch, stripPrefix } from '../../net/ip'
import { hostDefaultRoute, hostInterface, isRejectRoute, isRunning, mainRoutes } from '../../snapshot/query'
import { DROPPED_FINDING, takeFinding } from '../context'

export interface FleetMember {
  id: string
  label: string
  snapshot: Snapshot
}

export type FdbRecord = Snapshot['fdb'][number]

/** One host's view of one overlay network. */
export interface OverlayOnHost {
  member: FleetMember
  network: Network
  vni: number | null
  subnets: string[]
  netns: string | null
  vxlan: Interface | null
  bridge: Interface | null
  /** FDB entries of the overlay's VXLAN device that name a remote VTEP. */
  fdb: FdbRecord[]
  /** Running containers with an interface on this overlay. */
  containers: { container: Container; address: string | null; mtu: number | null }[]
}

export interface FleetCheck {
  ids: string[]
  run(ctx: FleetContext): FleetFinding[]
}

/** Host addresses that can be an underlay (VTEP, route gateway): not loopback, not a docker bridge. */
function underlayAddresses(snapshot: Snapshot): { ip: string; iface: Interface }[] {
  const dockerBridges = new Set(snapshot.bridges.filter((b) => b.network !== null).map((b) => b.name))
  for (const n of snapshot.networks) if (n.bridge) dockerBridges.add(n.bridge)
  const out: { ip: string; iface: Interface }[] = []
  for (const iface of snapshot.interfaces) {
    if (iface.netns !== 'host' || iface.kind === 'loopback' || dockerBridges.has(iface.name)) continue
    if (iface.name === 'docker0' || iface.name === 'docker_gwbridge') continue
    for (const a of iface.addresses) {
      const ip = stripPrefix(a)
      if (isIpv4(ip) && !ip.startsWith('127.')) out.push({ ip, iface })
    }
  }
  return out
}

function overlayVni(network: Network): number | null {
  if (network.overlay?.vni != null) return network.overlay.vni
  const option = Number.parseInt(
    (network.options['com.docker.network.driver.overlay.vxlanid_list'] ?? '').split(',')[0],
    10
  )
  return Number.isFinite(option) ? option : null
}

export class FleetContext {
  private readonly addressOwner = new Map<string, FleetMember>()
  readonly underlay = new Map<string, { ip: string; iface: Interface }[]>()
  private overlayCache: Map<string, OverlayOnHost[]> | null = null

  constructor(readonly members: FleetMember[]) {
    for (const m of members) {
      const addresses = underlayAddresses(m.snapshot)
      this.underlay.set(m.id, addresses)
      for (const a of addresses) if (!this.addressOwner.has(a.ip)) this.addressOwner.set(a.ip, m)
    }
  }

  /** The fleet host that holds `ip` on an underlay interface, or null. */
  ownerOf(ip: string): FleetMember | null {
    return this.addressOwner.get(stripPrefix(ip)) ?? null
  }

  /** Overlay networks by name, each with every host that knows it (in member order). */
  overlays(): Map<string, OverlayOnHost[]> {
    if (this.overlayCache) return this.overlayCache
    const byName = new Map<string, OverlayOnHost[]>()
    for (const member of this.members) {
      const s = member.snapshot
      for (const network of s.networks) {
        if (network.driver !== 'overlay') continue
        const netns = network.overlay?.netns ?? null
        const vxlanName = network.overlay?.vxlan ?? null
        const vxlan =
          (netns &&
            s.interfaces.find((i) => i.netns === netns && (vxlanName ? i.name === vxlanName : i.kind === 'vxlan'))) ||
          null
        const bridge =
          (netns && network.bridge && s.interfaces.find((i) => i.netns === netns && i.name === network.bridge)) || null
        const fdb = netns
          ? s.fdb.filter((f) => f.netns === netns && f.dst !== null && (!vxlan || f.dev === vxlan.name))
          : []
        const containers = s.containers.filter(isRunning).flatMap((c) => {
          const ci = c.interfaces.find((i) => i.network === network.name || i.network === network.id)
          if (!ci && !c.networks.includes(network.name)) return []
          const v4 = ci?.addresses.map(stripPrefix).find(isIpv4) ?? null
          return [{ container: c, address: v4, mtu: ci?.mtu ?? null }]
        })
        const subnets = [
          ...new Set([network.subnet, ...network.subnets.map((x) => x.subnet)].filter((x): x is string => !!x))
        ]
        const entry: OverlayOnHost = {
          member,
          network,
          vni: overlayVni(network),
          subnets,
          netns,
          vxlan,
          bridge,
          fdb,
          containers
        }
        const list = byName.get(network.name) ?? []
        list.push(entry)
        byName.set(network.name, list)
      }
    }
    this.overlayCache = byName
    return byName
  }

  /** The host interface that packets from `member` to `ip` leave through (main-table route lookup). */
  egressTowards(member: FleetMember, ip: string): { iface: Interface; source: string | null } | null {
    const routes = mainRoutes(member.snapshot.routes, 'host').filter((r) => r.dev && !isRejectRoute(r))
    const route = longestPrefixMatch(
      ip,
      routes,
      (r) => (r.dst === 'default' ? '0.0.0.0/0' : r.dst),
      (r) => r.metric
    )
    const iface = route?.dev ? hostInterface(member.snapshot, route.dev) : null
    if (!route || !iface) return null
    const source =
      route.prefsrc ?? (this.underlay.get(member.id) ?? []).find((a) => a.iface.name === iface.name)?.ip ?? null
    return { iface, source }
  }

  /**
   * The member's own VTEP address: the one the others' FDBs point at. Without one, `guess` falls
   * back to the address it would send VXLAN from (the route towards its own remote VTEPs), then
   * its default-route address: good enough to label a drawing.
   */
  vtepOf(member: FleetMember, overlay?: string, guess = true): string | null {
    const mine = new Set((this.underlay.get(member.id) ?? []).map((a) => a.ip))
    const lists = overlay ? [this.overlays().get(overlay) ?? []] : [...this.overlays().values()]
    for (const list of lists)
      for (const o of list) {
        if (o.member.id === member.id) continue
        const hit = o.fdb.find((f) => f.dst !== null && mine.has(f.dst))
        if (hit?.dst) return hit.dst
      }
    if (!guess) return null
    for (const list of lists)
      for (const o of list) {
        if (o.member.id !== member.id) continue
        for (const f of o.fdb) {
          const source = this.egressTowards(member, f.dst!)?.source
          if (source && mine.has(source)) return source
        }
      }
    const dev = hostDefaultRoute(member.snapshot)?.dev
    const viaDefault = (this.underlay.get(member.id) ?? []).find((a) => a.iface.name === dev)
    return viaDefault?.ip ?? this.underlay.get(member.id)?.[0]?.ip ?? null
  }
}

export const L = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh })

/** Keys of an `ip -j -d link` record that matter for an overlay finding (the rest is noise there). */
const LINK_KEYS = ['ifname', 'mtu', 'master', 'operstate', 'address']
const VXLAN_KEYS = ['id', 'port', 'local', 'learning']

/**
 * An interface's raw record as evidence: a text line stays as it is; an `ip -j -d link` JSON
 * record keeps only the fields that matter (name, MTU, master, state, VXLAN id and port).
 */
export function linkEvidence(iface: Interface): string {
  const raw = iface.raw.trim()
  if (!raw.startsWith('{')) return raw
  try {
    const record = JSON.parse(raw) as Record<string, unknown> & {
      linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> }
    }
    const picked: Record<string, unknown> = {}
    for (const key of LINK_KEYS) if (record[key] !== undefined) picked[key] = record[key]
    if (record.linkinfo?.info_kind) picked.info_kind = record.linkinfo.info_kind
    for (const key of VXLAN_KEYS)
      if (record.linkinfo?.info_data?.[key] !== undefined) picked[key] = record.linkinfo.info_data[key]
    return JSON.stringify(picked)
  } catch {
    return raw
  }
}

export function fleetFinding(
  id: string,
  severity: Severity,
  hosts: FleetMember[],
  title: Localized,
  explanation: Localized,
  objects: FindingObject[],
  evidence: { label: string; raw: string }[],
  fix: string | null
): FleetFinding {
  // Past the check's budget (run-checks.ts) only counted: the engine drops this shared object.
  if (!takeFinding()) return DROPPED_FINDING as FleetFinding
  const labels = [...new Set(hosts.map((h) => h.label))]
  const finding: Finding = {
    id,
    severity,
    title,
    explanation,
    objects: [...labels.map((label) => ({ kind: 'host' as const, id: label })), ...objects],
    evidence: evidence.filter((e) => e.raw !== ''),
    fix
  }
  return { ...finding, hosts: labels }
}

/** `a, b and c` / `a、b 和 c` for host lists in explanations. */
export function listEn(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}
export function listZh(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join('、')} 和 ${items[items.length - 1]}`
}
