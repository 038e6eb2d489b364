/**
 * Capture files: the probe's stdout IS the file format (docs/capture-format.md, version 2).
 *
 *   NETLENS-CAPTURE 2
 *   boundary: <B>
 *   source: local
 *   capturedAt: 2026-01-01T00:00:00Z
 *   --<B> section
 *   name: ip.link
 *   command: ip -j -d link show
 *   --<B> stdout
 *   <bytes>
 *   --<B> result
 *   exit: 0
 *   ms: 12
 *   status: ok
 *   --<B> stderr
 *   <bytes>
 *   --<B> end
 *   --<B> done
 *
 * Version 2 puts exit, ms and status after stdout, so the probe streams each command's output
 * straight through instead of buffering it first. Version 1 files (the same fields before
 * `stdout`, no `result` block) are still read.
 *
 * Bodies are copied verbatim; the boundary is random per capture, so no body can end a section
 * early. Header values escape `\`, newline and CR.
 */
import { randomUUID } from 'node:crypto'
import { isSectionStatus } from '../../shared/snapshot/constants'
import { fail, ok, type Result } from '../../shared/result'
import type { Capture, RawSection } from './capture-types'
import { applyCaptureLimits, type CaptureLimitOptions } from './capture-limits'

export const CAPTURE_MAGIC = 'NETLENS-CAPTURE'
export const CAPTURE_FORMAT_VERSION = 2
/** Versions this reader understands. */
const READABLE_VERSIONS = new Set([1, 2])

/** Boundaries the probe and serializer use: safe in a shell word and in a header line. */
export const BOUNDARY_RE = /^[A-Za-z0-9._][A-Za-z0-9._-]{7,99}$/

export function newBoundary(): string {
  return `nl-${randomUUID()}`
}

/** True when the text starts like a capture file (used to tell capture files from snapshot JSON). */
export function looksLikeCapture(text: string): boolean {
  return text.replace(/^\uFEFF/, '').startsWith(`${CAPTURE_MAGIC} `)
}

