/**
 * Where to capture, resolved against a snapshot:
 *   --iface IF                  an interface in the host's namespace
 *   --container NAME[:IFNAME]   the host end (veth) of that container interface (default: its
 *                               first interface that has one); with --inside, IFNAME itself inside
 *                               the container's namespace (nsenter -t PID -n)
 * Every refusal says what to use instead (host-mode containers have no veth, `none` has only lo…).
 */
import { fail, ok, type Result } from '../result'
import type { Container, Snapshot } from '../snapshot/schema'
import { findContainer, namespaceOwner } from '../snapshot/query'
import { containerNetnsId } from '../topology/ids'

export interface PacketTargetSpec {
  iface?: string
  container?: string
  /** Container interface (eth0, eth1 …); default: the first with a host veth (or eth0 with --inside). */
  ifname?: string
  inside?: boolean
}

export interface ResolvedPacketTarget {
  /** The interface tcpdump opens. */
  iface: string
  /** `host`, or the container's namespace id (with --inside). */
  netns: string
  /** Process whose network namespace nsenter enters (--inside), else null. */
  pid: number | null
  /** The container this capture is about, if any. */
  container: string | null
  /** For --container: the container-side interface (eth0 …). */
  containerIface: string | null
}

/** `web:eth1` → container and interface (container names cannot hold `:`). */
export function parseContainerSpec(spec: string): { container: string; ifname: string | null } {
  const cut = spec.lastIndexOf(':')
  if (cut <= 0) return { container: spec, ifname: null }
  return { container: spec.slice(0, cut), ifname: spec.slice(cut + 1) || null }
}

const list = (names: string[]): string =>
  names.length ? names.slice(0, 12).join(', ') + (names.length > 12 ? ', …' : '') : 'none'

function isRunning(c: Container): boolean {
  return /^(running|up)/i.test(c.state)
}

export function resolvePacketTarget(snapshot: Snapshot, spec: PacketTargetSpec): Result<ResolvedPacketTarget> {
  const hostName = snapshot.host.hostname || snapshot.host.source
  if (spec.iface !== undefined && spec.container !== undefined)
    return fail('invalid-argument', 'Give either an interface or a container, not both.')
  if (spec.iface !== undefined) {
    if (spec.inside)
      return fail('invalid-argument', '--inside goes with --container (it captures inside that container).')
    const hostIfaces = snapshot.interfaces.filter((i) => i.netns === 'host')
    if (!hostIfaces.some((i) => i.name === spec.iface) && spec.iface !== 'any') {
      // Containers' veths last: the uplinks, bridges and other veths are what --iface is for.
      const containerVeths = new Set(snapshot.containers.flatMap((c) => c.interfaces.map((i) => i.hostVeth)))
      const rank = (name: string): number => (containerVeths.has(name) ? 1 : 0)
      const names = hostIfaces.map((i) => i.name).sort((a, b) => rank(a) - rank(b))
      return fail('not-found', `There is no interface ${JSON.stringify(spec.iface)} on ${hostName}.`, {
        remedy: `Host interfaces: ${list(names)}; or use --container NAME for a container's veth.`
      })
    }
    return ok({ iface: spec.iface, netns: 'host', pid: null, container: null, containerIface: null })
  }
  if (spec.container === undefined)
    return fail('invalid-argument', 'Say where to capture: an interface or a container.')
  const container = findContainer(snapshot, spec.container)
  if (!container)
    return fail('not-found', `There is no container ${JSON.stringify(spec.container)} on ${hostName}.`, {
      remedy: `Containers: ${list(snapshot.containers.map((c) => c.name))}.`
    })
  if (!isRunning(container))
    return fail(
      'not-found',
      `${container.name} is not running (${container.state}): it has no interfaces to capture on.`,
      {
        remedy: 'Start it, refresh the host, and capture again.'
      }
    )
  const owner = namespaceOwner(snapshot, container)
  const via = owner === container ? '' : ` (it shares ${owner.name}'s network namespace)`
  if (owner.networkMode === 'host') {
    if (spec.inside || spec.ifname)
      return fail(
        'invalid-argument',
        `${container.name} uses the host's network namespace${via}: capture on a host interface with --iface instead.`
      )
    return fail(
      'invalid-argument',
      `${container.name} uses the host's network namespace${via}, so it has no veth of its own.`,
      {
        remedy: 'Capture on the host interface its traffic uses, with --iface (e.g. the uplink, or lo).'
      }
    )
  }
  const ifaces = owner.interfaces
  if (spec.inside) {
    const ifname = spec.ifname ?? ifaces.find((i) => i.ifname !== 'lo')?.ifname ?? 'lo'
    if (ifname !== 'lo' && ifname !== 'any' && !ifaces.some((i) => i.ifname === ifname))
      return fail('not-found', `${container.name} has no interface ${JSON.stringify(ifname)}${via}.`, {
        remedy: `Its interfaces: ${list(['lo', ...ifaces.map((i) => i.ifname)])}.`
      })
    if (owner.pid === null || owner.pid <= 0)
      return fail('not-found', `${owner.name} has no process to enter (pid unknown in this snapshot).`, {
        remedy: 'Capture on its host veth instead (without --inside), or refresh the host as root.'
      })
    return ok({
      iface: ifname,
      netns: owner.netns ?? `container:${owner.id.slice(0, 12)}`,
      pid: owner.pid,
      container: container.name,
      containerIface: ifname
    })
  }
  const chosen = spec.ifname
    ? ifaces.find((i) => i.ifname === spec.ifname)
    : (ifaces.find((i) => i.hostVeth) ?? ifaces[0])
  if (!chosen) {
    if (spec.ifname)
      return fail('not-found', `${container.name} has no interface ${JSON.stringify(spec.ifname)}${via}.`, {
        remedy: `Its interfaces: ${list(ifaces.map((i) => i.ifname))}.`
      })
    return fail('not-found', `${container.name} has no network interface but lo (network mode ${owner.networkMode}).`, {
      remedy: 'Use --inside to capture on its loopback.'
    })
  }
  if (!chosen.hostVeth)
    return fail(
      'not-found',
      `NetLens found no host veth for ${container.name} ${chosen.ifname}${via} (network ${chosen.network ?? 'unknown'}).`,
      {
        remedy:
          'macvlan, ipvlan and some overlay interfaces have no host end: add --inside to capture inside the container (needs root).'
      }
    )
  // Overlay endpoints pair with a veth inside the overlay's own namespace, not the host's.
  const hostEnd = snapshot.interfaces.find((i) => i.name === chosen.hostVeth && i.netns === 'host')
  if (!hostEnd && snapshot.interfaces.some((i) => i.name === chosen.hostVeth))
    return fail(
      'invalid-argument',
      `${container.name} ${chosen.ifname} pairs with ${chosen.hostVeth} inside another namespace (an overlay's), not on the host.`,
      {
        remedy:
          'Add --inside to capture inside the container (needs root), or capture the VXLAN traffic on the host uplink with --iface.'
      }
    )
  return ok({
    iface: chosen.hostVeth,
    netns: 'host',
    pid: null,
    container: container.name,
    containerIface: chosen.ifname
  })
}

