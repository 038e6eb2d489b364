/**
 * The overlay drawing across hosts: for each overlay network, every host's overlay namespace
 * (bridge, VXLAN device, VNI, containers) and its VTEP, the VXLAN tunnels between hosts with
 * whether each side's FDB knows the other, and FDB entries towards VTEPs outside the fleet.
 */
import type { FleetContext, OverlayOnHost } from '../diagnose/fleet/context'
import type { FleetOverlay, FleetOverlayEndpoint, FleetOverlayTunnel } from './types'

function endpoint(ctx: FleetContext, name: string, o: OverlayOnHost): FleetOverlayEndpoint {
  return {
    hostId: o.member.id,
    label: o.member.label,
    netns: o.netns,
    bridge: o.bridge?.name ?? o.network.bridge,
    vxlan: o.vxlan?.name ?? null,
    vni: o.vni,
    mtu: o.vxlan?.mtu ?? o.containers.find((c) => c.mtu !== null)?.mtu ?? null,
    subnet: o.subnets[0] ?? null,
    vtep: ctx.vtepOf(o.member, name),
    containers: o.containers.map((c) => ({ name: c.container.name, address: c.address }))
  }
}

/** Whether `from`'s FDB names `to`'s VTEP; null when not expected (no containers on `to`). */
function knows(ctx: FleetContext, from: OverlayOnHost, to: OverlayOnHost): boolean | null {
  if (!to.containers.length) return null
  return from.fdb.some((f) => ctx.ownerOf(f.dst!)?.id === to.member.id)
}

export function buildOverlayModel(ctx: FleetContext): FleetOverlay[] {
  const out: FleetOverlay[] = []
  for (const [name, list] of ctx.overlays()) {
    const active = list.filter((o) => o.netns || o.containers.length)
    // Overlays without a container anywhere (swarm's ingress, say) have nothing to draw.
    if (!active.some((o) => o.containers.length)) continue
    const tunnels: FleetOverlayTunnel[] = []
    for (let i = 0; i < active.length; i++)
      for (let j = i + 1; j < active.length; j++) {
        const a = active[i]
        const b = active[j]
        tunnels.push({
          from: a.member.id,
          to: b.member.id,
          forward: knows(ctx, a, b),
          backward: knows(ctx, b, a),
          vniMismatch: a.vni !== null && b.vni !== null && a.vni !== b.vni
        })
      }
    const strays = active.flatMap((o) =>
      [...new Set(o.fdb.map((f) => f.dst!).filter((dst) => !ctx.ownerOf(dst)))].map((vtep) => ({
        hostId: o.member.id,
        vtep
      }))
    )
    out.push({ name, endpoints: active.map((o) => endpoint(ctx, name, o)), tunnels, strays })
  }
  return out
}
