/**
 * packetsFromSource(source, options): the packets on one interface of a source, decoded and
 * NAT-annotated, streamed to callbacks: a Source's `packets()` (src/main/sources), which the CLI
 * (`netlens packets`) and the app's backend call. Where packets come from is the Source's
 * packetOrigin():
 *   local | ssh:<alias> | <alias>   tcpdump -p on the host (run-tcpdump.ts), snapshot for names and NAT
 *   sim:<scenario>                  the simulator's packets for the scenario's flows (sim/packets.ts)
 *   <file>.pcap                     a pcap file, decoded (no snapshot: no names)
 * Bounded: count (default 10,000), duration (60 s), bytes (100 MB), and the caller's AbortSignal.
 */
import { readFile } from 'node:fs/promises'
import { addConntrack, annotatePacket, natContext, type NatContext } from '../../shared/packets/annotate'
import { decodeFrame, innermost } from '../../shared/packets/decode'
import type { CapturedPacket } from '../../shared/packets/format'
import { readPcap, recordTimeMs, type PcapHeader, type PcapRecord } from '../../shared/packets/pcap'
import { resolvePacketTarget, type PacketTargetSpec, type ResolvedPacketTarget } from '../../shared/packets/target'
import { fail, ok, type Result } from '../../shared/result'
import type { Snapshot } from '../../shared/snapshot/schema'
import { loadScenario, SIM_EPOCH_MS } from '../sim/index'
import { scenarioPackets } from '../sim/packets'
import type { Source } from '../sources/index'
import { ConntrackLookup, hostRunner, type LookupFlow } from './conntrack-lookup'
import { runTcpdump, type StopReason } from './run-tcpdump'

export const PACKET_DEFAULTS = { count: 10_000, durationS: 60, maxBytes: 100 * 1024 * 1024 } as const
export const PACKET_LIMITS = {
  count: 10_000_000,
  durationS: 24 * 3600,
  maxBytes: 10 * 1024 * 1024 * 1024,
  filterLength: 4096
} as const

export interface PacketsOptions {
  target: PacketTargetSpec
  /** BPF filter (tcpdump's expression), or empty. */
  filter?: string
  count?: number
  durationS?: number
  maxBytes?: number
  sudo?: boolean
  sshConfigFile?: string
  signal?: AbortSignal
  /** A snapshot of the source the caller already has; otherwise one is taken first. */
  snapshot?: Snapshot
  /** Ask conntrack about flows newer than the snapshot (live sources; default on). */
  conntrackLookups?: boolean
  /** Capturing: tcpdump is listening (live sources), or the packets are about to come (sim, file). */
  onStart?(start: PacketCaptureStart): void
  /** Decoded, annotated packets in capture order, in batches. */
  onPackets?(packets: CapturedPacket[]): void
  /** The raw pcap: the header once, then records as they arrive (for -o FILE, Save .pcap). */
  onPcap?(part: { header: PcapHeader } | { records: PcapRecord[] }): void
}

export interface PacketCaptureStart {
  source: string
  target: ResolvedPacketTarget
  /** Null for a pcap file. */
  snapshot: Snapshot | null
}

export interface PacketCaptureSummary {
  source: string
  target: ResolvedPacketTarget
  packets: number
  bytes: number
  stoppedBy: StopReason
  /** Packets the kernel dropped before tcpdump read them (tcpdump's own count), when known. */
  kernelDropped: number | null
  /** The pcap link type (1 Ethernet, 276 Linux cooked v2 for `any`, …), when known. */
  linktype: number | null
  warnings: string[]
}

function checkNumber(name: string, value: number | undefined, fallback: number, max: number): Result<number> {
  if (value === undefined) return ok(fallback)
  if (!Number.isFinite(value) || value <= 0 || value > max || (name !== 'durationS' && !Number.isInteger(value)))
    return fail(
      'invalid-argument',
      `${name === 'durationS' ? 'duration' : name === 'maxBytes' ? 'byte cap' : 'count'} must be a positive number up to ${max}, got ${String(value)}.`
    )
  return ok(value)
}

