/** Topology view state: filters, grouping, selection and the highlighted path (trace, findings, lessons). */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { layoutTopology, resolveNodeId, type LayoutNode, type TopologyLayout } from '@shared/topology/layout'
import type { Runtime } from '@shared/snapshot/schema'
import { useSnapshotStore } from './snapshot'

export const useTopologyStore = defineStore('topology', () => {
  const snapshots = useSnapshotStore()
  const search = ref('')
  const network = ref<string | null>(null)
  const runtime = ref<Runtime | null>(null)
  const expanded = ref(new Set<string>())
  const collapsed = ref(new Set<string>())
  const selectedId = ref<string | null>(null)
  /** Node ids to highlight, in path order (trace hops, finding objects, lesson focus). */
  const highlight = shallowRef<string[]>([])
  const highlightLabel = ref('')
  const liveRates = ref(true)
  /** The legend stays as the user left it while the app runs. */
  const legendOpen = ref(true)
  /** Bumped by Ctrl/Cmd+K: the view focuses its search box. */
  const searchFocusTick = ref(0)
  function focusSearch(): void {
    searchFocusTick.value++
  }

  const layout = computed<TopologyLayout | null>(() => {
    const snap = snapshots.current
    if (!snap) return null
    return layoutTopology(snap, {
      search: search.value,
      network: network.value,
      runtime: runtime.value,
      expanded: expanded.value,
      collapsed: collapsed.value
    })
  })

  const drawnIds = computed(() => new Set(layout.value?.nodes.map((n) => n.id) ?? []))
  const selectedNode = computed<LayoutNode | null>(
    () => layout.value?.nodes.find((n) => n.id === selectedId.value) ?? null
  )
  /** Highlight resolved to drawn nodes (grouped containers map to their group). */
  const highlightDrawn = computed(() => {
    const l = layout.value
    if (!l) return []
    const out: string[] = []
    for (const id of highlight.value) {
      const r = resolveNodeId(l, id, drawnIds.value)
      if (r && out[out.length - 1] !== r) out.push(r)
    }
    return out
  })

  // Typing a search replaces an old highlight: dimmed search results would read as "not found".
  watch(search, (q) => {
    if (q) clearHighlight()
  })

  // A new host starts with a clean view.
  watch(
    () => snapshots.hostId,
    () => {
      search.value = ''
      network.value = null
      runtime.value = null
      expanded.value = new Set()
      collapsed.value = new Set()
      selectedId.value = null
      highlight.value = []
    }
  )

  function toggleLane(laneId: string, grouped: boolean): void {
    const e = new Set(expanded.value)
    const c = new Set(collapsed.value)
    if (grouped) {
      c.delete(laneId)
      e.add(laneId)
    } else {
      e.delete(laneId)
      c.add(laneId)
    }
    expanded.value = e
    collapsed.value = c
  }

  function openGroup(groupId: string): void {
    toggleLane(groupId.replace(/^group:/, ''), true)
  }

  function select(id: string | null): void {
    selectedId.value = id
  }

  /** Highlights ids and, when one is hidden inside a group, opens that group so the path is visible. */
  function setHighlight(ids: string[], label = ''): void {
    highlight.value = ids
    highlightLabel.value = label
    const l = layout.value
    if (!l) return
    const lanes = new Set<string>()
    for (const id of ids) {
      const alias = l.aliases[id]
      if (alias?.startsWith('group:')) lanes.add(alias.slice('group:'.length))
    }
    if (lanes.size) {
      const e = new Set(expanded.value)
      const c = new Set(collapsed.value)
      lanes.forEach((lane) => {
        e.add(lane)
        c.delete(lane)
      })
      expanded.value = e
      collapsed.value = c
    }
    if (search.value) search.value = ''
    highlight.value = ids
    highlightLabel.value = label
  }

  function clearHighlight(): void {
    highlight.value = []
    highlightLabel.value = ''
  }

  return {
    search,
    network,
    runtime,
    expanded,
    collapsed,
    selectedId,
    highlight,
    highlightLabel,
    liveRates,
    legendOpen,
    searchFocusTick,
    focusSearch,
    layout,
    selectedNode,
    highlightDrawn,
    toggleLane,
    openGroup,
    select,
    setHighlight,
    clearHighlight
  }
})
