/**
 * A tiny hash router: six views, `#/<view>`. vue-router is not needed for six static screens;
 * this keeps the current view reactive, bookmarkable, and testable without a browser history.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'

export const VIEWS = ['topology', 'nat', 'traffic', 'diagnose', 'training', 'packets', 'fleet'] as const
export type ViewName = (typeof VIEWS)[number]

export function parseHash(hash: string): ViewName | null {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0]
  return (VIEWS as readonly string[]).includes(name) ? (name as ViewName) : null
}

export const useRouterStore = defineStore('router', () => {
  const view = ref<ViewName>(parseHash(typeof location !== 'undefined' ? location.hash : '') ?? 'topology')

  function go(next: ViewName | string): void {
    const target = parseHash(`#/${next}`)
    if (!target) return
    view.value = target
    if (typeof location !== 'undefined' && location.hash !== `#/${target}`)
      history.replaceState(null, '', `#/${target}`)
  }

  function onHashChange(): void {
    const target = parseHash(location.hash)
    if (target) view.value = target
  }

  function start(): () => void {
    window.addEventListener('hashchange', onHashChange)
    return () => window.removeEventListener('hashchange', onHashChange)
  }

  return { view, go, start }
})