/** `veth1a2b3c (host end of web eth0)`, `eth0 inside web`, `docker0`. */
export function describeTarget(t: ResolvedPacketTarget, locale: 'en' | 'zh-CN' = 'en'): string {
  if (!t.container) return t.iface
  if (t.pid !== null) return locale === 'zh-CN' ? `${t.container} 内的 ${t.iface}` : `${t.iface} inside ${t.container}`
  return locale === 'zh-CN'
    ? `${t.iface}（${t.container} ${t.containerIface} 的宿主机端）`
    : `${t.iface} (host end of ${t.container} ${t.containerIface})`
}

/**
 * What "Capture packets" on a topology node or a trace hop captures: a container's veth, a host
 * interface or bridge, or a container's own interface (its host veth when it has one, else inside
 * its namespace). Node ids as in src/shared/topology/ids.ts. Null when nothing there can be captured.
 */
export function packetTargetForNode(snapshot: Snapshot, nodeId: string): PacketTargetSpec | null {
  if (nodeId.startsWith('container:')) {
    const name = nodeId.slice('container:'.length)
    return snapshot.containers.some((c) => c.name === name) ? { container: name } : null
  }
  if (nodeId.startsWith('host:uplink:')) return { iface: nodeId.slice('host:uplink:'.length) }
  const m = /^(iface|bridge):(.+):([^:]+)$/.exec(nodeId)
  if (!m) return null
  const [, , netns, name] = m
  if (netns === 'host')
    return snapshot.interfaces.some((i) => i.netns === 'host' && i.name === name) ? { iface: name } : null
  const owner = snapshot.containers.find(
    (c) => !c.networkMode.startsWith('container:') && containerNetnsId(c) === netns
  )
  if (!owner) return null
  const ci = owner.interfaces.find((i) => i.ifname === name)
  return ci?.hostVeth ? { container: owner.name, ifname: name } : { container: owner.name, ifname: name, inside: true }
}

/** The first node of a list (a trace hop's) that can be captured on. */
export function packetTargetForNodes(snapshot: Snapshot, nodeIds: string[]): PacketTargetSpec | null {
  for (const id of nodeIds) {
    const target = packetTargetForNode(snapshot, id)
    if (target) return target
  }
  return null
}
