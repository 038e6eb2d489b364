/**
 * Counter frames feed the traffic sampler. A real host streams them from one long-lived read-only
 * loop (one process / one ssh session per host, not one per sample); the simulator produces them
 * from its flows. The sampler turns consecutive frames into rates.
 */
export interface CounterFrame {
  /** Milliseconds since epoch when the frame was read. */
  t: number
  /** /proc/net/dev texts: the host's (`netns: 'host'`) and each container's (`netns: 'pid:<pid>'`). */
  dev: { netns: string; text: string }[]
}

export interface CounterStream {
  frames: AsyncIterable<CounterFrame>
  /** Stops the stream and its process; the iterable then ends. */
  stop(): void
}
