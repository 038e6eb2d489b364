/**
 * Files as sources, sniffed in one place with one set of errors, for every door: a CLI SOURCE, a
 * fleet member, the app's Open File (content already read), packets. What a file is comes from its
 * content, never its name, except a scenario opened by content (YAML has no magic):
 *   capture    starts with "NETLENS-CAPTURE <version> " (docs/capture-format.md)
 *   snapshot   JSON (a snapshot NetLens saved; validated field by field)
 *   pcap       a pcap or pcapng magic: packets only (netlens packets FILE.pcap)
 *   scenario   a *.yaml / *.yml name (sources of kind sim read scenario files by path)
 */
import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { fail, ok, type Result } from '../../shared/result'
import type { Snapshot } from '../../shared/snapshot/schema'
import { looksLikeCapture, parseCaptureText } from '../capture/capture-file'
import type { Capture } from '../capture/capture-types'
import { fileReadError, readSourceFileText } from '../capture/source-file'
import { isScenarioFileName } from './ref'

export type FileKind = 'capture' | 'snapshot' | 'pcap' | 'scenario' | 'unknown'

/** A file source read: a capture to build a snapshot from, or a snapshot as saved. */
export type FileContent = { capture: Capture; snapshot?: undefined } | { snapshot: Snapshot; capture?: undefined }

const PCAP_MAGICS = new Set(['a1b2c3d4', 'd4c3b2a1', 'a1b23c4d', '4d3cb2a1', '0a0d0d0a'])

/** What a file's text (or its first bytes) is. `name` decides only between scenario YAML and the rest. */
export function sniffFileText(name: string, head: string): FileKind {
  if (looksLikeCapture(head)) return 'capture'
  if (/^\s*\{/.test(head)) return 'snapshot'
  if (isScenarioFileName(name)) return 'scenario'
  return 'unknown'
}

/** The kind of a file on disk from its first bytes (a pcap may be gigabytes: the rest stays unread). */
export async function sniffFile(path: string): Promise<Result<FileKind>> {
  try {
    const file = await open(path, 'r')
    try {
      const head = Buffer.alloc(64)
      const { bytesRead } = await file.read(head, 0, head.length, 0)
      if (PCAP_MAGICS.has(head.subarray(0, Math.min(4, bytesRead)).toString('hex'))) return ok('pcap')
      return ok(sniffFileText(path, head.toString('utf8', 0, bytesRead)))
    } finally {
      await file.close()
    }
  } catch (e) {
    return fileReadError(path, e)
  }
}

/** The one refusal for a file NetLens cannot take a snapshot from. */
export function notASnapshotFile<T = never>(name: string): Result<T> {
  return fail('parse-error', `${name} is neither a NetLens capture file nor a snapshot JSON file.`, {
    remedy:
      'Capture files start with "NETLENS-CAPTURE 2" (or 1) (netlens capture -o FILE, or sh probe.sh > FILE on the host).'
  })
}

/** The one refusal for a file asked for live packets or counters. */
export function notAPcapFile<T = never>(path: string): Result<T> {
  return fail('invalid-argument', `${path} is a file but not a pcap: capture files and snapshots have no live packets.`, {
    remedy: 'Capture on the host itself (local or its ssh alias), or open a .pcap file.'
  })
}

/** A capture or snapshot from a file's text; `name` is how messages call the file. */
export async function fileContentFromText(
  name: string,
  text: string,
  conntrackCap?: number
): Promise<Result<FileContent>> {
  const kind = sniffFileText(name, text)
  if (kind === 'capture') {
    const parsed = parseCaptureText(text, { conntrackCap })
    if (!parsed.ok) return fail(parsed.error.code, `${name}: ${parsed.error.message}`, { detail: parsed.error.detail })
    return ok({ capture: { ...parsed.value, source: `file:${name}` } })
  }
  if (kind === 'snapshot') {
    // zod is loaded only when a snapshot file is opened: `netlens inspect host.cap` starts without it.
    const { snapshotFromText } = await import('../model/snapshot-file')
    const snapshot = snapshotFromText(text, name)
    return snapshot.ok ? ok({ snapshot: snapshot.value }) : snapshot
  }
  if (kind === 'scenario') {
    // A training scenario opened as a file: the simulator renders it, the real pipeline reads it.
    const { renderScenarioText } = await import('../sim/index')
    const rendered = renderScenarioText(text, name)
    return rendered.ok ? ok({ capture: { ...rendered.value, source: `file:${name}` } }) : rendered
  }
  return notASnapshotFile(name)
}

/** Reads a file source (bounded, regular files only) into a capture or a snapshot. */
export async function readFileSource(path: string, conntrackCap?: number): Promise<Result<FileContent>> {
  const name = basename(path)
  const read = await readSourceFileText(path)
  if (!read.ok) return read
  // By path a .yaml is a sim source (parseSource); as file:<path> it is read like any other file.
  const kind = sniffFileText(name, read.value)
  if (kind === 'scenario') return notASnapshotFile(name)
  return fileContentFromText(name, read.value, conntrackCap)
}
