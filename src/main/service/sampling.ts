/**
 * Traffic sampling for the app: at most one sampler per host (a new one replaces the old), its
 * samples pushed as `trafficSample` events, its recent history kept for the traffic view.
 */
import type { TrafficSample } from '../../shared/traffic/types'
import type { Snapshot } from '../../shared/snapshot/schema'
import type { SamplerHandle, ServiceDeps } from './deps'

export interface SamplingRequest {
  hostId: string
  source: string
  sudo: boolean
  snapshot: Snapshot
  intervalS: number
}

export interface Sampling {
  start(request: SamplingRequest): void
  stop(hostId: string): void
  history(hostId: string, windowS: number): TrafficSample[]
  dispose(): void
}

export function createSampling(
  deps: Pick<ServiceDeps, 'startSampler'>,
  onSample: (sample: TrafficSample) => void
): Sampling {
  const samplers = new Map<string, SamplerHandle>()

  function stop(hostId: string): void {
    samplers.get(hostId)?.stop()
    samplers.delete(hostId)
  }

  return {
    start(request) {
      samplers.get(request.hostId)?.stop()
      samplers.set(request.hostId, deps.startSampler({ ...request, onSample }))
    },
    stop,
    history: (hostId, windowS) => samplers.get(hostId)?.history(windowS) ?? [],
    dispose() {
      samplers.forEach((s) => s.stop())
      samplers.clear()
    }
  }
}