/** Decode → annotate → (conntrack lookup) → callbacks, keeping capture order. */
class PacketPipeline {
  private number = 0
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly linktype: () => number,
    private readonly ctx: NatContext | null,
    private readonly lookup: ConntrackLookup | null,
    private readonly emit: (packets: CapturedPacket[]) => void
  ) {}

  push(records: PcapRecord[]): void {
    const packets = records.map((r) => this.packet(r))
    const pending = packets.map((p) => this.resolve(p))
    if (pending.every((x) => x === null)) {
      this.chain = this.chain.then(() => this.emit(packets))
      return
    }
    this.chain = this.chain.then(async () => {
      await Promise.all(pending)
      this.emit(packets)
    })
  }

  drain(): Promise<void> {
    return this.chain
  }

  private packet(r: PcapRecord): CapturedPacket {
    const summary = decodeFrame(this.linktype(), r.data)
    return {
      number: ++this.number,
      timeMs: recordTimeMs(r),
      length: r.originalLength,
      captured: r.data.length,
      summary,
      annotation: this.ctx
        ? annotatePacket(summary, this.ctx)
        : { srcName: null, dstName: null, nat: [], tracked: false }
    }
  }

  /** A lookup for a packet no conntrack entry explains yet; re-annotates when it answers. */
  private resolve(p: CapturedPacket): Promise<void> | null {
    if (!this.ctx || !this.lookup || p.annotation.tracked) return null
    const s = innermost(p.summary)
    const proto = s.transport
    if (s.network !== 'IPv4' || !s.src || !s.dst || (proto !== 'tcp' && proto !== 'udp' && proto !== 'icmp')) return null
    const ctx = this.ctx
    const ours = (ip: string): boolean => ctx.names.has(ip) || ctx.hostAddresses.has(ip)
    if (!ours(s.src) && !ours(s.dst)) return null
    const lookup = this.lookup
    const flow: LookupFlow = { proto, a: s.src, b: s.dst }
    // Packets of one pair that arrive while it is being looked up share the answer (cached).
    const answer = lookup.lookup(flow)
    return answer.then((entries) => {
      addConntrack(ctx, entries)
      p.annotation = annotatePacket(p.summary, ctx)
      if (!p.annotation.tracked) lookup.retryLater(flow, answer)
    })
  }
}

async function pcapFileSource(
  path: string,
  o: PacketsOptions,
  count: number,
  signal?: AbortSignal
): Promise<Result<PacketCaptureSummary>> {
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await readFile(path))
  } catch (e) {
    return fail('not-found', `${path}: ${(e as Error).message}`)
  }
  const file = readPcap(bytes)
  if (!file.header) return fail('parse-error', `${path}: ${file.error ?? 'not a pcap file'}`)
  const target: ResolvedPacketTarget = {
    iface: file.header.linktype === 276 || file.header.linktype === 113 ? 'any' : '-',
    netns: 'file',
    pid: null,
    container: null,
    containerIface: null
  }
  o.onStart?.({ source: path, target, snapshot: o.snapshot ?? null })
  const records = file.records.slice(0, count)
  o.onPcap?.({ header: file.header })
  o.onPcap?.({ records })
  const header = file.header
  const pipeline = new PacketPipeline(
    () => header.linktype,
    o.snapshot ? natContext(o.snapshot) : null,
    null,
    (p) => o.onPackets?.(p)
  )
  pipeline.push(records)
  await pipeline.drain()
  return ok({
    source: path,
    target,
    packets: records.length,
    bytes: bytes.length,
    stoppedBy: signal?.aborted ? 'cancelled' : records.length < file.records.length ? 'count' : 'ended',
    kernelDropped: null,
    linktype: header.linktype,
    warnings: file.warnings
  })
}

