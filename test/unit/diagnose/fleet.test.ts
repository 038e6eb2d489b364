/**
 * Cross-host checks (diagnoseFleet) on fleets made from the real single-node overlay capture:
 * copies of it edited into swarm nodes (test/support/fleet-fixtures.ts). A healthy pair has no
 * finding; each broken variant has exactly the finding it should, with evidence from both hosts.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FLEET_CHECKS, FLEET_FINDING_IDS, FleetContext, diagnoseFleet } from '../../../src/shared/diagnose/fleet/index'
import type { FleetFinding } from '../../../src/shared/fleet/types'
import { buildOverlayModel } from '../../../src/shared/fleet/overlay-model'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { captureFromDir } from '../../support/capture-from-dir'
import { snapshotArbitrary } from '../../support/snapshot-arbitrary'
import { NODE1, NODE2, OVERLAY_DIR, OVERLAY_NET, healthyPair, member, overlayNode } from '../../support/fleet-fixtures'

const ids = (findings: FleetFinding[]): string[] => findings.map((f) => f.id)
const only = (findings: FleetFinding[], id: string): FleetFinding[] => findings.filter((f) => f.id === id)
/** Evidence labels start with the host label: `node1: …`. */
const evidenceHosts = (f: FleetFinding): string[] => [...new Set(f.evidence.map((e) => e.label.split(':')[0]))].sort()

describe('diagnoseFleet: a healthy pair of swarm nodes', () => {
  const fleet = healthyPair()

  it('builds real snapshots with the overlay, the container and the peer in the FDB', () => {
    const [n1, n2] = fleet.map((m) => m.snapshot)
    expect(n1.host.hostname).toBe('node1')
    expect(n1.networks.find((n) => n.name === OVERLAY_NET)?.overlay?.remoteVteps).toEqual(['198.51.100.12'])
    expect(n2.networks.find((n) => n.name === OVERLAY_NET)?.overlay?.remoteVteps).toEqual(['198.51.100.11'])
    expect(n2.containers.find((c) => c.name === 'ov-db')?.interfaces[0].addresses[0]).toBe('10.203.9.12/24')
  })

  it('has no cross-host finding', () => {
    expect(diagnoseFleet(fleet)).toEqual([])
  })

  it('draws one tunnel between the two VTEPs, known in both directions', () => {
    const overlay = buildOverlayModel(new FleetContext(fleet)).find((o) => o.name === OVERLAY_NET)!
    expect(overlay.endpoints.map((e) => [e.label, e.vtep, e.vni])).toEqual([
      ['node1', '198.51.100.11', 4097],
      ['node2', '198.51.100.12', 4097]
    ])
    expect(overlay.endpoints[1].containers).toEqual([{ name: 'ov-db', address: '10.203.9.12' }])
    expect(overlay.tunnels).toEqual([
      { from: 'file:node1', to: 'file:node2', forward: true, backward: true, vniMismatch: false }
    ])
    expect(overlay.strays).toEqual([])
  })

  it('a single host of the real fixture has no cross-host finding either', () => {
    const single = [member('vm', buildSnapshot(captureFromDir(OVERLAY_DIR)))]
    expect(diagnoseFleet(single)).toEqual([])
    expect(diagnoseFleet([])).toEqual([])
  })
})

