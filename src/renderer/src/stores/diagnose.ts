/** Diagnose findings and the packet-path trace for the selected host. */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { Finding, NotChecked, Severity, TraceResult } from '@shared/api/types'
import type { AppError } from '@shared/result'
import { api } from '@renderer/api'
import { useSnapshotStore } from './snapshot'

export const SEVERITIES: Severity[] = ['critical', 'warning', 'info']

export const useDiagnoseStore = defineStore('diagnose', () => {
  const snapshots = useSnapshotStore()
  const findings = shallowRef<Finding[] | null>(null)
  /** Checks the capture did not have the data for: a clean list above them is not a healthy host. */
  const notChecked = shallowRef<NotChecked[]>([])
  const loading = ref(false)
  const error = ref<AppError | null>(null)
  let loadedVersion = -1

  const trace = shallowRef<TraceResult | null>(null)
  const traceLoading = ref(false)
  const traceError = ref<AppError | null>(null)
  const traceFrom = ref('')
  const traceTo = ref('')
  const hop = ref(0)

  const bySeverity = computed(() =>
    SEVERITIES.map((severity) => ({
      severity,
      findings: (findings.value ?? []).filter((f) => f.severity === severity)
    })).filter((g) => g.findings.length)
  )
  const counts = computed(() => {
    const c: Record<Severity, number> = { critical: 0, warning: 0, info: 0 }
    for (const f of findings.value ?? []) c[f.severity]++
    return c
  })

  async function load(force = false): Promise<void> {
    const hostId = snapshots.hostId
    if (!hostId || !snapshots.current) return
    if (!force && loadedVersion === snapshots.version && findings.value) return
    loading.value = true
    error.value = null
    const version = snapshots.version
    const result = await api.diagnose({ hostId })
    loading.value = false
    if (snapshots.hostId !== hostId) return
    if (result.ok) {
      findings.value = result.value.findings
      notChecked.value = result.value.notChecked
      loadedVersion = version
    } else error.value = result.error
  }

  async function runTrace(): Promise<void> {
    const hostId = snapshots.hostId
    if (!hostId || !traceFrom.value.trim() || !traceTo.value.trim()) return
    traceLoading.value = true
    traceError.value = null
    const result = await api.trace({ hostId, from: traceFrom.value.trim(), to: traceTo.value.trim() })
    traceLoading.value = false
    if (result.ok) {
      trace.value = result.value
      hop.value = 0
    } else {
      trace.value = null
      traceError.value = result.error
    }
  }

  /** Forward hops then reply hops, as one list the stepper walks. */
  const allHops = computed(() => (trace.value ? [...trace.value.hops, ...trace.value.reply] : []))
  const currentHop = computed(() => allHops.value[hop.value] ?? null)
  /** Node ids of the whole forward path, for the topology highlight. */
  const pathNodes = computed(() => (trace.value?.hops ?? []).flatMap((h) => h.nodes))

  function stepHop(delta: number): void {
    const n = allHops.value.length
    if (!n) return
    hop.value = Math.min(n - 1, Math.max(0, hop.value + delta))
  }

  // Findings follow the snapshot: a new capture invalidates them.
  watch(
    () => snapshots.version,
    () => {
      findings.value = null
      notChecked.value = []
      loadedVersion = -1
    }
  )
  // A trace belongs to its host: its endpoints (container names, addresses) mean nothing on the next one.
  watch(
    () => snapshots.hostId,
    () => {
      trace.value = null
      traceError.value = null
      traceFrom.value = ''
      traceTo.value = ''
      hop.value = 0
    }
  )

  return {
    findings,
    notChecked,
    loading,
    error,
    bySeverity,
    counts,
    load,
    trace,
    traceLoading,
    traceError,
    traceFrom,
    traceTo,
    hop,
    allHops,
    currentHop,
    pathNodes,
    runTrace,
    stepHop
  }
})
