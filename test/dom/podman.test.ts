/**
 * Podman in the details panel: the runtime badge, a pod, and a rootless container's user, forwarders
 * and the note that replaces a host veth (its traffic goes through slirp4netns). Host-derived text
 * (forwarder details carry paths from the host) is rendered as text.
 */
import { describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { freshAppEachTest, showSnapshot } from './support/fresh-app'
import { generateSnapshot } from '../unit/renderer/support/generate-snapshot'

vi.mock('@renderer/api', async () => (await import('./support/mock-api')).mockModule)

const { i18n } = await import('@renderer/i18n')
const { useSnapshotStore } = await import('@renderer/stores/snapshot')
const { useTopologyStore } = await import('@renderer/stores/topology')
const DetailsPanel = (await import('@renderer/components/DetailsPanel.vue')).default

const XSS = '<img src=x onerror=alert(1)>'
const fresh = freshAppEachTest()
const opts = fresh.mountOptions

/** The generated host with its second container turned into a rootless Podman one, the third into a pod member. */
function podmanSnapshot() {
  const snap = generateSnapshot({ containers: 4, conntrack: 10 })
  // Two containers that have their namespace to themselves (app-0001 shares its with a sidecar).
  const [rl, member] = ['app-0002', 'app-0003'].map((name) => snap.containers.find((c) => c.name === name)!)
  rl.runtime = 'podman'
  rl.networkMode = 'slirp4netns'
  rl.interfaces = [{ ...rl.interfaces[0], ifname: 'tap0', hostVeth: null, bridge: null, network: null, evidence: 'none' }]
  rl.rootless = {
    uid: 1001,
    user: 'nllabpod',
    network: 'slirp4netns',
    tap: 'tap0',
    forwarders: [
      { process: 'slirp4netns', pid: 4674, detail: `slirp4netns pid=4674 serves /tmp/${XSS} (tap0)` },
      { process: 'rootlessport', pid: 4676, detail: 'rootlessport pid=4676 *:8091' }
    ]
  }
  member.runtime = 'podman'
  member.pod = 'web-pod'
  showSnapshot('sim:podman', snap, { kind: 'training', label: 'Podman', sudo: false })
  return { snap, rl, member }
}

describe('DetailsPanel with Podman', () => {
  it('shows a rootless container’s runtime, user, forwarders and why it has no host veth', () => {
    const { snap, rl } = podmanSnapshot()
    const node = useTopologyStore().layout!.nodes.find((n) => n.kind === 'container' && n.label === rl.name)!
    expect(node.runtime).toBe('podman')
    const w = mount(DetailsPanel, { ...opts(), props: { node, snapshot: snap } })
    expect(w.find('[data-testid=details-runtime] .badge').text()).toBe('Podman')
    expect(w.find('[data-testid=details-runtime] .rootless-note').text()).toBe('rootless, user nllabpod')
    expect(w.find('[data-testid=details-runtime] .badge').classes()).toContain('podman')
    expect(w.find('[data-testid=details-forwarders]').text()).toContain(`slirp4netns pid=4674 serves /tmp/${XSS} (tap0)`)
    expect(w.find('[data-testid=details-forwarders]').text()).toContain('rootlessport pid=4676 *:8091')
    expect(w.find('img').exists()).toBe(false)
    expect(w.text()).toContain('rootless: no veth on the host, slirp4netns carries its traffic')
    expect(w.find('[data-testid=evidence]').exists()).toBe(false)
  })

  it('shows a pod and the Docker badge, in Chinese too', () => {
    const { snap, member } = podmanSnapshot()
    const layout = useTopologyStore().layout!
    const podNode = layout.nodes.find((n) => n.kind === 'container' && n.label === member.name)!
    const w = mount(DetailsPanel, { ...opts(), props: { node: podNode, snapshot: snap } })
    expect(w.text()).toContain('Pod')
    expect(w.text()).toContain('web-pod')
    const docker = layout.nodes.find((n) => n.kind === 'container' && n.runtime === 'docker')!
    i18n.global.locale.value = 'zh-CN'
    const w2 = mount(DetailsPanel, { ...opts(), props: { node: docker, snapshot: snap } })
    expect(w2.find('[data-testid=details-runtime]').text()).toBe('Docker')
    expect(w2.text()).toContain('运行时')
  })

  it('filters the topology by runtime, and a new host starts unfiltered', async () => {
    const { rl, member } = podmanSnapshot()
    const topology = useTopologyStore()
    expect(topology.layout!.runtimes).toEqual(['docker', 'podman'])
    topology.runtime = 'podman'
    const names = (): string[] => topology.layout!.nodes.filter((n) => n.kind === 'container').map((n) => n.label)
    expect(names().sort()).toEqual([member.name, rl.name].sort())
    topology.runtime = 'docker'
    expect(names()).not.toContain(rl.name)
    expect(names()).not.toContain(member.name)
    expect(names().length).toBeGreaterThan(0)
    useSnapshotStore().hostId = 'other'
    await nextTick()
    expect(topology.runtime).toBeNull()
  })
})
