/**
 * Fleet test hosts made from the real single-node overlay capture
 * (test/fixtures/lab/debian-12-docker-20.10-overlay): each "node" is a copy of that capture with
 * its own hostname, underlay addresses, overlay container and FDB, edited in the probe's own output
 * texts and then built by the real pipeline (buildSnapshot). The kernel prints a remote VTEP as
 * `{"mac":…,"ifname":"vxlan0","dst":"<vtep>","link_netnsid":0,"flags":["self"],"state":"permanent"}`.
 */
import { join } from 'node:path'
import type { Capture } from '../../src/main/capture/capture-types'
import { serializeCapture } from '../../src/main/capture/capture-file'
import { buildSnapshot } from '../../src/main/model/build-snapshot'
import { renderScenarioCapture } from '../../src/main/sim/index'
import type { FleetMember } from '../../src/shared/diagnose/fleet/index'
import type { Snapshot } from '../../src/shared/snapshot/schema'
import { captureFromDir } from './capture-from-dir'
import { FIXTURES_DIR } from './fixtures'

export const OVERLAY_DIR = join(FIXTURES_DIR, 'lab/debian-12-docker-20.10-overlay')
export const OVERLAY_NET = 'nllab-ov'
export const OVERLAY_NETNS_SECTION = 'ns/docker:1-n1mhtk4l29'
/** The fixture's swarm advertise (VTEP) address, its uplink address and its overlay container. */
const FIXTURE = {
  wan: '198.51.100.1',
  uplink: '192.0.2.2',
  container: 'nllab-ovc',
  containerIp: '10.203.9.2',
  vni: 4097
}

let base: Capture | null = null
const fixtureCapture = (): Capture => (base ??= captureFromDir(OVERLAY_DIR))

