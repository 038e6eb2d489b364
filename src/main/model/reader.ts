/**
 * Reads sections out of a capture for the snapshot builder: finds a section by name, decides
 * whether its stdout is usable, runs a parser without letting it throw, and collects every parser
 * warning (prefixed with the section name) and every missing/denied section as a snapshot warning.
 */
import type { Capture, RawSection } from '../capture/capture-types'
import type { SectionSpec } from '../capture/section-registry'
import { nsSectionName } from '../capture/sections'
import type { ParseResult } from '../parsers/types'
import type { Section } from '../../shared/snapshot/schema'

/** What is lost when a section is unavailable, and what to do about it. */
const CONSEQUENCE: Record<string, string> = {
  'meta.hostname': 'hostname unknown',
  'meta.kernel': 'kernel version unknown',
  'meta.uid': 'privilege level unknown',
  'docker.version': 'docker version unknown',
  'docker.networks': 'docker networks unknown',
  'docker.containers': 'containers unknown',
  'meta.user': 'the user name of rootless Podman containers unknown',
  'podman.version': 'podman version unknown',
  'podman.networks': 'podman networks unknown',
  'podman.containers': 'podman containers unknown (only /proc shows them)',
  'podman.pods': 'pod names unknown (pod ids are shown)',
  'proc.nethelpers': 'rootless forwarders (slirp4netns, pasta, rootlessport) unknown',
  'ip.link': 'interfaces unknown',
  'ip.link.text': 'interfaces unknown',
  'ip.addr': 'addresses unknown',
  'ip.addr.text': 'addresses unknown',
  'ip.route': 'routes unknown',
  'ip.route.text': 'routes unknown',
  'ip.neigh': 'neighbours unknown',
  'bridge.link': 'bridge ports taken from ip link only',
  'bridge.fdb': 'bridge forwarding table unknown',
  'brctl.show': 'bridge ports taken from ip link only',
  'sys.brif': 'bridge ports taken from ip link only',
  'iptables.version': 'iptables backend unknown',
  'iptables.save': 'NAT rules unknown',
  'ip6tables.save': 'IPv6 rules unknown',
  'iptables-legacy.save': 'cannot tell whether legacy iptables rules exist too',
  'iptables-nft.save': 'cannot tell whether nf_tables iptables rules exist too',
  'iptables.list.nat': 'NAT rules unknown',
  'nft.ruleset': 'nftables rules unknown',
  'nft.chains': 'devices of nftables ingress/egress chains unknown (trace does not walk them)',
  'conntrack.list': 'live NAT translations unknown',
  'conntrack.count': 'conntrack table size unknown',
  'conntrack.max': 'conntrack table limit unknown',
  'proc.net.dev': 'interface counters unknown',
  'ss.listen': 'listening sockets (docker-proxy) unknown',
  sysctl: 'kernel settings (ip_forward, bridge-nf-call-iptables) unknown',
  'netns.map': 'shared network namespaces cannot be detected'
}

const NS_CONSEQUENCE: Record<string, string> = {
  'ip.link': 'interfaces inside it unknown',
  'ip.addr': 'addresses inside it unknown',
  'ip.route': 'routes inside it unknown',
  'proc.net.dev': 'counters inside it unknown',
  igmp: 'interface indexes inside it unknown',
  'proc.route': 'routes inside it unknown',
  'bridge.fdb': 'VXLAN remote endpoints unknown'
}

const TOOL: Record<string, string> = {
  conntrack: 'conntrack',
  iptables: 'iptables',
  ip6tables: 'iptables',
  nft: 'nftables',
  brctl: 'bridge-utils',
  ss: 'iproute2',
  ip: 'iproute2',
  bridge: 'iproute2',
  docker: 'docker',
  podman: 'podman'
}

/** Optional tools: a host without them is normal, so their absence is not a warning. */
const QUIET_WHEN_MISSING = new Set(['podman.version'])

