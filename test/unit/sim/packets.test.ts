/**
 * Training packets: the simulator renders a scenario's flows as pcap for one interface. The
 * addresses must be what that interface would see, before or after NAT, as the scenario's own
 * conntrack entries say (original tuple on the container side, reply tuple's view on the uplink).
 */
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { renderScenarioCapture, loadScenario, SIM_EPOCH_MS } from '../../../src/main/sim/index'
import { scenarioPackets } from '../../../src/main/sim/packets'
import { openSource } from '../../../src/main/sources/index'
import { annotatePacket, natContext } from '../../../src/shared/packets/annotate'
import { decodeFrame, type PacketSummary } from '../../../src/shared/packets/decode'
import type { CapturedPacket } from '../../../src/shared/packets/format'
import { readPcap, writePcap } from '../../../src/shared/packets/pcap'
import { resolvePacketTarget } from '../../../src/shared/packets/target'
import type { Snapshot } from '../../../src/shared/snapshot/schema'

function simSnapshot(id: string): Snapshot {
  const capture = renderScenarioCapture(id)
  if (!capture.ok) throw new Error(capture.error.message)
  return buildSnapshot(capture.value)
}

function packetsOn(id: string, netns: string, iface: string): PacketSummary[] {
  const scenario = loadScenario(id)
  if (!scenario.ok) throw new Error(scenario.error.message)
  const r = scenarioPackets(scenario.value, { netns, iface, count: 10_000, startMs: SIM_EPOCH_MS })
  if (!r.ok) throw new Error(r.error.message)
  // Through the file format and back: what a Wireshark user would get.
  const file = readPcap(writePcap(r.value.linktype, r.value.records))
  expect(file.warnings).toEqual([])
  return file.records.map((rec) => decodeFrame(file.header!.linktype, rec.data))
}

describe('nat-mode: the SNAT rewrite packet by packet', () => {
  const snapshot = simSnapshot('nat-mode')
  const app = snapshot.containers.find((c) => c.name === 'app')!
  const appIp = app.interfaces[0].addresses[0].split('/')[0]
  const veth = resolvePacketTarget(snapshot, { container: 'app' })
  const snatEntries = snapshot.conntrack.entries.filter((e) => e.nat === 'SNAT' && e.original.src === appIp)

  it('the scenario has MASQUERADEd flows from app and a host veth for it', () => {
    expect(snatEntries.length).toBeGreaterThan(0)
    expect(veth.ok).toBe(true)
  })

  it('on app’s veth: the original tuple (app’s address); on the uplink: the reply tuple’s view (the host’s address), ports kept', () => {
    if (!veth.ok) throw new Error(veth.error.message)
    const onVeth = packetsOn('nat-mode', 'host', veth.value.iface)
    const uplink = snapshot.interfaces.find(
      (i) => i.netns === 'host' && i.addresses.some((a) => a.startsWith(snatEntries[0].reply.dst + '/'))
    )!
    const onUplink = packetsOn('nat-mode', 'host', uplink.name)
    for (const e of snatEntries) {
      const forwardOnVeth = onVeth.filter(
        (s) => s.src === e.original.src && s.dst === e.original.dst && s.transport === e.proto
      )
      const forwardOnUplink = onUplink.filter(
        (s) => s.src === e.reply.dst && s.dst === e.reply.src && s.transport === e.proto
      )
      expect(forwardOnVeth.length, `${e.raw} on the veth`).toBeGreaterThan(0)
      expect(forwardOnUplink.length, `${e.raw} on ${uplink.name}`).toBe(forwardOnVeth.length)
      for (const s of forwardOnVeth) expect([s.sport, s.dport]).toEqual([e.original.sport, e.original.dport])
      for (const s of forwardOnUplink) expect([s.sport, s.dport]).toEqual([e.reply.dport, e.reply.sport])
      // The container's address never leaves through the uplink.
      expect(onUplink.some((s) => s.src === appIp || s.dst === appIp)).toBe(false)
      // Replies come back: reply tuple on the uplink, the original reversed on the veth.
      expect(onUplink.some((s) => s.src === e.reply.src && s.dst === e.reply.dst)).toBe(true)
      expect(onVeth.some((s) => s.src === e.original.dst && s.dst === e.original.src)).toBe(true)
    }
  })

  it('the published port: DNAT happens as the packet enters the uplink; web’s own namespace sees its own address', () => {
    const dnat = snapshot.conntrack.entries.filter((e) => e.nat === 'DNAT')
    expect(dnat.length).toBeGreaterThan(0)
    const inside = resolvePacketTarget(snapshot, { container: 'web', inside: true })
    if (!inside.ok) throw new Error(inside.error.message)
    const inWeb = packetsOn('nat-mode', `pid:${inside.value.pid}`, inside.value.iface)
    for (const e of dnat) {
      expect(inWeb.some((s) => s.src === e.original.src && s.dst === e.reply.src && s.dport === e.reply.sport)).toBe(
        true
      )
      expect(inWeb.some((s) => s.dst === e.original.dst)).toBe(false)
    }
  })

  it('the annotation on the training host says the same: SNAT of app on the uplink, before it on the veth', async () => {
    const ctx = natContext(snapshot)
    const uplinkPackets: CapturedPacket[] = []
    const source = openSource('sim:nat-mode')
    if (!source.ok) throw new Error(source.error.message)
    const r = await source.value.packets({
      target: { iface: 'ens33' },
      onPackets: (p) => uplinkPackets.push(...p)
    })
    expect(r.ok).toBe(true)
    const fromApp = uplinkPackets.filter((p) => p.annotation.nat.some((n) => n.kind === 'SNAT' && n.side === 'after'))
    expect(fromApp.length).toBeGreaterThan(0)
    for (const p of fromApp)
      expect(p.annotation.nat[0]).toMatchObject({ container: 'app', inner: { ip: appIp }, target: 'MASQUERADE' })
    if (!veth.ok) throw new Error(veth.error.message)
    for (const s of packetsOn('nat-mode', 'host', veth.value.iface).filter((x) => x.src === appIp))
      expect(annotatePacket(s, ctx).nat[0]).toMatchObject({ kind: 'SNAT', side: 'before', container: 'app' })
  })
})

