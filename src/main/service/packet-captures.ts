/**
 * Packet captures for the app: each one a packetsFromSource run with an id, its packets pushed to
 * the UI in batches (`packetBatch`, at most every 100 ms) and its end as one `packetCaptureState`
 * event. The pcap is kept (up to the capture's byte cap) for Save .pcap, tshark and Wireshark; the
 * last few finished captures stay available, the oldest is dropped first.
 */
import type { PacketBatch, PacketCaptureStarted, PacketCaptureState } from '../../shared/api/types'
import type { CapturedPacket } from '../../shared/packets/format'
import { writePcap, type PcapHeader, type PcapRecord } from '../../shared/packets/pcap'
import { describeTarget, type PacketTargetSpec } from '../../shared/packets/target'
import { AppFailure, type AppError } from '../../shared/result'
import type { Snapshot } from '../../shared/snapshot/schema'
import type { PacketsRunner } from './deps'

export const BATCH_MS = 100
const MAX_BATCH = 500
/** Captures running at once (each is a tcpdump on a host). */
export const MAX_RUNNING = 4
/** Finished captures whose pcap stays available. */
const KEEP_FINISHED = 4
const UI_MAX_BYTES = 100 * 1024 * 1024

export interface StartRequest {
  hostId: string
  source: string
  sudo: boolean
  snapshot: Snapshot
  target: PacketTargetSpec
  filter: string
  count: number
  durationS: number
}

interface Session {
  id: string
  hostId: string
  controller: AbortController
  running: boolean
  header: PcapHeader | null
  records: PcapRecord[]
  counters: PacketBatch['counters']
  pending: CapturedPacket[]
  timer: NodeJS.Timeout | null
  finishedAt: number
}

export interface PacketCaptures {
  start(request: StartRequest): Promise<PacketCaptureStarted>
  stop(captureId: string): boolean
  stopHost(hostId: string): void
  /** The capture's pcap so far (header + records). */
  pcap(captureId: string): { fileName: string; bytes: Uint8Array }
  dispose(): void
}

export function createPacketCaptures(
  run: PacketsRunner,
  emit: { batch(b: PacketBatch): void; state(s: PacketCaptureState): void }
): PacketCaptures {
  const sessions = new Map<string, Session>()
  let nextId = 1

  const find = (captureId: string): Session => {
    const s = sessions.get(captureId)
    if (!s)
      throw new AppFailure({
        code: 'not-found',
        message: `No packet capture "${captureId}".`,
        remedy: 'Start a new capture.'
      })
    return s
  }

  function flush(s: Session): void {
    if (s.timer) clearTimeout(s.timer)
    s.timer = null
    while (s.pending.length)
      emit.batch({ captureId: s.id, packets: s.pending.splice(0, MAX_BATCH), counters: { ...s.counters } })
  }

  function forgetOldFinished(): void {
    const finished = [...sessions.values()].filter((s) => !s.running).sort((a, b) => a.finishedAt - b.finishedAt)
    for (const s of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) sessions.delete(s.id)
  }

  async function start(r: StartRequest): Promise<PacketCaptureStarted> {
    if ([...sessions.values()].filter((s) => s.running).length >= MAX_RUNNING)
      throw new AppFailure({
        code: 'invalid-argument',
        message: `${MAX_RUNNING} packet captures are running already.`,
        remedy: 'Stop one first.'
      })
    const s: Session = {
      id: `pc-${Date.now().toString(36)}-${nextId++}`,
      hostId: r.hostId,
      controller: new AbortController(),
      running: true,
      header: null,
      records: [],
      counters: { packets: 0, bytes: 0, kernelDropped: null },
      pending: [],
      timer: null,
      finishedAt: 0
    }
    sessions.set(s.id, s)
    let resolveStarted: (started: PacketCaptureStarted) => void = () => undefined
    let rejectStarted: (e: AppError) => void = () => undefined
    const started = new Promise<PacketCaptureStarted>((resolve, reject) => {
      resolveStarted = resolve
      rejectStarted = (e) => reject(new AppFailure(e))
    })
    let didStart = false
    const finish = (
      state: PacketCaptureState['state'],
      stoppedBy: PacketCaptureState['stoppedBy'],
      error: AppError | null,
      warnings: string[]
    ): void => {
      flush(s)
      s.running = false
      s.finishedAt = Date.now()
      if (!didStart) {
        sessions.delete(s.id)
        rejectStarted(error ?? { code: 'internal', message: 'The capture ended before it started.' })
        return
      }
      emit.state({ captureId: s.id, hostId: s.hostId, state, stoppedBy, error, counters: { ...s.counters }, warnings })
      forgetOldFinished()
    }
    void run(r.source, {
      target: r.target,
      filter: r.filter,
      count: r.count,
      durationS: r.durationS,
      maxBytes: UI_MAX_BYTES,
      sudo: r.sudo,
      snapshot: r.snapshot,
      signal: s.controller.signal,
      onStart(info) {
        didStart = true
        resolveStarted({
          captureId: s.id,
          hostId: s.hostId,
          target: info.target,
          label: { en: describeTarget(info.target, 'en'), 'zh-CN': describeTarget(info.target, 'zh-CN') },
          limits: { count: r.count, durationS: r.durationS, maxBytes: UI_MAX_BYTES }
        })
      },
      onPcap(part) {
        if ('header' in part) {
          s.header = part.header
          s.counters.bytes += 24
        } else
          for (const record of part.records) {
            s.records.push(record)
            s.counters.bytes += 16 + record.data.length
          }
      },
      onPackets(packets) {
        s.counters.packets += packets.length
        s.pending.push(...packets)
        if (s.pending.length >= MAX_BATCH) flush(s)
        else s.timer ??= setTimeout(() => flush(s), BATCH_MS)
      }
    }).then(
      (result) => {
        if (result.ok) {
          s.counters.kernelDropped = result.value.kernelDropped
          finish('stopped', result.value.stoppedBy, null, result.value.warnings)
        } else
          finish(
            result.error.code === 'cancelled' ? 'stopped' : 'failed',
            result.error.code === 'cancelled' ? 'cancelled' : null,
            result.error.code === 'cancelled' ? null : result.error,
            []
          )
      },
      (e: unknown) =>
        finish('failed', null, { code: 'internal', message: e instanceof Error ? e.message : String(e) }, [])
    )
    return started
  }

  return {
    start,
    stop(captureId) {
      const s = sessions.get(captureId)
      if (!s?.running) return false
      s.controller.abort()
      return true
    },
    stopHost(hostId) {
      for (const s of sessions.values()) if (s.hostId === hostId && s.running) s.controller.abort()
    },
    pcap(captureId) {
      const s = find(captureId)
      const header = s.header ?? { snaplen: 262144, linktype: 1, nanos: false }
      const bytes = writePcap(header.linktype, s.records, { snaplen: header.snaplen, nanos: header.nanos })
      const safeHost = s.hostId.replace(/[^\w.-]/g, '_')
      return { fileName: `${safeHost}-${s.id}.pcap`, bytes }
    },
    dispose() {
      for (const s of sessions.values()) {
        s.controller.abort()
        if (s.timer) clearTimeout(s.timer)
      }
    }
  }
}
