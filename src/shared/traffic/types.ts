/** Traffic rates: what the sampler produces and the traffic view and `netlens watch` show. */
/** One rate sample for one interface. Rates are per second. */
export interface InterfaceRate {
  iface: string
  netns: string
  /** Container name for container-side or container-owned host veths. */
  container: string | null
  rxBytesPerS: number
  txBytesPerS: number
  rxPacketsPerS: number
  txPacketsPerS: number
  rxErrorsPerS: number
  txErrorsPerS: number
  rxDropsPerS: number
  txDropsPerS: number
}

export interface TrafficSample {
  hostId: string
  /** Milliseconds since epoch at the host side of the sample. */
  t: number
  intervalS: number
  /** True when this sample follows a reconnect: the chart shows a gap before it. */
  gapBefore: boolean
  rates: InterfaceRate[]
}

export interface TrafficSeries {
  hostId: string
  samples: TrafficSample[]
}
