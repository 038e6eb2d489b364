/**
 * Packet capture in the app: what to capture (a host interface or a container's veth, a BPF
 * filter, limits), the running capture's packets as they stream in (`packetBatch`), its counters,
 * pause (the list freezes, the capture goes on), Save .pcap, Open in Wireshark and tshark's full
 * dissection when the desktop has them. Leaving the Packets view stops a running capture.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { PacketBatch, PacketCaptureStarted, PacketCaptureState, PacketTools } from '@shared/api/types'
import type { CapturedPacket } from '@shared/packets/format'
import type { PacketTargetSpec } from '@shared/packets/target'
import type { AppError } from '@shared/result'
import { api, transportKind } from '@renderer/api'
import { downloadUrl } from '@renderer/utils/download'
import { useSnapshotStore } from './snapshot'

/** Packets kept for the list (the pcap keeps all of them, up to the capture's limits). */
export const MAX_LIST = 50_000

export interface PacketRequest {
  target: PacketTargetSpec
  filter: string
  count: number
  durationS: number
}

export const DEFAULT_REQUEST: PacketRequest = { target: {}, filter: '', count: 10_000, durationS: 60 }

/** Lowercased text a packet row is searched by (the quick filter over the list). */
export function packetSearchText(p: CapturedPacket): string {
  const s = p.summary
  const inner = s.vxlan?.inner
  return [
    s.src,
    s.dst,
    s.sport,
    s.dport,
    s.protocol,
    s.info,
    inner?.src,
    inner?.dst,
    inner?.protocol,
    p.annotation.srcName,
    p.annotation.dstName,
    ...p.annotation.nat.flatMap((n) => [n.kind, n.container, n.inner.ip, n.outer.ip])
  ]
    .filter((x) => x !== null && x !== undefined)
    .join(' ')
    .toLowerCase()
}

