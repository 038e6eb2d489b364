/**
 * One Source: parseSource(text) (ref.ts) → a SourceRef; sourceFromRef(ref) → what can be done with
 * it: snapshot(), capture(), counters(), packets(). The CLI (every command), the backend service,
 * watch, traffic, packets and the fleet go through this module only; no other module looks at
 * SOURCE text.
 *
 * The probe (execa), the simulator (yaml, scenarios) and snapshot validation (zod) are loaded only
 * for the sources that need them: `netlens inspect host.cap` starts without them.
 */
import { fail, ok, type Result } from '../../shared/result'
import type { Snapshot } from '../../shared/snapshot/schema'
import type { PendingPart } from '../../shared/api/types'
import type { Capture } from '../capture/capture-types'
import type { ProbeOptions, ProbeProgress, ProbeTarget } from '../capture/run-probe'
import { SECTION } from '../capture/sections'
import { buildSnapshot, buildSnapshotInStages } from '../model/build-snapshot'
import type { PacketCaptureSummary, PacketsOptions } from '../packets/packets-from-source'
import type { CaptureTransport } from '../packets/run-tcpdump'
import type { CounterStreamOptions } from '../traffic/stream'
import type { CounterStream, CounterFrame } from '../traffic/types'
import { notAPcapFile, readFileSource, sniffFile, type FileContent } from './file'
import { parseSource, sourceText, type SourceRef } from './ref'

export { parseSource, sourceText, sshRef, type SourceKind, type SourceRef } from './ref'

export interface SourceOptions {
  sudo?: boolean
  conntrackCap?: number
  signal?: AbortSignal
  onProgress?(p: ProbeProgress): void
  /**
   * Partial snapshots, so a caller can show the wiring early: over ssh and locally, the snapshot
   * of the probe's topology sections as soon as they have arrived (pending: netfilter and
   * conntrack, still being read on the host); for a capture whose conntrack table is large, the
   * snapshot without its conntrack entries, before the table is read (buildSnapshotInStages).
   */
  onTopology?(snapshot: Snapshot, pending: PendingPart[]): void
  /** ssh -F; default: env NETLENS_SSH_CONFIG if set. */
  sshConfigFile?: string
  /** Script text the host runs instead of resources/probe.sh (benchmarks: a stand-in probe). */
  probeScript?: string
}

/** Conntrack text from which the topology is shown first (about 6,000 entries: a few tens of ms to read). */
export const PROGRESSIVE_CONNTRACK_CHARS = 1_000_000

/** What a source gave: a capture (live, simulated, a capture file) or a snapshot (a snapshot file). */
export type SourceContent = FileContent

/** Where packets come from: tcpdump on a live host, the simulator, or a pcap file. */
export type PacketOrigin =
  | { kind: 'live'; transport: CaptureTransport }
  | { kind: 'sim'; scenario: string }
  | { kind: 'pcap'; path: string }

export interface Source {
  readonly ref: SourceRef
  /** The canonical SOURCE text (sourceText): also the host id a sample or capture carries. */
  readonly text: string
  /** The raw material: a capture to build a snapshot from, or a snapshot file's snapshot. */
  capture(opts?: SourceOptions): Promise<Result<SourceContent>>
  /** A snapshot (captures go through buildSnapshot; large conntrack tables progressively). */
  snapshot(opts?: SourceOptions): Promise<Result<Snapshot>>
  /** Live counters: opens a counter stream each time it is called (the sampler reconnects). */
  counters(opts: CounterStreamOptions & { sshConfigFile?: string }): Result<() => CounterStream>
  /** Where packets.ts captures from (live host, simulator, pcap file), with the one refusal for other files. */
  packetOrigin(opts?: { sshConfigFile?: string }): Promise<Result<PacketOrigin>>
  /** Packets on one interface (src/main/packets/packets-from-source.ts). */
  packets(opts: PacketsOptions): Promise<Result<PacketCaptureSummary>>
}

const sshConfigOf = (explicit: string | undefined): string | undefined =>
  // Like the service and `netlens watch`: an explicit file wins, else env NETLENS_SSH_CONFIG.
  explicit ?? (process.env.NETLENS_SSH_CONFIG || undefined)

async function runProbe(target: ProbeTarget, opts: ProbeOptions): Promise<Result<Capture>> {
  return (await import('../capture/run-probe')).runProbe(target, opts)
}

/** A scenario (id or file) rendered into a capture; `host` picks one host of a multi-host scenario. */
async function renderScenario(ref: Extract<SourceRef, { kind: 'sim' }>): Promise<Result<SourceContent>> {
  const { renderScenarioCapture } = await import('../sim/index')
  const r = renderScenarioCapture(ref.scenario, ref.host === null ? {} : { host: ref.host })
  return r.ok ? ok({ capture: { ...r.value, source: sourceText(ref) } }) : r
}

