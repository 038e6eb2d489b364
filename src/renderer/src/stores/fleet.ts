/**
 * The Fleet view's state: the last fleet report (rows, findings across hosts, overlays), how the
 * table is sorted, and the ways to fill it: SSH aliases, a training fleet, capture files, or a
 * folder on the backend's machine. Reports can hold hundreds of rows: they live in a shallowRef and
 * are replaced whole.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { FleetHostSummary, FleetReport, ScenarioSummary } from '@shared/api/types'
import type { AppError, Result } from '@shared/result'
import { api } from '@renderer/api'

export type FleetSortKey =
  'label' | 'state' | 'captureMs' | 'dockerVersion' | 'iptablesBackend' | 'containers' | 'conntrack' | 'findings'

const STATE_ORDER: Record<FleetHostSummary['state'], number> = { error: 0, auth: 1, unreachable: 2, partial: 3, ok: 4 }

/** Sort value of a row for a column; null (unknown) rows always go last. */
function sortValue(h: FleetHostSummary, key: FleetSortKey): string | number | null {
  switch (key) {
    case 'label':
      return h.label.toLowerCase()
    case 'state':
      return STATE_ORDER[h.state]
    case 'captureMs':
      return h.captureMs
    case 'dockerVersion':
      return h.dockerVersion
    case 'iptablesBackend':
      return h.iptablesBackend
    case 'containers':
      return h.containersRunning
    case 'conntrack':
      return h.conntrackFillPct
    case 'findings':
      return h.findings ? h.findings.critical * 1e6 + h.findings.warning * 1e3 + h.findings.info : null
  }
}

export function sortHosts(hosts: FleetHostSummary[], key: FleetSortKey, descending: boolean): FleetHostSummary[] {
  const keyed = hosts.map((h, i) => ({ h, i, v: sortValue(h, key) }))
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1
    const c =
      typeof a.v === 'number' && typeof b.v === 'number'
        ? a.v - b.v
        : String(a.v).localeCompare(String(b.v), undefined, { numeric: true })
    return (descending ? -c : c) || a.i - b.i
  })
  return keyed.map((k) => k.h)
}

/** `prod-1, prod-2\nadmin@db` → ['prod-1', 'prod-2', 'admin@db'] (duplicates dropped). */
export function parseAliases(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean))]
}

export const useFleetStore = defineStore('fleet', () => {
  const report = shallowRef<FleetReport | null>(null)
  const loading = ref(false)
  /** How many hosts the running request covers (for the progress line). */
  const pending = ref(0)
  const error = ref<AppError | null>(null)
  const sortKey = ref<FleetSortKey>('label')
  const descending = ref(false)
  const parallel = ref(8)
  const scenarios = ref<ScenarioSummary[]>([])

  const sorted = computed(() => (report.value ? sortHosts(report.value.hosts, sortKey.value, descending.value) : []))
  const counts = computed(() => {
    const hosts = report.value?.hosts ?? []
    return {
      n: hosts.length,
      ok: hosts.filter((h) => h.state === 'ok').length,
      partial: hosts.filter((h) => h.state === 'partial').length,
      failed: hosts.filter((h) => h.error).length
    }
  })
  /** Training scenarios with two or more hosts: each is a fleet. */
  const fleetScenarios = computed(() => scenarios.value.filter((s) => (s.hosts?.length ?? 0) >= 2))

  function sortBy(key: FleetSortKey): void {
    if (sortKey.value === key) descending.value = !descending.value
    else {
      sortKey.value = key
      descending.value = key === 'findings' || key === 'conntrack' || key === 'captureMs'
    }
  }

  async function run(size: number, call: () => Promise<Result<FleetReport>>): Promise<boolean> {
    loading.value = true
    pending.value = size
    error.value = null
    const result = await call()
    loading.value = false
    pending.value = 0
    if (!result.ok) {
      error.value = result.error
      return false
    }
    report.value = result.value
    return true
  }

  const captureHosts = (hostIds: string[]): Promise<boolean> =>
    run(hostIds.length, () => api.fleetCapture({ hostIds, parallel: parallel.value }))

  const captureAliases = (text: string): Promise<boolean> => {
    const aliases = parseAliases(text)
    return aliases.length ? captureHosts(aliases.map((a) => `ssh:${a}`)) : Promise.resolve(false)
  }

  function openScenario(id: string): Promise<boolean> {
    const size = scenarios.value.find((s) => s.id === id)?.hosts?.length ?? 1
    return run(size, () => api.fleetCapture({ hostIds: [`sim:${id}`], parallel: parallel.value }))
  }

  const openFiles = (files: { name: string; content: string }[]): Promise<boolean> =>
    files.length ? run(files.length, () => api.fleetOpenFiles({ files })) : Promise.resolve(false)

  const openFolder = (path: string): Promise<boolean> =>
    path.trim() ? run(0, () => api.fleetOpenFolder({ path: path.trim() })) : Promise.resolve(false)

  async function loadScenarios(): Promise<void> {
    if (scenarios.value.length) return
    const result = await api.listScenarios({})
    if (result.ok) scenarios.value = result.value
  }

  return {
    report,
    loading,
    pending,
    error,
    sortKey,
    descending,
    parallel,
    scenarios,
    sorted,
    counts,
    fleetScenarios,
    sortBy,
    captureHosts,
    captureAliases,
    openScenario,
    openFiles,
    openFolder,
    loadScenarios
  }
})
