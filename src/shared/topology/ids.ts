/**
 * Topology node ids: the one vocabulary shared by the topology layout (which draws nodes) and the
 * packet path trace / diagnose (which name nodes to highlight). Ids are plain strings so they cross
 * IPC unchanged. Names come from the host and may contain anything: ids are never parsed as HTML.
 */

/** A container card: `container:<name>`. */
export const containerNodeId = (name: string): string => `container:${name}`

/** Any interface inside a netns (container eth0, host veth, vxlan…): `iface:<netns>:<ifname>`. */
export const ifaceNodeId = (netns: string, ifname: string): string => `iface:${netns}:${ifname}`

/** A Linux bridge: `bridge:<netns>:<name>` (host bridges use netns `host`). */
export const bridgeNodeId = (netns: string, name: string): string => `bridge:${netns}:${name}`

/** A host uplink (physical/default-route interface): `host:uplink:<name>`. */
export const uplinkNodeId = (name: string): string => `host:uplink:${name}`

export type TopologyNodeKind = 'container' | 'iface' | 'bridge' | 'uplink'

/** Splits an id built above back into its parts (netns ids contain `:` themselves, e.g. `pid:123`). */
export function parseNodeId(id: string): { kind: TopologyNodeKind; netns: string | null; name: string } | null {
  if (id.startsWith('container:')) return { kind: 'container', netns: null, name: id.slice('container:'.length) }
  if (id.startsWith('host:uplink:')) return { kind: 'uplink', netns: 'host', name: id.slice('host:uplink:'.length) }
  for (const kind of ['iface', 'bridge'] as const) {
    const prefix = `${kind}:`
    if (!id.startsWith(prefix)) continue
    const rest = id.slice(prefix.length)
    const cut = rest.lastIndexOf(':')
    if (cut <= 0) return null
    return { kind, netns: rest.slice(0, cut), name: rest.slice(cut + 1) }
  }
  return null
}

/**
 * The netns id a container's interfaces live in: the snapshot's own id when it has one, else
 * `pid:<pid>` (how the probe names it), else `container:<id12>`.
 */
export function containerNetnsId(container: { netns?: string | null; pid?: number | null; id: string }): string {
  if (container.netns) return container.netns
  if (container.pid) return `pid:${container.pid}`
  return `container:${container.id.slice(0, 12)}`
}
