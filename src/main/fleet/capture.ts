/**
 * Captures a fleet: every member through its Source (the same one-round-trip probe over ssh,
 * the same file reader, the same simulator), at most `parallel` at a time, in member order. One
 * host failing never stops the others: its row carries the error (class + remedy) instead.
 */
import { mkdir, open } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { AppError } from '../../shared/result'
import type { Snapshot } from '../../shared/snapshot/schema'
import { serializeCapture } from '../capture/capture-file'
import { buildSnapshot } from '../model/build-snapshot'
import { sourceFromRef, type SourceOptions } from '../sources/index'
import type { FleetMemberRef } from './members'

export const DEFAULT_PARALLEL = 8
export const MAX_PARALLEL = 64

export interface FleetCaptureOptions extends Omit<SourceOptions, 'onProgress'> {
  /** How many hosts are captured at once (default 8). */
  parallel?: number
  /** Write each live capture (ssh, local, sim) to `<outDir>/<label>.cap`. */
  outDir?: string
  /** Called as each host finishes (progress lines, UI rows). */
  onHost?(result: FleetCaptureResult, done: number, total: number): void
}

export interface FleetCaptureResult {
  member: FleetMemberRef
  snapshot: Snapshot | null
  error: AppError | null
  /** The probe round trip (or reading the file), ms; and when it started and ended (epoch ms). */
  captureMs: number
  startedAt: number
  endedAt: number
  /**
   * Building the snapshot from the capture on this thread, ms (0 without one): with `endedAt`, the
   * host's timeline (the fleet bench shows where three hosts' time goes).
   */
  modelMs: number
  /** Where the capture was written (with outDir), or why it could not be. */
  written: string | null
  writeError: string | null
}

/** `<label>.cap`, with anything but [A-Za-z0-9._@:+-] made `_` (aliases are safe; files need not be). */
export function captureFileName(label: string): string {
  const safe = label.replace(/[^A-Za-z0-9._@:+-]/g, '_').replace(/^\.+/, '_')
  return `${safe || 'host'}.cap`
}

/** Runs `fn` on every item with at most `limit` running at once; results in item order. */
export async function mapBounded<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}

async function writeCapture(dir: string, label: string, text: string): Promise<string> {
  const path = join(dir, captureFileName(label))
  const fh = await open(path, 'w', 0o600)
  try {
    await fh.writeFile(text, 'utf8')
  } finally {
    await fh.close()
  }
  return path
}

export async function captureFleet(
  members: FleetMemberRef[],
  opts: FleetCaptureOptions = {}
): Promise<FleetCaptureResult[]> {
  const parallel = Math.min(MAX_PARALLEL, Math.max(1, Math.floor(opts.parallel ?? DEFAULT_PARALLEL)))
  let outDirError: string | null = null
  if (opts.outDir) {
    try {
      await mkdir(opts.outDir, { recursive: true, mode: 0o700 })
    } catch (e) {
      outDirError = `${opts.outDir}: ${(e as Error).message}`
    }
  }
  let done = 0
  return mapBounded(members, parallel, async (member) => {
    const startedAt = Date.now()
    const resolved = await sourceFromRef(member.source).capture({
      sudo: opts.sudo,
      conntrackCap: opts.conntrackCap,
      signal: opts.signal,
      sshConfigFile: opts.sshConfigFile,
      probeScript: opts.probeScript
    })
    const endedAt = Date.now()
    const result: FleetCaptureResult = {
      member,
      snapshot: null,
      error: null,
      captureMs: endedAt - startedAt,
      startedAt,
      endedAt,
      modelMs: 0,
      written: null,
      writeError: null
    }
    if (!resolved.ok) result.error = resolved.error
    else if (resolved.value.snapshot) result.snapshot = resolved.value.snapshot
    else if (resolved.value.capture) {
      const capture = resolved.value.capture
      if (opts.outDir && member.kind !== 'file') {
        if (outDirError) result.writeError = outDirError
        else
          try {
            result.written = await writeCapture(opts.outDir, member.label, serializeCapture(capture))
          } catch (e) {
            result.writeError = (e as Error).message
          }
      }
      const modelStart = performance.now()
      try {
        result.snapshot = buildSnapshot(capture)
      } catch (e) {
        result.error = { code: 'internal', message: `${member.label}: ${(e as Error).message}` }
      }
      result.modelMs = Math.round(performance.now() - modelStart)
    }
    opts.onHost?.(result, ++done, members.length)
    return result
  })
}