describe('diagnoseFleet: overlay faults', () => {
  it('finds one overlay name with two VNIs, with evidence from both hosts', () => {
    const findings = diagnoseFleet(healthyPair({}, { vni: 4098 }))
    expect(ids(findings)).toEqual(['fleet-overlay-vni-mismatch'])
    const [f] = findings
    expect(f.severity).toBe('critical')
    expect(f.hosts).toEqual(['node1', 'node2'])
    expect(f.explanation.en).toContain('VNI 4097: node1; VNI 4098: node2')
    expect(f.explanation['zh-CN']).toContain('VNI 4098：node2')
    expect(evidenceHosts(f)).toEqual(['node1', 'node2'])
    expect(f.evidence.map((e) => e.raw).join('\n')).toMatch(/"id":4098/)
    // The tunnel is drawn as broken by the VNI, not as a missing FDB entry.
    const overlay = buildOverlayModel(new FleetContext(healthyPair({}, { vni: 4098 }))).find(
      (o) => o.name === OVERLAY_NET
    )!
    expect(overlay.tunnels[0].vniMismatch).toBe(true)
  })

  it('finds one overlay name with two subnets', () => {
    const findings = diagnoseFleet(
      healthyPair({ peers: [{ vtep: '198.51.100.12', containerIp: '10.209.9.12' }] }, { overlayPrefix: '10.209.9.' })
    )
    expect(ids(findings)).toEqual(['fleet-overlay-subnet-mismatch'])
    expect(findings[0].explanation.en).toContain('10.203.9.0/24: node1; 10.209.9.0/24: node2')
    expect(evidenceHosts(findings[0])).toEqual(['node1', 'node2'])
  })

  it('finds a host missing from the other one’s FDB, naming the remote containers', () => {
    const findings = diagnoseFleet(healthyPair({ peers: [] }))
    expect(ids(findings)).toEqual(['fleet-vtep-missing'])
    const [f] = findings
    expect(f.title.en).toBe('node1 has no VXLAN route to node2 on nllab-ov')
    expect(f.explanation.en).toContain('ov-db 10.203.9.12')
    expect(f.explanation.en).toContain('(198.51.100.12)')
    expect(evidenceHosts(f)).toEqual(['node1', 'node2'])
    expect(f.objects).toContainEqual({ kind: 'container', id: 'ov-db' })
    expect(f.fix).toContain('nc -zv 198.51.100.12 7946')
    const overlay = buildOverlayModel(new FleetContext(healthyPair({ peers: [] }))).find((o) => o.name === OVERLAY_NET)!
    expect(overlay.tunnels[0]).toMatchObject({ forward: false, backward: true })
  })

  it('finds an FDB entry towards a VTEP that is no host of the fleet', () => {
    const stale = { vtep: '198.51.100.77', containerIp: '10.203.9.77' }
    const findings = diagnoseFleet(healthyPair({ peers: [...NODE1.peers!, stale] }))
    expect(ids(findings)).toEqual(['fleet-vtep-unknown'])
    expect(findings[0].hosts).toEqual(['node1'])
    expect(findings[0].evidence[0].raw).toContain('"dst":"198.51.100.77"')
    const overlay = buildOverlayModel(new FleetContext(healthyPair({ peers: [...NODE1.peers!, stale] })))
    expect(overlay.find((o) => o.name === OVERLAY_NET)!.strays).toEqual([
      { hostId: 'file:node1', vtep: '198.51.100.77' }
    ])
  })

  it('finds different overlay MTUs between hosts', () => {
    const findings = diagnoseFleet(healthyPair({}, { overlayMtu: 1400 }))
    expect(ids(findings)).toEqual(['fleet-overlay-mtu'])
    expect(findings[0].explanation.en).toContain('MTU 1450: node1; MTU 1400: node2')
    expect(evidenceHosts(findings[0])).toEqual(['node1', 'node2'])
  })

  it('finds an underlay NIC too small for the overlay plus the 50 bytes of VXLAN', () => {
    const findings = diagnoseFleet(healthyPair({}, { wanMtu: 1450 }))
    expect(ids(findings)).toEqual(['fleet-overlay-mtu'])
    expect(findings[0].hosts).toEqual(['node2', 'node1'])
    expect(findings[0].title.en).toBe('node2: nllab-ov (MTU 1450) does not fit into nllabwan0 (MTU 1450) with VXLAN')
    // The NIC is the one the kernel routes the peer's VTEP through, not a guess.
    expect(findings[0].explanation.en).toContain('carries the tunnel towards node1 (198.51.100.11)')
    expect(findings[0].fix).toContain('com.docker.network.driver.mtu=1400')
  })

  it('does not guess a VTEP for the underlay check: an unreferenced uplink with a small MTU is not a finding', () => {
    // The fixture's own eth0 has MTU 1400, and nothing says VXLAN leaves through it.
    expect(ids(diagnoseFleet([member('vm', buildSnapshot(captureFromDir(OVERLAY_DIR)))]))).toEqual([])
  })

  it('finds one container name running on two hosts of one overlay, quoting it in the fix', () => {
    const hostile = "db'; touch /tmp/x; '"
    const findings = diagnoseFleet(healthyPair({ container: hostile }, { container: hostile }))
    expect(ids(findings)).toEqual(['fleet-duplicate-container'])
    expect(findings[0].hosts).toEqual(['node1', 'node2'])
    expect(findings[0].fix).toContain(`docker stop 'db'\\''; touch /tmp/x; '\\'''`)
  })

  it('omits the fix when the duplicated container name holds a control or bidi character, keeping the finding', () => {
    for (const hostile of ['db\u001b]0;owned\u0007', 'db\u202eexe.txt']) {
      const findings = diagnoseFleet(healthyPair({ container: hostile }, { container: hostile }))
      expect(ids(findings)).toEqual(['fleet-duplicate-container'])
      expect(findings[0].fix).toBeNull()
    }
  })
})