describe('nat-mode-no-masquerade: the reply never returns', () => {
  it('the container’s SYNs leave with its private address and nothing answers', () => {
    const snapshot = simSnapshot('nat-mode-no-masquerade')
    const entries = snapshot.conntrack.entries.filter((e) => e.proto === 'tcp' && e.flags.includes('UNREPLIED'))
    expect(entries.length).toBeGreaterThan(0)
    const uplink = snapshot.interfaces.find((i) => i.netns === 'host' && i.kind === 'device')!
    const packets = packetsOn('nat-mode-no-masquerade', 'host', uplink.name)
    for (const e of entries) {
      const out = packets.filter((s) => s.src === e.original.src && s.dst === e.original.dst && s.transport === 'tcp')
      expect(out.length).toBeGreaterThan(0)
      expect(out.every((s) => s.tcpFlags === 'S')).toBe(true)
      expect(packets.some((s) => s.src === e.original.dst && s.dst === e.original.src)).toBe(false)
    }
  })
})

describe('scenarioPackets', () => {
  it('every scenario and interface renders frames the decoder reads without a problem', () => {
    for (const id of [
      'bridge-mode',
      'nat-mode',
      'nat-mode-no-masquerade',
      'container-mode',
      'host-mode',
      'lab-mirror',
      'overlay',
      'virtual-network',
      'none-mode'
    ]) {
      const snapshot = simSnapshot(id)
      const scenario = loadScenario(id)
      if (!scenario.ok) throw new Error(scenario.error.message)
      for (const iface of snapshot.interfaces.filter((i) => i.netns === 'host')) {
        const r = scenarioPackets(scenario.value, {
          netns: 'host',
          iface: iface.name,
          count: 500,
          startMs: SIM_EPOCH_MS
        })
        expect(r.ok, `${id} ${iface.name}`).toBe(true)
        if (r.ok)
          for (const rec of r.value.records)
            expect(decodeFrame(r.value.linktype, rec.data).problems, `${id} ${iface.name}`).toEqual([])
      }
    }
  })

  it('an interface the scenario does not have is not-found', () => {
    const scenario = loadScenario('nat-mode')
    if (!scenario.ok) throw new Error(scenario.error.message)
    expect(scenarioPackets(scenario.value, { netns: 'host', iface: 'nope0', count: 5, startMs: 0 })).toMatchObject({
      ok: false,
      error: { code: 'not-found' }
    })
  })
})