export interface NodeVariant {
  hostname: string
  /** Replaces the VTEP address 198.51.100.1 (on nllabwan0). */
  wan: string
  /** Replaces the uplink address 192.0.2.2 (on eth0). */
  uplink: string
  /** Renames the overlay container nllab-ovc, and gives it another overlay address. */
  container?: string
  containerIp?: string
  /** Remote VTEPs in the overlay's FDB: one entry per remote container MAC. */
  peers?: { vtep: string; containerIp: string }[]
  vni?: number
  /** Replaces the overlay's 10.203.9. prefix. */
  overlayPrefix?: string
  /** The MTU of the overlay (its VXLAN device and the container's eth0). */
  overlayMtu?: number
  /** The MTU of nllabwan0, the NIC that carries VXLAN. */
  wanMtu?: number
  dockerVersion?: string
  iptablesBackend?: 'legacy' | 'nf_tables'
  /** Extra host routes in `ip -j route` form. */
  routes?: { dst: string; gateway: string; dev: string }[]
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** An address as a whole token (198.51.100.1 but not 198.51.100.10). */
const addressRe = (ip: string): RegExp => new RegExp(`${escapeRe(ip)}(?![0-9])`, 'g')

const dockerMac = (ip: string): string =>
  ['02', '42', ...ip.split('.').map((p) => Number(p).toString(16).padStart(2, '0'))].join(':')

function editSections(capture: Capture, edit: (name: string, text: string) => string): Capture {
  return { ...capture, sections: capture.sections.map((s) => ({ ...s, stdout: edit(s.name, s.stdout) })) }
}

export function overlayNodeCapture(v: NodeVariant): Capture {
  const containerIp = v.containerIp ?? FIXTURE.containerIp
  let capture = editSections(fixtureCapture(), (name, text) => {
    let out = text.replace(addressRe(FIXTURE.wan), v.wan).replace(addressRe(FIXTURE.uplink), v.uplink)
    if (name === 'meta.hostname') out = `${v.hostname}\n`
    if (name === 'docker.version' && v.dockerVersion) out = `${v.dockerVersion}\n`
    if (name === 'iptables.version' && v.iptablesBackend) out = `iptables v1.8.9 (${v.iptablesBackend})\n`
    if (v.containerIp) out = out.replace(addressRe(FIXTURE.containerIp), containerIp)
    if (v.container && (name === 'docker.containers' || name === 'docker.networks'))
      out = out.replace(new RegExp(`"/?${FIXTURE.container}"`, 'g'), (m) =>
        // JSON-escaped: a hostile name with control characters stays valid JSON text.
        m.replace(FIXTURE.container, JSON.stringify(v.container).slice(1, -1))
      )
    if (v.vni !== undefined) {
      if (name === 'docker.networks') out = out.replace(`"${FIXTURE.vni}"`, `"${v.vni}"`)
      if (name === `${OVERLAY_NETNS_SECTION}/ip.link`) out = out.replace(`"id":${FIXTURE.vni}`, `"id":${v.vni}`)
    }
    if (v.overlayMtu !== undefined && (name === `${OVERLAY_NETNS_SECTION}/ip.link` || name === 'ns/pid:17202/ip.link'))
      out = out.replace(/"mtu":1450/g, `"mtu":${v.overlayMtu}`)
    if (v.wanMtu !== undefined && name === 'ip.link')
      out = out.replace(/("ifname":"nllabwan0",[^}]*?"mtu":)1500/, `$1${v.wanMtu}`)
    if (v.routes?.length && name === 'ip.route') {
      const extra = v.routes.map((r) => JSON.stringify({ ...r, flags: [] })).join(',')
      out = out.replace(/^\[/, `[${extra},`)
    }
    if (name === `${OVERLAY_NETNS_SECTION}/bridge.fdb` && v.peers?.length) {
      const entries = v.peers.flatMap((p) => [
        {
          mac: dockerMac(p.containerIp),
          ifname: 'vxlan0',
          dst: p.vtep,
          link_netnsid: 0,
          flags: ['self'],
          state: 'permanent'
        },
        { mac: dockerMac(p.containerIp), ifname: 'vxlan0', master: 'br0', flags: [], state: 'permanent' }
      ])
      out = out.replace(/\]\s*$/, `,${entries.map((e) => JSON.stringify(e)).join(',')}]\n`)
    }
    return out
  })
  if (v.overlayPrefix) capture = editSections(capture, (_n, text) => text.replace(/10\.203\.9\./g, v.overlayPrefix!))
  return { ...capture, source: `file:${v.hostname}.cap` }
}

export function overlayNode(v: NodeVariant): Snapshot {
  return buildSnapshot(overlayNodeCapture(v))
}

export const member = (label: string, snapshot: Snapshot): FleetMember => ({ id: `file:${label}`, label, snapshot })

/** Two healthy swarm nodes on nllab-ov: each FDB points at the other's VTEP. */
export const NODE1: NodeVariant = {
  hostname: 'node1',
  wan: '198.51.100.11',
  uplink: '192.0.2.11',
  container: 'ov-web',
  containerIp: '10.203.9.11',
  peers: [{ vtep: '198.51.100.12', containerIp: '10.203.9.12' }]
}
export const NODE2: NodeVariant = {
  hostname: 'node2',
  wan: '198.51.100.12',
  uplink: '192.0.2.12',
  container: 'ov-db',
  containerIp: '10.203.9.12',
  peers: [{ vtep: '198.51.100.11', containerIp: '10.203.9.11' }]
}

export function healthyPair(edit1: Partial<NodeVariant> = {}, edit2: Partial<NodeVariant> = {}): FleetMember[] {
  return [member('node1', overlayNode({ ...NODE1, ...edit1 })), member('node2', overlayNode({ ...NODE2, ...edit2 }))]
}

/** One host of a training scenario as the text of a capture file (what `netlens capture -o` writes). */
export function scenarioCaptureText(id: string, host?: string): string {
  const r = renderScenarioCapture(id, host ? { host } : {})
  if (!r.ok) throw new Error(r.error.message)
  return serializeCapture(r.value)
}
