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
