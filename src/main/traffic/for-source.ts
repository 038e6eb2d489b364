/**
 * Starts the traffic sampler for a host: its counter streams come from the host's Source
 * (src/main/sources: counters()), the container labels from its snapshot.
 */
import type { Snapshot } from '../../shared/snapshot/schema'
import type { TrafficSample } from '../../shared/traffic/types'
import { containerLabeller, streamPids } from './labels'
import { startSampler, type Sampler } from './sampler'
import type { CounterStream } from './types'
import type { CounterStreamOptions } from './stream'

/** What opens a host's counter stream (a Source's counters()). */
export type OpenCounters = (opts: CounterStreamOptions) => () => CounterStream

export function startSamplerForSource(opts: {
  hostId: string
  counters: OpenCounters
  sudo: boolean
  snapshot: Snapshot
  intervalS: number
  onSample(sample: TrafficSample): void
  onError?(e: unknown): void
}): Sampler {
  // One pid per container namespace (host-mode and shared namespaces would be counted twice).
  const openStream = opts.counters({ intervalS: opts.intervalS, pids: streamPids(opts.snapshot), sudo: opts.sudo })
  return startSampler({
    hostId: opts.hostId,
    openStream,
    intervalS: opts.intervalS,
    labels: containerLabeller(opts.snapshot),
    onSample: opts.onSample,
    onError: opts.onError
  })
}
