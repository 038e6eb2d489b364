/**
 * The probe's output read as it arrives (issue #16, time to first insight). The probe writes the
 * sections the topology is drawn from first (host, docker, podman, links, addresses, bridges,
 * namespaces) and netfilter, conntrack, counters, listeners and sysctls after them
 * (docs/capture-format.md, "Section order"). As soon as the first of those later sections starts,
 * every section before it is complete: CaptureStream hands them over as a capture of their own,
 * once, so the caller can build and show a first snapshot while the host is still listing rules
 * and connections. The whole output is still parsed at the end as before; this never changes it.
 */
import { StringDecoder } from 'node:string_decoder'
import { BOUNDARY_RE, parseCaptureFile } from './capture-file'
import type { CaptureLimitOptions } from './capture-limits'
import type { Capture } from './capture-types'
import { NS_SECTION, SECTION } from './sections'

/** Host sections the topology does not need: the probe writes them after all the others. */
export const LATE_SECTIONS: ReadonlySet<string> = new Set([
  SECTION.iptablesVersion,
  SECTION.iptablesSave,
  SECTION.iptablesLegacySave,
  SECTION.iptablesNftSave,
  SECTION.iptablesListNat,
  SECTION.nftRuleset,
  SECTION.nftChains,
  SECTION.conntrack,
  SECTION.conntrackCount,
  SECTION.conntrackMax,
  SECTION.procNetDev,
  SECTION.ss,
  SECTION.sysctl
])

/** Per-namespace sections the topology does not need (routes, fdb, counters), written last. */
const LATE_NS_SECTIONS: ReadonlySet<string> = new Set([
  NS_SECTION.ipRoute,
  NS_SECTION.ipRouteText,
  NS_SECTION.bridgeFdb,
  NS_SECTION.procNetDev,
  NS_SECTION.igmp,
  NS_SECTION.procRoute
])

/** True for a section the probe writes in its second part (docs/capture-format.md, "Section order"). */
export function isLateSection(name: string): boolean {
  if (!name.startsWith('ns/')) return LATE_SECTIONS.has(name)
  const slash = name.indexOf('/', 3)
  return slash > 0 && LATE_NS_SECTIONS.has(name.slice(slash + 1))
}

/** Where the header's boundary line must be (parseCaptureFile reads it from the same span). */
const HEADER_SPAN = 4096

export class CaptureStream {
  private readonly decoder = new StringDecoder('utf8')
  private text = ''
  private scanFrom = 0
  private sectionMarker: string | null = null
  private finished = false

  /**
   * `onTopology` gets the capture of every section before the first late one (isLateSection),
   * at most once, and only when those sections read as a capture.
   */
  constructor(
    private readonly onTopology: (capture: Capture) => void,
    private readonly limits: CaptureLimitOptions = {}
  ) {}

  /** True once the topology sections were handed over, or the output is no capture: nothing more is kept. */
  get done(): boolean {
    return this.finished
  }

  push(chunk: Buffer | string): void {
    if (this.finished) return
    this.text += typeof chunk === 'string' ? chunk : this.decoder.write(chunk)
    if (this.sectionMarker === null && !this.readBoundary()) return
    this.scan()
  }

  private readBoundary(): boolean {
    const line = /\nboundary: ([^\r\n]*)\r?\n/.exec(this.text.slice(0, HEADER_SPAN))
    if (!line) {
      // Not a capture (or a header too long to be one): nothing to show early.
      if (this.text.length > HEADER_SPAN) this.stop()
      return false
    }
    if (!BOUNDARY_RE.test(line[1])) {
      this.stop()
      return false
    }
    this.sectionMarker = `--${line[1]} section\nname: `
    return true
  }

  /** Looks for a late section's `section` marker and name line in what arrived since the last look. */
  private scan(): void {
    const marker = this.sectionMarker as string
    for (;;) {
      const at = this.text.indexOf(marker, this.scanFrom)
      if (at < 0) {
        // A marker may be cut by the chunk's end: look again from where it could start.
        this.scanFrom = Math.max(this.scanFrom, this.text.length - marker.length)
        return
      }
      const nameAt = at + marker.length
      const eol = this.text.indexOf('\n', nameAt)
      if (eol < 0) {
        this.scanFrom = at
        return
      }
      this.scanFrom = eol
      if (at > 0 && this.text[at - 1] !== '\n') continue
      if (!isLateSection(this.text.slice(nameAt, eol).replace(/\r$/, ''))) continue
      this.handOver(this.text.slice(0, at))
      return
    }
  }

  private handOver(prefix: string): void {
    const boundary = (this.sectionMarker as string).slice(2, -' section\nname: '.length)
    this.stop()
    const parsed = parseCaptureFile(`${prefix}--${boundary} done\n`, this.limits)
    if (parsed.ok && parsed.value.capture.sections.length > 0) this.onTopology(parsed.value.capture)
  }

  private stop(): void {
    this.finished = true
    this.text = ''
  }
}
