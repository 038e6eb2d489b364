/**
 * A bridge is identified by its name and its namespace: every overlay network has a `br0` of its own
 * in its own namespace, next to the host's bridges. These helpers are the one way to name and
 * compare bridges and veth ends, so no lookup by name alone survives.
 */
import type { ContainerInterface, Network } from './schema'

export interface BridgeRef {
  name: string
  netns: string
}

/** The bridge a docker network uses: on the host for bridge networks, in its own namespace for overlays. */
export function networkBridgeRef(network: Pick<Network, 'bridge' | 'driver' | 'overlay'>): BridgeRef | null {
  if (!network.bridge) return null
  if (network.driver === 'overlay') return network.overlay?.netns ? { name: network.bridge, netns: network.overlay.netns } : null
  return { name: network.bridge, netns: 'host' }
}

/** The bridge a container interface is plugged into (snapshots without `bridgeNetns` meant the host's). */
export function interfaceBridgeRef(ci: Pick<ContainerInterface, 'bridge' | 'bridgeNetns'>): BridgeRef | null {
  return ci.bridge ? { name: ci.bridge, netns: ci.bridgeNetns ?? 'host' } : null
}

/** Namespace of the other end of a container interface's veth (`host` unless it says otherwise). */
export function vethNetnsOf(ci: Pick<ContainerInterface, 'hostVeth' | 'vethNetns'>): string | null {
  return ci.hostVeth ? (ci.vethNetns ?? 'host') : null
}

/** The veth end is on the host itself (not in an overlay's namespace). */
export const hostVethOf = (ci: Pick<ContainerInterface, 'hostVeth' | 'vethNetns'>): string | null =>
  vethNetnsOf(ci) === 'host' ? ci.hostVeth : null

export const sameBridge = (a: BridgeRef | null, b: BridgeRef | null): boolean =>
  a !== null && b !== null && a.name === b.name && a.netns === b.netns

/** `br0 (docker-netns:1-n1mhtk4l29)` for a bridge outside the host, the bare name on the host. */
export const bridgeRefLabel = (ref: BridgeRef): string => (ref.netns === 'host' ? ref.name : `${ref.name} (${ref.netns})`)