export async function packetsFromSource(source: Source, o: PacketsOptions): Promise<Result<PacketCaptureSummary>> {
  const count = checkNumber('count', o.count, PACKET_DEFAULTS.count, PACKET_LIMITS.count)
  if (!count.ok) return count
  const durationS = checkNumber('durationS', o.durationS, PACKET_DEFAULTS.durationS, PACKET_LIMITS.durationS)
  if (!durationS.ok) return durationS
  const maxBytes = checkNumber('maxBytes', o.maxBytes, PACKET_DEFAULTS.maxBytes, PACKET_LIMITS.maxBytes)
  if (!maxBytes.ok) return maxBytes
  const filter = (o.filter ?? '').trim()
  if (filter.length > PACKET_LIMITS.filterLength || filter.includes('\0'))
    return fail(
      'invalid-argument',
      `The filter must be at most ${PACKET_LIMITS.filterLength} characters, without NUL bytes.`
    )
  const sshConfigFile = o.sshConfigFile ?? (process.env.NETLENS_SSH_CONFIG || undefined)
  const origin = await source.packetOrigin({ sshConfigFile })
  if (!origin.ok) return origin
  const src = origin.value
  if (src.kind === 'pcap') return pcapFileSource(src.path, o, count.value, o.signal)

  let snapshot = o.snapshot
  if (!snapshot) {
    const snap = await source.snapshot({ sudo: o.sudo, signal: o.signal, sshConfigFile })
    if (!snap.ok) return snap
    snapshot = snap.value
  }
  const target = resolvePacketTarget(snapshot, o.target)
  if (!target.ok) return target
  if (o.signal?.aborted) return fail('cancelled', 'Packet capture cancelled.')
  const start: PacketCaptureStart = { source: source.text, target: target.value, snapshot }
  const ctx = natContext(snapshot)

  if (src.kind === 'sim') {
    if (filter)
      return fail(
        'invalid-argument',
        'Training hosts do not take a BPF filter (their packets are rendered, not captured).'
      )
    const scenario = loadScenario(src.scenario)
    if (!scenario.ok) return scenario
    const netns = target.value.pid !== null ? `pid:${target.value.pid}` : 'host'
    const rendered = scenarioPackets(scenario.value, {
      netns,
      iface: target.value.iface,
      count: count.value,
      startMs: SIM_EPOCH_MS
    })
    if (!rendered.ok) return rendered
    const { linktype, records } = rendered.value
    o.onStart?.(start)
    o.onPcap?.({
      header: { littleEndian: true, nanos: false, versionMajor: 2, versionMinor: 4, snaplen: 262144, linktype }
    })
    o.onPcap?.({ records })
    const pipeline = new PacketPipeline(
      () => linktype,
      ctx,
      null,
      (p) => o.onPackets?.(p)
    )
    pipeline.push(records)
    await pipeline.drain()
    const bytes = 24 + records.reduce((n, r) => n + 16 + r.data.length, 0)
    return ok({
      source: source.text,
      target: target.value,
      packets: records.length,
      bytes,
      stoppedBy: records.length >= count.value ? 'count' : 'ended',
      kernelDropped: null,
      linktype,
      warnings: []
    })
  }

  const transport = src.transport
  const lookup = o.conntrackLookups === false ? null : new ConntrackLookup(hostRunner(transport), Boolean(o.sudo))
  let linktype = 1
  const pipeline = new PacketPipeline(
    () => linktype,
    ctx,
    lookup,
    (p) => o.onPackets?.(p)
  )
  const run = await runTcpdump({
    transport,
    sudo: Boolean(o.sudo),
    iface: target.value.iface,
    filter,
    count: count.value,
    durationS: durationS.value,
    maxBytes: maxBytes.value,
    netnsPid: target.value.pid ?? 0,
    signal: o.signal,
    onListening: () => o.onStart?.(start),
    onHeader(header) {
      linktype = header.linktype
      o.onPcap?.({ header })
    },
    onRecords(records) {
      o.onPcap?.({ records })
      pipeline.push(records)
    }
  })
  await pipeline.drain()
  lookup?.dispose()
  if (!run.ok) return run
  const warnings = [...run.value.warnings]
  if (lookup?.disabledBecause)
    warnings.push(
      `conntrack could not be read for flows newer than the snapshot (${lookup.disabledBecause}): NAT notes come from the rules only. Run as root or with --sudo.`
    )
  return ok({
    source: source.text,
    target: target.value,
    packets: run.value.packets,
    bytes: run.value.bytes,
    stoppedBy: run.value.stoppedBy,
    kernelDropped: run.value.kernel?.dropped ?? null,
    linktype: run.value.header?.linktype ?? run.value.listeningLinktype,
    warnings
  })
}
