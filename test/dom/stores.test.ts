import { describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { flushPromises } from '@vue/test-utils'
import { api, answer, emit, failWith } from './support/mock-api'
import { freshAppEachTest } from './support/fresh-app'
import { generateSnapshot } from '../unit/renderer/support/generate-snapshot'
import type { HostEntry } from '@shared/api/types'
import { interfaceRate } from '../support/rates'

vi.mock('@renderer/api', async () => (await import('./support/mock-api')).mockModule)

const { useHostsStore } = await import('@renderer/stores/hosts')
const { useSnapshotStore } = await import('@renderer/stores/snapshot')
const { usePreferencesStore } = await import('@renderer/stores/preferences')
const { useTopologyStore } = await import('@renderer/stores/topology')
const { useTrafficStore } = await import('@renderer/stores/traffic')
const { useNatStore } = await import('@renderer/stores/nat')
const { useDiagnoseStore } = await import('@renderer/stores/diagnose')
const { useTrainingStore } = await import('@renderer/stores/training')
const { useRouterStore } = await import('@renderer/stores/router')
const { bootstrap } = await import('@renderer/composables/bootstrap')
const { i18n } = await import('@renderer/i18n')

const HOSTS: HostEntry[] = [
  { id: 'local', kind: 'local', label: 'Local', sudo: false },
  { id: 'sim:basics', kind: 'training', label: 'Basics', sudo: false },
  { id: 'ssh:web', kind: 'ssh', label: 'web', sudo: false, origin: 'ssh-config' }
]

freshAppEachTest()
describe('hosts store', () => {
  it('groups hosts training first and captures a host without a snapshot on select', async () => {
    answer('listHosts', HOSTS)
    const snap = generateSnapshot({ containers: 3 })
    answer('captureHost', snap)
    const hosts = useHostsStore()
    await hosts.load()
    expect(hosts.grouped.map((g) => g.kind)).toEqual(['training', 'local', 'ssh'])
    await hosts.select('sim:basics')
    expect(api.getSnapshot).toHaveBeenCalledWith({ hostId: 'sim:basics' })
    expect(api.captureHost).toHaveBeenCalledWith({ hostId: 'sim:basics' })
    expect(hosts.status['sim:basics']).toBe('connected')
    expect(useSnapshotStore().current).toStrictEqual(snap)
    expect(usePreferencesStore().prefs.recentHosts[0]).toBe('sim:basics')
  })

  it('keeps the error and its remedy when a capture fails', async () => {
    answer('listHosts', HOSTS)
    failWith('captureHost', {
      code: 'unknown-host-key',
      message: 'Host key of web is unknown',
      remedy: 'ssh-keyscan web'
    })
    const hosts = useHostsStore()
    await hosts.load()
    await hosts.select('ssh:web')
    expect(hosts.status['ssh:web']).toBe('error')
    expect(hosts.errors['ssh:web']?.remedy).toBe('ssh-keyscan web')
  })

  it('follows capture progress and host list pushes', async () => {
    const hosts = useHostsStore()
    hosts.subscribe()
    emit('captureProgress', { hostId: 'local', phase: 'section', section: 'ip-link', done: 2, total: 9 })
    expect(hosts.status.local).toBe('connecting')
    expect(hosts.progress.local?.section).toBe('ip-link')
    emit('hostsChanged', HOSTS)
    expect(hosts.hosts).toHaveLength(3)
  })

  it('opens a file and selects it; steps through hosts', async () => {
    answer('listHosts', HOSTS)
    answer('openFile', { id: 'file:a.json', kind: 'file', label: 'a.json', sudo: false })
    answer('getSnapshot', generateSnapshot({ containers: 1 }))
    const hosts = useHostsStore()
    await hosts.load()
    await hosts.openFile('a.json', '{}')
    expect(api.openFile).toHaveBeenCalledWith({ name: 'a.json', content: '{}' })
    expect(hosts.selectedId).toBe('file:a.json')
    hosts.step(1)
    expect(hosts.selectedId).toBe('sim:basics')
  })
})

describe('startup', () => {
  it('opens the first training host with the lessons when nothing is remembered', async () => {
    answer('listHosts', HOSTS)
    answer('listLessons', [])
    answer('captureHost', generateSnapshot({ containers: 1 }))
    await bootstrap()
    expect(useHostsStore().selectedId).toBe('sim:basics')
    expect(useRouterStore().view).toBe('training')
  })
  it('opens the host of the first lesson on a first start', async () => {
    answer('listHosts', [...HOSTS, { id: 'sim:nat', kind: 'training', label: 'NAT', sudo: false }])
    answer('listLessons', [
      {
        id: 'l',
        scenario: 'nat',
        title: { en: '', 'zh-CN': '' },
        summary: { en: '', 'zh-CN': '' },
        steps: [],
        check: { kind: 'choice', question: { en: '', 'zh-CN': '' }, choices: [] }
      }
    ])
    answer('captureHost', generateSnapshot({ containers: 1 }))
    await bootstrap()
    expect(useHostsStore().selectedId).toBe('sim:nat')
  })
  it('reopens the remembered host and applies language and theme', async () => {
    answer('listHosts', HOSTS)
    answer('getPreferences', {
      locale: 'zh-CN',
      theme: 'dark',
      recentHosts: ['local'],
      lessonProgress: {},
      sampleIntervalS: 1
    })
    answer('getSnapshot', generateSnapshot({ containers: 1 }))
    await bootstrap()
    expect(useHostsStore().selectedId).toBe('local')
    expect(i18n.global.locale.value).toBe('zh-CN')
    expect(document.documentElement.dataset.theme).toBe('dark')
  })
})

describe('topology store', () => {
  it('lays out the snapshot and opens the group hiding a highlighted container', async () => {
    const snapshots = useSnapshotStore()
    snapshots.hostId = 'x'
    snapshots.set('x', generateSnapshot({ containers: 100, bridges: 1, conntrack: 0 }))
    const topology = useTopologyStore()
    expect(topology.layout?.nodes.some((n) => n.kind === 'group')).toBe(true)
    topology.setHighlight(['container:app-0050'], 'trace')
    expect(topology.layout?.nodes.some((n) => n.kind === 'group')).toBe(false)
    expect(topology.highlightDrawn).toEqual(['container:app-0050'])
  })
})

describe('traffic store', () => {
  it('collects samples of the current host, picks the busiest interfaces and pauses', async () => {
    const snapshots = useSnapshotStore()
    snapshots.hostId = 'h'
    const traffic = useTrafficStore()
    await traffic.start()
    expect(api.startSampling).toHaveBeenCalled()
    const rate = (iface: string, rx: number) => interfaceRate({ iface, rxBytesPerS: rx })
    emit('trafficSample', { hostId: 'h', t: 1, intervalS: 1, gapBefore: false, rates: [rate('a', 1), rate('b', 9)] })
    emit('trafficSample', { hostId: 'other', t: 1, intervalS: 1, gapBefore: false, rates: [] })
    expect(traffic.samples).toHaveLength(1)
    expect(traffic.selected[0]).toBe('host/b')
    traffic.togglePause()
    emit('trafficSample', { hostId: 'h', t: 2, intervalS: 1, gapBefore: false, rates: [rate('a', 1)] })
    expect(traffic.samples).toHaveLength(2)
    expect(traffic.shown).toHaveLength(1)
  })
})

describe('nat store', () => {
  it('filters conntrack through the index', () => {
    const snapshots = useSnapshotStore()
    snapshots.hostId = 'x'
    snapshots.set('x', generateSnapshot({ containers: 5, conntrack: 90 }))
    const nat = useNatStore()
    nat.ensureIndex()
    expect(nat.rows.length).toBe(90)
    nat.filter.nat = 'DNAT'
    expect(nat.rows.length).toBe(30)
    nat.showContainer('app-0000')
    expect(nat.tab).toBe('conntrack')
    expect(nat.rows.length).toBeGreaterThan(0)
  })
})

describe('filters belong to one host', () => {
  it('a new host starts with no conntrack filter, owner filter, sort or trace endpoints', async () => {
    const snapshots = useSnapshotStore()
    snapshots.hostId = 'x'
    snapshots.set('x', generateSnapshot({ containers: 5, conntrack: 90 }))
    const nat = useNatStore()
    const diagnose = useDiagnoseStore()
    nat.ensureIndex()
    nat.filter.nat = 'DNAT'
    nat.filter.text = '203.0'
    nat.filter.proto = 'tcp'
    nat.owner = 'user'
    nat.sortBy('original')
    nat.hideLocal = false
    diagnose.traceFrom = 'app-0000'
    diagnose.traceTo = '203.0.113.10:443'
    expect(nat.activeConntrackFilters.map((f) => f.field)).toEqual(['proto', 'nat', 'text'])
    snapshots.hostId = 'y'
    await nextTick()
    expect(nat.activeConntrackFilters).toEqual([])
    expect(nat.filter).toEqual({ container: null, proto: null, state: null, nat: 'any', text: '' })
    expect(nat.owner).toBe('all')
    expect(nat.sort).toBeNull()
    expect(nat.hideLocal).toBe(true)
    expect(diagnose.traceFrom).toBe('')
    expect(diagnose.traceTo).toBe('')
  })

  it('"Its connections" replaces the filters instead of adding one to the previous ones', () => {
    const snapshots = useSnapshotStore()
    snapshots.hostId = 'x'
    snapshots.set('x', generateSnapshot({ containers: 5, conntrack: 90 }))
    const nat = useNatStore()
    nat.ensureIndex()
    nat.filter.nat = 'SNAT'
    nat.showContainer('app-0001')
    expect(nat.activeConntrackFilters).toEqual([{ field: 'container', value: 'app-0001' }])
  })

  it('sorts by a column, then backwards, then back to capture order', () => {
    const snapshots = useSnapshotStore()
    snapshots.hostId = 'x'
    snapshots.set('x', generateSnapshot({ containers: 5, conntrack: 90 }))
    const nat = useNatStore()
    nat.ensureIndex()
    const captured = [...nat.rows]
    nat.sortBy('proto')
    expect(nat.sort).toEqual({ column: 'proto', descending: false })
    expect([...nat.rows]).not.toEqual(captured)
    nat.sortBy('proto')
    expect(nat.sort).toEqual({ column: 'proto', descending: true })
    nat.sortBy('proto')
    expect(nat.sort).toBeNull()
    expect([...nat.rows]).toEqual(captured)
  })
})

describe('diagnose store', () => {
  it('loads findings once per snapshot version and reloads after a new capture', async () => {
    const snapshots = useSnapshotStore()
    snapshots.hostId = 'x'
    snapshots.set('x', generateSnapshot({ containers: 1 }))
    const d = useDiagnoseStore()
    await d.load()
    await d.load()
    expect(api.diagnose).toHaveBeenCalledTimes(1)
    snapshots.set('x', generateSnapshot({ containers: 2 }))
    await Promise.resolve()
    await d.load()
    expect(api.diagnose).toHaveBeenCalledTimes(2)
  })
})

describe('training store', () => {
  const lesson = {
    id: 'l1',
    scenario: 'basics',
    title: { en: 'L', 'zh-CN': 'L' },
    summary: { en: '', 'zh-CN': '' },
    steps: [
      { id: 'a', text: { en: 'A', 'zh-CN': 'A' }, view: 'topology' },
      { id: 'b', text: { en: 'B', 'zh-CN': 'B' }, view: 'nat', tab: 'conntrack' }
    ],
    check: { kind: 'choice', question: { en: 'Q', 'zh-CN': 'Q' }, choices: [{ en: '1', 'zh-CN': '1' }, { en: '2', 'zh-CN': '2' }] }
  }

  it('marks a step done when its target is on screen on the lesson host, not on Next', async () => {
    answer('listLessons', [lesson])
    answer('listHosts', [{ id: 'sim:basics', kind: 'training', label: 'Basics', sudo: false }])
    answer('captureHost', generateSnapshot({ containers: 1 }))
    const tr = useTrainingStore()
    const hosts = useHostsStore()
    const router = useRouterStore()
    const nat = useNatStore()
    await hosts.load()
    await tr.load()
    router.go('training')
    tr.open('l1')
    tr.next()
    await flushPromises()
    expect(tr.isDone('l1', 'a')).toBe(false)
    expect(api.setPreferences).not.toHaveBeenCalledWith(expect.objectContaining({ lessonProgress: expect.anything() }))
    // Step b is about NAT → Connections on the lesson host: the NAT rules tab is not it.
    await hosts.select('sim:basics')
    nat.tab = 'rules'
    router.go('nat')
    await flushPromises()
    expect(tr.isDone('l1', 'b')).toBe(false)
    nat.tab = 'conntrack'
    await flushPromises()
    expect(tr.isDone('l1', 'b')).toBe(true)
    expect(tr.isDone('l1', 'a')).toBe(false)
  })

  it('grades, keeps the answer that passed, and shows it when the lesson is opened again', async () => {
    answer('listLessons', [lesson])
    answer('gradeLesson', { lessonId: 'l1', passed: true, explanation: { en: 'ok', 'zh-CN': 'ok' } })
    const tr = useTrainingStore()
    await tr.load()
    tr.open('l1')
    tr.stepIndex = 2
    expect(tr.onCheck).toBe(true)
    tr.answer = 1
    await tr.submit()
    expect(api.gradeLesson).toHaveBeenCalledWith({ lessonId: 'l1', answer: 1 })
    expect(tr.progressOf('l1')).toEqual({ completedSteps: [], passed: true, answer: 1 })
    tr.close()
    tr.open('l1')
    expect(tr.answer).toBe(1)
    await flushPromises()
    expect(tr.grade?.passed).toBe(true)
  })
})
