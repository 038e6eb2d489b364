/**
 * Older snapshot files in today's shape (see docs/snapshot-schema.md, "Versions"). Each step only
 * moves or derives fields; fields that are simply new have defaults in the zod schema. The input is
 * untrusted JSON: anything of an unexpected shape is left as it is, for validation to reject.
 */
import { READABLE_SCHEMA_VERSIONS, SCHEMA_VERSION } from './constants'

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : [])
const running = (state: unknown): boolean => typeof state === 'string' && /^(running|up)/i.test(state)

/**
 * 2 → 3: a stopped container's `portBindings` were its configured HostConfig.PortBindings (nothing
 * is bound while it is stopped): they become `configuredPorts`, and the published ports learnt only
 * from them are dropped.
 */
function stoppedContainersPublishNothing(snapshot: Json): Json {
  const containers = objects(snapshot.containers)
  const stopped = new Set<unknown>()
  for (const c of containers) if (!running(c.state)) stopped.add(c.name)
  if (!stopped.size) return snapshot
  return {
    ...snapshot,
    containers: (snapshot.containers as unknown[]).map((c) =>
      isObject(c) && !running(c.state) && c.configuredPorts === undefined
        ? { ...c, configuredPorts: c.portBindings ?? [], portBindings: [] }
        : c
    ),
    publishedPorts: Array.isArray(snapshot.publishedPorts)
      ? snapshot.publishedPorts.filter(
          (p) =>
            !isObject(p) ||
            !stopped.has(p.container) ||
            !Array.isArray(p.sources) ||
            p.sources.some((s) => s !== 'docker')
        )
      : snapshot.publishedPorts
  }
}

/**
 * 2 → 3: container interfaces name the namespace of their veth end and of their bridge. Older
 * files had names only: the namespace is where the snapshot's own interfaces and bridges say that
 * name lives (the host first), and a swarm container's docker_gwbridge interface gets that network.
 */
function bridgesWithNamespaces(snapshot: Json): Json {
  const ifaces = objects(snapshot.interfaces)
  const bridges = objects(snapshot.bridges)
  const networks = objects(snapshot.networks)
  const at = (netns: unknown, name: unknown): Json | undefined => ifaces.find((i) => i.netns === netns && i.name === name)
  const vethNetns = (ci: Json): string | null => {
    if (typeof ci.hostVeth !== 'string') return null
    if (at('host', ci.hostVeth)) return 'host'
    const elsewhere = ifaces.filter((i) => i.name === ci.hostVeth && i.netns !== 'host' && i.master === ci.bridge)
    return elsewhere.length === 1 && typeof elsewhere[0].netns === 'string' ? elsewhere[0].netns : null
  }
  const bridgeNetns = (ci: Json, veth: string | null): string | null => {
    if (typeof ci.bridge !== 'string') return null
    if (veth && at(veth, ci.hostVeth)?.master === ci.bridge) return veth
    const network = networks.find((n) => n.name === ci.network)
    const overlay = isObject(network?.overlay) ? network.overlay.netns : null
    if (network?.driver === 'overlay' && typeof overlay === 'string') return overlay
    const named = bridges.filter((b) => b.name === ci.bridge)
    if (named.some((b) => b.netns === 'host') || !named.length) return 'host'
    return named.length === 1 && typeof named[0].netns === 'string' ? named[0].netns : null
  }
  const networkOf = (bridge: string | null, netns: string | null): string | null => {
    const b = bridges.find((x) => x.name === bridge && x.netns === netns)
    return typeof b?.network === 'string' ? b.network : null
  }
  return {
    ...snapshot,
    containers: Array.isArray(snapshot.containers)
      ? snapshot.containers.map((c) =>
          isObject(c) && Array.isArray(c.interfaces)
            ? {
                ...c,
                interfaces: c.interfaces.map((ci) => {
                  if (!isObject(ci) || ci.vethNetns !== undefined || ci.bridgeNetns !== undefined) return ci
                  const veth = vethNetns(ci)
                  const bridge = bridgeNetns(ci, veth)
                  const bridgeName = typeof ci.bridge === 'string' ? ci.bridge : null
                  return {
                    ...ci,
                    vethNetns: veth,
                    bridgeNetns: bridge,
                    network: ci.network ?? networkOf(bridgeName, bridge)
                  }
                })
              }
            : c
        )
      : snapshot.containers
  }
}

export function upgradeSnapshot(value: unknown): unknown {
  if (!isObject(value)) return value
  const version = value.schemaVersion
  if (typeof version !== 'number' || version === SCHEMA_VERSION || !READABLE_SCHEMA_VERSIONS.includes(version))
    return value
  let snapshot: Json = value
  // 1 → 2: sections gained `empty` and the snapshot `truncated` (both defaulted).
  if (version < 3) snapshot = bridgesWithNamespaces(stoppedContainersPublishNothing(snapshot))
  // 3 → 4: Podman came (runtime on containers, networks and ports, pods, rootless containers, rule
  // owner `podman`): all defaulted, an older file's containers are Docker's.
  // 4 → 5: native nft chains gained hook, priority and type (defaulted to null: such a file's nft
  // base chains are not walked by trace, as before).
  // 5 → 6: container interfaces gained the evidence `proc-if-inet6`; older files never have it.
  // 6 → 7: nft chains gained `devices` (defaulted to null: such a file's netdev/inet ingress and
  // egress chains are not walked by trace, as before).
  return { ...snapshot, schemaVersion: SCHEMA_VERSION }
}