function escapeHeader(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

function unescapeHeader(value: string): string {
  return value.replace(/\\(\\|n|r)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'))
}

function boundaryFits(boundary: string, c: Capture): boolean {
  const marker = `--${boundary}`
  return !c.sections.some((s) => s.stdout.includes(marker) || s.stderr.includes(marker))
}

export function serializeCapture(c: Capture, extraHeader: Record<string, string> = {}): string {
  let boundary = newBoundary()
  while (!boundaryFits(boundary, c)) boundary = newBoundary()
  const m = `--${boundary}`
  const parts: string[] = [
    `${CAPTURE_MAGIC} ${CAPTURE_FORMAT_VERSION}\n`,
    `boundary: ${boundary}\n`,
    `source: ${escapeHeader(c.source)}\n`,
    `capturedAt: ${escapeHeader(c.capturedAt)}\n`
  ]
  for (const [k, v] of Object.entries(extraHeader)) {
    if (/^[A-Za-z][A-Za-z0-9_.-]*$/.test(k) && !['boundary', 'source', 'capturedAt'].includes(k)) {
      parts.push(`${k}: ${escapeHeader(v)}\n`)
    }
  }
  for (const s of c.sections) {
    parts.push(
      `${m} section\n`,
      `name: ${escapeHeader(s.name)}\n`,
      `command: ${escapeHeader(s.command)}\n`,
      `${m} stdout\n`,
      s.stdout,
      `\n${m} result\n`,
      `exit: ${s.exitCode === null ? '' : String(s.exitCode)}\n`,
      `ms: ${Number.isFinite(s.ms) ? String(s.ms) : '0'}\n`,
      `status: ${s.status}\n`,
      `${m} stderr\n`,
      s.stderr,
      `\n${m} end\n`
    )
  }
  parts.push(`${m} done\n`)
  return parts.join('')
}

/** Reads `key: value` lines from `start` up to (not including) the line starting with `stop`. */
function readHeaderLines(
  text: string,
  start: number,
  stop: string
): { fields: Map<string, string>; next: number } | null {
  const fields = new Map<string, string>()
  let pos = start
  while (pos < text.length) {
    if (text.startsWith(stop, pos)) return { fields, next: pos }
    const eol = text.indexOf('\n', pos)
    if (eol < 0) return null
    const line = text.slice(pos, eol).replace(/\r$/, '')
    const colon = line.indexOf(':')
    if (colon > 0) fields.set(line.slice(0, colon).trim(), unescapeHeader(line.slice(colon + 1).replace(/^ /, '')))
    pos = eol + 1
  }
  return null
}

export interface ParsedCaptureFile {
  capture: Capture
  /** Every header field (boundary, source, capturedAt, probe, conntrackCap, uid, sudo, …). */
  header: Record<string, string>
}

/** Where a capture without its `done` marker was cut (see docs/capture-format.md, "Truncated captures"). */
export const TRUNCATED_SECTION_STDERR =
  'NetLens: the capture ends inside this section (probe stopped: timeout, full disk or closed ssh session); its output is incomplete and was not read'

/**
 * Reads a capture file, within NetLens's limits (capture-limits.ts): the conntrack list cut at
 * `conntrackCap`, a section too large for memory refused.
 */
export function parseCaptureFile(input: string, limits: CaptureLimitOptions = {}): Result<ParsedCaptureFile> {
  const parsed = parseCaptureFileUnlimited(input)
  if (!parsed.ok) return parsed
  const capture = applyCaptureLimits(parsed.value.capture, limits)
  return capture.ok ? ok({ ...parsed.value, capture: capture.value }) : capture
}

function parseCaptureFileUnlimited(input: string): Result<ParsedCaptureFile> {
  const text = input.replace(/^\uFEFF/, '')
  const firstEol = text.indexOf('\n')
  const first = (firstEol < 0 ? text : text.slice(0, firstEol)).replace(/\r$/, '')
  const magic = /^NETLENS-CAPTURE (\d+)$/.exec(first)
  if (!magic)
    return fail(
      'parse-error',
      'Not a NetLens capture file (the first line is not "NETLENS-CAPTURE 2" or "NETLENS-CAPTURE 1").'
    )
  const version = Number(magic[1])
  if (!READABLE_VERSIONS.has(version)) {
    return fail('parse-error', `Unsupported capture format version ${magic[1]} (this NetLens reads versions 1 and 2).`)
  }
  const boundaryLine = /\nboundary: ([^\r\n]*)\r?\n/.exec(text.slice(0, 4096))
  const boundary = boundaryLine?.[1]
  if (!boundary || !BOUNDARY_RE.test(boundary)) return fail('parse-error', 'Capture file has no valid boundary line.')
  const m = `--${boundary}`
  const head = readHeaderLines(text, firstEol + 1, `${m} `)
  if (!head) return fail('parse-error', 'Capture file is truncated before its first section: there is nothing to show.')
  const header = Object.fromEntries(head.fields)
  const sections: RawSection[] = []
  let pos = head.next
  /** The probe was cut off (no `done`): keep every complete section, and the cut one as unread. */
  const truncated = (cut: { name: string; command: string } | null): Result<ParsedCaptureFile> => {
    if (text.includes(`${m} done`, pos)) {
      const where = sections.length
        ? `after section "${sections[sections.length - 1].name}"`
        : 'before the first section'
      return fail('parse-error', `Capture file is damaged ${where}.`, { detail: text.slice(pos, pos + 200) })
    }
    if (!sections.length)
      return fail(
        'parse-error',
        'Capture file is truncated before its first complete section: there is nothing to show.'
      )
    const after = sections[sections.length - 1].name
    if (cut)
      sections.push({ ...cut, exitCode: null, ms: 0, status: 'error', stdout: '', stderr: TRUNCATED_SECTION_STDERR })
    return ok({ header, capture: captureOf(header, sections, { after, cut: cut?.name ?? null }) })
  }
  for (;;) {
    if (text.startsWith(`${m} done`, pos)) break
    if (!text.startsWith(`${m} section\n`, pos)) return truncated(null)
    const fieldsAt = pos + `${m} section\n`.length
    const sh = readHeaderLines(text, fieldsAt, `${m} stdout\n`)
    if (!sh) {
      // Cut inside the section's own header: its name is known once the `name:` line is whole.
      const whole = text.slice(fieldsAt, text.lastIndexOf('\n') + 1)
      const partial = readHeaderLines(`${whole}${m} stdout\n`, 0, `${m} stdout\n`)?.fields
      const name = partial?.get('name')
      return truncated(name !== undefined ? { name, command: partial?.get('command') ?? '' } : null)
    }
    const f = sh.fields
    const cutHere = (): Result<ParsedCaptureFile> =>
      truncated({ name: f.get('name') ?? '', command: f.get('command') ?? '' })
    const stdoutAt = sh.next + `${m} stdout\n`.length
    // stdout ends at the next marker: `result` (version 2) or `stderr` (version 1, or a version 2
    // section without a result block).
    const stdoutEnd = text.indexOf(`\n${m} `, stdoutAt)
    if (stdoutEnd < 0) return cutHere()
    let stderrIdx = stdoutEnd
    const resultMarker = `\n${m} result\n`
    if (text.startsWith(resultMarker, stdoutEnd)) {
      const result = readHeaderLines(text, stdoutEnd + resultMarker.length, `${m} stderr\n`)
      if (!result) return cutHere()
      for (const [key, value] of result.fields) f.set(key, value)
      // readHeaderLines stops at the marker itself; the stderr body starts after that line.
      stderrIdx = result.next - 1
    }
    const stderrMarker = `\n${m} stderr\n`
    if (!text.startsWith(stderrMarker, stderrIdx)) return cutHere()
    const stderrAt = stderrIdx + stderrMarker.length
    const endMarker = `\n${m} end\n`
    let endIdx = text.indexOf(endMarker, stderrAt)
    // A file cut right after the end marker's newline-less last line still holds the whole section.
    if (endIdx < 0 && text.endsWith(`\n${m} end`) && text.length - endMarker.length + 1 >= stderrAt)
      endIdx = text.length - endMarker.length + 1
    if (endIdx < 0) return cutHere()
    const exitText = f.get('exit') ?? ''
    const status = f.get('status')
    const ms = Number(f.get('ms'))
    sections.push({
      name: f.get('name') ?? '',
      command: f.get('command') ?? '',
      exitCode: /^-?\d+$/.test(exitText) ? Number(exitText) : null,
      ms: Number.isFinite(ms) ? ms : 0,
      status: isSectionStatus(status) ? status : 'error',
      stdout: text.slice(stdoutAt, stdoutEnd),
      stderr: text.slice(stderrAt, endIdx)
    })
    pos = Math.min(text.length, endIdx + endMarker.length)
  }
  return ok({ header, capture: captureOf(header, sections, null) })
}

function captureOf(
  header: Record<string, string>,
  sections: RawSection[],
  truncated: Capture['truncated'] | null
): Capture {
  return {
    formatVersion: 1,
    source: header.source ?? 'unknown',
    capturedAt: header.capturedAt ?? '',
    sections,
    ...(truncated ? { truncated } : {})
  }
}

export function parseCaptureText(text: string, limits: CaptureLimitOptions = {}): Result<Capture> {
  const parsed = parseCaptureFile(text, limits)
  return parsed.ok ? ok(parsed.value.capture) : parsed
}
