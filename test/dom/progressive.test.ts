/**
 * Time to first insight: while a host with a large conntrack table is captured, the backend pushes
 * its snapshot without conntrack entries (snapshotPartial) and the UI shows the wiring at once; the
 * conntrack tab says the table is being read until captureHost answers the whole snapshot. Order of
 * events only, no timing.
 */
import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { api, answer, emit } from './support/mock-api'
import { freshAppEachTest } from './support/fresh-app'
import { generateSnapshot } from '../unit/renderer/support/generate-snapshot'
import type { CaptureProgress, HostEntry } from '@shared/api/types'
import type { Result } from '@shared/result'
import type { Snapshot } from '@shared/snapshot/schema'

vi.mock('@renderer/api', async () => (await import('./support/mock-api')).mockModule)

const { useHostsStore } = await import('@renderer/stores/hosts')
const { useSnapshotStore } = await import('@renderer/stores/snapshot')
const { useTopologyStore } = await import('@renderer/stores/topology')
const { useNatStore } = await import('@renderer/stores/nat')
const { default: NatView } = await import('@renderer/views/NatView.vue')
const { i18n } = await import('@renderer/i18n')
const { default: CaptureProgressBar } = await import('@renderer/components/CaptureProgressBar.vue')

const HOSTS: HostEntry[] = [{ id: 'ssh:web', kind: 'ssh', label: 'web', sudo: false, origin: 'ssh-config' }]
const whole = generateSnapshot({ containers: 8, conntrack: 3000 })
const partial: Snapshot = { ...whole, conntrack: { ...whole.conntrack, entries: [] } }

const fresh = freshAppEachTest()
/** captureHost answers only when the test says so. */
function heldCapture(): { release(result: Result<Snapshot>): void } {
  let release: (result: Result<Snapshot>) => void = () => undefined
  vi.mocked(api.captureHost).mockImplementation(() => new Promise<Result<Snapshot>>((resolve) => (release = resolve)))
  return { release: (result) => release(result) }
}

async function connecting(): Promise<ReturnType<typeof useHostsStore>> {
  answer('listHosts', HOSTS)
  const hosts = useHostsStore()
  await hosts.load()
  hosts.subscribe()
  void hosts.select('ssh:web')
  await flushPromises()
  expect(api.captureHost).toHaveBeenCalledWith({ hostId: 'ssh:web' })
  expect(hosts.status['ssh:web']).toBe('connecting')
  return hosts
}

