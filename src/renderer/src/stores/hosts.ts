/** Hosts sidebar: the host list, selection, capture status and progress per host. */
import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import type { CaptureProgress, ConnectionStatus, HostEntry, HostKind } from '@shared/api/types'
import type { AppError } from '@shared/result'
import { api } from '@renderer/api'
import { downloadText } from '@renderer/utils/download'
import { usePreferencesStore } from './preferences'
import { useSnapshotStore } from './snapshot'

export const HOST_KIND_ORDER: HostKind[] = ['training', 'local', 'ssh', 'file']

export const useHostsStore = defineStore('hosts', () => {
  const hosts = ref<HostEntry[]>([])
  const loading = ref(false)
  const listError = ref<AppError | null>(null)
  const selectedId = ref<string | null>(null)
  const status = reactive<Record<string, ConnectionStatus>>({})
  const progress = reactive<Record<string, CaptureProgress | undefined>>({})
  const errors = reactive<Record<string, AppError | undefined>>({})
  const actionError = ref<AppError | null>(null)
  /** The sidebar's "Add SSH host" form is open (the first-launch banner opens it too). */
  const addFormOpen = ref(false)
  let unsubscribers: (() => void)[] = []

  const selected = computed(() => hosts.value.find((h) => h.id === selectedId.value) ?? null)
  const grouped = computed(() =>
    HOST_KIND_ORDER.map((kind) => ({ kind, hosts: hosts.value.filter((h) => h.kind === kind) })).filter(
      (g) => g.hosts.length > 0
    )
  )
  /** Sidebar order, for Alt+↑/↓. */
  const ordered = computed(() => grouped.value.flatMap((g) => g.hosts))

  async function load(): Promise<void> {
    loading.value = true
    const result = await api.listHosts({})
    loading.value = false
    if (result.ok) {
      hosts.value = result.value
      listError.value = null
    } else listError.value = result.error
  }

  function subscribe(): void {
    if (unsubscribers.length) return
    unsubscribers = [
      api.subscribe('hostsChanged', (list) => (hosts.value = list)),
      api.subscribe('captureProgress', (p) => {
        progress[p.hostId] = p
        if (p.phase === 'started' || p.phase === 'section' || p.phase === 'parsing') status[p.hostId] = 'connecting'
        // Captures started elsewhere (the Fleet view) end here too, not only through capture().
        else if (p.phase === 'done') status[p.hostId] = 'connected'
        else if (p.phase === 'failed') status[p.hostId] = 'error'
        else if (p.phase === 'cancelled') status[p.hostId] = 'idle'
      }),
      // The wiring of a host with a large conntrack table, before the table is read: shown at once.
      api.subscribe('snapshotPartial', (partial) => {
        if (status[partial.hostId] === 'connecting') useSnapshotStore().setPartial(partial)
      })
    ]
  }
  function unsubscribe(): void {
    unsubscribers.forEach((u) => u())
    unsubscribers = []
  }

  async function capture(id: string): Promise<boolean> {
    const snapshots = useSnapshotStore()
    status[id] = 'connecting'
    errors[id] = undefined
    progress[id] = undefined
    const result = await api.captureHost({ hostId: id })
    if (result.ok) {
      status[id] = 'connected'
      progress[id] = undefined
      snapshots.set(id, result.value)
      const host = hosts.value.find((h) => h.id === id)
      if (host) host.lastCapturedAt = result.value.host.capturedAt
      return true
    }
    status[id] = result.error.code === 'cancelled' ? 'idle' : 'error'
    if (result.error.code !== 'cancelled') errors[id] = result.error
    await snapshots.discardPartial(id)
    return false
  }

  async function cancel(id: string): Promise<void> {
    await api.cancelCapture({ hostId: id })
  }

  /** Selects a host: shows its snapshot, capturing it first when there is none yet. */
  async function select(id: string): Promise<void> {
    selectedId.value = id
    const snapshots = useSnapshotStore()
    void usePreferencesStore().rememberHost(id)
    const has = await snapshots.show(id)
    if (has) {
      if (status[id] !== 'connecting') status[id] = 'connected'
      return
    }
    if (selectedId.value === id && status[id] !== 'connecting') await capture(id)
  }

  async function refresh(): Promise<void> {
    if (selectedId.value && status[selectedId.value] !== 'connecting') await capture(selectedId.value)
  }

  function step(delta: number): void {
    const list = ordered.value
    if (!list.length) return
    const i = list.findIndex((h) => h.id === selectedId.value)
    const next = list[(i + delta + list.length) % list.length]
    void select(next.id)
  }

  async function addSsh(alias: string, sudo: boolean): Promise<boolean> {
    const result = await api.addSshHost({ alias: alias.trim(), sudo })
    if (!result.ok) {
      actionError.value = result.error
      return false
    }
    actionError.value = null
    if (!hosts.value.some((h) => h.id === result.value.id)) hosts.value = [...hosts.value, result.value]
    await select(result.value.id)
    return true
  }

  async function setSudo(id: string, sudo: boolean): Promise<void> {
    const result = await api.setHostSudo({ hostId: id, sudo })
    if (result.ok) hosts.value = hosts.value.map((h) => (h.id === id ? result.value : h))
    else actionError.value = result.error
  }

  async function remove(id: string): Promise<void> {
    const result = await api.removeHost({ hostId: id })
    if (!result.ok) {
      actionError.value = result.error
      return
    }
    hosts.value = hosts.value.filter((h) => h.id !== id)
    useSnapshotStore().forget(id)
    if (selectedId.value === id) selectedId.value = null
  }

  async function openFile(name: string, content: string): Promise<boolean> {
    const result = await api.openFile({ name, content })
    if (!result.ok) {
      actionError.value = result.error
      return false
    }
    actionError.value = null
    hosts.value = [...hosts.value.filter((h) => h.id !== result.value.id), result.value]
    useSnapshotStore().forget(result.value.id)
    await select(result.value.id)
    return true
  }

  async function exportSnapshot(): Promise<string | null> {
    if (!selectedId.value) return null
    const result = await api.exportSnapshot({ hostId: selectedId.value })
    if (!result.ok) {
      actionError.value = result.error
      return null
    }
    downloadText(result.value.fileName, result.value.content)
    return result.value.fileName
  }

  /** Startup: remembered host first, else the first training host (the lesson host for `npm start`). */
  function initialHost(recent: string[]): string | null {
    for (const id of recent) if (hosts.value.some((h) => h.id === id)) return id
    return hosts.value.find((h) => h.kind === 'training')?.id ?? hosts.value[0]?.id ?? null
  }

  return {
    hosts,
    loading,
    listError,
    selectedId,
    selected,
    grouped,
    ordered,
    status,
    progress,
    errors,
    actionError,
    addFormOpen,
    load,
    subscribe,
    unsubscribe,
    capture,
    cancel,
    select,
    refresh,
    step,
    addSsh,
    setSudo,
    remove,
    openFile,
    exportSnapshot,
    initialHost
  }
})
