/**
 * The packet capture API: startPacketCapture answers once the capture runs, packets stream as
 * `packetBatch` events with counters, the end comes as one `packetCaptureState`, stop/cancel works,
 * and the kept pcap serves Save .pcap and tshark. On the training host (real packetsFromSource and
 * simulator) and with a stand-in runner for the live paths.
 */
import { describe, expect, it } from 'vitest'
import type { PacketBatch, PacketCaptureState } from '../../../src/shared/api/types'
import { createBackend } from '../../../src/main/service/backend'
import { createDefaultDeps } from '../../../src/main/service/default-deps'
import type { PacketsRunner } from '../../../src/main/service/deps'
import { readPcap } from '../../../src/shared/packets/pcap'
import { fakeDeps } from '../../support/fake-deps'
import { labPcap } from '../packets/lab-pcaps'
import { decodeFrame } from '../../../src/shared/packets/decode'
import { ok } from '../../../src/shared/result'
import { execFileSync } from 'node:child_process'

function collect(backend: ReturnType<typeof createBackend>): {
  batches: PacketBatch[]
  states: PacketCaptureState[]
  ended: Promise<PacketCaptureState>
} {
  const batches: PacketBatch[] = []
  const states: PacketCaptureState[] = []
  const ended = new Promise<PacketCaptureState>((resolve) => {
    backend.subscribe('packetBatch', (b) => batches.push(b))
    backend.subscribe('packetCaptureState', (s) => {
      states.push(s)
      resolve(s)
    })
  })
  return { batches, states, ended }
}