describe('progressive topology', () => {
  it('shows the wiring from the partial snapshot, then the conntrack table from the whole one', async () => {
    const capture = heldCapture()
    const hosts = await connecting()
    const snapshots = useSnapshotStore()
    const topology = useTopologyStore()
    const nat = useNatStore()
    nat.tab = 'conntrack'
    const view = mount(NatView, fresh.mountOptions())
    await flushPromises()
    expect(topology.layout).toBeNull()

    // 1. The partial snapshot arrives while the capture is still running.
    emit('snapshotPartial', { hostId: 'ssh:web', snapshot: partial, pending: ['conntrack'] })
    await flushPromises()
    expect(hosts.status['ssh:web']).toBe('connecting')
    expect(snapshots.current).toBe(partial)
    expect(snapshots.currentPending).toEqual(['conntrack'])
    const containerNodes = topology.layout!.nodes.filter((n) => n.kind === 'container' || n.kind === 'group')
    expect(containerNodes.length).toBeGreaterThan(0)
    expect(view.find('[data-testid=conntrack-pending]').text()).toBe('Reading the conntrack table (3,000 connections)…')
    // Counts never say 0 for a table that is still being read: no "0 of 0 connections", the tab says "…".
    expect(view.find('[data-testid=ct-count]').exists()).toBe(false)
    expect(view.find('[data-tab=conntrack] [data-testid=tab-count]').text()).toBe('…')

    // 2. The whole snapshot replaces it.
    capture.release({ ok: true, value: whole })
    await flushPromises()
    expect(hosts.status['ssh:web']).toBe('connected')
    expect(snapshots.current).toStrictEqual(whole)
    expect(snapshots.currentPending).toEqual([])
    expect(view.find('[data-testid=conntrack-pending]').exists()).toBe(false)
    expect(view.find('[data-testid=ct-count]').text()).toContain('3,000')
    expect(view.find('[data-tab=conntrack] [data-testid=tab-count]').text()).toBe('3,000')
  })

  it('says so in Chinese too', async () => {
    heldCapture()
    await connecting()
    i18n.global.locale.value = 'zh-CN'
    useNatStore().tab = 'conntrack'
    const view = mount(NatView, fresh.mountOptions())
    emit('snapshotPartial', { hostId: 'ssh:web', snapshot: partial, pending: ['conntrack'] })
    await flushPromises()
    expect(view.find('[data-testid=conntrack-pending]').text()).toBe('正在读取连接跟踪表（3,000 条连接）…')
  })

  it('shows the streamed topology while the host is still read: rules, ports and conntrack say so (en, zh-CN)', async () => {
    // What the probe's topology sections give (capture-stream.ts): no rules, ports or conntrack yet.
    const streamed: Snapshot = {
      ...whole,
      nat: { ...whole.nat, rules: [] },
      publishedPorts: [],
      conntrack: { total: 0, max: 0, truncated: false, entries: [] }
    }
    const capture = heldCapture()
    await connecting()
    const snapshots = useSnapshotStore()
    const nat = useNatStore()
    nat.tab = 'rules'
    const view = mount(NatView, fresh.mountOptions())
    emit('snapshotPartial', { hostId: 'ssh:web', snapshot: streamed, pending: ['netfilter', 'conntrack'] })
    await flushPromises()
    expect(snapshots.current).toBe(streamed)
    expect(useTopologyStore().layout!.nodes.some((n) => n.kind === 'container' || n.kind === 'group')).toBe(true)
    // No count reads 0 for what is still being read, and no tab says there is nothing.
    for (const tab of ['rules', 'ports', 'conntrack'])
      expect(view.find(`[data-tab=${tab}] [data-testid=tab-count]`).text()).toBe('…')
    /** The tab's waiting text, in the given language. */
    const waiting = async (tab: 'rules' | 'ports' | 'conntrack', locale: 'en' | 'zh-CN'): Promise<string> => {
      nat.tab = tab
      i18n.global.locale.value = locale
      await flushPromises()
      return view.find(`[data-testid=${tab}-pending]`).text()
    }
    expect(await waiting('rules', 'en')).toBe('Reading the NAT rules…')
    // The owner filters of the rules tab do not count the rules not read yet either.
    expect(new Set(view.findAll('[data-testid=owner-count]').map((c) => c.text()))).toEqual(new Set(['…']))
    expect(await waiting('ports', 'en')).toBe("Reading the published ports' rules and listeners…")
    expect(await waiting('conntrack', 'en')).toBe('Reading the conntrack table…')
    expect(await waiting('conntrack', 'zh-CN')).toBe('正在读取连接跟踪表…')
    expect(await waiting('rules', 'zh-CN')).toBe('正在读取 NAT 规则…')
    expect(await waiting('ports', 'zh-CN')).toBe('正在读取端口映射的规则和监听…')

    // The whole snapshot fills them in.
    i18n.global.locale.value = 'en'
    capture.release({ ok: true, value: whole })
    await flushPromises()
    expect(snapshots.currentPending).toEqual([])
    expect(view.find('[data-testid=rules-pending]').exists()).toBe(false)
    expect(view.find('[data-tab=rules] [data-testid=tab-count]').text()).toBe(String(whole.nat.rules.length))
    nat.tab = 'rules'
    await flushPromises()
    expect(view.find('[data-owner=all] [data-testid=owner-count]').text()).toBe(String(whole.nat.rules.length))
  })

  it('ignores a partial snapshot that arrives after the capture answered', async () => {
    const capture = heldCapture()
    await connecting()
    capture.release({ ok: true, value: whole })
    await flushPromises()
    emit('snapshotPartial', { hostId: 'ssh:web', snapshot: partial, pending: ['conntrack'] })
    expect(useSnapshotStore().current).toStrictEqual(whole)
    expect(useSnapshotStore().currentPending).toEqual([])
  })

  it('drops the partial snapshot when the capture fails, and shows the last whole one again', async () => {
    const capture = heldCapture()
    const hosts = await connecting()
    const snapshots = useSnapshotStore()
    emit('snapshotPartial', { hostId: 'ssh:web', snapshot: partial, pending: ['conntrack'] })
    expect(snapshots.current).toBe(partial)
    const previous = generateSnapshot({ containers: 2, conntrack: 10 })
    answer('getSnapshot', previous)
    capture.release({ ok: false, error: { code: 'unreachable', message: 'Connection reset' } })
    await flushPromises()
    expect(hosts.status['ssh:web']).toBe('error')
    expect(snapshots.currentPending).toEqual([])
    expect(snapshots.current).toStrictEqual(previous)
  })
})

/**
 * The capture progress under a host in the sidebar: a count only when there is one ("0 of 0" said
 * nothing while a capture had only started), and no dangling separator when no section is named.
 */
describe('capture progress', () => {
  function labelFor(progress: CaptureProgress, locale: 'en' | 'zh-CN' = 'en'): string {
    i18n.global.locale.value = locale
    useHostsStore().progress[progress.hostId] = progress
    const bar = mount(CaptureProgressBar, { props: { hostId: progress.hostId }, ...fresh.mountOptions() })
    return bar.find('.label').exists() ? bar.find('.label').text() : ''
  }

  it('says no count while the capture has only started', () => {
    expect(labelFor({ hostId: 'h', phase: 'started', done: 0, total: 0 })).toBe('')
    expect(labelFor({ hostId: 'h', phase: 'started', done: 0, total: 0 }, 'zh-CN')).toBe('')
  })

  it('counts sections, with the section named when there is one', () => {
    expect(labelFor({ hostId: 'h', phase: 'section', done: 3, total: 10, section: 'iptables' })).toBe(
      '3 of 10 · iptables'
    )
    expect(labelFor({ hostId: 'h', phase: 'section', done: 3, total: 10 })).toBe('3 of 10')
    expect(labelFor({ hostId: 'h', phase: 'section', done: 3, total: 10 }, 'zh-CN')).toBe('3/10')
  })

  it('says the snapshot is being built while parsing', () => {
    expect(labelFor({ hostId: 'h', phase: 'parsing', done: 10, total: 10 })).toBe('Building the snapshot…')
  })
})
