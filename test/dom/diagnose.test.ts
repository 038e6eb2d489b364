import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { api, answer } from './support/mock-api'
import { freshAppEachTest, showSnapshot } from './support/fresh-app'
import { generateSnapshot } from '../unit/renderer/support/generate-snapshot'
import type { Finding, NotChecked, TraceResult } from '@shared/api/types'

vi.mock('@renderer/api', async () => (await import('./support/mock-api')).mockModule)

const { i18n } = await import('@renderer/i18n')
const DiagnoseView = (await import('@renderer/views/DiagnoseView.vue')).default
const { useTopologyStore } = await import('@renderer/stores/topology')
const { useRouterStore } = await import('@renderer/stores/router')

const L = (en: string, zh: string) => ({ en, 'zh-CN': zh })
const FINDINGS: Finding[] = [
  {
    id: 'ip-forward-off',
    severity: 'critical',
    title: L('IP forwarding is off', 'IP 转发未开启'),
    explanation: L('x', 'x'),
    objects: [{ kind: 'container', id: 'app-0000' }],
    evidence: [{ label: 'sysctl', raw: 'net.ipv4.ip_forward = 0' }],
    fix: 'sysctl -w net.ipv4.ip_forward=1'
  },
  {
    id: 'hint',
    severity: 'info',
    title: L('A hint', '提示'),
    explanation: L('y', 'y'),
    objects: [],
    evidence: [],
    fix: null
  }
]
const pkt = (dst: string, dport: number) => ({ src: '198.51.100.7', dst, sport: 40000, dport })
const TRACE: TraceResult = {
  from: 'client',
  to: '192.0.2.10:8080',
  proto: 'tcp',
  verdict: 'delivered',
  reason: L('Reached', '到达'),
  droppedBy: null,
  hops: [
    {
      step: 1,
      kind: 'netfilter',
      where: 'nat PREROUTING',
      nodes: ['host:uplink:eth0'],
      description: L('DNAT', 'DNAT'),
      rule: '-A DOCKER -j DNAT --to-destination 172.17.0.2:80',
      packetBefore: pkt('192.0.2.10', 8080),
      packetAfter: pkt('172.17.0.2', 80)
    },
    {
      step: 2,
      kind: 'deliver',
      where: 'app-0000',
      nodes: ['container:app-0000'],
      description: L('Delivered', '送达'),
      rule: null,
      packetBefore: pkt('172.17.0.2', 80),
      packetAfter: pkt('172.17.0.2', 80)
    }
  ],
  reply: []
}

const fresh = freshAppEachTest()
beforeEach(() => void showSnapshot('sim:x', generateSnapshot({ containers: 4 })))

describe('DiagnoseView', () => {
  it('groups findings by severity, shows evidence and a fix it never runs, links to the topology', async () => {
    answer('diagnose', { findings: FINDINGS, notChecked: [] })
    const w = mount(DiagnoseView, fresh.mountOptions())
    await flushPromises()
    expect(w.findAll('[data-testid=finding]')).toHaveLength(2)
    expect(w.text()).toContain('Critical')
    expect(w.find('[data-testid=fix-command]').text()).toBe('sysctl -w net.ipv4.ip_forward=1')
    expect(w.text()).toContain('NetLens never runs this command')
    expect(w.text()).toContain('net.ipv4.ip_forward = 0')
    await w.find('.objects button').trigger('click')
    expect(useTopologyStore().highlight).toEqual(['container:app-0000'])
    expect(useRouterStore().view).toBe('topology')
  })

  it('steps through a trace showing the rewritten address', async () => {
    answer('trace', TRACE)
    const w = mount(DiagnoseView, fresh.mountOptions())
    await flushPromises()
    await w.find('[data-testid=trace-from]').setValue('client')
    await w.find('[data-testid=trace-to]').setValue('192.0.2.10:8080')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(api.trace).toHaveBeenCalledWith({ hostId: 'sim:x', from: 'client', to: '192.0.2.10:8080' })
    expect(w.find('[data-testid=trace-verdict]').text()).toBe('Delivered')
    const hop = w.find('[data-testid=trace-hop]')
    expect(hop.text()).toContain('Hop 1 of 2')
    expect(hop.find('.rewritten').text()).toBe('172.17.0.2:80')
    await w.find('[data-testid=trace-next]').trigger('click')
    expect(w.find('[data-testid=trace-hop]').text()).toContain('Hop 2 of 2')
    await w.find('[data-testid=trace-stepper] .verdict button').trigger('click')
    expect(useTopologyStore().highlight).toEqual(['host:uplink:eth0', 'container:app-0000'])
  })

  it('says what it could not check, so an empty list on a partial capture is not a clean bill (en and zh-CN)', async () => {
    const denied = (check: string, pid: number): NotChecked => ({
      check,
      reason: L(
        `its addresses were not captured (docker.containers: permission denied; ns/pid:${pid}/ip.addr: not captured)`,
        `没有采集到它的地址（docker.containers：权限不足；ns/pid:${pid}/ip.addr：未采集）`
      ),
      sections: [
        { name: 'docker.containers', state: 'permission-denied' },
        { name: `ns/pid:${pid}/ip.addr`, state: 'absent' }
      ],
      remedy: L('capture as root, or with --sudo (sudo -n)', '以 root 身份采集，或加 --sudo（sudo -n）'),
      object: { kind: 'container', id: `c${pid}` }
    })
    const notChecked: NotChecked[] = [
      {
        check: 'missing-masquerade',
        reason: L('iptables.save: permission denied', 'iptables.save：权限不足'),
        sections: [{ name: 'iptables.save', state: 'permission-denied' }],
        remedy: L('capture as root, or with --sudo (sudo -n)', '以 root 身份采集，或加 --sudo（sudo -n）'),
        object: null
      },
      denied('container-no-address', 11),
      denied('container-no-address', 12)
    ]
    answer('diagnose', { findings: [], notChecked })
    const w = mount(DiagnoseView, fresh.mountOptions())
    await flushPromises()
    expect(w.find('[data-state=empty]').text()).toBe('No problems found in what was captured, but some checks could not run (below).')
    const panel = w.find('[data-testid=not-checked]')
    expect(panel.text()).toContain('Not checked (3)')
    const rows = panel.findAll('[data-testid=not-checked-row]')
    // The two containers skipped for the same reason share a row.
    expect(rows).toHaveLength(2)
    expect(rows[0].text()).toContain('missing-masquerade')
    expect(rows[0].text()).toContain('iptables.save: permission denied')
    expect(rows[0].text()).toContain('with --sudo')
    expect(rows[1].text()).toContain('container-no-address (c11, c12)')
    expect(rows[1].text()).toContain('ns/…/ip.addr: not captured')
    i18n.global.locale.value = 'zh-CN'
    await flushPromises()
    expect(w.find('[data-testid=not-checked]').text()).toContain('未检查（3）')
    expect(w.find('[data-state=empty]').text()).toContain('有些检查没能执行')
    expect(w.findAll('[data-testid=not-checked-row]')[0].text()).toContain('iptables.save：权限不足')
  })

  it('shows the empty state in Chinese', async () => {
    i18n.global.locale.value = 'zh-CN'
    const w = mount(DiagnoseView, fresh.mountOptions())
    await flushPromises()
    expect(w.find('[data-state=empty]').text()).toContain('没有发现问题')
  })
})
