/**
 * What every check gets: the snapshot plus shared, precomputed lookups. Checks are pure functions
 * of the snapshot; they never run anything and never change a host (fix commands are only text).
 */
import type { Finding, FindingObject, NotChecked, Severity } from './types'
import type { Localized } from '../localized'
import type { Container, Interface, Network, Snapshot } from '../snapshot/schema'
import { Coverage, type Gap, type Need } from './coverage'
import { shellCommand } from '../shell'
import { Ruleset, hostLocalAddresses, iptablesBackends, type IptablesBackend } from '../netfilter/ruleset'
import { inCidr } from '../net/ip'
import { hostDefaultRoute, hostInterface, isRunning, namespaceOwner, sysctl } from '../snapshot/query'

export interface Check {
  /** The finding ids this check can produce. */
  ids: string[]
  /** Capture sections it reads (see coverage.ts): when one is not usable the check is not run. */
  needs: readonly Need[]
  run(ctx: DiagnoseContext): Finding[]
}

export class DiagnoseContext {
  /** The rules the host's `iptables` shows. */
  readonly rules: Ruleset
  /** Every IPv4 iptables backend with rules (the `iptables` one first): the kernel runs them all. */
  readonly backends: IptablesBackend[]
  readonly local: Set<string>
  readonly coverage: Coverage
  /** Objects the running checks skipped for want of data. */
  readonly skipped: NotChecked[] = []
  /** The check being run (the engine sets it), for `skip`. */
  current = ''

  constructor(readonly snapshot: Snapshot) {
    this.backends = iptablesBackends(snapshot)
    this.rules = this.backends[0].rules
    this.local = hostLocalAddresses(snapshot)
    this.coverage = new Coverage(snapshot)
  }

  /** Records that the running check could not look at `object` (its data was not captured). */
  skip(object: FindingObject, gap: Gap, what: Localized): void {
    this.skipped.push(this.coverage.notChecked(this.current, gap, object, what))
  }

  isLocal = (ip: string): boolean => this.local.has(ip) || inCidr(ip, '127.0.0.0/8')

  sysctl(key: string): string | null {
    return sysctl(this.snapshot, key)
  }

  /** iptables (v4) rules of one table were captured, in any backend: checks about missing rules can speak. */
  hasIptables(table: string): boolean {
    return this.backends.some((b) => b.rules.tableHasRules(table))
  }

  /** An interface by (namespace, name): names repeat across namespaces (every overlay has a br0). */
  iface(netns: string, name: string): Interface | null {
    return this.snapshot.interfaces.find((i) => i.netns === netns && i.name === name) ?? null
  }

  /** `cmd`, run inside namespace `netns` when that is not the host's (through its path, e.g. an overlay's). */
  inNamespace(netns: string, cmd: string | null): string | null {
    if (netns === 'host' || cmd === null) return cmd
    const path = this.snapshot.namespaces.find((n) => n.id === netns)?.path
    // Without its path the command cannot be aimed at that namespace: none, rather than a wrong one.
    const prefix = path ? shellCommand`nsenter --net=${path} ` : null
    return prefix === null ? null : prefix + cmd
  }

  hostIface(name: string): Interface | null {
    return hostInterface(this.snapshot, name)
  }

  /** Name of the uplink: the host's default route device. */
  uplink(): Interface | null {
    const dev = hostDefaultRoute(this.snapshot)?.dev
    return dev ? this.hostIface(dev) : null
  }

  running(): Container[] {
    return this.snapshot.containers.filter(isRunning)
  }

  /** Running containers with their own bridge-ish namespace (not host / none / container: modes). */
  bridgeish(): Container[] {
    return this.running().filter(
      (c) => !['host', 'none'].includes(c.networkMode) && !c.networkMode.startsWith('container:')
    )
  }

  owner(container: Container): Container {
    return namespaceOwner(this.snapshot, container)
  }

  networkByName(name: string | null): Network | null {
    if (!name) return null
    return this.snapshot.networks.find((n) => n.name === name || n.id === name || n.id.startsWith(name)) ?? null
  }

  /** Subnets of a network (v4 and v6 strings as docker reports them). */
  subnetsOf(network: Network): string[] {
    const all = [network.subnet, ...network.subnets.map((s) => s.subnet)].filter((s): s is string => !!s)
    return [...new Set(all)]
  }

  /** Host bridge device of a docker bridge network (docker0 for `bridge`, br-<id12> otherwise); an overlay's br0 is not one. */
  bridgeOf(network: Network): string | null {
    if (network.driver === 'overlay') return null
    if (network.bridge) return network.bridge
    if (network.driver !== 'bridge') return null
    if (network.name === 'bridge') return 'docker0'
    return network.options['com.docker.network.bridge.name'] ?? `br-${network.id.slice(0, 12)}`
  }

  /** Running containers attached to a network (of the same runtime: names are unique per runtime only). */
  containersOn(network: Network): Container[] {
    return this.running().filter(
      (c) =>
        c.runtime === network.runtime &&
        (c.networks.includes(network.name) ||
          c.interfaces.some((i) => i.network === network.name || i.network === network.id))
    )
  }

  /**
   * Is the network set up on the host? Docker creates a bridge network's bridge and rules with the
   * network; Podman's netavark only while a container uses it (so an idle `podman` network has no
   * bridge and no rules, and nothing is missing).
   */
  inUse(network: Network): boolean {
    if (network.runtime !== 'podman' || network.driver !== 'bridge') return true
    const bridge = this.bridgeOf(network)
    return bridge !== null && this.hostIface(bridge) !== null
  }

  /** The sysctl line as `sysctl` prints it, for evidence. */
  sysctlLine(key: string): string {
    return `${key} = ${this.sysctl(key) ?? '?'}`
  }
}

export const L = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh })

/**
 * Findings one check may report. A forged capture can hold a million dangling DNAT rules; the
 * findings past this many are counted, not built into objects that would fill memory, and reported
 * as one finding saying how many more there are (diagnoseReport).
 */
export const MAX_FINDINGS_PER_CHECK = 200

/** The finding() calls left for the running check, and how many went over (reset per check). */
export const findingBudget = { left: Infinity, dropped: 0 }

/** What finding() returns past the budget: one shared object, filtered out by diagnoseReport. */
export const DROPPED_FINDING: Finding = Object.freeze({
  id: '',
  severity: 'info' as const,
  title: { en: '', 'zh-CN': '' },
  explanation: { en: '', 'zh-CN': '' },
  objects: [],
  evidence: [],
  fix: null
})

/**
 * True when the running check has used up its findings (and counts one more): checks that loop over
 * rules or entries call it first, so a million of them do not even build their messages.
 */
export function overBudget(): boolean {
  if (findingBudget.left > 0) return false
  findingBudget.dropped++
  return true
}

/** Takes one of the running check's findings, or counts one over the budget (false). */
export function takeFinding(): boolean {
  if (findingBudget.left <= 0) {
    findingBudget.dropped++
    return false
  }
  findingBudget.left--
  return true
}

export function finding(
  id: string,
  severity: Severity,
  title: Localized,
  explanation: Localized,
  objects: FindingObject[],
  evidence: { label: string; raw: string }[],
  fix: string | null
): Finding {
  if (!takeFinding()) return DROPPED_FINDING
  return { id, severity, title, explanation, objects, evidence: evidence.filter((e) => e.raw !== ''), fix }
}
