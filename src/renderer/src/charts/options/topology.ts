/**
 * Pure ECharts option builder for the topology graph. Positions come from the layered layout
 * (src/shared/topology/layout.ts); ECharts only draws (layout: 'none'). Host-derived strings reach
 * the chart only as canvas text: labels and tooltips use rich text / plain text formatters with
 * braces neutralised, never an HTML tooltip.
 */
import type { InterfaceRate } from '@shared/api/types'
import { escapeRichText, truncateLabel } from '@shared/escape'
import { COLUMN_X, type LayoutEdge, type LayoutNode, type TopologyLayout } from '@shared/topology/layout'
import { formatRate } from '@renderer/utils/format'
import { palette, type ThemeName } from './palette'

export interface TopologyOptionContext {
  theme: ThemeName
  /** Drawn node ids to highlight, in path order. */
  highlight: string[]
  selectedId: string | null
  /** Latest rates by `netns/iface`, or null when sampling is off. */
  rates: Map<string, InterfaceRate> | null
  /** Pixel width available to the chart: the layout is scaled down (never up) to fit it. */
  viewWidth: number
  /** Localised texts. */
  text: { group: (n: number) => string; kind: (kind: LayoutNode['kind']) => string; hostMode: string }
}

const SYMBOLS: Record<LayoutNode['kind'], { symbol: string; size: number | [number, number] }> = {
  uplink: { symbol: 'roundRect', size: [18, 18] },
  bridge: { symbol: 'roundRect', size: [24, 24] },
  veth: { symbol: 'circle', size: 10 },
  iface: { symbol: 'circle', size: 12 },
  vxlan: { symbol: 'diamond', size: 18 },
  network: { symbol: 'roundRect', size: [22, 22] },
  container: { symbol: 'roundRect', size: [20, 20] },
  netns: { symbol: 'rect', size: [14, 14] },
  group: { symbol: 'roundRect', size: [30, 30] }
}

const LEFT_MARGIN = 24
const TOP_MARGIN = 24
/** Room right of the last column for its labels. */
const LABEL_ROOM = 210
const COLUMN_GAP = COLUMN_X[1] - COLUMN_X[0]

export function topologyScale(layout: Pick<TopologyLayout, 'width'>, viewWidth: number): number {
  const natural = layout.width + LABEL_ROOM + LEFT_MARGIN
  return Math.max(0.6, Math.min(1, (viewWidth - 8) / natural))
}

function isDown(state: string | null): boolean {
  return state === 'DOWN' || state === 'LOWERLAYERDOWN' || state === 'exited' || state === 'dead'
}

/** Plain-text tooltip lines for a node (rich-text mode: never parsed as HTML). */
export function nodeTooltip(node: LayoutNode, ctx: Pick<TopologyOptionContext, 'text'>): string {
  const lines = [ctx.text.kind(node.kind), node.kind === 'group' ? ctx.text.group(node.count) : node.label]
  if (node.sublabel && node.kind !== 'group') lines.push(node.sublabel)
  if (node.state) lines.push(node.state)
  return lines.map(escapeRichText).join('\n')
}

export function rateLabel(rate: InterfaceRate | undefined): string {
  if (!rate) return ''
  // Host-side veth: its rx is what the container sent.
  return `↑${formatRate(rate.rxBytesPerS * 8, 'b/s')} ↓${formatRate(rate.txBytesPerS * 8, 'b/s')}`
}

