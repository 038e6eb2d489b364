import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { api, answer } from './support/mock-api'
import { freshAppEachTest } from './support/fresh-app'
import { generateSnapshot } from '../unit/renderer/support/generate-snapshot'

vi.mock('@renderer/api', async () => (await import('./support/mock-api')).mockModule)
// Canvas charts do not run in happy-dom; the e2e tier renders them in Chromium.
vi.mock('@renderer/components/TopologyChart.vue', () => ({
  default: { name: 'TopologyChart', template: '<div data-testid="topology-chart-stub"></div>' }
}))

const App = (await import('@renderer/App.vue')).default
const { useHostsStore } = await import('@renderer/stores/hosts')
const { useTopologyStore } = await import('@renderer/stores/topology')

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
  }
}

const fresh = freshAppEachTest()
describe('App', () => {
  it('starts on the training host, switches views by keyboard and language by the menu', async () => {
    answer('listHosts', [
      { id: 'sim:basics', kind: 'training', label: 'Basics', sudo: false },
      { id: 'local', kind: 'local', label: 'Local', sudo: false }
    ])
    answer('captureHost', generateSnapshot({ containers: 3 }))
    const w = mount(App, { attachTo: document.body, ...fresh.mountOptions() })
    await settle()
    expect(useHostsStore().selectedId).toBe('sim:basics')
    expect(w.find('main').attributes('data-view')).toBe('training')

    window.dispatchEvent(new KeyboardEvent('keydown', { key: '2', code: 'Digit2', altKey: true }))
    await settle()
    expect(w.find('main').attributes('data-view')).toBe('nat')
    // The view is a lazily imported component: on a loaded machine its first import takes seconds.
    await vi.waitFor(() => expect(w.find('[data-testid=view-nat]').exists()).toBe(true), { timeout: 30_000 })

    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true }))
    await settle()
    expect(w.find('main').attributes('data-view')).toBe('topology')
    expect(useTopologyStore().searchFocusTick).toBe(1)

    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', altKey: true }))
    await settle()
    expect(useHostsStore().selectedId).toBe('local')

    await w.find('[data-testid=language]').setValue('zh-CN')
    await settle()
    expect(api.setPreferences).toHaveBeenCalledWith({ locale: 'zh-CN' })
    expect(w.find('header').text()).toContain('拓扑')

    window.dispatchEvent(new KeyboardEvent('keydown', { key: '?' }))
    await settle()
    expect(w.find('[role=dialog]').text()).toContain('快捷键')
    w.unmount()
  })
})
