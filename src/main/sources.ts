/**
 * SOURCE resolution shared by the CLI, the service and browser mode:
 *   local            the probe on this machine
 *   sim:<scenario>   a training scenario rendered into a capture: a built-in id, an id from the
 *                    user's scenario folder, or a scenario file's path (a bare *.yaml path too)
 *   sim:<scenario>#<host>  one host of a multi-host scenario (else its first host)
 *   ssh:<alias>      the probe over ssh (alias from ~/.ssh/config or user@host)
 *   <path>           a capture file (NETLENS-CAPTURE header) or a snapshot JSON file
 *   <anything else>  an ssh alias
 */
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { fail, ok, type Result } from '../shared/result'
import type { Snapshot } from '../shared/snapshot/schema'
import { looksLikeCapture, parseCaptureText } from './capture/capture-file'
import type { Capture } from './capture/capture-types'
import type { ProbeOptions, ProbeProgress, ProbeTarget } from './capture/run-probe'
import { readSourceFileText } from './capture/source-file'
import { isValidSshAlias } from './hosts/ssh-config'
import { SECTION } from './capture/sections'
import { buildSnapshot, buildSnapshotInStages } from './model/build-snapshot'

export type SourceKind = 'local' | 'ssh' | 'sim' | 'file'

export interface SourceOptions {
  sudo?: boolean
  conntrackCap?: number
  signal?: AbortSignal
  onProgress?(p: ProbeProgress): void
  /**
   * For a capture whose conntrack table is large: the snapshot without its conntrack entries, given
   * before the table is read (buildSnapshotInStages), so a caller can show the wiring early.
   */
  onTopology?(snapshot: Snapshot): void
  sshConfigFile?: string
}

/** Conntrack text from which the topology is shown first (about 6,000 entries: a few tens of ms to read). */
export const PROGRESSIVE_CONNTRACK_CHARS = 1_000_000

