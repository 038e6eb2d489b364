import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { answer, failWith } from './support/mock-api'
import { freshAppEachTest, showSnapshot } from './support/fresh-app'
import { generateSnapshot } from '../unit/renderer/support/generate-snapshot'
import type { HostEntry } from '@shared/api/types'

vi.mock('@renderer/api', async () => (await import('./support/mock-api')).mockModule)

const { i18n } = await import('@renderer/i18n')
const { useHostsStore } = await import('@renderer/stores/hosts')
const { useTopologyStore } = await import('@renderer/stores/topology')
const { useNatStore } = await import('@renderer/stores/nat')
const HostSidebar = (await import('@renderer/components/HostSidebar.vue')).default
const DetailsPanel = (await import('@renderer/components/DetailsPanel.vue')).default
const NatView = (await import('@renderer/views/NatView.vue')).default
const SnapshotGate = (await import('@renderer/components/SnapshotGate.vue')).default
const TrainingView = (await import('@renderer/views/TrainingView.vue')).default

const XSS = '<img src=x onerror=alert(1)>'
const fresh = freshAppEachTest()
const opts = fresh.mountOptions

function withSnapshot(snapshot = generateSnapshot({ containers: 6, conntrack: 60, firstName: XSS })) {
  return showSnapshot('sim:basics', snapshot, { kind: 'training', label: 'Basics', sudo: false })
}

describe('HostSidebar', () => {
  it('lists hosts by kind and shows an error with its remedy', async () => {
    const list: HostEntry[] = [
      { id: 'sim:basics', kind: 'training', label: 'Basics', sudo: false },
      { id: 'ssh:web', kind: 'ssh', label: 'web', sudo: true, origin: 'manual' }
    ]
    answer('listHosts', list)
    failWith('captureHost', {
      code: 'auth-failed',
      message: 'Permission denied (publickey)',
      remedy: 'ssh-add ~/.ssh/id_ed25519'
    })
    const w = mount(HostSidebar, opts())
    const hosts = useHostsStore()
    await hosts.load()
    await hosts.select('ssh:web')
    await flushPromises()
    expect(w.text()).toContain('Training')
    expect(w.text()).toContain('SSH hosts')
    expect(w.text()).toContain('Permission denied (publickey)')
    expect(w.text()).toContain('ssh-add ~/.ssh/id_ed25519')
    expect(w.find('[data-host-id="ssh:web"] .dot').classes()).toContain('error')
  })

  it("explains a selected host's sudo -n box one click away", async () => {
    answer('listHosts', [{ id: 'ssh:web', kind: 'ssh', label: 'web', sudo: false, origin: 'manual' }])
    answer('captureHost', generateSnapshot({ containers: 1 }))
    const w = mount(HostSidebar, opts())
    const hosts = useHostsStore()
    await hosts.load()
    await hosts.select('ssh:web')
    await flushPromises()
    const hint = w.find('[data-host-id="ssh:web"] [data-testid=sudo-hint]')
    expect(hint.element.tagName).toBe('DETAILS')
    expect(hint.find('summary').text()).toBe('What does this do?')
    expect(hint.text()).toContain('sudo -n never asks for a password')
  })

  it('adds an SSH host by alias with sudo', async () => {
    answer('addSshHost', { id: 'ssh:db', kind: 'ssh', label: 'db', sudo: true, origin: 'manual' })
    answer('captureHost', generateSnapshot({ containers: 1 }))
    const w = mount(HostSidebar, opts())
    await w.find('button.wide').trigger('click')
    await w.find('input[type=text]').setValue('db')
    await w.find('input[type=checkbox]').setValue(true)
    await w.find('form').trigger('submit')
    await flushPromises()
    const { api } = await import('./support/mock-api')
    expect(api.addSshHost).toHaveBeenCalledWith({ alias: 'db', sudo: true })
  })

  it('speaks Chinese', async () => {
    answer('listHosts', [{ id: 'local', kind: 'local', label: 'Local', sudo: false }])
    i18n.global.locale.value = 'zh-CN'
    const w = mount(HostSidebar, opts())
    await useHostsStore().load()
    await flushPromises()
    expect(w.text()).toContain('主机')
    expect(w.text()).toContain('本机')
  })
})

