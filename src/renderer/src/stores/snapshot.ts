/**
 * The snapshot of the selected host. Snapshots are big (1,000 containers, 262,144 conntrack rows):
 * they live in shallowRefs and are replaced whole, never made deeply reactive.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { AppError } from '@shared/result'
import type { Snapshot } from '@shared/snapshot/schema'
import { api } from '@renderer/api'

export const useSnapshotStore = defineStore('snapshot', () => {
  const hostId = ref<string | null>(null)
  const current = shallowRef<Snapshot | null>(null)
  const cache = shallowRef(new Map<string, Snapshot>())
  const loading = ref(false)
  const error = ref<AppError | null>(null)
  /** Bumps on every new snapshot so views can refresh derived data (diagnose, traffic labels). */
  const version = ref(0)

  function set(id: string, snapshot: Snapshot): void {
    cache.value.set(id, snapshot)
    triggerRef(cache)
    if (hostId.value === id) {
      current.value = snapshot
      error.value = null
      version.value++
    }
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

  return { hostId, current, loading, error, version, set, show, forget, containerNames }
})
