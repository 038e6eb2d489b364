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

export function upgradeSnapshot(value: unknown): unknown {
  if (!isObject(value)) return value
  const version = value.schemaVersion
  if (typeof version !== 'number' || version === SCHEMA_VERSION || !READABLE_SCHEMA_VERSIONS.includes(version))
    return value
  let snapshot: Json = value
  // 1 → 2: sections gained `empty` and the snapshot `truncated` (both defaulted).
  if (version < 3) snapshot = stoppedContainersPublishNothing(snapshot)
  return { ...snapshot, schemaVersion: SCHEMA_VERSION }
}