describe('SnapshotGate', () => {
  it('shows empty, loading and error states', async () => {
    const w = mount(SnapshotGate, {
      ...opts(),
      props: { view: 'nat' },
      slots: { default: '<div class="content">ok</div>' }
    })
    // The view's frame: its class and test id from the view's name.
    expect(w.find('[data-testid=view-nat]').classes()).toEqual(['view', 'nat-view'])
    expect(w.find('[data-state=no-host]').exists()).toBe(true)
    const hosts = useHostsStore()
    hosts.selectedId = 'local'
    hosts.status.local = 'connecting'
    await flushPromises()
    expect(w.find('[data-state=loading]').exists()).toBe(true)
    hosts.status.local = 'error'
    hosts.errors.local = { code: 'timeout', message: 'Timed out', remedy: 'Check the network' }
    await flushPromises()
    expect(w.find('[data-state=error]').text()).toContain('Check the network')
  })
})

describe('DetailsPanel', () => {
  it('renders host strings as text, raw output in a pre', async () => {
    const snap = withSnapshot()
    const topology = useTopologyStore()
    const node = topology.layout!.nodes.find((n) => n.kind === 'container' && n.label === XSS)!
    const w = mount(DetailsPanel, { ...opts(), props: { node, snapshot: snap } })
    expect(w.text()).toContain(XSS)
    expect(w.find('img').exists()).toBe(false)
    const veth = topology.layout!.nodes.find((n) => n.kind === 'veth')!
    const w2 = mount(DetailsPanel, { ...opts(), props: { node: veth, snapshot: snap } })
    expect(w2.find('[data-testid=raw-output]').text()).toContain('mtu 1500')
    expect(w2.text()).toContain('Certain: the kernel names this veth’s other end inside the container')
    expect(w2.find('details.raw').attributes('open')).toBeUndefined()
  })

  it('explains a container: mode interface by its owner instead of calling it "not matched"', async () => {
    const snap = generateSnapshot({ containers: 6, conntrack: 10 })
    const [owner, sidecar] = snap.containers
    sidecar.networkMode = `container:${owner.name}`
    sidecar.interfaces = sidecar.interfaces.map((ci) => ({ ...ci, hostVeth: null, bridge: null, evidence: 'none' }))
    withSnapshot(snap)
    const topology = useTopologyStore()
    const node = topology.layout!.nodes.find((n) => n.kind === 'container' && n.label.includes(sidecar.name))!
    const w = mount(DetailsPanel, { ...opts(), props: { node, snapshot: snap } })
    expect(w.text()).toContain(`shares the namespace of ${owner.name}`)
    expect(w.text()).not.toContain('Not matched to a veth')
    // A bridged container still says how its veth was found.
    const other = topology.layout!.nodes.find((n) => n.kind === 'container' && n.label === snap.containers[2].name)!
    const w2 = mount(DetailsPanel, { ...opts(), props: { node: other, snapshot: snap } })
    expect(w2.find('[data-testid=evidence]').exists()).toBe(true)
  })

  it('says a veth found through /proc/<pid>/net/if_inet6 is a likely match (en, zh-CN)', async () => {
    const snap = generateSnapshot({ containers: 6, conntrack: 10 })
    const target = snap.containers[2]
    target.interfaces = target.interfaces.map((ci) => ({ ...ci, evidence: 'proc-if-inet6' }))
    withSnapshot(snap)
    const node = useTopologyStore().layout!.nodes.find((n) => n.kind === 'container' && n.label === target.name)!
    const w = mount(DetailsPanel, { ...opts(), props: { node, snapshot: snap } })
    expect(w.find('[data-testid=evidence]').text()).toBe(
      'Likely: matched by the interface index in the container’s IPv6 address list (/proc/net/if_inet6)'
    )
    i18n.global.locale.value = 'zh-CN'
    const zh = mount(DetailsPanel, { ...opts(), props: { node, snapshot: snap } })
    expect(zh.find('[data-testid=evidence]').text()).toBe('推断：按容器 IPv6 地址列表（/proc/net/if_inet6）里的接口序号匹配')
  })
})

