/** The bench's generated capture, small: every join must succeed on it, so the bench measures real work. */
import { describe, expect, it } from 'vitest'
import { generateCapture } from '../../../bench/model-capture'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { Snapshot } from '../../../src/shared/snapshot/schema'

describe('generated capture (bench input)', () => {
  it('builds a snapshot where every container is joined, published and attributed', () => {
    const snapshot = buildSnapshot(generateCapture({ containers: 24, bridges: 4, conntrack: 200 }))
    expect(Snapshot.safeParse(snapshot).success).toBe(true)
    expect(snapshot.warnings).toEqual([
      'sysctl: not captured — kernel settings (ip_forward, bridge-nf-call-iptables) unknown'
    ])
    expect(snapshot.containers).toHaveLength(24)
    expect(
      snapshot.containers.every((c) => c.interfaces.length === 1 && c.interfaces[0].evidence === 'netns-ifindex')
    ).toBe(true)
    expect(snapshot.bridges.map((b) => b.ports.length)).toEqual([6, 6, 6, 6])
    expect(snapshot.publishedPorts.every((p) => p.sources.join() === 'docker,dnat,proxy')).toBe(true)
    expect(snapshot.conntrack.entries.filter((e) => e.nat === 'SNAT')).toHaveLength(100)
    expect(snapshot.conntrack.entries.filter((e) => e.nat === 'DNAT')).toHaveLength(100)
    expect(snapshot.conntrack.entries.every((e) => e.containers.length === 1)).toBe(true)
    expect(snapshot.containers[0].defaultGateway).toBe('10.100.0.1')
  })
})
