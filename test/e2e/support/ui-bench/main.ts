/**
 * Runs inside Chromium for bench/ui.bench.ts: the renderer's own code paths (layered layout, option
 * builder, the app's ECharts registration; the conntrack index and filter) on generated data.
 */
import { initChart } from '../../../../src/renderer/src/charts/echarts'
import { buildTopologyOption } from '../../../../src/renderer/src/charts/options/topology'
import { layoutTopology } from '../../../../src/shared/topology/layout'
import { buildConntrackIndex, filterConntrack, type ConntrackFilter } from '../../../../src/shared/conntrack-filter'
import { generateSnapshot } from '../../../unit/renderer/support/generate-snapshot'

const text = {
  group: (n: number) => `${n} containers`,
  kind: (k: string) => k,
  hostMode: 'host mode',
  sent: 'sent',
  received: 'received'
}

function renderOnce(expanded: Set<string>): Promise<number> {
  const snapshot = generateSnapshot({ containers: 1000, bridges: 4, conntrack: 0 })
  const el = document.getElementById('chart') as HTMLDivElement
  return new Promise((resolve) => {
    const start = performance.now()
    const layout = layoutTopology(snapshot, { expanded })
    const chart = initChart(el)
    const option = buildTopologyOption(layout, {
      theme: 'light',
      highlight: [],
      selectedId: null,
      rates: null,
      viewWidth: 1000,
      text
    })
    chart.on('finished', () => {
      const ms = performance.now() - start
      chart.dispose()
      resolve(ms)
    })
    chart.setOption(option)
  })
}

async function topology(): Promise<{ grouped: number; expanded: number }> {
  await renderOnce(new Set()) // warm-up (JIT, fonts)
  const grouped = await renderOnce(new Set())
  const lane =
    layoutTopology(generateSnapshot({ containers: 1000, bridges: 4, conntrack: 0 })).lanes.find((l) => l.grouped)?.id ??
    ''
  const expanded = await renderOnce(new Set([lane]))
  return { grouped, expanded }
}

function conntrack(): { indexMs: number; filterMs: number; rows: number } {
  const snapshot = generateSnapshot({ containers: 1000, bridges: 4, conntrack: 262_144, extras: false })
  const t0 = performance.now()
  const index = buildConntrackIndex(snapshot.conntrack.entries)
  const indexMs = performance.now() - t0
  const filters: ConntrackFilter[] = [
    { proto: 'tcp' },
    { nat: 'DNAT', state: 'ESTABLISHED' },
    { text: '203.0.113' },
    { container: 'app-0007', nat: 'translated' },
    { proto: 'udp', nat: 'SNAT', text: ':443' }
  ]
  filterConntrack(index, filters[0]) // warm-up
  let worst = 0
  for (const f of filters) {
    const s = performance.now()
    filterConntrack(index, f)
    worst = Math.max(worst, performance.now() - s)
  }
  return { indexMs, filterMs: worst, rows: index.size }
}

;(window as unknown as { runBench: () => Promise<unknown> }).runBench = async () => ({
  topology: await topology(),
  conntrack: conntrack()
})