describe('NatView', () => {
  it('lists the -p settings of stopped containers apart from the published ports, labelled (en and zh-CN)', async () => {
    const snap = generateSnapshot({ containers: 6, conntrack: 10, firstName: XSS })
    const stopped = snap.containers.find((c) => c.configuredPorts.length)!
    stopped.state = 'exited'
    snap.publishedPorts = snap.publishedPorts.filter((p) => p.container !== stopped.name)
    withSnapshot(snap)
    const w = mount(NatView, opts())
    await flushPromises()
    await w.find('[data-tab=ports]').trigger('click')
    const published = w.findAll('[data-testid=published-port]').map((r) => r.text())
    expect(published.some((t) => t.includes(stopped.name))).toBe(false)
    const section = w.find('[data-testid=stopped-ports]')
    expect(section.text()).toContain('Configured on stopped containers: not published (1)')
    const row = section.find('[data-testid=stopped-port]')
    expect(row.text()).toContain(`0.0.0.0:${stopped.configuredPorts[0].hostPort}/tcp`)
    expect(row.text()).toContain(stopped.name)
    expect(row.text()).toContain('stopped: exited')
    expect(w.find('img').exists()).toBe(false)
    i18n.global.locale.value = 'zh-CN'
    await flushPromises()
    expect(w.find('[data-testid=stopped-ports]').text()).toContain('已停止容器上配置的端口：未映射（1）')
    expect(w.find('[data-testid=stopped-port]').text()).toContain('已停止：exited')
  })

  it('shows rules with owner badges, published ports and a virtualized conntrack table', async () => {
    withSnapshot(generateSnapshot({ containers: 6, conntrack: 5000, firstName: XSS }))
    const w = mount(NatView, opts())
    await flushPromises()
    expect(w.findAll('[data-testid=nat-rule]')).toHaveLength(3)
    expect(w.find('.badge.docker').text()).toBe('docker')
    await w.find('[data-tab=ports]').trigger('click')
    expect(w.find('[data-testid=published-port]').text()).toContain('0.0.0.0:8080/tcp')
    // The last column names whoever holds the port (docker-proxy, conmon, rootlessport), not Docker's alone.
    const holder = w.findAll('table.ports th').at(-1)!
    expect(holder.text()).toBe('Process holding the port')
    expect(holder.attributes('title')).toContain('conmon')
    await w.find('[data-tab=conntrack]').trigger('click')
    await flushPromises()
    // happy-dom has no layout, so the virtualizer draws no window here (the e2e tier checks the rows);
    // the scroll area is sized for every row while the DOM holds none of the 5,000.
    expect(w.find('[data-testid=conntrack-scroller] > div').attributes('style')).toContain('height: 150000px')
    expect(w.findAll('[data-testid=conntrack-row]').length).toBeLessThan(200)
    expect(w.find('img').exists()).toBe(false)
    useNatStore().filter.nat = 'SNAT'
    await flushPromises()
    expect(w.find('[data-testid=ct-count]').text()).toContain('1,667 of 5,000')
  })
})

describe('TrainingView', () => {
  it('offers the first lesson and walks to the check', async () => {
    answer('listLessons', [
      {
        id: 'l1',
        scenario: 'basics',
        title: { en: 'Follow a veth', 'zh-CN': '顺着 veth 找容器' },
        summary: { en: 'S', 'zh-CN': 'S' },
        steps: [
          {
            id: 'a',
            text: { en: 'Look at docker0', 'zh-CN': '看 docker0' },
            view: 'topology',
            focus: 'bridge:host:docker0'
          }
        ],
        check: {
          kind: 'choice',
          question: { en: 'Which?', 'zh-CN': '哪个？' },
          choices: [
            { en: 'docker0', 'zh-CN': 'docker0' },
            { en: 'eth0', 'zh-CN': 'eth0' }
          ]
        }
      }
    ])
    answer('gradeLesson', {
      lessonId: 'l1',
      passed: false,
      explanation: { en: 'It is docker0.', 'zh-CN': '是 docker0。' }
    })
    const w = mount(TrainingView, opts())
    await flushPromises()
    expect(w.find('.lesson.offered').text()).toContain('Follow a veth')
    await w.find('[data-testid=lesson-start]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid=lesson-step]').text()).toContain('Look at docker0')
    await w.find('[data-testid=lesson-next]').trigger('click')
    await flushPromises()
    await w.findAll('[data-testid=lesson-choice]')[1].setValue(true)
    await w.find('[data-testid=lesson-submit]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid=lesson-grade]').text()).toContain('It is docker0.')
  })
})
