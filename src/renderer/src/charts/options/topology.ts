/**
 * Pure ECharts option builder for the topology graph. Positions come from the layered layout
 * (src/shared/topology/layout.ts); ECharts only draws (layout: 'none'). Host-derived strings reach
 * the chart only as canvas text: labels and tooltips use rich text / plain text formatters with
 * braces neutralised, never an HTML tooltip.
 *
 * The same builder draws the screen (labels cut to the column, sublabels dropped when zoomed out)
 * and the exports (every label whole, columns widened to fit them, a title block naming the host).
 */
import type { InterfaceRate } from '@shared/api/types'
import { escapeRichText, truncateLabel } from '@shared/escape'
import { COLUMN_X, type LayoutEdge, type LayoutNode, type TopologyLayout } from '@shared/topology/layout'
import { formatRate } from '@renderer/utils/format'
import { palette, type ChartPalette, type ThemeName } from './palette'

export interface TopologyText {
  group: (n: number) => string
  kind: (kind: LayoutNode['kind']) => string
  hostMode: string
  /** Rate words for edge tooltips, from the container's (or interface's) side. */
  sent: string
  received: string
}

export interface TopologyOptionContext {
  theme: ThemeName
  /** Drawn node ids to highlight, in path order. */
  highlight: string[]
  selectedId: string | null
  /** The node the keyboard is on: ringed like a selection. */
  focusedId?: string | null
  /** Latest rates by `netns/iface`, or null when sampling is off. */
  rates: Map<string, InterfaceRate> | null
  /** Pixel width available to the chart: the layout is scaled down (never up) to fit it. */
  viewWidth: number
  /** Overrides the width fit (Fit shows the whole graph; exports draw at 1). */
  scale?: number
  /** The user's zoom on top of the scale: labels are cut to the zoomed column width, and drop their
   *  second line, then disappear, when zoomed out so far that they would collide. */
  zoom?: number
  /** Exports: every label whole (columns widen to fit), a title block above the graph. */
  exportTitle?: string[]
  text: TopologyText
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
export const NODE_SYMBOLS = SYMBOLS

const LEFT_MARGIN = 24
const TOP_MARGIN = 24
/** Room right of the last column for its labels. */
const LABEL_ROOM = 210
const COLUMN_GAP = COLUMN_X[1] - COLUMN_X[0]
/** Pixels the chart keeps around the graph. */
export const CHART_PADDING = 8
/** Height of the export title block. */
const TITLE_HEIGHT = 88
/** Zoomed column gaps (px) below which labels lose their second line, then all text. */
const COMPACT_GAP = 170
const NO_LABEL_GAP = 70
/** Average glyph widths of the label fonts (CJK glyphs are about twice as wide). */
const MAIN_GLYPH = 7.2
const SUB_GLYPH = 6.3

/** The graph's size at scale 1, labels included. */
export function naturalSize(layout: Pick<TopologyLayout, 'width' | 'height'>): { width: number; height: number } {
  return { width: layout.width + LABEL_ROOM + LEFT_MARGIN, height: layout.height + 2 * TOP_MARGIN }
}

/** The width fit used by default: as large as the view allows, never above 1, never below 0.6. */
export function topologyScale(layout: Pick<TopologyLayout, 'width'>, viewWidth: number): number {
  const natural = layout.width + LABEL_ROOM + LEFT_MARGIN
  return Math.max(0.6, Math.min(1, (viewWidth - CHART_PADDING) / natural))
}

/** "Fit": the whole graph in the view, width and height (down to 0.2, never above 1). */
export function fitAllScale(
  layout: Pick<TopologyLayout, 'width' | 'height'>,
  viewWidth: number,
  viewHeight: number
): number {
  const n = naturalSize(layout)
  const s = Math.min((viewWidth - 2 * CHART_PADDING) / n.width, (viewHeight - 2 * CHART_PADDING) / n.height)
  return Math.max(0.2, Math.min(1, s))
}

function isDown(state: string | null): boolean {
  return state === 'DOWN' || state === 'LOWERLAYERDOWN' || state === 'exited' || state === 'dead'
}

/**
 * A label's box: other names are as wide as their column (cut to it); a bridge's name sits on a plate
 * in the background colour that hugs the text, so the thick (busy) ports fanning out of the bridge
 * pass under its name, and are hidden only where the letters are.
 */
function labelBox(
  kind: LayoutNode['kind'],
  width: number,
  exporting: boolean,
  p: Pick<ChartPalette, 'background' | 'text' | 'subtext'>
): Record<string, unknown> {
  const plate = kind === 'bridge'
  const halo = { textBorderColor: p.background, textBorderWidth: 3 }
  const sized = plate ? {} : { width, overflow: exporting ? 'none' : 'truncate' }
  return {
    ...sized,
    ...(plate ? { backgroundColor: p.background, padding: [1, 3], borderRadius: 3 } : {}),
    // Per node, as a whole: ECharts takes an item's rich styles whole, not merged with the series'.
    rich: {
      main: { fontSize: 12, color: p.text, fontWeight: 500, ...sized, ...halo },
      sub: { fontSize: 10.5, color: p.subtext, ...sized, ...halo },
      ...(kind === 'container' ? badgeStyles(width, exporting, p) : {})
    }
  }
}

/** Room a runtime badge ("podman", 9.5 px, padded) and its space take before a container name. */
const BADGE_WIDTH = 52

/** Rich styles of a container's runtime badge and of the name after it. */
function badgeStyles(
  width: number,
  exporting: boolean,
  p: Pick<ChartPalette, 'background' | 'text'>
): Record<string, Record<string, unknown>> {
  // Fixed words (never host data), white on the runtime's colour; no halo, which would paint over the white text.
  const badge = { fontSize: 9.5, color: '#fff', borderRadius: 3, padding: [1, 3], textBorderWidth: 0 }
  return {
    docker: { ...badge, backgroundColor: '#1d63ed' },
    podman: { ...badge, backgroundColor: '#892ca0' },
    // The name after a badge: a rich fragment's width is its own, so it leaves the badge's room
    // (else the line overflows and ECharts truncates the name away).
    mainBadged: {
      fontSize: 12,
      color: p.text,
      fontWeight: 500,
      width: exporting ? width : Math.max(24, width - BADGE_WIDTH),
      overflow: exporting ? 'none' : 'truncate',
      textBorderColor: p.background,
      textBorderWidth: 3
    }
  }
}

/** Display width of a label in pixels (CJK counts double). */
function textWidth(text: string, glyph: number): number {
  let units = 0
  for (const ch of text) units += ch.charCodeAt(0) > 0x2e7f ? 2 : 1
  return units * glyph
}

function labelLines(n: LayoutNode, text: TopologyText): { main: string; sub: string } {
  if (n.kind === 'group') return { main: text.group(n.count), sub: '' }
  if (n.kind === 'container' && n.sublabel === 'host') return { main: n.label, sub: text.hostMode }
  return { main: n.label, sub: n.sublabel }
}

/** Plain-text tooltip lines for a node (rich-text mode: never parsed as HTML). */
export function nodeTooltip(node: LayoutNode, ctx: Pick<TopologyOptionContext, 'text'>): string {
  const lines = [ctx.text.kind(node.kind), node.kind === 'group' ? ctx.text.group(node.count) : node.label]
  if (node.runtime) lines.push(node.runtime)
  if (node.sublabel && node.kind !== 'group') lines.push(node.sublabel)
  if (node.state) lines.push(node.state)
  return lines.map(escapeRichText).join('\n')
}

/**
 * Live rate of the interface behind an edge, seen from the container's side: the host veth's rx is
 * what the container sent. Used in edge tooltips (rates are never drawn over the graph).
 */
export function rateLabel(rate: InterfaceRate | undefined, words: Pick<TopologyText, 'sent' | 'received'>): string {
  if (!rate) return ''
  return `↑ ${words.sent} ${formatRate(rate.rxBytesPerS * 8, 'b/s')}   ↓ ${words.received} ${formatRate(rate.txBytesPerS * 8, 'b/s')}`
}

/** Edge width for a live rate: 1.2 px idle, about +1 px per factor of ten above 1 kb/s, at most 8 px. */
export function rateWidth(rate: InterfaceRate | undefined): number {
  if (!rate) return 0
  const bits = (rate.rxBytesPerS + rate.txBytesPerS) * 8
  if (!(bits > 0)) return 1.2
  return Math.min(8, 1.2 + Math.max(0, Math.log10(bits / 1000) + 1))
}

function edgeTooltip(edge: LayoutEdge, rate: InterfaceRate | undefined, ctx: TopologyOptionContext): string {
  if (!edge.rateIface) return ''
  const line = rateLabel(rate, ctx.text)
  return [escapeRichText(edge.rateIface.name), line].filter(Boolean).join('\n')
}

export function buildTopologyOption(layout: TopologyLayout, ctx: TopologyOptionContext): Record<string, unknown> {
  const p = palette(ctx.theme)
  const exporting = !!ctx.exportTitle
  const scale = ctx.scale ?? topologyScale(layout, ctx.viewWidth)
  // What one column gap measures on screen once zoomed: labels never run into the next column.
  const gap = COLUMN_GAP * scale * (exporting ? 1 : (ctx.zoom ?? 1))
  const compact = !exporting && gap < COMPACT_GAP
  const hideLabels = !exporting && gap < NO_LABEL_GAP

  // Exports widen the columns so that every label fits whole; the screen cuts labels to the column.
  const lines = new Map(layout.nodes.map((n) => [n.id, labelLines(n, ctx.text)]))
  let stretch = 1
  let lastLabelRoom = LABEL_ROOM
  if (exporting) {
    let inner = 0
    let last = 0
    for (const n of layout.nodes) {
      const l = lines.get(n.id)!
      const w = Math.max(textWidth(l.main, MAIN_GLYPH), textWidth(l.sub, SUB_GLYPH)) + 40
      if (n.x >= COLUMN_X[4]) last = Math.max(last, w)
      else inner = Math.max(inner, w)
    }
    stretch = Math.max(1, inner / COLUMN_GAP)
    lastLabelRoom = Math.max(LABEL_ROOM, last)
  }
  const labelWidth = exporting ? 4000 : Math.max(40, Math.round(gap - 34))
  const mainChars = exporting ? Infinity : Math.max(4, Math.floor(labelWidth / MAIN_GLYPH))
  // Containers carry their runtime as a badge when Podman is on the host (next to Docker or alone).
  const badges = layout.runtimes.includes('podman')
  const subChars = exporting ? Infinity : Math.max(4, Math.floor(labelWidth / SUB_GLYPH))
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
    const ringed = n.id === ctx.selectedId || n.id === ctx.focusedId
    const color = n.kind === 'container' && isDown(n.state) ? p.down : p.kinds[n.kind]
    return {
      id: n.id,
      name: n.id,
      x: n.x * stretch,
      y: n.y,
      symbol: s.symbol,
      symbolSize: on ? (Array.isArray(s.size) ? [s.size[0] + 6, s.size[1] + 6] : s.size + 6) : s.size,
      itemStyle: {
        color,
        opacity: dim && !on ? 0.3 : 1,
        borderColor: ringed || on || n.matched ? p.highlight : isDown(n.state) ? p.down : 'transparent',
        borderWidth: ringed || on ? 3 : n.matched ? 2 : isDown(n.state) ? 2 : 0,
        borderType: isDown(n.state) && !on && !ringed ? 'dashed' : 'solid'
      },
      // Zoomed far out, only the selected, focused and highlighted nodes keep their names. A bridge's
      // ports fan out right across its name: the name sits on a plate so thick (busy) edges pass under it.
      label: {
        show: !hideLabels || ringed || on,
        opacity: dim && !on ? 0.45 : 1,
        ...labelBox(n.kind, labelWidth, exporting, p)
      },
      // The layout node rides along for formatters and click handlers.
      value: n.kind === 'group' ? n.count : 0,
      node: n
    }
  })
  // Two invisible corners pin the view box so coordinates map 1:1 (times scale) to pixels.
  const minX = -LEFT_MARGIN
  const maxX = layout.width * stretch + lastLabelRoom
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
      label: { show: false, opacity: 0 },
      value: 0,
      node: null as unknown as LayoutNode
    })
  }

  const links = layout.edges.map((e: LayoutEdge) => {
    const on = pathEdges.has(e.id)
    const rate = ctx.rates && e.rateIface ? ctx.rates.get(`${e.rateIface.netns}/${e.rateIface.name}`) : undefined
    const base = e.kind === 'veth' ? 2 : 1.2
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      lineStyle: {
        color: on ? p.highlight : e.kind === 'routed' ? p.subtext : rate ? p.series[0] : p.line,
        width: on ? 4 : Math.max(base, rateWidth(rate)),
        type: e.kind === 'routed' || e.kind === 'macvlan' ? 'dashed' : 'solid',
        opacity: dim && !on ? 0.25 : 0.9,
        curveness: 0
      },
      edge: e,
      rate
    }
  })

  const top = exporting ? TITLE_HEIGHT : CHART_PADDING
  const width = (maxX - minX) * scale
  const height = (maxY - minY) * scale
  return {
    backgroundColor: 'transparent',
    animation: false,
    ...(exporting
      ? {
          title: {
            left: CHART_PADDING + 8,
            top: 10,
            text: escapeRichText(ctx.exportTitle![0] ?? ''),
            subtext: escapeRichText(ctx.exportTitle!.slice(1).join('\n')),
            textStyle: { color: p.text, fontSize: 16, fontWeight: 600 },
            subtextStyle: { color: p.subtext, fontSize: 12, lineHeight: 16 }
          }
        }
      : {}),
    tooltip: {
      show: !exporting,
      renderMode: 'richText',
      confine: true,
      formatter: (params: {
        dataType?: string
        data?: { node?: LayoutNode | null; edge?: LayoutEdge; rate?: InterfaceRate }
      }) => {
        if (params.dataType === 'node' && params.data?.node) return nodeTooltip(params.data.node, ctx)
        if (params.dataType === 'edge' && params.data?.edge) return edgeTooltip(params.data.edge, params.data.rate, ctx)
        return ''
      }
    },
    series: [
      {
        id: 'topology',
        type: 'graph',
        layout: 'none',
        roam: !exporting,
        left: CHART_PADDING,
        top,
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
          lineHeight: 15,
          // A halo in the background colour keeps names readable where thick (busy) edges cross them.
          textBorderColor: p.background,
          textBorderWidth: 3,
          formatter: (params: { data?: { node?: LayoutNode | null } }) => {
            const n = params.data?.node
            if (!n) return ''
            const { main, sub } = lines.get(n.id) ?? labelLines(n, ctx.text)
            // Rich-text labels ignore `overflow: truncate`: cut by an estimate of the glyph width instead.
            const badge = badges && n.runtime ? `{${n.runtime}|${n.runtime}} ` : ''
            const first = badge
              ? `${badge}{mainBadged|${escapeRichText(truncateLabel(main, Math.max(4, mainChars - 8)))}}`
              : `{main|${escapeRichText(truncateLabel(main, mainChars))}}`
            return sub && !compact ? `${first}\n{sub|${escapeRichText(truncateLabel(sub, subChars))}}` : first
          }
        },
        edgeLabel: { show: false },
        data,
        links
      }
    ]
  }
}

/** Pixel size of an export drawn at scale 1 (what `buildTopologyOption` with `exportTitle` needs). */
export function exportSize(option: Record<string, unknown>): { width: number; height: number } {
  const s = (option.series as { width: number; height: number; top: number }[])[0]
  return { width: Math.ceil(s.width + 2 * CHART_PADDING), height: Math.ceil(s.height + s.top + CHART_PADDING) }
}
