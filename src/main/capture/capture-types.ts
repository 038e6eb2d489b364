/**
 * A capture is one whole probe run: every section's command, exit code, duration, stderr and
 * stdout. Real hosts (local or SSH), capture files and the training simulator all produce this
 * same shape, so everything downstream (parse → snapshot → views) is one pipeline.
 * The on-disk text format is documented in docs/capture-format.md.
 */
import type { SectionStatus } from '../../shared/snapshot/schema'

export interface RawSection {
  /** One of the names in sections.ts, or `ns/<nsid>/<name>` for per-namespace sections. */
  name: string
  command: string
  exitCode: number | null
  ms: number
  status: SectionStatus
  stderr: string
  stdout: string
}

export interface Capture {
  /**
   * The version of this in-memory shape. Capture files of format 1 and 2 (which differ only in
   * where a section's exit/ms/status lines sit, see docs/capture-format.md) both read into it.
   */
  formatVersion: 1
  /** `local`, `ssh:<alias>`, `sim:<scenario>`, `file:<name>` */
  source: string
  capturedAt: string
  sections: RawSection[]
  /**
   * Set when the probe's output ended without its `done` marker (timeout, full disk, closed ssh
   * session): `after` is the last complete section, `cut` the one the output ended in (kept in
   * `sections` with status `error` and no stdout), null when it ended between sections.
   */
  truncated?: { after: string; cut: string | null }
  /** What NetLens left out while reading it (a conntrack list cut at the cap): shown as snapshot warnings. */
  notes?: string[]
}
