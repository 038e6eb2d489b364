/**
 * A real single-node overlay capture (Debian 12, docker 20.10, swarm advertised on the lab wan
 * address; test/fixtures/lab/debian-12-docker-20.10-overlay/, made by its capture.sh): the overlay
 * network's namespace, the bridge and VXLAN device inside it and the VNI docker assigned are all in
 * the snapshot, and the container on it is joined to that bridge.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { parseDockerNetworks } from '../../../src/main/parsers/docker-network'
import { Snapshot } from '../../../src/shared/snapshot/schema'
import { formatSnapshotSummary } from '../../../src/main/cli/format/snapshot-summary'
import { diagnoseReport } from '../../../src/shared/diagnose'
import { layoutTopology } from '../../../src/shared/topology/layout'
import { bridgeNodeId } from '../../../src/shared/topology/ids'
import { traceFlow } from '../../../src/shared/trace'
import { captureFromDir } from '../../support/capture-from-dir'
import { FIXTURES_DIR } from '../../support/fixtures'

const DIR = join(FIXTURES_DIR, 'lab/debian-12-docker-20.10-overlay')
const NET = 'nllab-ov'
const CONTAINER = 'nllab-ovc'
const capture = captureFromDir(DIR)
const stdout = (name: string): string => capture.sections.find((s) => s.name === name)?.stdout ?? ''
const snapshot = buildSnapshot(capture)
const docker = parseDockerNetworks(stdout('docker.networks')).value.find((n) => n.name === NET)!

describe('overlay lab capture: debian-12 docker 20.10, single-node swarm', () => {
  it('is a valid privileged snapshot', () => {
    expect(Snapshot.safeParse(snapshot).success).toBe(true)
    expect(snapshot.host.privileged).toBe(true)
    expect(docker).toBeDefined()
    expect(docker.driver).toBe('overlay')
  })

  const network = () => snapshot.networks.find((n) => n.name === NET)!
  const vni = () => Number(docker.options['com.docker.network.driver.overlay.vxlanid_list'].split(',')[0])

  it('finds the overlay namespace docker made for the network', () => {
    const n = network()
    expect(n).toMatchObject({ driver: 'overlay', scope: 'swarm', subnet: '10.203.9.0/24' })
    expect(n.overlay?.netns).toBeTruthy()
    const ns = snapshot.namespaces.find((x) => x.id === n.overlay!.netns)
    expect(ns?.kind).toBe('docker-netns')
    // docker names it `<n>-<first 10 characters of the network id>`.
    expect(ns?.path).toMatch(new RegExp(`/\\d+-${docker.id.slice(0, 10)}$`))
  })

  it('has the bridge and the VXLAN device inside that namespace, with docker’s VNI', () => {
    const n = network()
    const netns = n.overlay!.netns!
    expect(Number.isInteger(vni()) && vni() > 0).toBe(true)
    expect(n.overlay!.vni).toBe(vni())
    const bridge = snapshot.interfaces.find((i) => i.netns === netns && i.kind === 'bridge')!
    expect(bridge).toBeDefined()
    expect(n.bridge).toBe(bridge.name)
    expect(snapshot.bridges.find((b) => b.netns === netns && b.name === bridge.name)?.network).toBe(NET)
    const vxlan = snapshot.interfaces.find((i) => i.netns === netns && i.kind === 'vxlan')!
    expect(vxlan).toBeDefined()
    expect(n.overlay!.vxlan).toBe(vxlan.name)
    expect(vxlan.vni).toBe(vni())
    expect(vxlan.master).toBe(bridge.name)
    // Single node: no remote VTEPs learnt.
    expect(n.overlay!.remoteVteps).toEqual([])
  })

  it('joins the container on the overlay to that bridge', () => {
    const c = snapshot.containers.find((x) => x.name === CONTAINER)!
    expect(c).toBeDefined()
    expect(c.networks).toContain(NET)
    const ci = c.interfaces.find((i) => i.network === NET)!
    expect(ci).toBeDefined()
    expect(ci.addresses.some((a) => a.startsWith('10.203.9.'))).toBe(true)
    expect(ci.bridge).toBe(network().bridge)
  })
})

describe('a bridge is (name, namespace): the two br0s of a swarm node (issue #13, item 3)', () => {
  const ovc = () => snapshot.containers.find((x) => x.name === CONTAINER)!
  const overlayNetns = () => snapshot.networks.find((n) => n.name === NET)!.overlay!.netns!
  const ingressNetns = () => snapshot.networks.find((n) => n.name === 'ingress')!.overlay!.netns!

  it('the overlay interface names its veth end and bridge in the overlay namespace, not the host', () => {
    const eth0 = ovc().interfaces.find((i) => i.network === NET)!
    expect(eth0).toMatchObject({ bridge: 'br0', bridgeNetns: overlayNetns(), vethNetns: overlayNetns() })
    const veth = snapshot.interfaces.find((i) => i.netns === overlayNetns() && i.name === eth0.hostVeth)!
    expect(veth.master).toBe('br0')
    expect(snapshot.interfaces.some((i) => i.netns === 'host' && i.name === eth0.hostVeth)).toBe(false)
    expect(overlayNetns()).not.toBe(ingressNetns())
  })

  it('the docker_gwbridge attachment of a swarm container belongs to network docker_gwbridge', () => {
    const gw = ovc().interfaces.find((i) => i.bridge === 'docker_gwbridge')!
    expect(gw).toMatchObject({ network: 'docker_gwbridge', bridgeNetns: 'host', vethNetns: 'host', evidence: 'netns-ifindex' })
    expect(snapshot.bridges.find((b) => b.name === 'docker_gwbridge' && b.netns === 'host')?.ports).toContain(gw.hostVeth)
  })

  it('inspect lists each br0 with its own namespace and containers, and the overlay veth end as such', () => {
    const text = formatSnapshotSummary(snapshot)
    const block = (netns: string): string => {
      const start = text.indexOf(`  br0 in ${netns}`)
      expect(start, `br0 in ${netns}`).toBeGreaterThanOrEqual(0)
      const next = text.slice(start + 1).search(/\n  \S/)
      return text.slice(start, next < 0 ? undefined : start + 1 + next)
    }
    expect(block(overlayNetns())).toContain(`(network ${NET})`)
    expect(block(overlayNetns())).toMatch(new RegExp(`${CONTAINER}\\s+docker\\s+${NET}\\s+eth0\\s+10\\.203\\.9\\.\\d+/24\\s+veth\\d+ \\(in ${overlayNetns()}\\)`))
    expect(block(ingressNetns())).toContain('(network ingress)')
    expect(block(ingressNetns())).not.toContain(CONTAINER)
    expect(text).toContain('PEER VETH')
  })

  it('the topology wires the container into its own overlay br0 lane, not the ingress br0 lane', () => {
    const layout = layoutTopology(snapshot)
    const laneOf = (netns: string): string => `lane:${bridgeNodeId(netns, 'br0')}`
    const eth0 = ovc().interfaces.find((i) => i.network === NET)!
    const vethNode = `iface:${overlayNetns()}:${eth0.hostVeth}`
    expect(layout.nodes.find((n) => n.id === vethNode)?.lane).toBe(laneOf(overlayNetns()))
    expect(layout.edges.some((e) => e.source === vethNode && e.target === `iface:${ovc().netns}:eth0`)).toBe(true)
    const ingress = layout.nodes.filter((n) => n.lane === laneOf(ingressNetns()))
    expect(ingress.length).toBeGreaterThan(0)
    expect(ingress.some((n) => n.id.includes(ovc().netns!))).toBe(false)
  })

  it('trace goes out through docker_gwbridge (delivered), and never walks the overlay br0 as a host bridge', () => {
    const out = traceFlow(snapshot, CONTAINER, 'outside')
    expect(out.verdict).toBe('delivered')
    expect(out.hops.map((h) => h.where)).toContain('docker_gwbridge')
    expect(out.hops.some((h) => h.where === 'br0')).toBe(false)
    // To another address on the overlay itself: it stays in the overlay namespace, which NetLens does not trace.
    const web = snapshot.containers.find((c) => c.name === 'nllab-web')!
    const peer = traceFlow(snapshot, CONTAINER, '10.203.9.9')
    expect(peer.verdict).toBe('unknown')
    expect(peer.reason.en).toContain(`bridge br0 in ${overlayNetns()}`)
    expect(web).toBeDefined()
  })

  it('diagnose keeps each br0 its own L2 segment (both hold a veth0): no duplicate-MAC finding across namespaces', () => {
    expect(snapshot.interfaces.filter((i) => i.name === 'veth0' && i.master === 'br0').map((i) => i.netns).sort()).toEqual(
      [ingressNetns(), overlayNetns()].sort()
    )
    expect(diagnoseReport(snapshot).findings.map((f) => f.id)).not.toContain('duplicate-mac')
  })
})
