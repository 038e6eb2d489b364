/**
 * The Packets view and store (happy-dom, mocked API): "Capture packets" from the Details panel
 * opens the view with the target set; a capture streams rows with their NAT note; pause freezes
 * the list; the counters and the Stop button show while it runs; the end says why; leaving the
 * view stops a running capture; Save .pcap downloads what the backend kept.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { api, answer, emit, failWith } from './support/mock-api'
import { freshAppEachTest, showSnapshot } from './support/fresh-app'
import type { PacketBatch, PacketCaptureStarted } from '@shared/api/types'
import type { CapturedPacket } from '@shared/packets/format'
import uiPackets from '../fixtures/packets/debian-12-lab/ui-packets.json'
import { generateSnapshot } from '../unit/renderer/support/generate-snapshot'

vi.mock('@renderer/api', async () => (await import('./support/mock-api')).mockModule)

const { usePacketsStore } = await import('@renderer/stores/packets')
const { useRouterStore } = await import('@renderer/stores/router')
const { i18n } = await import('@renderer/i18n')
const PacketsView = (await import('@renderer/views/PacketsView.vue')).default
const DetailsPanel = (await import('@renderer/components/DetailsPanel.vue')).default
const { packetRowText } = await import('@renderer/utils/packet-row')

/** The lab wan veth's packets as the backend sends them (see test/unit/packets/ui-packets-fixture.test.ts). */
const labPackets = uiPackets as unknown as CapturedPacket[]
const snapshot = generateSnapshot({ containers: 3 })
const firstContainer = snapshot.containers[0].name
const uplink = snapshot.interfaces.find(
  (i) => i.netns === 'host' && i.kind !== 'veth' && i.kind !== 'bridge' && i.name !== 'lo'
)!.name

const STARTED: PacketCaptureStarted = {
  captureId: 'pc-1',
  hostId: 'local',
  target: { iface: 'nllabwan0', netns: 'host', pid: null, container: null, containerIface: null },
  label: { en: 'nllabwan0', 'zh-CN': 'nllabwan0' },
  limits: { count: 10_000, durationS: 60, maxBytes: 100 * 1024 * 1024 }
}
const batch = (packets: CapturedPacket[], total: number): PacketBatch => ({
  captureId: 'pc-1',
  packets,
  counters: { packets: total, bytes: total * 100, kernelDropped: null }
})

freshAppEachTest()
beforeEach(() => void showSnapshot('local', snapshot))

function mountView() {
  return mount(PacketsView, { global: { plugins: [i18n] }, attachTo: document.body })
}

