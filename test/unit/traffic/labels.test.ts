import { describe, expect, it } from 'vitest'
import { SCHEMA_VERSION, Snapshot, type SnapshotInput } from '../../../src/shared/snapshot/schema'
import { containerLabeller, streamPids } from '../../../src/main/traffic/labels'

const iface = (ifname: string, hostVeth: string | null) => ({ ifname, mac: null, addresses: [], network: null, hostVeth, bridge: null, evidence: 'netns-ifindex' as const })
const container = (name: string, pid: number | null, networkMode: string, interfaces: ReturnType<typeof iface>[], state = 'running') => ({
  name,
  id: name.padEnd(12, '0'),
  image: 'busybox',
  state,
  pid,
  networkMode,
  interfaces
})

const snapshot = Snapshot.parse({
  schemaVersion: SCHEMA_VERSION,
  host: { hostname: 'h', kernel: null, dockerVersion: null, iptablesBackend: null, capturedAt: '2024-01-01T00:00:00Z' },
  sections: [],
  interfaces: [],
  bridges: [],
  networks: [],
  // The sidecar is listed first on purpose: the namespace owner must still win.
  containers: [
    container('sidecar', 300, 'container:web', [iface('eth0', 'veth-web')]),
    container('web', 100, 'front', [iface('eth0', 'veth-web')]),
    container('app', 200, 'front', [iface('eth0', 'veth-app'), iface('eth1', 'veth-app2')]),
    container('hostnet', 400, 'host', []),
    container('stopped', null, 'bridge', [], 'exited')
  ],
  publishedPorts: [],
  nat: { rules: [] },
  conntrack: { total: null, max: null, truncated: false, entries: [] },
  warnings: []
} satisfies SnapshotInput)

describe('containerLabeller', () => {
  const label = containerLabeller(snapshot)
  it('labels host veths with their container and prefers the namespace owner', () => {
    expect(label('host', 'veth-web')).toBe('web')
    expect(label('host', 'veth-app2')).toBe('app')
    expect(label('host', 'eth0')).toBeNull()
  })
  it('labels container-side interfaces by pid', () => {
    expect(label('pid:200', 'eth1')).toBe('app')
    expect(label('pid:400', 'eth0')).toBeNull()
    expect(label('pid:999', 'eth0')).toBeNull()
    expect(label('docker:abc', 'eth0')).toBeNull()
  })
})

describe('streamPids', () => {
  it('streams one pid per container namespace, never host mode or stopped containers', () => {
    expect(streamPids(snapshot)).toEqual([
      { netns: 'pid:100', pid: 100 },
      { netns: 'pid:200', pid: 200 }
    ])
  })
})
