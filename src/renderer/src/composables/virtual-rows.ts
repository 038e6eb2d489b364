/**
 * The virtualized tables (conntrack, packets): only the rows in view exist in the DOM, so a
 * quarter of a million entries scroll smoothly. `scroller` is the template ref of the scrolling
 * element (class `vtable-scroller`); size its inner box to `total` and place each of `items` at
 * its `start`. The look of the table lives in styles.css (`.vtable*`).
 */
import { computed, type Ref } from 'vue'
import { useVirtualizer } from '@tanstack/vue-virtual'

export interface VirtualRowsGeometry {
  /** Every row's height in pixels. */
  rowHeight: number
  /** Rows rendered beyond each edge, so a fast scroll shows no blank band. */
  overscan: number
  /** The viewport guessed before the first layout (and in tests without layout). */
  initialHeight: number
}

/** `count` is read reactively: a new row count resizes the scroll area. */
export function useVirtualRows(scroller: Ref<HTMLElement | null>, count: () => number, geometry: VirtualRowsGeometry) {
  const virtualizer = useVirtualizer(
    computed(() => ({
      count: count(),
      getScrollElement: () => scroller.value,
      estimateSize: () => geometry.rowHeight,
      overscan: geometry.overscan,
      initialRect: { width: 900, height: geometry.initialHeight }
    }))
  )
  const items = computed(() => virtualizer.value.getVirtualItems())
  const total = computed(() => virtualizer.value.getTotalSize())
  return { virtualizer, items, total }
}