describe('diagnoseFleet: hosts', () => {
  it('finds docker version skew: a warning across releases, info within one', () => {
    const major = diagnoseFleet(healthyPair({}, { dockerVersion: '24.0.7' }))
    expect(ids(major)).toEqual(['fleet-docker-version-skew'])
    expect(major[0].severity).toBe('warning')
    expect(evidenceHosts(major[0])).toEqual(['node1', 'node2'])
    const patch = diagnoseFleet(healthyPair({}, { dockerVersion: '20.10.21' }))
    expect(patch.map((f) => [f.id, f.severity])).toEqual([['fleet-docker-version-skew', 'info']])
  })

  it('finds iptables backend skew', () => {
    const findings = diagnoseFleet(healthyPair({}, { iptablesBackend: 'legacy' }))
    expect(ids(findings)).toEqual(['fleet-iptables-backend-skew'])
    expect(findings[0].explanation.en).toContain('nf_tables: node1; legacy: node2')
  })

  it('finds a route to another host’s container subnet that the host itself uses', () => {
    const findings = diagnoseFleet(
      healthyPair({ routes: [{ dst: '10.203.0.0/16', gateway: '198.51.100.12', dev: 'nllabwan0' }] })
    )
    const routed = only(findings, 'fleet-subnet-routed')
    expect(routed.length).toBeGreaterThan(0)
    expect(ids(findings).every((id) => id === 'fleet-subnet-routed')).toBe(true)
    expect(routed.every((f) => f.hosts.join() === 'node1,node2')).toBe(true)
    expect(routed.map((f) => f.title.en)).toContain(
      'node1 routes 10.203.1.0/24 to node2, but uses 10.203.1.0/24 itself'
    )
    expect(evidenceHosts(routed[0])).toEqual(['node1', 'node2'])
  })

  it('lists at most 200 findings of one check and counts the rest (a forged fleet cannot fill memory)', () => {
    // 260 routes from node1 towards node2's container subnets: one finding each, far past the budget.
    const routes = Array.from({ length: 260 }, (_, i) => ({
      dst: `10.203.${i % 2}.0/${24 - (i % 8)}`,
      gateway: '198.51.100.12',
      dev: 'nllabwan0'
    }))
    const findings = diagnoseFleet(healthyPair({ routes }))
    const routed = only(findings, 'fleet-subnet-routed')
    expect(routed).toHaveLength(201)
    const listed = routed.filter((f) => f.severity === 'critical')
    expect(listed).toHaveLength(200)
    expect(listed.every((f) => f.hosts.join() === 'node1,node2')).toBe(true)
    const more = routed.filter((f) => f.severity === 'info')
    expect(more).toHaveLength(1)
    expect(more[0].title.en).toMatch(/^\d+ more fleet-subnet-routed findings not listed$/)
    expect(more[0].hosts).toEqual([])
    expect(findings.some((f) => f.id === '')).toBe(false)
    // The budget is per check: the next check in the same run is not cut short.
    expect(diagnoseFleet(healthyPair({}, { vni: 4098 })).some((f) => f.id.startsWith('fleet-overlay'))).toBe(true)
  })

  it('finds a docker subnet that holds another host’s address', () => {
    const findings = diagnoseFleet(healthyPair({}, { uplink: '10.203.1.77', peers: NODE2.peers }))
    expect(ids(findings)).toContain('fleet-subnet-holds-host')
    const f = only(findings, 'fleet-subnet-holds-host')
    // Both nodes use 10.203.1.0/24 for nllab-front: node1's holds node2's address (node2's own is not cross-host).
    expect(f.map((x) => x.title.en)).toEqual([
      "node1's docker network nllab-front (10.203.1.0/24) holds node2's address 10.203.1.77"
    ])
    expect(evidenceHosts(f[0])).toEqual(['node1', 'node2'])
  })
})

