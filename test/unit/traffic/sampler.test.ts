import { describe, expect, it } from 'vitest'
import type { TrafficSample } from '../../../src/shared/api/types'
import { backoffSeconds, startSampler } from '../../../src/main/traffic/sampler'
import type { CounterFrame, CounterStream } from '../../../src/main/traffic/types'

const devText = (rows: Record<string, [number, number]>): string =>
  [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
    ...Object.entries(rows).map(([name, [rx, tx]]) => `${name.padStart(6)}: ${rx} 10 0 0 0 0 0 0 ${tx} 5 0 0 0 0 0 0`)
  ].join('\n') + '\n'

const frameAt = (t: number, rx: number, tx = 0): CounterFrame => ({
  t,
  dev: [
    { netns: 'host', text: devText({ veth1: [rx, tx], lo: [0, 0] }) },
    { netns: 'pid:42', text: devText({ eth0: [tx, rx] }) }
  ]
})

/** A fake stream that yields the given frames, then ends (or fails) as a real stream would. */
function fakeStream(frames: CounterFrame[], failWith?: Error): CounterStream & { stopped: boolean } {
  const state = { stopped: false }
  async function* generate(): AsyncGenerator<CounterFrame> {
    for (const f of frames) {
      if (state.stopped) return
      yield f
    }
    if (failWith) throw failWith
  }
  return {
    get stopped() {
      return state.stopped
    },
    stop() {
      state.stopped = true
    },
    frames: generate()
  }
}

describe('startSampler', () => {
  it('turns frames into labelled rates and keeps history', async () => {
    const samples: TrafficSample[] = []
    let opened = 0
    const sampler = startSampler({
      hostId: 'local',
      intervalS: 1,
      openStream: () => {
        opened++
        if (opened > 1) return fakeStream([], undefined)
        return fakeStream([frameAt(1_000, 0), frameAt(2_000, 1_000, 500), frameAt(3_000, 3_000, 500)])
      },
      labels: (netns, iface) => (netns === 'pid:42' || iface === 'veth1' ? 'web' : null),
      onSample: (s) => {
        samples.push(s)
        if (samples.length === 2) sampler.stop()
      },
      delay: async () => {}
    })
    await sampler.done
    expect(samples).toHaveLength(2)
    const veth = samples[0].rates.find((r) => r.iface === 'veth1')!
    expect(veth).toMatchObject({ container: 'web', rxBytesPerS: 1_000, txBytesPerS: 500 })
    expect(samples[0].rates.find((r) => r.iface === 'lo')!.container).toBeNull()
    expect(samples[1].rates.find((r) => r.netns === 'pid:42')).toMatchObject({ container: 'web', txBytesPerS: 2_000 })
    expect(samples.every((s) => !s.gapBefore && s.hostId === 'local' && s.intervalS === 1)).toBe(true)
    expect(sampler.history(3600)).toEqual(samples)
    expect(sampler.history(1).map((s) => s.t)).toEqual([3_000])
  })

  it('reconnects with exponential backoff and marks the next sample as following a gap', async () => {
    const samples: TrafficSample[] = []
    const errors: unknown[] = []
    const delays: number[] = []
    const scripts: (() => CounterStream)[] = [
      () => fakeStream([frameAt(1_000, 0), frameAt(2_000, 100)], new Error('ssh: connection reset')),
      () => fakeStream([], new Error('ssh: connect to host h port 22: Connection refused')),
      () => fakeStream([]),
      () => fakeStream([frameAt(10_000, 5_000), frameAt(11_000, 5_200), frameAt(12_000, 5_300)])
    ]
    const opened: (CounterStream & { stopped?: boolean })[] = []
    const sampler = startSampler({
      hostId: 'ssh:h',
      intervalS: 1,
      openStream: () => {
        const next = scripts.shift()
        const s = next ? next() : fakeStream([])
        opened.push(s)
        return s
      },
      labels: () => null,
      onSample: (s) => {
        samples.push(s)
        if (samples.length === 3) sampler.stop()
      },
      onError: (e) => errors.push(e),
      delay: async (ms) => {
        delays.push(ms)
      }
    })
    await sampler.done
    expect(delays).toEqual([1_000, 2_000, 4_000])
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'ssh: connection reset',
      'ssh: connect to host h port 22: Connection refused',
      'traffic stream for ssh:h ended; reconnecting'
    ])
    expect(samples.map((s) => [s.t, s.gapBefore])).toEqual([
      [2_000, false],
      [11_000, true],
      [12_000, false]
    ])
    // Every stream the sampler opened was stopped again.
    expect(opened.every((s) => s.stopped)).toBe(true)
  })

  it('caps the backoff at 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(backoffSeconds)).toEqual([1, 2, 4, 8, 16, 30, 30, 30])
  })

  it('skips a frame whose clock went backwards instead of reporting negative time', async () => {
    const samples: TrafficSample[] = []
    const sampler = startSampler({
      hostId: 'local',
      intervalS: 1,
      openStream: () => fakeStream([frameAt(5_000, 0), frameAt(4_000, 10), frameAt(6_000, 300)]),
      labels: () => null,
      onSample: (s) => {
        samples.push(s)
        sampler.stop()
      },
      delay: async () => {}
    })
    await sampler.done
    expect(samples.map((s) => [s.t, s.intervalS, s.rates.find((r) => r.iface === 'veth1')!.rxBytesPerS])).toEqual([[6_000, 1, 300]])
  })
})
