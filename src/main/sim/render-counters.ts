/**
 * The simulated host's interface counters: every interface's /proc/net/dev totals at a moment of the
 * scenario (a plausible background plus the scenario's flows), split from render.ts.
 */
import type { InterfaceCounterFields } from '../parsers/types'
import type { FlowPlan } from './flows'
import { hashInt, type NsId, type SimWorld } from './world'

/** Seconds the simulated host has been up at atMs = 0: counters start from plausible totals. */
const UPTIME_S = 86_400

/** The counters the simulator renders into /proc/net/dev: the parser's fields plus multicast. */
export interface IfaceCounters extends InterfaceCounterFields {
  multicast: number
}

/** Counters of every interface at `atMs` (ms since the scenario started). */
export function countersAt(world: SimWorld, plans: FlowPlan[], atMs: number): Map<string, IfaceCounters> {
  const t = UPTIME_S + Math.max(0, atMs) / 1000
  const map = new Map<string, IfaceCounters>()
  const key = (ns: NsId, name: string): string => `${ns}\u0000${name}`
  for (const i of world.ifaces) {
    const seed = `${world.scenarioId}/${i.netns}/${i.name}`
    // A small background (ARP, neighbour discovery, mDNS) on every up interface.
    const bg = i.adminUp && i.carrier ? 20 + hashInt(seed, 80) : 0
    const baseB = i.kind === 'device' ? 5_000_000 + hashInt(seed, 50_000_000) : hashInt(seed, 20_000)
    map.set(key(i.netns, i.name), {
      rxBytes: Math.floor(baseB + bg * t),
      rxPackets: Math.floor(baseB / 700 + (bg * t) / 90),
      rxErrors: 0,
      rxDropped: 0,
      txBytes: Math.floor(baseB / 3 + (bg * t) / 2),
      txPackets: Math.floor(baseB / 2100 + (bg * t) / 180),
      txErrors: 0,
      txDropped: 0,
      multicast: 0
    })
  }
  for (const p of plans) {
    const add = (h: { netns: NsId; iface: string }, dir: 'rx' | 'tx', bytes: number, pkts: number): void => {
      const c = map.get(key(h.netns, h.iface))
      if (!c) return
      if (dir === 'rx') {
        c.rxBytes += Math.floor(bytes * t)
        c.rxPackets += Math.floor(pkts * t)
      } else {
        c.txBytes += Math.floor(bytes * t)
        c.txPackets += Math.floor(pkts * t)
      }
    }
    for (const h of p.hops) add(h, h.dir, p.fwdBytesPerS, p.fwdPktsPerS)
    if (p.replies) for (const h of p.hops) add(h, h.dir === 'rx' ? 'tx' : 'rx', p.replyBytesPerS, p.replyPktsPerS)
  }
  // MTU mismatch: oversized frames arriving at the smaller MTU are dropped as errors.
  for (const f of world.faults) {
    if (f.type !== 'mtu-mismatch') continue
    const c = world.containers.find((x) => x.name === f.container)
    const ep = c?.endpoints[0]
    const cnt = c && ep ? map.get(key(c.netns, ep.ifname)) : undefined
    if (cnt) {
      cnt.rxErrors += Math.floor(cnt.rxPackets * 0.02)
      cnt.rxDropped += Math.floor(cnt.rxPackets * 0.01)
    }
  }
  return map
}

export function procNetDev(world: SimWorld, counters: Map<string, IfaceCounters>, netns: NsId): string {
  const lines = [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed'
  ]
  const ifaces = world.ifaces.filter((i) => i.netns === netns).sort((a, b) => a.ifindex - b.ifindex)
  for (const i of ifaces) {
    const c = counters.get(`${netns}\u0000${i.name}`)!
    lines.push(
      `${i.name.padStart(6)}: ${String(c.rxBytes).padStart(7)} ${String(c.rxPackets).padStart(7)} ${String(c.rxErrors).padStart(4)} ${String(c.rxDropped).padStart(4)}    0     0          0 ${String(c.multicast).padStart(9)} ${String(c.txBytes).padStart(8)} ${String(c.txPackets).padStart(7)} ${String(c.txErrors).padStart(4)} ${String(c.txDropped).padStart(4)}    0     0       0          0`
    )
  }
  return lines.join('\n') + '\n'
}