describe('Packets view', () => {
  it('captures on the picked interface and lists the packets with their NAT note, in English and Chinese', async () => {
    answer('startPacketCapture', STARTED)
    const store = usePacketsStore()
    store.prepare({ iface: 'nllabwan0' })
    store.request.filter = 'icmp'
    const w = mountView()
    await flushPromises()
    await w.get('[data-testid="packet-start"]').trigger('submit')
    await flushPromises()
    expect(api.startPacketCapture).toHaveBeenCalledWith({
      hostId: 'local',
      target: { iface: 'nllabwan0' },
      filter: 'icmp',
      count: 10_000,
      durationS: 60
    })
    expect(w.find('[data-testid="packet-stop"]').exists()).toBe(true)
    emit('packetBatch', batch(labPackets.slice(0, 4), 4))
    await flushPromises()
    expect(w.get('[data-testid="packet-count"]').text()).toBe('4 packets, 400 B')
    // happy-dom has no layout, so the virtualizer draws no rows (the e2e tier checks them): the
    // scroll area is sized for the four, and each row's text comes from packetRowText.
    expect(w.get('[data-testid="packet-scroller"] > div').attributes('style')).toContain('height: 104px')
    expect(store.shown).toHaveLength(4)
    const row = packetRowText(store.shown[0], 'en')
    expect(row.ends).toBe('198.51.100.1 (host) → 198.51.100.2')
    expect(row.nat).toBe('SNAT by MASQUERADE of nllab-default 172.17.0.2')
    expect(row.rule).toMatch(/^-A POSTROUTING -s 172\.17\.0\.0\/16 ! -o docker0 -j MASQUERADE$/)
    expect(packetRowText(store.shown[0], 'zh-CN').nat).toBe('由 MASQUERADE 做 SNAT，原为 nllab-default 172.17.0.2')
    w.unmount()
  })

  it('pause freezes the list while packets keep arriving; resume shows them all', async () => {
    answer('startPacketCapture', STARTED)
    const store = usePacketsStore()
    store.prepare({ iface: 'nllabwan0' })
    const w = mountView()
    await store.start()
    emit('packetBatch', batch(labPackets.slice(0, 2), 2))
    await flushPromises()
    await w.get('[data-testid="packet-pause"]').trigger('click')
    emit('packetBatch', batch(labPackets.slice(2, 6), 6))
    await flushPromises()
    expect(store.shown).toHaveLength(2)
    expect(w.get('[data-testid="packet-scroller"] > div').attributes('style')).toContain('height: 52px')
    expect(w.get('[data-testid="packet-count"]').text()).toMatch(/^6 packets/)
    await w.get('[data-testid="packet-pause"]').trigger('click')
    await flushPromises()
    expect(store.shown).toHaveLength(6)
    w.unmount()
  })

  it('the search box narrows the list to matching packets (container names, NAT, addresses)', async () => {
    answer('startPacketCapture', STARTED)
    const store = usePacketsStore()
    store.prepare({ iface: 'nllabwan0' })
    const w = mountView()
    await store.start()
    emit('packetBatch', batch(labPackets, labPackets.length))
    await flushPromises()
    await w.get('[data-testid="packet-search"]').setValue('dnat nllab-web')
    expect(store.visible.length).toBeGreaterThan(0)
    expect(
      store.visible.every((p) => p.annotation.nat.some((n) => n.kind === 'DNAT' && n.container === 'nllab-web'))
    ).toBe(true)
    w.unmount()
  })

  it('the end says why it stopped; Stop asks the backend; leaving the view stops a running capture', async () => {
    answer('startPacketCapture', STARTED)
    answer('stopPacketCapture', { stopped: true })
    const store = usePacketsStore()
    store.prepare({ container: 'nllab-default' })
    const w = mountView()
    await store.start()
    await w.get('[data-testid="packet-stop"]').trigger('click')
    expect(api.stopPacketCapture).toHaveBeenCalledWith({ captureId: 'pc-1' })
    emit('packetCaptureState', {
      captureId: 'pc-1',
      hostId: 'local',
      state: 'stopped',
      stoppedBy: 'count',
      error: null,
      counters: { packets: 5, bytes: 500, kernelDropped: 2 },
      warnings: []
    })
    await flushPromises()
    expect(w.get('[data-testid="packet-status"]').text()).toContain('Stopped: packet count reached')
    expect(w.get('[data-testid="packet-status"]').text()).toContain('2 dropped by the kernel')
    expect(w.find('[data-testid="packet-start"]').exists()).toBe(true)
    // A second capture, then the view goes away while it runs.
    answer('startPacketCapture', { ...STARTED, captureId: 'pc-2' })
    await store.start()
    vi.mocked(api.stopPacketCapture).mockClear()
    w.unmount()
    expect(api.stopPacketCapture).toHaveBeenCalledWith({ captureId: 'pc-2' })
  })

  it('packets and the end that arrive before the start answers (a training host) are kept, not lost', async () => {
    vi.mocked(api.startPacketCapture).mockImplementation(async () => {
      emit('packetBatch', batch(labPackets.slice(0, 3), 3))
      emit('packetBatch', { ...batch(labPackets.slice(0, 1), 1), captureId: 'another' })
      emit('packetCaptureState', {
        captureId: 'pc-1',
        hostId: 'local',
        state: 'stopped',
        stoppedBy: 'ended',
        error: null,
        counters: { packets: 3, bytes: 300, kernelDropped: null },
        warnings: []
      })
      return { ok: true, value: STARTED }
    })
    const store = usePacketsStore()
    store.subscribe()
    store.prepare({ iface: 'nllabwan0' })
    await store.start()
    expect(store.shown).toHaveLength(3)
    expect(store.running).toBe(false)
    expect(store.ended?.stoppedBy).toBe('ended')
  })

  it('a failure to start shows the error with its remedy', async () => {
    failWith('startPacketCapture', {
      code: 'permission-denied',
      message: 'No permission to capture on nllabwan0',
      remedy: 'Run with --sudo'
    })
    const store = usePacketsStore()
    store.prepare({ iface: 'nllabwan0' })
    const w = mountView()
    await store.start()
    await flushPromises()
    expect(w.text()).toContain('No permission to capture on nllabwan0')
    expect(w.text()).toContain('Run with --sudo')
    w.unmount()
  })

  it('the filter help offers BPF examples that fill the filter box', async () => {
    const w = mountView()
    await flushPromises()
    await w.get('button[aria-label="Filter syntax"]').trigger('click')
    const help = w.get('[data-testid="packet-filter-help"]')
    expect(help.text()).toContain('man pcap-filter')
    await help
      .findAll('button')
      .find((b) => b.text() === 'tcp port 80')!
      .trigger('click')
    expect((w.get('[data-testid="packet-filter"]').element as HTMLInputElement).value).toBe('tcp port 80')
    w.unmount()
  })

  it('Save .pcap downloads the bytes the backend kept', async () => {
    answer('startPacketCapture', STARTED)
    answer('getPacketCapturePcap', { fileName: 'local-pc-1.pcap', base64: btoa('pcapbytes') })
    const store = usePacketsStore()
    store.prepare({ iface: 'nllabwan0' })
    await store.start()
    const created: Blob[] = []
    const createObjectURL = vi.fn((b: Blob) => {
      created.push(b)
      return 'blob:x'
    })
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }))
    await store.savePcap()
    expect(api.getPacketCapturePcap).toHaveBeenCalledWith({ captureId: 'pc-1' })
    expect(await created[0].text()).toBe('pcapbytes')
    expect(store.notice).toBe('local-pc-1.pcap')
  })
})

describe('"Capture packets" from the Details panel', () => {
  it('on a container: the Packets view opens set to that container', async () => {
    const node = {
      id: `container:${firstContainer}`,
      kind: 'container',
      label: firstContainer,
      ref: { type: 'container', netns: 'host', names: [firstContainer] }
    }
    const w = mount(DetailsPanel, { props: { node: node as never, snapshot }, global: { plugins: [i18n] } })
    await w.get('[data-testid="details-capture"]').trigger('click')
    expect(usePacketsStore().request.target).toEqual({ container: firstContainer })
    expect(useRouterStore().view).toBe('packets')
  })

  it('on a host interface: that interface', async () => {
    const node = {
      id: `host:uplink:${uplink}`,
      kind: 'uplink',
      label: uplink,
      ref: { type: 'interface', netns: 'host', name: uplink }
    }
    const w = mount(DetailsPanel, { props: { node: node as never, snapshot }, global: { plugins: [i18n] } })
    await w.get('[data-testid="details-capture"]').trigger('click')
    expect(usePacketsStore().request.target).toEqual({ iface: uplink })
  })
})
