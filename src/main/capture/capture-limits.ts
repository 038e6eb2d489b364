/**
 * What NetLens reads of one capture (src/shared/limits.ts has the numbers and why): a capture file,
 * an opened file in the app, or a live probe's output. The conntrack list is cut at the conntrack
 * cap, the same for files as for a live probe, and what was left out becomes a snapshot warning.
 * Any other section over the line limit, or too many sections, is a clear refusal (`too-large`)
 * naming the section, its size and the limit: never a snapshot that would not fit in memory.
 */
import { DEFAULT_CONNTRACK_CAP, formatCount, MAX_SECTION_LINES } from '../../shared/limits'
import { fail, ok, type Result } from '../../shared/result'
import type { Capture, RawSection } from './capture-types'
import { SECTION } from './sections'

/** Sections in one capture: a host with 10,000 containers has ~70,000. */
export const MAX_SECTIONS = 200_000

/** Lines of `text` (a last line without a newline counts), counting no further than `stopAfter`. */
export function countLines(text: string, stopAfter = Infinity): number {
  if (text.length === 0) return 0
  let lines = 0
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    if (++lines > stopAfter) return lines
  }
  return text.endsWith('\n') ? lines : lines + 1
}

/** The first `lines` lines of `text` (with their newlines). */
function firstLines(text: string, lines: number): string {
  let at = -1
  for (let i = 0; i < lines; i++) {
    at = text.indexOf('\n', at + 1)
    if (at === -1) return text
  }
  return text.slice(0, at + 1)
}

export interface CaptureLimitOptions {
  /** Conntrack entries kept (default DEFAULT_CONNTRACK_CAP). */
  conntrackCap?: number
}

/** The capture as NetLens reads it, or the refusal of a section it cannot hold. */
export function applyCaptureLimits(capture: Capture, opts: CaptureLimitOptions = {}): Result<Capture> {
  const cap = opts.conntrackCap ?? DEFAULT_CONNTRACK_CAP
  if (capture.sections.length > MAX_SECTIONS) {
    return fail(
      'too-large',
      `the capture has ${formatCount(capture.sections.length)} sections; NetLens reads up to ${formatCount(MAX_SECTIONS)}`
    )
  }
  const notes: string[] = []
  let sections: RawSection[] | null = null
  for (let i = 0; i < capture.sections.length; i++) {
    const section = capture.sections[i]
    if (section.name === SECTION.conntrack) {
      const entries = countLines(section.stdout)
      if (entries > cap) {
        notes.push(
          `conntrack.list: kept the first ${formatCount(cap)} of ${formatCount(entries)} entries (NetLens reads up to ${formatCount(cap)}; --conntrack-max N changes it)`
        )
        ;(sections ??= capture.sections.slice())[i] = { ...section, stdout: firstLines(section.stdout, cap) }
      }
      continue
    }
    const lines = countLines(section.stdout, MAX_SECTION_LINES)
    if (lines > MAX_SECTION_LINES) {
      const total = countLines(section.stdout)
      return fail(
        'too-large',
        `capture section ${section.name} has ${formatCount(total)} lines; NetLens reads up to ${formatCount(MAX_SECTION_LINES)}`,
        {
          remedy:
            'No real host needs that many (the largest kube-proxy iptables-save seen has 695,992 lines): check where this capture comes from.'
        }
      )
    }
  }
  if (!sections) return ok(capture)
  return ok({ ...capture, sections, notes: [...(capture.notes ?? []), ...notes] })
}