async function captureOf(ref: SourceRef, opts: SourceOptions): Promise<Result<SourceContent>> {
  if (ref.kind === 'sim') return renderScenario(ref)
  if (ref.kind === 'file') return readFileSource(ref.path, opts.conntrackCap)
  const onTopology = opts.onTopology
  const r = await runProbe(ref.kind === 'local' ? { kind: 'local' } : { kind: 'ssh', alias: ref.alias }, {
    sudo: opts.sudo,
    conntrackCap: opts.conntrackCap,
    signal: opts.signal,
    onProgress: opts.onProgress,
    // Built while the host still lists rules and connections: the first snapshot the user sees.
    onTopologySections: onTopology
      ? (early) => onTopology(buildSnapshot(early), ['netfilter', 'conntrack'])
      : undefined,
    sshConfigFile: sshConfigOf(opts.sshConfigFile),
    script: opts.probeScript
  })
  return r.ok ? ok({ capture: r.value }) : r
}

async function snapshotOf(ref: SourceRef, opts: SourceOptions): Promise<Result<Snapshot>> {
  const r = await captureOf(ref, opts)
  if (!r.ok) return r
  if (r.value.snapshot) return ok(r.value.snapshot)
  const capture = r.value.capture
  const conntrackChars = capture.sections.find((s) => s.name === SECTION.conntrack)?.stdout.length ?? 0
  if (!opts.onTopology || conntrackChars < PROGRESSIVE_CONNTRACK_CHARS) return ok(buildSnapshot(capture))
  const stages = buildSnapshotInStages(capture)
  opts.onTopology(stages.topology, ['conntrack'])
  // A turn of the event loop, so the topology goes out (WebSocket, IPC) before the table takes the thread.
  await new Promise<void>((resolve) => setImmediate(resolve))
  return ok(stages.complete())
}

/** A counter stream whose module is loaded on first use (execa, the simulator: only for the sources that need them). */
function lazyCounterStream(load: () => Promise<CounterStream>): CounterStream {
  let inner: CounterStream | null = null
  let stopped = false
  async function* frames(): AsyncGenerator<CounterFrame> {
    const stream = await load()
    inner = stream
    if (stopped) stream.stop()
    yield* stream.frames
  }
  return {
    frames: frames(),
    stop() {
      stopped = true
      inner?.stop()
    }
  }
}

function countersOf(
  ref: SourceRef,
  opts: CounterStreamOptions & { sshConfigFile?: string }
): Result<() => CounterStream> {
  const streamOpts = { intervalS: opts.intervalS, pids: opts.pids, sudo: opts.sudo }
  switch (ref.kind) {
    case 'file':
      return fail('invalid-argument', `${ref.path} is a file: a file has no live counters.`, {
        remedy: 'Watch the host itself (local, an ssh host, or sim:<scenario>).'
      })
    case 'sim':
      return ok(() =>
        lazyCounterStream(async () =>
          (await import('../sim/counter-stream')).createSimCounterStream(ref.scenario, opts.intervalS)
        )
      )
    case 'local':
    case 'ssh': {
      const target = ref.kind === 'local' ? ref : { ...ref, configFile: sshConfigOf(opts.sshConfigFile) }
      return ok(() =>
        lazyCounterStream(async () => (await import('../traffic/stream')).openCounterStream(target, streamOpts))
      )
    }
  }
}

async function packetOriginOf(ref: SourceRef, sshConfigFile: string | undefined): Promise<Result<PacketOrigin>> {
  switch (ref.kind) {
    case 'local':
      return ok({ kind: 'live', transport: { kind: 'local' } })
    case 'ssh':
      return ok({ kind: 'live', transport: { kind: 'ssh', alias: ref.alias, sshConfigFile: sshConfigOf(sshConfigFile) } })
    case 'sim':
      return ok({ kind: 'sim', scenario: ref.scenario })
    case 'file': {
      const kind = await sniffFile(ref.path)
      if (!kind.ok) return kind
      return kind.value === 'pcap' ? ok({ kind: 'pcap', path: ref.path }) : notAPcapFile(ref.path)
    }
  }
}

export function sourceFromRef(ref: SourceRef): Source {
  const source: Source = {
    ref,
    text: sourceText(ref),
    capture: (opts = {}) => captureOf(ref, opts),
    snapshot: (opts = {}) => snapshotOf(ref, opts),
    counters: (opts) => countersOf(ref, opts),
    packetOrigin: (opts = {}) => packetOriginOf(ref, opts.sshConfigFile),
    packets: async (opts) => (await import('../packets/packets-from-source')).packetsFromSource(source, opts)
  }
  return source
}

/** SOURCE text → a Source, or why the text is not one. */
export function openSource(text: string): Result<Source> {
  const ref = parseSource(text)
  return ref.ok ? ok(sourceFromRef(ref.value)) : ref
}

/** Any SOURCE text as a Snapshot (for callers holding text: the CLI's positionals, the service's host ids). */
export async function snapshotFromSource(text: string, opts: SourceOptions = {}): Promise<Result<Snapshot>> {
  const source = openSource(text)
  return source.ok ? source.value.snapshot(opts) : source
}
