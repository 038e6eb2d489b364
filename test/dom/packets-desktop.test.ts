/**
 * "Open in Wireshark" in the desktop app (IPC transport): shown only when the backend says Wireshark
 * is installed, enabled once packets arrived, and it asks the backend to open the kept capture. A
 * refusal (Wireshark gone meanwhile) shows its message. Browser mode never shows the button
 * (packets.test.ts runs with the browser transport: Save .pcap is the way there).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { api, answer, emit, failWith } from './support/mock-api'
import { freshAppEachTest, showSnapshot } from './support/fresh-app'
import type { PacketCaptureStarted } from '@shared/api/types'
import type { CapturedPacket } from '@shared/packets/format'
import uiPackets from '../fixtures/packets/debian-12-lab/ui-packets.json'
import { generateSnapshot } from '../unit/renderer/support/generate-snapshot'

vi.mock('@renderer/api', async () => ({ ...(await import('./support/mock-api')).mockModule, transportKind: 'ipc' }))

const { usePacketsStore } = await import('@renderer/stores/packets')
const { i18n } = await import('@renderer/i18n')
const PacketsView = (await import('@renderer/views/PacketsView.vue')).default

const STARTED: PacketCaptureStarted = {
  captureId: 'pc-7',
  hostId: 'local',
  target: { iface: 'nllabwan0', netns: 'host', pid: null, container: null, containerIface: null },
  label: { en: 'nllabwan0', 'zh-CN': 'nllabwan0' },
  limits: { count: 10_000, durationS: 60, maxBytes: 100 * 1024 * 1024 }
}

freshAppEachTest()
beforeEach(() => void showSnapshot('local', generateSnapshot({ containers: 2 })))

async function captureWithPackets(tools: { tshark: boolean; wireshark: boolean }) {
  answer('getPacketTools', tools)
  answer('startPacketCapture', STARTED)
  const store = usePacketsStore()
  store.prepare({ iface: 'nllabwan0' })
  const w = mount(PacketsView, { global: { plugins: [i18n] }, attachTo: document.body })
  await flushPromises()
  await store.start()
  await flushPromises()
  const before = w.find('[data-testid="packet-wireshark"]')
  const disabledBeforePackets = before.exists() ? before.attributes('disabled') !== undefined : null
  const packets = uiPackets as unknown as CapturedPacket[]
  emit('packetBatch', {
    captureId: 'pc-7',
    packets: packets.slice(0, 3),
    counters: { packets: 3, bytes: 300, kernelDropped: null }
  })
  await flushPromises()
  return { w, disabledBeforePackets }
}

describe('Open in Wireshark (desktop app)', () => {
  it('with Wireshark installed: the button opens the kept capture through the backend', async () => {
    answer('openPcapInWireshark', { opened: true })
    const { w, disabledBeforePackets } = await captureWithPackets({ tshark: true, wireshark: true })
    expect(disabledBeforePackets).toBe(true)
    const button = w.get('[data-testid="packet-wireshark"]')
    expect(button.text()).toBe(i18n.global.t('packets.wireshark'))
    expect(button.attributes('disabled')).toBeUndefined()
    await button.trigger('click')
    await flushPromises()
    expect(api.openPcapInWireshark).toHaveBeenCalledWith({ captureId: 'pc-7' })
    expect(w.text()).not.toContain('not installed')
    w.unmount()
  })

  it('a refusal from the backend is shown with its remedy', async () => {
    failWith('openPcapInWireshark', {
      code: 'missing-tool',
      message: 'Wireshark is not installed on this computer.',
      remedy: 'Install Wireshark, or save the .pcap and open it elsewhere.'
    })
    const { w } = await captureWithPackets({ tshark: false, wireshark: true })
    await w.get('[data-testid="packet-wireshark"]').trigger('click')
    await flushPromises()
    expect(w.text()).toContain('Wireshark is not installed on this computer.')
    w.unmount()
  })

  it('without Wireshark: no button, Save .pcap stays', async () => {
    const { w } = await captureWithPackets({ tshark: false, wireshark: false })
    expect(w.find('[data-testid="packet-wireshark"]').exists()).toBe(false)
    expect(w.find('[data-testid="packet-save"]').exists()).toBe(true)
    w.unmount()
  })
})