/** Fallback chains: when an earlier section of a group is usable, later ones are not needed. */
export const SECTION_GROUPS: string[][] = [
  ['ip.link', 'ip.link.text'],
  ['ip.addr', 'ip.addr.text'],
  ['ip.route', 'ip.route.text'],
  ['ip.neigh', 'ip.neigh.text'],
  ['iptables.save', 'iptables.list.nat', 'nft.ruleset']
]

export function splitNsSection(name: string): { nsid: string; section: string } | null {
  if (!name.startsWith('ns/')) return null
  const slash = name.lastIndexOf('/')
  if (slash <= 3) return null
  return { nsid: name.slice(3, slash), section: name.slice(slash + 1) }
}

/** Parser warnings kept per section. */
export const MAX_WARNINGS_PER_SECTION = 50

export class CaptureReader {
  readonly warnings: string[] = []
  private readonly byName = new Map<string, RawSection>()
  private readonly usable = new Map<string, string | null>()

  constructor(readonly capture: Capture) {
    for (const section of Array.isArray(capture?.sections) ? capture.sections : []) {
      if (section && typeof section.name === 'string' && !this.byName.has(section.name))
        this.byName.set(section.name, section)
    }
  }

  get names(): string[] {
    return [...this.byName.keys()]
  }

  get(name: string): RawSection | undefined {
    return this.byName.get(name)
  }

  /** Stdout worth parsing: present and not empty. A failed command's partial output is still used. */
  text(name: string): string | null {
    const cached = this.usable.get(name)
    if (cached !== undefined) return cached
    const section = this.byName.get(name)
    let text: string | null = null
    if (
      section &&
      typeof section.stdout === 'string' &&
      section.status !== 'permission-denied' &&
      section.status !== 'missing-tool' &&
      section.status !== 'skipped'
    )
      text = /\S/.test(section.stdout) ? section.stdout : null
    this.usable.set(name, text)
    return text
  }

  has(name: string): boolean {
    return this.text(name) !== null
  }

  /** Runs `parser` on the section's stdout; returns null when the section is unusable. */
  parse<T>(name: string, parser: (text: string) => ParseResult<T>): T | null {
    const text = this.text(name)
    if (text === null) return null
    try {
      const result = parser(text)
      const warnings = result.warnings ?? []
      // A section of junk warns on every line: the first ones say what is wrong, a count says how much.
      for (let i = 0; i < Math.min(warnings.length, MAX_WARNINGS_PER_SECTION); i++)
        this.warnings.push(`${name}: ${warnings[i]}`)
      if (warnings.length > MAX_WARNINGS_PER_SECTION)
        this.warnings.push(`${name}: ${warnings.length - MAX_WARNINGS_PER_SECTION} more warnings like these`)
      return result.value
    } catch (error) {
      this.warnings.push(`${name}: parser failed (${error instanceof Error ? error.message : String(error)})`)
      return null
    }
  }

  /**
   * A registry section read with its registered parser; when it is unusable (or its parser gave
   * nothing), its text form (`textFallback`: ip.link → ip.link.text). Null when neither is read,
   * or for a section the registry reads as plain text (`text()` is for those).
   */
  read<T>(spec: SectionSpec<T>): T | null {
    const value = spec.parse && this.has(spec.name) ? this.parse(spec.name, spec.parse) : null
    return value ?? (spec.textFallback ? this.read(spec.textFallback) : null)
  }

  /**
   * A per-namespace registry section of the namespace reached by `nsids` (best first): the first
   * nsid whose section is usable is read, then the text form the same way.
   */
  readIn<T>(nsids: string[], spec: SectionSpec<T>): T | null {
    const name = spec.parse ? nsids.map((nsid) => nsSectionName(nsid, spec.name)).find((n) => this.has(n)) : undefined
    const value = name ? this.parse(name, spec.parse!) : null
    return value ?? (spec.textFallback ? this.readIn(nsids, spec.textFallback) : null)
  }

