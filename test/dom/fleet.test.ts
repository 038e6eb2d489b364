/**
 * The Fleet view and store (happy-dom, mocked API): the ways to fill it, the sortable table, rows
 * that open their host, failed rows with class and remedy, the findings across hosts, Chinese.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import type { FleetHostSummary, FleetReport, ScenarioSummary } from '@shared/api/types'
import { api, answer, emit, failWith } from './support/mock-api'
import { freshAppEachTest } from './support/fresh-app'

vi.mock('@renderer/api', async () => (await import('./support/mock-api')).mockModule)

const { i18n } = await import('@renderer/i18n')
const FleetView = (await import('@renderer/views/FleetView.vue')).default
const { useFleetStore, sortHosts, parseAliases } = await import('@renderer/stores/fleet')
const { useHostsStore } = await import('@renderer/stores/hosts')
const { useRouterStore } = await import('@renderer/stores/router')

const L = (en: string, zh: string) => ({ en, 'zh-CN': zh })

function row(label: string, extra: Partial<FleetHostSummary> = {}): FleetHostSummary {
  return {
    id: `ssh:${label}`,
    label,
    state: 'ok',
    error: null,
    hostname: label,
    capturedAt: '2026-11-28T00:00:00Z',
    captureMs: 1500,
    startedAt: 0,
    endedAt: 1500,
    dockerVersion: '20.10.24+dfsg1',
    iptablesBackend: 'nf_tables',
    containersRunning: 3,
    containersTotal: 4,
    conntrackFillPct: 1.5,
    findings: { critical: 0, warning: 1, info: 0 },
    incomplete: [],
    ...extra
  }
}

const REPORT: FleetReport = {
  hosts: [
    row('web-1', { findings: { critical: 2, warning: 0, info: 0 }, conntrackFillPct: 91.2 }),
    row('db-1', { captureMs: 4200 }),
    row('gone', {
      state: 'unreachable',
      error: {
        code: 'connection-refused',
        message: '127.0.0.1 refused the connection on port 2222.',
        remedy: 'Check that sshd runs.'
      },
      hostname: null,
      captureMs: 10,
      dockerVersion: null,
      iptablesBackend: null,
      containersRunning: null,
      containersTotal: null,
      conntrackFillPct: null,
      findings: null
    }),
    row('partial-1', { state: 'partial', incomplete: ['docker.containers: permission-denied'] })
  ],
  findings: [
    {
      id: 'fleet-overlay-vni-mismatch',
      severity: 'critical',
      title: L(
        'Overlay appnet uses different VNIs on different hosts',
        'overlay 网络 appnet 在不同主机上的 VNI 不一样'
      ),
      explanation: L('VNI 4097: web-1; VNI 4098: db-1.', 'VNI 4097：web-1；VNI 4098：db-1。'),
      objects: [{ kind: 'network', id: 'appnet' }],
      evidence: [
        { label: 'web-1: ip -d link', raw: '{"id":4097}' },
        { label: 'db-1: ip -d link', raw: '{"id":4098}' }
      ],
      fix: "docker network inspect appnet --format '{{.Id}}'",
      hosts: ['web-1', 'db-1']
    }
  ],
  overlays: []
}

const SCENARIOS: ScenarioSummary[] = [
  {
    id: 'nat-mode',
    title: L('NAT', 'NAT'),
    description: L('', ''),
    lesson: null,
    hosts: ['host1'],
    source: 'sim:nat-mode',
    origin: 'builtin'
  },
  {
    id: 'overlay-fleet-broken',
    title: L('Fleet exercise', '主机组练习'),
    description: L('', ''),
    lesson: null,
    source: 'sim:overlay-fleet-broken',
    origin: 'builtin',
    hosts: ['node1', 'node2', 'node3']
  }
]

const fresh = freshAppEachTest()
beforeEach(() => {
  answer('listScenarios', SCENARIOS)
})

const mountView = () =>
  mount(FleetView, {
    global: {
      plugins: [fresh.pinia(), i18n],
      stubs: { FleetOverlayChart: { template: '<div data-testid="fleet-overlay" />' } }
    }
  })
const labels = (w: ReturnType<typeof mountView>) => w.findAll('[data-testid=fleet-row] .name').map((n) => n.text())

describe('Fleet store helpers', () => {
  it('reads aliases separated by spaces, commas and lines', () => {
    expect(parseAliases(' prod-1, prod-2\nadmin@db-3;prod-1  ')).toEqual(['prod-1', 'prod-2', 'admin@db-3'])
  })

  it('sorts by any column, unknown values last in both directions, ties in input order', () => {
    const hosts = REPORT.hosts
    expect(sortHosts(hosts, 'label', false).map((h) => h.label)).toEqual(['db-1', 'gone', 'partial-1', 'web-1'])
    expect(sortHosts(hosts, 'conntrack', true).map((h) => h.label)).toEqual(['web-1', 'db-1', 'partial-1', 'gone'])
    expect(sortHosts(hosts, 'conntrack', false).map((h) => h.label)).toEqual(['db-1', 'partial-1', 'web-1', 'gone'])
    expect(sortHosts(hosts, 'state', false).map((h) => h.state)).toEqual(['unreachable', 'partial', 'ok', 'ok'])
    expect(sortHosts(hosts, 'findings', true)[0].label).toBe('web-1')
  })
})

describe('FleetView', () => {
  it('captures the SSH aliases typed in, in parallel, and shows a row per host', async () => {
    answer('fleetCapture', REPORT)
    const w = mountView()
    await flushPromises()
    await w.find('[data-testid=fleet-aliases]').setValue('web-1 db-1, gone partial-1')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(api.fleetCapture).toHaveBeenCalledWith({
      hostIds: ['ssh:web-1', 'ssh:db-1', 'ssh:gone', 'ssh:partial-1'],
      parallel: 8
    })
    expect(labels(w)).toEqual(['db-1', 'gone', 'partial-1', 'web-1'])
    expect(w.find('[data-testid=fleet-summary]').text()).toBe('4 hosts · 2 ok · 1 partial · 1 not captured')
    const web = w.find('[data-host-id="ssh:web-1"]')
    expect(web.text()).toContain('3/4')
    expect(web.text()).toContain('91.2%')
    expect(web.find('.badge.critical').text()).toBe('2')
    const gone = w.find('[data-host-id="ssh:gone"]')
    expect(gone.text()).toContain('connection-refused')
    expect(gone.text()).toContain('Check that sshd runs.')
    expect(w.find('[data-host-id="ssh:partial-1"]').text()).toContain('docker.containers: permission-denied')
  })

  it('sorts when a column heading is clicked, and back the other way on a second click', async () => {
    answer('fleetCapture', REPORT)
    const w = mountView()
    await useFleetStore().captureAliases('x')
    await flushPromises()
    await w.find('th[data-sort=captureMs] button').trigger('click')
    expect(labels(w)).toEqual(['db-1', 'web-1', 'partial-1', 'gone'])
    expect(w.find('th[data-sort=captureMs]').attributes('aria-sort')).toBe('descending')
    await w.find('th[data-sort=captureMs] button').trigger('click')
    expect(labels(w)).toEqual(['gone', 'web-1', 'partial-1', 'db-1'])
  })

  it('opens a captured host on click, but not one that failed', async () => {
    answer('fleetCapture', REPORT)
    const w = mountView()
    await useFleetStore().captureAliases('x')
    await flushPromises()
    useRouterStore().go('fleet')
    await w.find('[data-host-id="ssh:gone"]').trigger('click')
    expect(useRouterStore().view).toBe('fleet')
    await w.find('[data-host-id="ssh:db-1"]').trigger('click')
    await flushPromises()
    expect(useHostsStore().selectedId).toBe('ssh:db-1')
    expect(useRouterStore().view).toBe('topology')
  })

  it('shows the findings across hosts with the hosts, evidence from each, and a fix it never runs', async () => {
    answer('fleetCapture', REPORT)
    const w = mountView()
    await useFleetStore().captureAliases('x')
    await flushPromises()
    const f = w.find('[data-testid=fleet-finding]')
    expect(f.attributes('data-finding-id')).toBe('fleet-overlay-vni-mismatch')
    expect(f.findAll('.hosts .badge').map((b) => b.text())).toEqual(['web-1', 'db-1'])
    expect(f.text()).toContain('web-1: ip -d link')
    expect(f.text()).toContain('db-1: ip -d link')
    expect(f.text()).toContain('NetLens never runs this command')
  })

  it('opens a training fleet, several files, and a folder', async () => {
    answer('fleetCapture', REPORT)
    answer('fleetOpenFiles', REPORT)
    answer('fleetOpenFolder', REPORT)
    const w = mountView()
    await flushPromises()
    const options = w.findAll('[data-testid=fleet-scenario] option')
    expect(options.map((o) => o.attributes('value'))).toEqual(['overlay-fleet-broken'])
    await w.find('[data-testid=fleet-open-scenario]').trigger('click')
    await flushPromises()
    expect(api.fleetCapture).toHaveBeenLastCalledWith({ hostIds: ['sim:overlay-fleet-broken'], parallel: 8 })
    const store = useFleetStore()
    await store.openFiles([
      { name: 'a.cap', content: 'x' },
      { name: 'b.cap', content: 'y' }
    ])
    expect(api.fleetOpenFiles).toHaveBeenCalledWith({
      files: [
        { name: 'a.cap', content: 'x' },
        { name: 'b.cap', content: 'y' }
      ]
    })
    await w.find('[data-testid=fleet-folder]').setValue(' /srv/captures ')
    await w.findAll('form')[1].trigger('submit')
    await flushPromises()
    expect(api.fleetOpenFolder).toHaveBeenCalledWith({ path: '/srv/captures' })
  })

  it('shows why a fleet call failed', async () => {
    failWith('fleetOpenFolder', {
      code: 'not-found',
      message: '/nope holds no capture files.',
      remedy: 'Write them with netlens capture.'
    })
    const w = mountView()
    await useFleetStore().openFolder('/nope')
    await flushPromises()
    expect(w.find('[role=alert]').text()).toContain('/nope holds no capture files.')
  })

  it('shows hosts the fleet captured as captured (or failed) in the sidebar, not as capturing forever', () => {
    const hosts = useHostsStore()
    hosts.subscribe()
    emit('captureProgress', { hostId: 'ssh:a', phase: 'started', done: 0, total: 0 })
    emit('captureProgress', { hostId: 'ssh:b', phase: 'started', done: 0, total: 0 })
    emit('captureProgress', { hostId: 'ssh:c', phase: 'started', done: 0, total: 0 })
    expect(hosts.status['ssh:a']).toBe('connecting')
    emit('captureProgress', { hostId: 'ssh:a', phase: 'done', done: 1, total: 1 })
    emit('captureProgress', { hostId: 'ssh:b', phase: 'failed', done: 0, total: 0, message: 'refused' })
    emit('captureProgress', { hostId: 'ssh:c', phase: 'cancelled', done: 0, total: 0 })
    expect([hosts.status['ssh:a'], hosts.status['ssh:b'], hosts.status['ssh:c']]).toEqual([
      'connected',
      'error',
      'idle'
    ])
    hosts.unsubscribe()
  })

  it('speaks Chinese', async () => {
    i18n.global.locale.value = 'zh-CN'
    answer('fleetCapture', REPORT)
    const w = mountView()
    await useFleetStore().captureAliases('x')
    await flushPromises()
    expect(w.find('[data-testid=fleet-summary]').text()).toBe('共 4 台 · 正常 2 · 部分 1 · 未采集 1')
    expect(w.find('th[data-sort=label]').text()).toBe('主机 ▲')
    expect(w.find('[data-host-id="ssh:gone"] .badge').text()).toBe('连不上')
    expect(w.find('[data-testid=fleet-finding] strong').text()).toBe('overlay 网络 appnet 在不同主机上的 VNI 不一样')
  })
})
