/**
 * Which container owns an interface, for the traffic views: a host-side veth belongs to the
 * container whose interface it peers with (`containers[].interfaces[].hostVeth`), and every
 * interface read from `/proc/<pid>/net/dev` (netns `pid:<pid>`) belongs to the container with that
 * pid. When several containers share one namespace (`--network container:X`), the owner of the
 * namespace (the one not in container: mode) names it.
 */
import type { Snapshot } from '../../shared/snapshot/schema'
import { hostVethOf } from '../../shared/snapshot/bridges'

export type Labeller = (netns: string, iface: string) => string | null

export function containerLabeller(snapshot: Snapshot): Labeller {
  const byHostVeth = new Map<string, string>()
  const byPid = new Map<number, string>()
  // Namespace owners first, so a sidecar never takes over its host's veth.
  const ordered = [...snapshot.containers].sort(
    (a, b) => Number(a.networkMode.startsWith('container:')) - Number(b.networkMode.startsWith('container:'))
  )
  for (const c of ordered) {
    if (c.pid !== null && c.networkMode !== 'host' && !byPid.has(c.pid)) byPid.set(c.pid, c.name)
    for (const i of c.interfaces) {
      const veth = hostVethOf(i)
      if (veth && !byHostVeth.has(veth)) byHostVeth.set(veth, c.name)
    }
  }
  return (netns, iface) => {
    if (netns === 'host') return byHostVeth.get(iface) ?? null
    const m = /^pid:(\d+)$/.exec(netns)
    return m ? (byPid.get(Number(m[1])) ?? null) : null
  }
}

/** The container namespaces worth streaming: one pid per namespace, host-mode containers left out. */
export function streamPids(snapshot: Snapshot): { netns: string; pid: number }[] {
  const seen = new Set<string>()
  const out: { netns: string; pid: number }[] = []
  const ordered = [...snapshot.containers].sort(
    (a, b) => Number(a.networkMode.startsWith('container:')) - Number(b.networkMode.startsWith('container:'))
  )
  for (const c of ordered) {
    if (c.pid === null || c.pid <= 0 || c.networkMode === 'host' || c.state !== 'running') continue
    if (c.networkMode.startsWith('container:')) continue
    const nsKey = c.netns ?? `pid:${c.pid}`
    if (seen.has(nsKey)) continue
    seen.add(nsKey)
    out.push({ netns: `pid:${c.pid}`, pid: c.pid })
  }
  return out
}