export const usePacketsStore = defineStore('packets', () => {
  const snapshots = useSnapshotStore()
  const request = ref<PacketRequest>({ ...DEFAULT_REQUEST, target: {} })
  const capture = ref<PacketCaptureStarted | null>(null)
  const starting = ref(false)
  const running = ref(false)
  const error = ref<AppError | null>(null)
  const ended = ref<PacketCaptureState | null>(null)
  const packets = shallowRef<CapturedPacket[]>([])
  /** What the list shows: frozen while paused. */
  const shown = shallowRef<CapturedPacket[]>([])
  const paused = ref(false)
  const counters = ref<PacketBatch['counters']>({ packets: 0, bytes: 0, kernelDropped: null })
  const startedAt = ref<number | null>(null)
  const quickFilter = ref('')
  const selected = ref<number | null>(null)
  const dissection = ref<{ number: number; text: string } | null>(null)
  const tools = ref<PacketTools>({ tshark: false, wireshark: false })
  const notice = ref('')
  let unsubscribes: (() => void)[] = []

  const visible = computed(() => {
    const q = quickFilter.value.trim().toLowerCase()
    if (!q) return shown.value
    const words = q.split(/\s+/)
    return shown.value.filter((p) => {
      const text = packetSearchText(p)
      return words.every((w) => text.includes(w))
    })
  })
  const selectedPacket = computed(() => shown.value.find((p) => p.number === selected.value) ?? null)
  const canOpenInWireshark = computed(() => transportKind === 'ipc' && tools.value.wireshark)

  /** Where to capture next (the Details panel's and the trace's "Capture packets"). */
  function prepare(target: PacketTargetSpec): void {
    request.value = { ...request.value, target }
  }

  /**
   * Events of a capture whose start has not answered yet: a training host's packets (all rendered
   * at once) can arrive before startPacketCapture's own answer does. Replayed once it answers.
   */
  let early: ({ batch: PacketBatch } | { state: PacketCaptureState })[] = []

  function onBatch(batch: PacketBatch): void {
    if (starting.value && batch.captureId !== capture.value?.captureId) {
      early.push({ batch })
      return
    }
    if (batch.captureId !== capture.value?.captureId) return
    const next = packets.value.concat(batch.packets)
    packets.value = next.length > MAX_LIST ? next.slice(next.length - MAX_LIST) : next
    counters.value = batch.counters
    if (!paused.value) shown.value = packets.value
  }

  function onState(state: PacketCaptureState): void {
    if (starting.value && state.captureId !== capture.value?.captureId) {
      early.push({ state })
      return
    }
    if (state.captureId !== capture.value?.captureId) return
    running.value = false
    ended.value = state
    counters.value = state.counters
    if (state.error) error.value = state.error
    shown.value = packets.value
  }

  function subscribe(): void {
    if (unsubscribes.length) return
    unsubscribes = [api.subscribe('packetBatch', onBatch), api.subscribe('packetCaptureState', onState)]
  }

  async function loadTools(): Promise<void> {
    const r = await api.getPacketTools({})
    if (r.ok) tools.value = r.value
  }

  async function start(): Promise<void> {
    const hostId = snapshots.hostId
    if (!hostId || starting.value || running.value) return
    subscribe()
    starting.value = true
    early = []
    error.value = null
    ended.value = null
    dissection.value = null
    selected.value = null
    packets.value = []
    shown.value = []
    paused.value = false
    counters.value = { packets: 0, bytes: 0, kernelDropped: null }
    const { target, filter, count, durationS } = request.value
    const apiTarget =
      target.container !== undefined
        ? {
            container: target.container,
            ...(target.ifname ? { ifname: target.ifname } : {}),
            inside: target.inside === true
          }
        : { iface: target.iface ?? '' }
    const r = await api.startPacketCapture({ hostId, target: apiTarget, filter, count, durationS })
    if (!r.ok) {
      starting.value = false
      error.value = r.error
      return
    }
    capture.value = r.value
    running.value = true
    startedAt.value = Date.now()
    starting.value = false
    const replay = early.filter((e) => ('batch' in e ? e.batch.captureId : e.state.captureId) === r.value.captureId)
    early = []
    for (const e of replay) if ('batch' in e) onBatch(e.batch)
    for (const e of replay) if ('state' in e) onState(e.state)
  }

  async function stop(): Promise<void> {
    const id = capture.value?.captureId
    if (!id || !running.value) return
    await api.stopPacketCapture({ captureId: id })
  }

  function togglePause(): void {
    paused.value = !paused.value
    if (!paused.value) shown.value = packets.value
  }

  /** The capture as a .pcap file: a download (works in the browser and in Electron). */
  async function savePcap(): Promise<void> {
    const id = capture.value?.captureId
    if (!id) return
    const r = await api.getPacketCapturePcap({ captureId: id })
    if (!r.ok) {
      error.value = r.error
      return
    }
    const bytes = Uint8Array.from(atob(r.value.base64), (c) => c.charCodeAt(0))
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/vnd.tcpdump.pcap' }))
    downloadUrl(r.value.fileName, url)
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
    notice.value = r.value.fileName
  }

  async function openInWireshark(): Promise<void> {
    const id = capture.value?.captureId
    if (!id) return
    const r = await api.openPcapInWireshark({ captureId: id })
    if (!r.ok) error.value = r.error
  }

  async function dissect(number: number): Promise<void> {
    const id = capture.value?.captureId
    if (!id) return
    const r = await api.dissectPacket({ captureId: id, number })
    if (!r.ok) error.value = r.error
    else dissection.value = { number, text: r.value.text }
  }

  function select(number: number | null): void {
    selected.value = number
    if (dissection.value?.number !== number) dissection.value = null
  }

  function dispose(): void {
    unsubscribes.forEach((off) => off())
    unsubscribes = []
  }

  return {
    request,
    capture,
    starting,
    running,
    error,
    ended,
    packets,
    shown,
    visible,
    paused,
    counters,
    startedAt,
    quickFilter,
    selected,
    selectedPacket,
    dissection,
    tools,
    notice,
    canOpenInWireshark,
    prepare,
    loadTools,
    subscribe,
    start,
    stop,
    togglePause,
    savePcap,
    openInWireshark,
    dissect,
    select,
    dispose
  }
})