  /** A per-namespace registry section of one nsid, parsed without a warning (null when unusable or unparsable). */
  peekIn<T>(nsid: string, spec: SectionSpec<T>): T | null {
    const text = this.text(nsSectionName(nsid, spec.name))
    if (text === null || !spec.parse) return null
    try {
      return spec.parse(text).value
    } catch {
      return null
    }
  }

  /** The `sections` list of the snapshot: every section of the capture, stdout dropped. */
  sectionRecords(): Section[] {
    return [...this.byName.values()].map((s) => ({
      name: String(s.name),
      command: typeof s.command === 'string' ? s.command : '',
      exitCode: typeof s.exitCode === 'number' && Number.isInteger(s.exitCode) ? s.exitCode : null,
      ms: typeof s.ms === 'number' && Number.isFinite(s.ms) ? s.ms : 0,
      status: s.status ?? 'error',
      stderr: typeof s.stderr === 'string' ? s.stderr : '',
      empty: typeof s.stdout !== 'string' || !/\S/.test(s.stdout)
    }))
  }

  /** One warning per unusable section, saying what is unknown because of it and what to do. */
  sectionWarnings(): string[] {
    const out: string[] = []
    const usable = (name: string): boolean => this.has(name)
    for (const section of this.byName.values()) {
      if (section.status === 'ok' || section.status === 'skipped') continue
      if (section.status === 'missing-tool' && QUIET_WHEN_MISSING.has(section.name)) continue
      const ns = splitNsSection(section.name)
      const group = SECTION_GROUPS.find((g) => g.includes(section.name))
      const replacement = group?.find((other) => other !== section.name && usable(other))
      let consequence: string
      if (replacement) consequence = `read ${replacement} instead`
      else if (ns) consequence = `${NS_CONSEQUENCE[ns.section] ?? 'data unknown'} for namespace ${ns.nsid}`
      else consequence = CONSEQUENCE[section.name] ?? 'data unknown'
      out.push(`${section.name}: ${section.status} — ${consequence}${replacement ? '' : remedy(section)}`)
    }
    return out
  }

  /** Warnings for important sections that the capture does not contain at all (old captures, seed text). */
  absentWarnings(): string[] {
    const out: string[] = []
    const present = (name: string): boolean => this.byName.has(name)
    const check = (names: string[], consequence: string): void => {
      if (!names.some(present)) out.push(`${names[0]}: not captured — ${consequence}`)
    }
    check(['ip.link', 'ip.link.text'], 'interfaces unknown')
    check(['ip.addr', 'ip.addr.text'], 'addresses unknown')
    check(['ip.route', 'ip.route.text'], 'routes unknown')
    check(['docker.containers'], 'containers unknown')
    check(['docker.networks'], 'docker networks unknown')
    check(['iptables.save', 'iptables.list.nat', 'nft.ruleset'], 'NAT rules unknown')
    if (!present('iptables.save') && present('iptables.list.nat'))
      out.push(
        'iptables.save: not captured — only the nat table listing (iptables -L) is known; filter/raw tables unknown'
      )
    check(['conntrack.list'], 'live NAT translations unknown')
    check(['ss.listen'], 'listening sockets (docker-proxy) unknown')
    check(['proc.net.dev'], 'interface counters unknown')
    check(['sysctl'], 'kernel settings (ip_forward, bridge-nf-call-iptables) unknown')
    return out
  }
}

function remedy(section: RawSection): string {
  if (section.status === 'permission-denied') return '; run as root or with --sudo'
  if (section.status === 'missing-tool') {
    // `sudo -n conntrack -L`, `nsenter --net=… ip -j link`, `/usr/sbin/iptables-save`: the first known tool word
    const words = (section.command ?? '')
      .split(/[\s|;]+/)
      .map((w) => w.replace(/^.*\//, '').replace(/-(save|legacy-save|nft-save)$/, ''))
    const tool = words.map((w) => TOOL[w]).find(Boolean)
    return tool ? `; install ${tool}` : '; install the missing tool'
  }
  if (section.status === 'timeout') return '; the command timed out, try again'
  return ''
}
