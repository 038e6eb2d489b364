/**
 * Starts the traffic sampler for a SOURCE: the simulator's counter stream for `sim:<id>`, otherwise
 * one long-lived read-only loop on the host (local or over ssh) reading /proc/net/dev and each
 * container's /proc/<pid>/net/dev.
 */
import type { Snapshot } from '../../shared/snapshot/schema'
import type { TrafficSample } from '../../shared/api/types'
import { createSimCounterStream } from '../sim/counter-stream'
import { containerLabeller, streamPids } from './labels'
import { startSampler } from './sampler'
import { openCounterStream } from './stream'
import type { CounterStream } from './types'

export function startSamplerForSource(opts: {
  hostId: string
  source: string
  sudo: boolean
  snapshot: Snapshot
  intervalS: number
  sshConfigFile?: string
  onSample(sample: TrafficSample): void
}): { stop(): void; history(windowS: number): TrafficSample[] } {
  // One pid per container namespace (host-mode and shared namespaces would be counted twice).
  const pids = streamPids(opts.snapshot)
  const openStream = (): CounterStream => {
    if (opts.source.startsWith('sim:')) return createSimCounterStream(opts.source.slice(4), opts.intervalS)
    if (opts.source === 'local') return openCounterStream({ kind: 'local' }, { intervalS: opts.intervalS, pids, sudo: opts.sudo })
    const alias = opts.source.startsWith('ssh:') ? opts.source.slice(4) : opts.source
    return openCounterStream(
      { kind: 'ssh', alias, configFile: opts.sshConfigFile },
      { intervalS: opts.intervalS, pids, sudo: opts.sudo }
    )
  }
  return startSampler({
    hostId: opts.hostId,
    openStream,
    intervalS: opts.intervalS,
    labels: containerLabeller(opts.snapshot),
    onSample: opts.onSample
  })
}
