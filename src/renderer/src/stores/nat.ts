/**
 * NAT view state: the active tab, the rule owner filter and the conntrack filters. Filters belong
 * to one host: a new host starts with none (a filter carried over would make "23 of 54" look like
 * the new host's whole table), and while any is set the view shows a "Filters active" bar.
 */
import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import {
  buildConntrackIndex,
  filterConntrack,
  sortConntrackRows,
  type ConntrackFilter,
  type ConntrackIndex,
  type ConntrackSortColumn
} from '@shared/conntrack-filter'
import type { NatRule } from '@shared/snapshot/schema'
import { useSnapshotStore } from './snapshot'

export type NatTab = 'rules' | 'ports' | 'conntrack'
export type OwnerFilter = 'all' | NatRule['owner']

/** The filters a user sets; hiding on-host flows is a separate switch with its own line in the view. */
type UserFilter = Required<Omit<ConntrackFilter, 'hideLocal'>>
const NO_FILTER: UserFilter = { container: null, proto: null, state: null, nat: 'any', text: '' }

export const useNatStore = defineStore('nat', () => {
  const snapshots = useSnapshotStore()
  const tab = ref<NatTab>('rules')
  const owner = ref<OwnerFilter>('all')
  const filter = reactive<UserFilter>({ ...NO_FILTER })
  /** Loopback and host-to-itself flows are noise when looking for NAT: hidden until asked for. */
  const hideLocal = ref(true)
  const sort = ref<{ column: ConntrackSortColumn; descending: boolean } | null>(null)
  /** Re-capture the host every N seconds while the conntrack tab is open (0: off). */
  const autoRefreshS = ref(0)
  const index = shallowRef<ConntrackIndex | null>(null)
  let indexed: unknown = null

  function ensureIndex(): ConntrackIndex | null {
    const snap = snapshots.current
    if (!snap) return null
    if (indexed !== snap) {
      const hostAddresses = new Set<string>()
      for (const i of snap.interfaces)
        if (i.netns === 'host') for (const a of i.addresses) hostAddresses.add(a.split('/')[0])
      index.value = buildConntrackIndex(snap.conntrack.entries, hostAddresses)
      indexed = snap
    }
    return index.value
  }

  const filtered = computed<Uint32Array>(() => {
    const idx = index.value
    if (!idx) return new Uint32Array(0)
    return filterConntrack(idx, {
      container: filter.container,
      proto: filter.proto,
      state: filter.state,
      nat: filter.nat,
      text: filter.text,
      hideLocal: hideLocal.value
    })
  })
  const rows = computed<Uint32Array>(() => {
    const idx = index.value
    const snap = snapshots.current
    if (!idx || !sort.value || !snap) return filtered.value
    return sortConntrackRows(idx, snap.conntrack.entries, filtered.value, sort.value.column, sort.value.descending)
  })

  /** Click on a column: ascending, then descending, then capture order. */
  function sortBy(column: ConntrackSortColumn): void {
    const s = sort.value
    if (!s || s.column !== column) sort.value = { column, descending: false }
    else if (!s.descending) sort.value = { column, descending: true }
    else sort.value = null
  }

  /** The conntrack filters that hide rows, as (field, value) pairs; the view names the fields. */
  const activeConntrackFilters = computed(() => {
    const out: { field: 'container' | 'proto' | 'state' | 'nat' | 'text'; value: string }[] = []
    if (filter.container) out.push({ field: 'container', value: filter.container })
    if (filter.proto) out.push({ field: 'proto', value: filter.proto })
    if (filter.state) out.push({ field: 'state', value: filter.state })
    if (filter.nat !== 'any') out.push({ field: 'nat', value: filter.nat })
    if (filter.text.trim()) out.push({ field: 'text', value: filter.text.trim() })
    return out
  })

  function clearConntrackFilters(): void {
    Object.assign(filter, NO_FILTER)
  }

  function showContainer(name: string): void {
    clearConntrackFilters()
    tab.value = 'conntrack'
    filter.container = name
  }

  watch(
    () => snapshots.hostId,
    () => {
      clearConntrackFilters()
      owner.value = 'all'
      hideLocal.value = true
      sort.value = null
      autoRefreshS.value = 0
    }
  )
  watch(
    () => snapshots.current,
    () => {
      if (tab.value === 'conntrack') ensureIndex()
    }
  )

  return {
    tab,
    owner,
    filter,
    hideLocal,
    sort,
    sortBy,
    autoRefreshS,
    index,
    rows,
    activeConntrackFilters,
    clearConntrackFilters,
    ensureIndex,
    showContainer
  }
})
