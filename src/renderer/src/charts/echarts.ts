/**
 * The ONE place ECharts modules are registered: only what the views use, so the bundle stays small.
 * Canvas renders on screen; the SVG renderer is registered for the topology's SVG export.
 */
import { use } from 'echarts/core'
import { GraphChart, LineChart, BarChart } from 'echarts/charts'
import { DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'

use([
  GraphChart,
  LineChart,
  BarChart,
  TooltipComponent,
  GridComponent,
  LegendComponent,
  DataZoomComponent,
  TitleComponent,
  CanvasRenderer,
  SVGRenderer
])

export { default as VChart } from 'vue-echarts'
export { init as initChart, connect as connectCharts } from 'echarts/core'
