/** A snapshot that knows nothing yet: the base for failed builds and tests. */
import type { Capture } from '../capture/capture-types'
import type { Snapshot } from '../../shared/snapshot/schema'
import { SCHEMA_VERSION } from '../../shared/snapshot/constants'

export function emptySnapshot(capture: Partial<Capture> | null | undefined): Snapshot {
  return {
    schemaVersion: SCHEMA_VERSION,
    host: {
      hostname: 'unknown',
      kernel: null,
      dockerVersion: null,
      podmanVersion: null,
      iptablesBackend: null,
      capturedAt: typeof capture?.capturedAt === 'string' ? capture.capturedAt : new Date(0).toISOString(),
      source: typeof capture?.source === 'string' ? capture.source : 'unknown',
      privileged: false,
      sysctls: {}
    },
    sections: [],
    namespaces: [],
    interfaces: [],
    routes: [],
    bridges: [],
    networks: [],
    containers: [],
    publishedPorts: [],
    nat: { rules: [], chains: [], backendsPresent: [] },
    conntrack: { total: null, max: null, truncated: false, entries: [] },
    listeners: [],
    fdb: [],
    warnings: [],
    truncated: null
  }
}
