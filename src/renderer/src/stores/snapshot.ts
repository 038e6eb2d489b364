/**
 * The snapshot of the selected host. Snapshots are big (1,000 containers, 262,144 conntrack rows):
 * they live in shallowRefs and are replaced whole, never made deeply reactive.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { AppError } from '@shared/result'
import type { Snapshot } from '@shared/snapshot/schema'
import type { SnapshotPartial } from '@shared/api/types'
import { api } from '@renderer/api'

export const useSnapshotStore = defineStore('snapshot', () => {
  const hostId = ref<string | null>(null)
  const current = shallowRef<Snapshot | null>(null)
  const cache = shallowRef(new Map<string, Snapshot>())
  const loading = ref(false)
  const error = ref<AppError | null>(null)
  /** Bumps on every new snapshot so views can refresh derived data (diagnose, traffic labels). */
  const version = ref(0)
  /** Hosts shown from a partial snapshot (SnapshotPartial): what is still being read. */
  const pending = ref<Record<string, SnapshotPartial['pending']>>({})
  const currentPending = computed(() => (hostId.value ? (pending.value[hostId.value] ?? []) : []))

  function set(id: string, snapshot: Snapshot): void {
    cache.value.set(id, snapshot)
    triggerRef(cache)
    if (pending.value[id]) {
      const { [id]: _done, ...rest } = pending.value
      pending.value = rest
    }
    if (hostId.value === id) {
      current.value = snapshot
      error.value = null
      version.value++
    }
  }

  /** Shows a capture's partial snapshot until its whole one arrives (set). */
  function setPartial(partial: SnapshotPartial): void {
    set(partial.hostId, partial.snapshot)
    pending.value = { ...pending.value, [partial.hostId]: partial.pending }
  }

  /** Drops a partial snapshot whose capture failed: the backend's last whole one is shown again. */
  async function discardPartial(id: string): Promise<void> {
    if (!pending.value[id]) return
    const { [id]: _failed, ...rest } = pending.value
    pending.value = rest
    cache.value.delete(id)
    triggerRef(cache)
    if (hostId.value === id) await show(id)
  }

  /** Shows the host's snapshot (cached, or the backend's last one). Answers whether one exists. */
  async function show(id: string): Promise<boolean> {
    hostId.value = id
    error.value = null
    const cached = cache.value.get(id)
    if (cached) {
      current.value = cached
      version.value++
      return true
    }
    current.value = null
    loading.value = true
    const result = await api.getSnapshot({ hostId: id })
    loading.value = false
    if (hostId.value !== id) return false
    if (!result.ok) {
      error.value = result.error
      return false
    }
    if (result.value) {
      set(id, result.value)
      return true
    }
    return false
  }

  function forget(id: string): void {
    cache.value.delete(id)
    if (hostId.value === id) {
      hostId.value = null
      current.value = null
    }
  }

  const containerNames = computed(() => (current.value?.containers ?? []).map((c) => c.name).sort())

  return {
    hostId,
    current,
    loading,
    error,
    version,
    pending,
    currentPending,
    set,
    setPartial,
    discardPartial,
    show,
    forget,
    containerNames
  }
})