const tsharkInstalled = ((): boolean => {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe('packet capture API on the training host (the simulator’s packets)', () => {
  it('streams the packets of a scenario interface with their NAT notes, then says why it stopped', async () => {
    const backend = createBackend(createDefaultDeps({ stateFile: null }), 'ipc')
    const { batches, ended } = collect(backend)
    expect((await backend.call('captureHost', { hostId: 'sim:nat-mode' })).ok).toBe(true)
    const started = await backend.call('startPacketCapture', { hostId: 'sim:nat-mode', target: { container: 'app' } })
    expect(started.ok).toBe(true)
    if (!started.ok) return
    expect(started.value.label.en).toMatch(/^veth\w+ \(host end of app eth0\)$/)
    expect(started.value.label['zh-CN']).toMatch(/^veth\w+（app eth0 的宿主机端）$/)
    expect(started.value.limits).toEqual({ count: 10_000, durationS: 60, maxBytes: 100 * 1024 * 1024 })
    const end = await ended
    expect(end).toMatchObject({
      captureId: started.value.captureId,
      hostId: 'sim:nat-mode',
      state: 'stopped',
      stoppedBy: 'ended',
      error: null
    })
    const packets = batches.flatMap((b) => b.packets)
    expect(packets.length).toBe(end.counters.packets)
    expect(packets.map((p) => p.number)).toEqual(packets.map((_, i) => i + 1))
    expect(
      packets.some((p) =>
        p.annotation.nat.some((n) => n.kind === 'SNAT' && n.side === 'before' && n.container === 'app')
      )
    ).toBe(true)
    // Save .pcap: the same packets, as a file.
    const pcap = await backend.call('getPacketCapturePcap', { captureId: started.value.captureId })
    expect(pcap.ok).toBe(true)
    if (!pcap.ok) return
    expect(pcap.value.fileName).toBe(`sim_nat-mode-${started.value.captureId}.pcap`)
    const file = readPcap(new Uint8Array(Buffer.from(pcap.value.base64, 'base64')))
    expect(file.records).toHaveLength(packets.length)
    expect(end.counters.bytes).toBe(Buffer.from(pcap.value.base64, 'base64').length)
    // tshark when the desktop has it; a missing-tool answer with a remedy when not.
    const dissected = await backend.call('dissectPacket', { captureId: started.value.captureId, number: 1 })
    if (tsharkInstalled) {
      expect(dissected.ok && dissected.value.text).toMatch(/^Frame 1: 54 bytes on wire/)
      expect(dissected.ok && dissected.value.text).toMatch(
        /Transmission Control Protocol, Src Port: \d+, Dst Port: 443/
      )
    } else expect(dissected).toMatchObject({ ok: false, error: { code: 'missing-tool' } })
    backend.dispose()
  })

  it('refuses a host without a snapshot, an unknown container and a bad interface name, each with a remedy or the reason', async () => {
    const backend = createBackend(createDefaultDeps({ stateFile: null }), 'ipc')
    expect(
      await backend.call('startPacketCapture', { hostId: 'sim:nat-mode', target: { iface: 'ens33' } })
    ).toMatchObject({ ok: false, error: { code: 'not-found', remedy: expect.stringMatching(/Connect/) } })
    await backend.call('captureHost', { hostId: 'sim:nat-mode' })
    expect(
      await backend.call('startPacketCapture', { hostId: 'sim:nat-mode', target: { container: 'nope' } })
    ).toMatchObject({ ok: false, error: { code: 'not-found', remedy: 'Containers: app, web.' } })
    expect(
      await backend.call('startPacketCapture', {
        hostId: 'sim:nat-mode',
        target: { iface: 'way-too-long-interface-name' }
      })
    ).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
    backend.dispose()
  })
})

describe('packet capture API with a stand-in runner (the live path)', () => {
  const records = readPcap(labPcap('wan-veth--snat-dnat-ipv6.pcap').bytes).records

  /** Starts, sends the lab's packets in two rounds, then waits for the abort like a tcpdump. */
  const runner: PacketsRunner = async (source, o) => {
    o.onStart?.({
      source,
      target: { iface: 'nllabwan0', netns: 'host', pid: null, container: null, containerIface: null },
      snapshot: null
    })
    o.onPcap?.({
      header: { littleEndian: true, nanos: false, versionMajor: 2, versionMinor: 4, snaplen: 262144, linktype: 1 }
    })
    const packets = records.map((r, i) => ({
      number: i + 1,
      timeMs: 0,
      length: r.originalLength,
      captured: r.data.length,
      summary: decodeFrame(1, r.data),
      annotation: { srcName: null, dstName: null, nat: [], tracked: false }
    }))
    o.onPcap?.({ records })
    o.onPackets?.(packets.slice(0, 10))
    o.onPackets?.(packets.slice(10))
    await new Promise<void>((resolve) => o.signal?.addEventListener('abort', () => resolve()))
    return ok({
      source,
      target: { iface: 'nllabwan0', netns: 'host', pid: null, container: null, containerIface: null },
      packets: records.length,
      bytes: 0,
      stoppedBy: 'cancelled',
      kernelDropped: 3,
      linktype: 1,
      warnings: ['a warning']
    })
  }

  it('stopPacketCapture ends a running capture: the state event carries the counters, tcpdump’s drops and warnings', async () => {
    const backend = createBackend(fakeDeps({ packetsFromSource: runner }), 'browser')
    const { batches, ended } = collect(backend)
    await backend.call('captureHost', { hostId: 'local' })
    const started = await backend.call('startPacketCapture', {
      hostId: 'local',
      target: { iface: 'nllabwan0' },
      filter: 'icmp',
      count: 100,
      durationS: 30
    })
    if (!started.ok) throw new Error(started.error.message)
    expect(await backend.call('stopPacketCapture', { captureId: started.value.captureId })).toEqual({
      ok: true,
      value: { stopped: true }
    })
    const end = await ended
    expect(end).toMatchObject({
      state: 'stopped',
      stoppedBy: 'cancelled',
      counters: { packets: records.length, kernelDropped: 3 },
      warnings: ['a warning']
    })
    expect(batches.flatMap((b) => b.packets)).toHaveLength(records.length)
    expect(batches.at(-1)!.counters.packets).toBe(records.length)
    expect(await backend.call('stopPacketCapture', { captureId: started.value.captureId })).toEqual({
      ok: true,
      value: { stopped: false }
    })
    // Browser mode downloads instead of opening a desktop program.
    expect(await backend.call('openPcapInWireshark', { captureId: started.value.captureId })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' }
    })
    backend.dispose()
  })

  it('removing the host stops its captures; dispose stops the rest', async () => {
    const backend = createBackend(fakeDeps({ packetsFromSource: runner }), 'ipc')
    await backend.call('addSshHost', { alias: 'box1' })
    await backend.call('captureHost', { hostId: 'ssh:box1' })
    const { ended } = collect(backend)
    const started = await backend.call('startPacketCapture', {
      hostId: 'ssh:box1',
      target: { container: 'web', ifname: 'eth0' }
    })
    expect(started.ok).toBe(true)
    await backend.call('removeHost', { hostId: 'ssh:box1' })
    expect((await ended).stoppedBy).toBe('cancelled')
    backend.dispose()
  })

  it('a failure before tcpdump listens is the call’s own error, not an event', async () => {
    const backend = createBackend(fakeDeps(), 'ipc')
    const { states } = collect(backend)
    await backend.call('captureHost', { hostId: 'local' })
    expect(await backend.call('startPacketCapture', { hostId: 'local', target: { iface: 'eth0' } })).toMatchObject({
      ok: false,
      error: { code: 'missing-tool' }
    })
    expect(states).toEqual([])
    backend.dispose()
  })
})