describe('diagnoseFleet: properties', () => {
  const variants = [
    healthyPair(),
    healthyPair({}, { vni: 4098 }),
    healthyPair({ peers: [] }),
    healthyPair({}, { dockerVersion: '24.0.7', iptablesBackend: 'legacy' }),
    [
      ...healthyPair(),
      member(
        'node3',
        overlayNode({
          ...NODE2,
          hostname: 'node3',
          wan: '198.51.100.13',
          uplink: '192.0.2.13',
          container: 'ov-cache',
          containerIp: '10.203.9.13'
        })
      )
    ]
  ]
  const key = (f: FleetFinding): string =>
    `${f.id} ${[...f.hosts].sort().join(',')} ${f.objects
      .map((o) => `${o.kind}:${o.id}`)
      .sort()
      .join(',')}`

  it('finds the same things whatever order the hosts come in', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: variants.length - 1 })
          .chain((i) => fc.tuple(fc.constant(i), fc.shuffledSubarray(variants[i], { minLength: variants[i].length }))),
        ([i, shuffled]) => {
          expect(diagnoseFleet(shuffled).map(key).sort()).toEqual(diagnoseFleet(variants[i]).map(key).sort())
        }
      ),
      { numRuns: 40 }
    )
  })

  it('only produces registered ids, each with en and zh-CN text and full-width colons in Chinese', () => {
    for (const fleet of variants)
      for (const f of diagnoseFleet(fleet)) {
        expect(FLEET_FINDING_IDS).toContain(f.id)
        expect(f.title['zh-CN']).toMatch(/[\u4e00-\u9fff]/)
        expect(f.explanation['zh-CN']).toMatch(/[\u4e00-\u9fff]/)
        expect(f.explanation['zh-CN']).not.toMatch(/[\u4e00-\u9fff]: /)
      }
  })
})

describe('diagnoseFleet fuzzing', () => {
  it(
    'no cross-host check throws on random snapshots (one by one, not through the safety net)',
    { timeout: 60_000 },
    () => {
      fc.assert(
        fc.property(fc.array(snapshotArbitrary, { minLength: 0, maxLength: 4 }), (snapshots) => {
          const members = snapshots.map((s, i) => member(`h${i}`, s))
          const ctx = new FleetContext(members)
          for (const check of FLEET_CHECKS)
            for (const f of check.run(ctx)) {
              expect(check.ids).toContain(f.id)
              expect(f.hosts.every((h) => members.some((m) => m.label === h))).toBe(true)
              expect(f.fix === null || typeof f.fix === 'string').toBe(true)
            }
          expect(buildOverlayModel(ctx).every((o) => o.endpoints.length > 0)).toBe(true)
        }),
        { numRuns: 100 }
      )
    }
  )
})