export function buildTopologyOption(layout: TopologyLayout, ctx: TopologyOptionContext): Record<string, unknown> {
  const p = palette(ctx.theme)
  const scale = topologyScale(layout, ctx.viewWidth)
  const labelWidth = Math.max(90, Math.round(COLUMN_GAP * scale - 34))
  const mainChars = Math.max(10, Math.floor(labelWidth / 7))
  const subChars = Math.max(12, Math.floor(labelWidth / 6.2))
  const highlighted = new Set(ctx.highlight)
  const dim = highlighted.size > 0
  const pathEdges = new Set<string>()
  for (let i = 1; i < ctx.highlight.length; i++) {
    pathEdges.add(`${ctx.highlight[i - 1]}->${ctx.highlight[i]}`)
    pathEdges.add(`${ctx.highlight[i]}->${ctx.highlight[i - 1]}`)
  }

  const data = layout.nodes.map((n) => {
    const s = SYMBOLS[n.kind]
    const on = highlighted.has(n.id)
    const selected = n.id === ctx.selectedId
    const color = n.kind === 'container' && isDown(n.state) ? p.down : p.kinds[n.kind]
    return {
      id: n.id,
      name: n.id,
      x: n.x,
      y: n.y,
      symbol: s.symbol,
      symbolSize: on ? (Array.isArray(s.size) ? [s.size[0] + 6, s.size[1] + 6] : s.size + 6) : s.size,
      itemStyle: {
        color,
        opacity: dim && !on ? 0.3 : 1,
        borderColor: selected || on || n.matched ? p.highlight : isDown(n.state) ? p.down : 'transparent',
        borderWidth: selected || on ? 3 : n.matched ? 2 : isDown(n.state) ? 2 : 0,
        borderType: isDown(n.state) && !on && !selected ? 'dashed' : 'solid'
      },
      label: { opacity: dim && !on ? 0.45 : 1 },
      // The layout node rides along for formatters and click handlers.
      value: n.kind === 'group' ? n.count : 0,
      node: n
    }
  })
  // Two invisible corners pin the view box so coordinates map 1:1 (times scale) to pixels.
  const minX = -LEFT_MARGIN
  const maxX = layout.width + LABEL_ROOM
  const minY = -TOP_MARGIN
  const maxY = layout.height + TOP_MARGIN
  for (const [id, x, y] of [
    ['__corner0', minX, minY],
    ['__corner1', maxX, maxY]
  ] as const) {
    data.push({
      id,
      name: id,
      x,
      y,
      symbol: 'none',
      symbolSize: 0,
      itemStyle: { color: 'transparent', opacity: 0, borderColor: 'transparent', borderWidth: 0, borderType: 'solid' },
      label: { opacity: 0 },
      value: 0,
      node: null as unknown as LayoutNode
    })
  }

  const links = layout.edges.map((e: LayoutEdge) => {
    const on = pathEdges.has(e.id)
    const rate = ctx.rates && e.rateIface ? ctx.rates.get(`${e.rateIface.netns}/${e.rateIface.name}`) : undefined
    const label = rateLabel(rate)
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      lineStyle: {
        color: on ? p.highlight : e.kind === 'routed' ? p.subtext : p.line,
        width: on ? 4 : e.kind === 'veth' ? 2 : 1.2,
        type: e.kind === 'routed' || e.kind === 'macvlan' ? 'dashed' : 'solid',
        opacity: dim && !on ? 0.25 : 0.9,
        curveness: 0
      },
      label: label ? { show: true, formatter: label, fontSize: 10, color: p.subtext } : { show: false },
      edge: e
    }
  })

  const width = (maxX - minX) * scale
  const height = (maxY - minY) * scale
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: {
      show: true,
      renderMode: 'richText',
      confine: true,
      formatter: (params: { dataType?: string; data?: { node?: LayoutNode | null } }) =>
        params.dataType === 'node' && params.data?.node ? nodeTooltip(params.data.node, ctx) : ''
    },
    series: [
      {
        type: 'graph',
        layout: 'none',
        roam: true,
        left: 8,
        top: 8,
        width,
        height,
        scaleLimit: { min: 0.2, max: 4 },
        silent: false,
        emphasis: { focus: 'none', scale: false, label: { show: true } },
        labelLayout: { hideOverlap: false },
        edgeSymbol: ['none', 'none'],
        label: {
          show: true,
          position: 'right',
          distance: 6,
          color: p.text,
          fontSize: 12,
          width: labelWidth,
          overflow: 'truncate',
          lineHeight: 15,
          formatter: (params: { data?: { node?: LayoutNode | null } }) => {
            const n = params.data?.node
            if (!n) return ''
            const main =
              n.kind === 'group'
                ? ctx.text.group(n.count)
                : n.kind === 'container' && n.sublabel === 'host'
                  ? `${n.label}`
                  : n.label
            const sub =
              n.kind === 'container' && n.sublabel === 'host' ? ctx.text.hostMode : n.kind === 'group' ? '' : n.sublabel
            // Rich-text labels ignore `overflow: truncate`: cut by an estimate of the glyph width instead.
            const first = `{main|${escapeRichText(truncateLabel(main, mainChars))}}`
            return sub ? `${first}\n{sub|${escapeRichText(truncateLabel(sub, subChars))}}` : first
          },
          rich: {
            main: { fontSize: 12, color: p.text, fontWeight: 500, width: labelWidth, overflow: 'truncate' },
            sub: { fontSize: 10.5, color: p.subtext, width: labelWidth, overflow: 'truncate' }
          }
        },
        edgeLabel: { show: false },
        data,
        links
      }
    ]
  }
}
