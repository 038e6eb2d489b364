/**
 * What the Traffic view measures: one subject per container interface (not a veth and its mirror
 * image inside the container), plus the host's own interfaces. One direction convention for all:
 * ↑ sent and ↓ received as the container sees them (for host interfaces, as the host sees them).
 * A container is measured from its side when the sampler sees inside it, else from its host veth
 * with the directions turned around (the veth receives what the container sends); the host veth
 * stays one click away either way. Pure.
 */
import type { InterfaceRate } from '@shared/api/types'
import { interfaceDisplayName, nameKey, type NameBook } from '@shared/snapshot/names'

export type SubjectKind = 'container' | 'bridge' | 'host' | 'loopback'

export interface Endpoint {
  netns: string
  iface: string
  /** True when the interface's rx is the subject's "sent" (a host veth measured for its container). */
  flip: boolean
}

export interface TrafficSubject {
  /** Stable key: `netns/iface` of the subject's own interface (the container side for containers). */
  key: string
  label: string
  container: string | null
  network: string | null
  kind: SubjectKind
  /** The interface the numbers come from. */
  measure: Endpoint
  /** A container's host veth, when it is sampled. */
  hostEnd: Endpoint | null
  /** Lowercase text the search box matches. */
  text: string
}

/** One subject's numbers for a metric, in the view's direction convention. */
export interface SubjectRates {
  sent: number
  received: number
}

export type TrafficMetric = 'bits' | 'packets' | 'errors'

/** Per metric, what an interface received (rx) and transmitted (tx) per second. */
const DIRECTIONS: Record<TrafficMetric, { rx: (r: InterfaceRate) => number; tx: (r: InterfaceRate) => number }> = {
  bits: { rx: (r) => r.rxBytesPerS * 8, tx: (r) => r.txBytesPerS * 8 },
  packets: { rx: (r) => r.rxPacketsPerS, tx: (r) => r.txPacketsPerS },
  errors: { rx: (r) => r.rxErrorsPerS + r.rxDropsPerS, tx: (r) => r.txErrorsPerS + r.txDropsPerS }
}

export function subjectRates(rate: InterfaceRate | undefined, flip: boolean, metric: TrafficMetric): SubjectRates {
  if (!rate) return { sent: 0, received: 0 }
  const rx = DIRECTIONS[metric].rx(rate)
  const tx = DIRECTIONS[metric].tx(rate)
  return flip ? { sent: rx, received: tx } : { sent: tx, received: rx }
}

export function buildTrafficSubjects(rates: readonly InterfaceRate[], book: NameBook): TrafficSubject[] {
  // The same interface may be named two ways (`pid:2714/eth0` by the sampler, `container:0b32…/eth0`
  // by the snapshot): everything below compares the snapshot's names.
  const canonical = (netns: string, iface: string): string => {
    const entry = book.get(nameKey(netns, iface))
    return entry ? nameKey(entry.netns, entry.iface) : nameKey(netns, iface)
  }
  const sampled = new Set(rates.map((r) => canonical(r.netns, r.iface)))
  const subjects = new Map<string, TrafficSubject>()
  for (const r of rates) {
    const entry = book.get(nameKey(r.netns, r.iface))
    if (entry?.role === 'host-veth' && entry.peer) {
      // The container's own side is its subject; this veth is its host end (or stands in for it).
      const key = nameKey(entry.peer.netns, entry.peer.iface)
      if (sampled.has(key)) continue
      subjects.set(key, {
        key,
        label: `${entry.container} · ${entry.peer.iface}`,
        container: entry.container,
        network: entry.network,
        kind: 'container',
        measure: { netns: r.netns, iface: r.iface, flip: true },
        hostEnd: { netns: r.netns, iface: r.iface, flip: true },
        text: [entry.container, entry.peer.iface, r.iface, entry.network ?? ''].join(' ').toLowerCase()
      })
      continue
    }
    const key = canonical(r.netns, r.iface)
    const container = entry?.role === 'container' ? entry.container : (r.container ?? null)
    const hostEnd =
      entry?.role === 'container' && entry.peer && sampled.has(nameKey(entry.peer.netns, entry.peer.iface))
        ? { netns: entry.peer.netns, iface: entry.peer.iface, flip: true }
        : null
    const kind: SubjectKind =
      r.iface === 'lo' ? 'loopback' : entry?.role === 'bridge' ? 'bridge' : container ? 'container' : 'host'
    const label = container && !entry ? `${container} · ${r.iface}` : interfaceDisplayName(book, r.netns, r.iface)
    subjects.set(key, {
      key,
      label,
      container,
      network: entry?.network ?? null,
      kind,
      measure: { netns: r.netns, iface: r.iface, flip: false },
      hostEnd,
      text: [label, r.iface, hostEnd?.iface ?? '', entry?.network ?? ''].join(' ').toLowerCase()
    })
  }
  const rank: Record<SubjectKind, number> = { container: 0, bridge: 1, host: 2, loopback: 3 }
  return [...subjects.values()].sort((a, b) => rank[a.kind] - rank[b.kind] || a.label.localeCompare(b.label))
}

/** The subjects that moved in the latest sample, busiest first, for the metric shown. */
export function topTalkers(
  subjects: readonly TrafficSubject[],
  latest: ReadonlyMap<string, InterfaceRate>,
  metric: TrafficMetric,
  limit = 8
): { subject: TrafficSubject; rates: SubjectRates }[] {
  return subjects
    .filter((s) => s.kind !== 'loopback')
    .map((subject) => ({
      subject,
      rates: subjectRates(latest.get(nameKey(subject.measure.netns, subject.measure.iface)), subject.measure.flip, metric)
    }))
    .filter((x) => x.rates.sent + x.rates.received > 0)
    .sort((a, b) => b.rates.sent + b.rates.received - (a.rates.sent + a.rates.received))
    .slice(0, limit)
}
