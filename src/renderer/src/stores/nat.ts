/** NAT view state: the active tab and the conntrack filters (kept when switching views). */
import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import {
  buildConntrackIndex,
  filterConntrack,
  type ConntrackFilter,
  type ConntrackIndex
} from '@shared/conntrack-filter'
import { useSnapshotStore } from './snapshot'

export type NatTab = 'rules' | 'ports' | 'conntrack'

export const useNatStore = defineStore('nat', () => {
  const snapshots = useSnapshotStore()
  const tab = ref<NatTab>('rules')
  const filter = reactive<Required<ConntrackFilter>>({
    container: null,
    proto: null,
    state: null,
    nat: 'any',
    text: ''
  })
  const index = shallowRef<ConntrackIndex | null>(null)
  let indexed: unknown = null

  function ensureIndex(): ConntrackIndex | null {
    const snap = snapshots.current
    if (!snap) return null
    if (indexed !== snap) {
      index.value = buildConntrackIndex(snap.conntrack.entries)
      indexed = snap
    }
    return index.value
  }

  const rows = computed<Uint32Array>(() => {
    const idx = index.value
    if (!idx) return new Uint32Array(0)
    return filterConntrack(idx, {
      container: filter.container,
      proto: filter.proto,
      state: filter.state,
      nat: filter.nat,
      text: filter.text
    })
  })

  function showContainer(name: string): void {
    tab.value = 'conntrack'
    filter.container = name
  }

  watch(
    () => snapshots.hostId,
    () => {
      filter.container = null
      filter.text = ''
    }
  )
  watch(
    () => snapshots.current,
    () => {
      if (tab.value === 'conntrack') ensureIndex()
    }
  )

  return { tab, filter, index, rows, ensureIndex, showContainer }
})
