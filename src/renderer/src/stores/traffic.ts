/**
 * Live traffic: sampling on the selected host, a bounded history, pause and the chart window, and
 * what is charted: traffic subjects (one per container interface, see utils/traffic-subjects.ts),
 * each with its host veth one click away, found through a search box.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { InterfaceRate, TrafficSample } from '@shared/api/types'
import type { AppError } from '@shared/result'
import { api } from '@renderer/api'
import { buildNameBook } from '@shared/snapshot/names'
import {
  buildTrafficSubjects,
  subjectRates,
  topTalkers as busiest,
  type TrafficMetric,
  type TrafficSubject
} from '@renderer/utils/traffic-subjects'
import { usePreferencesStore } from './preferences'
import { useSnapshotStore } from './snapshot'

export const WINDOWS_S = [60, 300, 900, 3600] as const
const MAX_SAMPLES = 7200

export const rateKey = (netns: string, iface: string): string => `${netns}/${iface}`

export const useTrafficStore = defineStore('traffic', () => {
  const snapshots = useSnapshotStore()
  const samples = shallowRef<TrafficSample[]>([])
  /** What the chart shows: frozen while paused. */
  const shown = shallowRef<TrafficSample[]>([])
  const sampling = ref(false)
  const paused = ref(false)
  const windowS = ref<number>(300)
  const intervalS = ref(1)
  /** Subject keys charted, in the order they were picked. */
  const selected = ref<string[]>([])
  /** Subject keys whose host veth is charted too. */
  const hostEnds = ref<string[]>([])
  const metric = ref<TrafficMetric>('bits')
  const search = ref('')
  const error = ref<AppError | null>(null)
  const starting = ref(false)
  let unsubscribe: (() => void) | null = null

  const latest = computed(() => samples.value[samples.value.length - 1] ?? null)
  const latestByIface = computed(() => {
    const map = new Map<string, InterfaceRate>()
    for (const r of latest.value?.rates ?? []) map.set(rateKey(r.netns, r.iface), r)
    return map
  })
  /** Every interface seen in samples, busiest first. */
  const interfaces = computed(() => {
    const rates = latest.value?.rates ?? []
    return [...rates].sort((a, b) => b.rxBytesPerS + b.txBytesPerS - (a.rxBytesPerS + a.txBytesPerS))
  })
  const nameBook = computed(() => (snapshots.current ? buildNameBook(snapshots.current) : new Map()))
  /** Every subject seen in samples: containers first, then bridges, host interfaces and loopbacks. */
  const subjects = computed<TrafficSubject[]>(() =>
    buildTrafficSubjects(interfaces.value, nameBook.value)
  )
  const subjectByKey = computed(() => new Map(subjects.value.map((s) => [s.key, s])))
  /** The subjects the search box lets through. */
  const shownSubjects = computed(() => {
    const q = search.value.trim().toLowerCase()
    return q ? subjects.value.filter((s) => s.text.includes(q)) : subjects.value
  })
  const topTalkers = computed(() => busiest(subjects.value, latestByIface.value, metric.value))

  function push(sample: TrafficSample): void {
    if (sample.hostId !== snapshots.hostId) return
    const next = samples.value.length >= MAX_SAMPLES ? samples.value.slice(-MAX_SAMPLES + 1) : samples.value.slice()
    next.push(sample)
    samples.value = next
    if (!paused.value) shown.value = next
    autoSelect(sample)
  }

  /** The first data picks the four busiest subjects so the charts are never empty by default. */
  function autoSelect(sample: TrafficSample | undefined): void {
    if (selected.value.length || !sample?.rates.length) return
    const latest = new Map(sample.rates.map((r) => [rateKey(r.netns, r.iface), r]))
    const bits = (s: TrafficSubject): number => {
      const r = subjectRates(latest.get(rateKey(s.measure.netns, s.measure.iface)), s.measure.flip, 'bits')
      return r.sent + r.received
    }
    selected.value = subjects.value
      .filter((s) => s.kind !== 'loopback')
      .map((s) => ({ s, bits: bits(s) }))
      .sort((a, b) => b.bits - a.bits)
      .slice(0, 4)
      .map(({ s }) => s.key)
  }

  async function start(): Promise<void> {
    const hostId = snapshots.hostId
    if (!hostId || sampling.value) return
    starting.value = true
    error.value = null
    if (!unsubscribe) unsubscribe = api.subscribe('trafficSample', push)
    const prefs = usePreferencesStore()
    const result = await api.startSampling({ hostId, intervalS: prefs.prefs.sampleIntervalS || 1 })
    starting.value = false
    if (!result.ok) {
      error.value = result.error
      return
    }
    intervalS.value = result.value.intervalS
    sampling.value = true
    paused.value = false
    await loadHistory()
  }

  async function stop(): Promise<void> {
    const hostId = snapshots.hostId
    sampling.value = false
    if (hostId) await api.stopSampling({ hostId })
  }

  async function loadHistory(): Promise<void> {
    const hostId = snapshots.hostId
    if (!hostId) return
    const result = await api.getTrafficHistory({ hostId, windowS: windowS.value })
    if (result.ok && result.value.samples.length) {
      const merged = [...result.value.samples]
      const lastT = merged[merged.length - 1].t
      for (const s of samples.value) if (s.t > lastT) merged.push(s)
      samples.value = merged.slice(-MAX_SAMPLES)
      if (!paused.value) shown.value = samples.value
      autoSelect(samples.value[samples.value.length - 1])
    }
  }

  function togglePause(): void {
    paused.value = !paused.value
    if (!paused.value) shown.value = samples.value
  }

  function setWindow(seconds: number): void {
    windowS.value = seconds
    void loadHistory()
  }

  function toggleSubject(key: string): void {
    selected.value = selected.value.includes(key) ? selected.value.filter((k) => k !== key) : [...selected.value, key]
  }
  function toggleHostEnd(key: string): void {
    hostEnds.value = hostEnds.value.includes(key) ? hostEnds.value.filter((k) => k !== key) : [...hostEnds.value, key]
  }

  // Switching hosts stops sampling of the previous one.
  watch(
    () => snapshots.hostId,
    async (_next, prev) => {
      if (prev && sampling.value) await api.stopSampling({ hostId: prev })
      sampling.value = false
      paused.value = false
      samples.value = []
      shown.value = []
      selected.value = []
      hostEnds.value = []
      search.value = ''
      error.value = null
    }
  )

  return {
    samples,
    shown,
    sampling,
    paused,
    windowS,
    intervalS,
    selected,
    hostEnds,
    metric,
    search,
    subjects,
    subjectByKey,
    shownSubjects,
    error,
    starting,
    latest,
    latestByIface,
    interfaces,
    topTalkers,
    push,
    start,
    stop,
    loadHistory,
    togglePause,
    setWindow,
    toggleSubject,
    toggleHostEnd
  }
})