export interface ResolvedSource {
  kind: SourceKind
  capture?: Capture
  snapshot?: Snapshot
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

const looksLikePath = (s: string): boolean =>
  /[/\\]/.test(s) || /\.(cap|capture|json|txt|ya?ml)$/i.test(s) || s.startsWith('.')

const isScenarioFileName = (s: string): boolean => /\.ya?ml$/i.test(s)

// The probe (execa), the simulator (yaml, scenarios) and snapshot validation (zod) are loaded only
// for the sources that need them: `netlens inspect host.cap` starts without them.
async function runProbe(target: ProbeTarget, opts: ProbeOptions): Promise<Result<Capture>> {
  return (await import('./capture/run-probe')).runProbe(target, opts)
}

async function readSourceFile(path: string, conntrackCap: number | undefined): Promise<Result<ResolvedSource>> {
  const read = await readSourceFileText(path)
  if (!read.ok) return read
  const text = read.value
  const name = basename(path)
  if (looksLikeCapture(text)) {
    const parsed = parseCaptureText(text, { conntrackCap })
    if (!parsed.ok) return fail(parsed.error.code, `${name}: ${parsed.error.message}`, { detail: parsed.error.detail })
    return ok({ kind: 'file', capture: { ...parsed.value, source: `file:${name}` } })
  }
  if (/^\s*\{/.test(text)) {
    const { snapshotFromText } = await import('./model/snapshot-file')
    const snap = snapshotFromText(text, name)
    if (!snap.ok) return snap
    return ok({ kind: 'file', snapshot: snap.value })
  }
  return fail('parse-error', `${name} is neither a NetLens capture file nor a snapshot JSON file.`, {
    remedy:
      'Capture files start with "NETLENS-CAPTURE 2" (or 1) (netlens capture -o FILE, or sh probe.sh > FILE on the host).'
  })
}

/** `sim:overlay#node2` → ['overlay', 'node2']; `sim:overlay` → ['overlay', null]. */
export function splitScenarioSource(source: string): [string, string | null] {
  const rest = source.slice(source.indexOf(':') + 1)
  const hash = rest.lastIndexOf('#')
  return hash < 0 ? [rest, null] : [rest.slice(0, hash), rest.slice(hash + 1)]
}

/**
 * sim:<id> or sim:<path>: a built-in or user scenario, or a scenario file, rendered into a capture;
 * `#<host>` picks one host of a multi-host scenario (a fleet member).
 */
async function renderScenarioSource(
  ref: string,
  source: string,
  host: string | null = null
): Promise<Result<ResolvedSource>> {
  const { renderScenarioCapture } = await import('./sim/index')
  const r = renderScenarioCapture(ref, host === null ? {} : { host })
  return r.ok ? ok({ kind: 'sim', capture: { ...r.value, source } }) : r
}

export async function resolveSource(source: string, opts: SourceOptions = {}): Promise<Result<ResolvedSource>> {
  const probeOpts = {
    sudo: opts.sudo,
    conntrackCap: opts.conntrackCap,
    signal: opts.signal,
    onProgress: opts.onProgress,
    // Like the service and `netlens watch`: an explicit file wins, else env NETLENS_SSH_CONFIG.
    sshConfigFile: opts.sshConfigFile ?? (process.env.NETLENS_SSH_CONFIG || undefined)
  }
  if (!source)
    return fail('invalid-argument', 'No SOURCE given (local, sim:<scenario>, ssh:<alias>, an alias, or a file).')
  if (source === 'local') {
    const r = await runProbe({ kind: 'local' }, probeOpts)
    return r.ok ? ok({ kind: 'local', capture: r.value }) : r
  }
  if (source.startsWith('sim:')) {
    const [ref, host] = splitScenarioSource(source)
    return renderScenarioSource(ref, source, host)
  }
  if (source.startsWith('ssh:')) {
    const alias = source.slice(4)
    const r = await runProbe({ kind: 'ssh', alias }, probeOpts)
    return r.ok ? ok({ kind: 'ssh', capture: r.value }) : r
  }
  if (source.startsWith('file:')) return readSourceFile(source.slice(5), opts.conntrackCap)
  // A scenario file given as a path is the same training host as sim:<path>.
  if (isScenarioFileName(source) && (await isFile(source))) return renderScenarioSource(source, `sim:${source}`)
  if (await isFile(source)) return readSourceFile(source, opts.conntrackCap)
  if (looksLikePath(source) || !isValidSshAlias(source)) {
    return fail('not-found', `${source}: no such file, and not an ssh host alias.`, {
      remedy: 'SOURCE is local, sim:<scenario>, ssh:<alias>, an alias from ~/.ssh/config, or a capture, snapshot or scenario (.yaml) file.'
    })
  }
  const r = await runProbe({ kind: 'ssh', alias: source }, probeOpts)
  return r.ok ? ok({ kind: 'ssh', capture: r.value }) : r
}

/** Any SOURCE as a Snapshot (captures go through buildSnapshot). */
export async function snapshotFromSource(source: string, opts: SourceOptions = {}): Promise<Result<Snapshot>> {
  const r = await resolveSource(source, opts)
  if (!r.ok) return r
  if (r.value.snapshot) return ok(r.value.snapshot)
  const capture = r.value.capture
  if (!capture) return fail('internal', `${source}: resolved to nothing`)
  const conntrackChars = capture.sections.find((s) => s.name === SECTION.conntrack)?.stdout.length ?? 0
  if (!opts.onTopology || conntrackChars < PROGRESSIVE_CONNTRACK_CHARS) return ok(buildSnapshot(capture))
  const stages = buildSnapshotInStages(capture)
  opts.onTopology(stages.topology)
  // A turn of the event loop, so the topology goes out (WebSocket, IPC) before the table takes the thread.
  await new Promise<void>((resolve) => setImmediate(resolve))
  return ok(stages.complete())
}
