/**
 * The ruleset model and a small iptables evaluator over the snapshot's typed rules (each rule's
 * parsed `options`; `match` is display text and never read here). It walks a built-in chain the way the kernel does: rules in order, jumps into user chains,
 * RETURN back to the caller, the chain policy at the end of a built-in chain. Matches it knows:
 * -s/-d (CIDR lists), -i/-o (with `!` and `+` wildcards), -p, --dport/--sport, multiport
 * --dports/--sports, -m conntrack --ctstate / -m state --state, -m addrtype --dst-type/--src-type
 * LOCAL, -m mark --mark and -m connmark --mark (when the caller knows the packet's marks: the walk
 * follows MARK and CONNMARK targets, e.g. netavark's `-j MARK --set-xmark 0x2000/0x2000` and its
 * `-m mark --mark 0x2000/0x2000 -j MASQUERADE`), -m comment. Any other match (an unknown module
 * option, an untranslated nft expression, the free text of an `iptables -L` column), and a mark
 * match on a packet whose mark is not known, makes the rule "unevaluated": it is treated as not matching
 * and reported, so a verdict that depends on it can say so. A conditional rule is never taken as
 * unconditional.
 */
import type { ChainInfo, NatRule, Snapshot, TargetOption } from '../snapshot/schema'
import { inCidr, stripPrefix } from '../net/ip'
import { shortOption } from './rule'

export interface Packet {
  src: string
  dst: string
  sport: number | null
  dport: number | null
}

export interface MatchContext {
  proto: string
  /** Input and output interface names; null when the hook has none (OUTPUT has no -i, PREROUTING no -o). */
  inIface: string | null
  outIface: string | null
  /** `NEW` for the first packet, `ESTABLISHED` for a reply. */
  ctstate: 'NEW' | 'ESTABLISHED'
  /** The packet was DNATed / SNATed earlier (conntrack virtual states DNAT and SNAT). */
  dnatted?: boolean
  snatted?: boolean
  /** Host addresses (for addrtype LOCAL). */
  isLocal: (ip: string) => boolean
  /**
   * The packet's mark (skb->mark) and its connection's mark (ctmark) entering the walk; null or
   * absent when unknown, which makes `-m mark` / `-m connmark` unevaluated. A new packet from a
   * container or from outside starts with 0.
   */
  mark?: number | null
  ctmark?: number | null
}

const IGNORED_OPTIONS = new Set(['-m', '--comment', '--limit-iface-in', '--limit-iface-out'])

function interfaceMatches(pattern: string, name: string | null): boolean {
  if (name === null) return false
  if (pattern.endsWith('+')) return name.startsWith(pattern.slice(0, -1))
  return pattern === name
}

function protoName(proto: string): string {
  const p = proto.toLowerCase()
  return p === '6' ? 'tcp' : p === '17' ? 'udp' : p === '1' ? 'icmp' : p
}

function portInSpec(port: number | null, spec: string): boolean {
  if (port === null) return false
  return spec.split(',').some((part) => {
    const [lo, hi] = part.split(':')
    const low = lo === '' ? 0 : Number(lo)
    const high = hi === undefined ? low : hi === '' ? 65535 : Number(hi)
    return Number.isFinite(low) && Number.isFinite(high) && port >= low && port <= high
  })
}

export type MatchOutcome = 'match' | 'no-match' | 'unevaluated'

/** `0x2000/0x2000`, `0x1`, `8192` → value and mask (32 bits); null when it is not a mark. */
export function parseMarkSpec(text: string): { value: number; mask: number } | null {
  const [valueText, maskText] = text.split('/')
  const num = (t: string | undefined): number | null => {
    if (t === undefined || !/^(0x[0-9a-f]{1,8}|\d{1,10})$/i.test(t)) return null
    const n = Number(t)
    return n <= 0xffffffff ? n : null
  }
  const value = num(valueText)
  const mask = maskText === undefined ? 0xffffffff : num(maskText)
  return value === null || mask === null ? null : { value, mask }
}

const markMatches = (mark: number, spec: { value: number; mask: number }): boolean =>
  (mark & spec.mask) >>> 0 === (spec.value & spec.mask) >>> 0

/** Evaluates one rule's typed matches against a packet. */
export function matchRule(rule: Pick<NatRule, 'options'>, packet: Packet, ctx: MatchContext): MatchOutcome {
  let unevaluated = false
  let module = ''
  for (const { option: spelled, negated, values } of rule.options) {
    const option = shortOption(spelled)
    if (option === '-m') module = values[0] ?? ''
    if (IGNORED_OPTIONS.has(option)) continue
    const value = values[0] ?? ''
    let hit: boolean
    switch (option) {
      case '--mark': {
        // `-m mark --mark` is the packet's mark, `-m connmark --mark` its connection's.
        const known = module === 'connmark' ? ctx.ctmark : module === 'mark' ? ctx.mark : undefined
        const spec = parseMarkSpec(value)
        if (known === null || known === undefined || spec === null) {
          unevaluated = true
          continue
        }
        hit = markMatches(known, spec)
        break
      }
      case '-s':
        hit = value.split(',').some((cidr) => inCidr(packet.src, cidr))
        break
      case '-d':
        hit = value.split(',').some((cidr) => inCidr(packet.dst, cidr))
        break
      case '-i':
        hit = interfaceMatches(value, ctx.inIface)
        break
      case '-o':
        hit = interfaceMatches(value, ctx.outIface)
        break
      case '-p':
        hit = value === 'all' || value === '0' || protoName(value) === protoName(ctx.proto)
        break
      case '--dport':
      case '--dports':
        hit = portInSpec(packet.dport, value)
        break
      case '--sport':
      case '--sports':
        hit = portInSpec(packet.sport, value)
        break
      case '--ports':
        hit = portInSpec(packet.dport, value) || portInSpec(packet.sport, value)
        break
      case '--ctstate':
      case '--state': {
        const states = value.toUpperCase().split(',')
        hit =
          states.includes(ctx.ctstate) ||
          (ctx.dnatted === true && states.includes('DNAT')) ||
          (ctx.snatted === true && states.includes('SNAT'))
        break
      }
      case '--dst-type':
      case '--src-type': {
        const types = value.toUpperCase().split(',')
        const ip = option === '--dst-type' ? packet.dst : packet.src
        if (types.every((t) => t === 'LOCAL' || t === 'UNICAST')) {
          const local = ctx.isLocal(ip)
          hit = types.includes('LOCAL') ? local : !local
        } else {
          unevaluated = true
          continue
        }
        break
      }
      default:
        unevaluated = true
        continue
    }
    if (hit === negated) return 'no-match'
  }
  return unevaluated ? 'unevaluated' : 'match'
}

const TERMINAL = new Set(['ACCEPT', 'DROP', 'REJECT'])
const NAT_TARGETS = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT'])

export interface WalkStep {
  table: string
  chain: string
  rule: NatRule | null
  /** What happened at this step: a jump, a RETURN, a verdict, a NAT, a non-terminating target, the policy. */
  action: string
}

export interface WalkResult {
  /** ACCEPT (incl. NAT targets in the nat table, and policy ACCEPT), DROP, REJECT. */
  verdict: 'ACCEPT' | 'DROP' | 'REJECT'
  /** The packet's mark and ctmark after the walk (MARK / CONNMARK targets applied); null when unknown. */
  mark: number | null
  ctmark: number | null
  /** The deciding rule, or null when the chain policy decided. */
  rule: NatRule | null
  policy: string | null
  nat: { target: string; rule: NatRule } | null
  steps: WalkStep[]
  /** Rules with matches this evaluator cannot check, passed over as non-matching. */
  unevaluated: NatRule[]
}

/** Rules and chain policies of one family, indexed for walking. */
export class Ruleset {
  private readonly byChain = new Map<string, NatRule[]>()
  private readonly chainInfo = new Map<string, ChainInfo>()

  constructor(rules: NatRule[], chains: ChainInfo[], family = 'iptables') {
    for (const rule of rules) {
      if ((rule.family ?? 'iptables') !== family) continue
      const key = `${rule.table}/${rule.chain}`
      const list = this.byChain.get(key) ?? []
      list.push(rule)
      this.byChain.set(key, list)
    }
    for (const list of this.byChain.values()) list.sort((a, b) => a.position - b.position)
    for (const chain of chains)
      if ((chain.family ?? 'iptables') === family) this.chainInfo.set(`${chain.table}/${chain.chain}`, chain)
  }

  static fromSnapshot(snapshot: Snapshot): Ruleset {
    return new Ruleset(snapshot.nat.rules, snapshot.nat.chains)
  }

  /** The policy of a built-in chain drops or rejects what no rule accepted. */
  dropsByPolicy(table: string, chain: string): boolean {
    const policy = this.policy(table, chain)
    return policy === 'DROP' || policy === 'REJECT'
  }

  get isEmpty(): boolean {
    return this.byChain.size === 0 && this.chainInfo.size === 0
  }

  rules(table: string, chain: string): NatRule[] {
    return this.byChain.get(`${table}/${chain}`) ?? []
  }

  hasChain(table: string, chain: string): boolean {
    return this.byChain.has(`${table}/${chain}`) || this.chainInfo.has(`${table}/${chain}`)
  }

  policy(table: string, chain: string): string | null {
    // nft writes its policies in lower case (`policy drop`).
    return this.chainInfo.get(`${table}/${chain}`)?.policy?.toUpperCase() ?? null
  }

  tableHasRules(table: string): boolean {
    for (const key of this.byChain.keys()) if (key.startsWith(`${table}/`)) return true
    return false
  }

  /** Walks a built-in chain. */
  walk(table: string, chain: string, packet: Packet, ctx: MatchContext): WalkResult {
    const steps: WalkStep[] = []
    const unevaluated: NatRule[] = []
    const marks = { mark: ctx.mark ?? null, ctmark: ctx.ctmark ?? null }
    const visit = (
      name: string,
      depth: number
    ): { verdict: 'ACCEPT' | 'DROP' | 'REJECT' | 'RETURN'; rule: NatRule | null; nat: WalkResult['nat'] } => {
      if (depth > 32) return { verdict: 'RETURN', rule: null, nat: null }
      for (const rule of this.rules(table, name)) {
        const outcome = matchRule(rule, packet, { ...ctx, ...marks })
        if (outcome === 'unevaluated') {
          unevaluated.push(rule)
          continue
        }
        if (outcome === 'no-match') continue
        const target = rule.target
        if (TERMINAL.has(target)) {
          steps.push({ table, chain: name, rule, action: target })
          return { verdict: target as 'ACCEPT' | 'DROP' | 'REJECT', rule, nat: null }
        }
        if (target === 'RETURN') {
          steps.push({ table, chain: name, rule, action: 'RETURN' })
          return { verdict: 'RETURN', rule, nat: null }
        }
        if (NAT_TARGETS.has(target)) {
          steps.push({ table, chain: name, rule, action: target })
          return { verdict: 'ACCEPT', rule, nat: { target, rule } }
        }
        if (this.hasChain(table, target) && !isBuiltinChain(target)) {
          steps.push({ table, chain: name, rule, action: `jump ${target}` })
          const inner = visit(target, depth + 1)
          if (inner.verdict !== 'RETURN') return inner
          continue
        }
        // LOG, MARK, CONNMARK, TRACE, an empty user chain…: non-terminating.
        if (target === 'MARK' || target === 'CONNMARK') applyMarkTarget(target, rule.targetOptions, marks)
        steps.push({ table, chain: name, rule, action: target || 'continue' })
      }
      return { verdict: 'RETURN', rule: null, nat: null }
    }
    const result = visit(chain, 0)
    if (result.verdict !== 'RETURN') {
      return { verdict: result.verdict, rule: result.rule, policy: null, nat: result.nat, steps, unevaluated, ...marks }
    }
    const policy = this.policy(table, chain) ?? 'ACCEPT'
    steps.push({ table, chain, rule: null, action: `policy ${policy}` })
    const verdict = policy === 'DROP' ? 'DROP' : policy === 'REJECT' ? 'REJECT' : 'ACCEPT'
    return { verdict, rule: null, policy, nat: null, steps, unevaluated, ...marks }
  }
}

/**
 * One IPv4 iptables backend of a host. The kernel runs the x_tables (iptables-legacy) and the
 * nf_tables (iptables-nft) rules alike: a host switched from one to the other keeps the old
 * backend's tables, and both see every packet.
 */
export interface IptablesBackend {
  /** NatRule.family: `iptables` for what the host's `iptables` shows, else `iptables-legacy` / `iptables-nft`. */
  family: string
  /** The binary that shows these rules: `iptables-nft`, `iptables-legacy` (`iptables` when unknown). */
  label: string
  rules: Ruleset
}

/** The rule families of IPv4 iptables, whichever backend holds them. */
export const IPV4_IPTABLES_FAMILIES: readonly string[] = ['iptables', 'iptables-legacy', 'iptables-nft']

/**
 * The host's IPv4 iptables backends, the one its `iptables` command uses first, then the other
 * one when the capture saw rules there. For the same table and hook both register at the same
 * priority, so a drop in either drops the packet whatever order the kernel runs them in.
 */
export function iptablesBackends(snapshot: Snapshot): IptablesBackend[] {
  const active = snapshot.host.iptablesBackend
  const primary: IptablesBackend = {
    family: 'iptables',
    label: active === 'nf_tables' ? 'iptables-nft' : active === 'legacy' ? 'iptables-legacy' : 'iptables',
    rules: Ruleset.fromSnapshot(snapshot)
  }
  const out = [primary]
  for (const family of ['iptables-nft', 'iptables-legacy']) {
    if (family === primary.label) continue
    const rules = new Ruleset(snapshot.nat.rules, snapshot.nat.chains, family)
    if (!rules.isEmpty) out.push({ family, label: family, rules })
  }
  return out
}

/**
 * MARK (`--set-xmark V/M`, `--set-mark V[/M]`, `--and-mark`, `--or-mark`, `--xor-mark`) and CONNMARK
 * (the same on the ctmark, `--save-mark`, `--restore-mark`) on known marks; an unknown mark stays
 * unknown, and so does anything these forms do not cover.
 */
function applyMarkTarget(
  target: string,
  options: TargetOption[],
  marks: { mark: number | null; ctmark: number | null }
): void {
  const has = (name: string): boolean => options.some((o) => o.option === name)
  const arg = (name: string): string | null => options.find((o) => o.option === name)?.values[0] ?? null
  const key = target === 'MARK' ? 'mark' : 'ctmark'
  const current = marks[key]
  const set = (value: number | null): void => {
    marks[key] = value === null ? null : value >>> 0
  }
  if (target === 'CONNMARK' && (has('--save-mark') || has('--restore-mark'))) {
    // Masks other than all bits (--nfmask, --ctmask, --mask) are not followed: the mark becomes unknown.
    const partial = ['--nfmask', '--ctmask', '--mask'].some((o) => {
      const mask = parseMarkSpec(arg(o) ?? '0xffffffff')
      return mask === null || mask.value !== 0xffffffff
    })
    if (has('--save-mark')) return set(partial ? null : marks.mark)
    marks.mark = partial ? null : marks.ctmark
    return
  }
  const xmark = arg('--set-xmark')
  const setMark = arg('--set-mark')
  const spec = parseMarkSpec(xmark ?? setMark ?? '')
  if (spec && xmark !== null) return set(current === null ? null : (current & ~spec.mask) ^ spec.value)
  if (spec && setMark !== null) return set(current === null ? null : (current & ~spec.mask) | spec.value)
  for (const [option, op] of [
    ['--and-mark', (a: number, b: number) => a & b],
    ['--or-mark', (a: number, b: number) => a | b],
    ['--xor-mark', (a: number, b: number) => a ^ b]
  ] as const) {
    const bits = parseMarkSpec(arg(option) ?? '')
    if (bits) return set(current === null ? null : op(current, bits.value))
  }
  set(null)
}

/** Where iptables' tables sit among a hook's base chains (the kernel's NF_IP_PRI_*). */
export function iptablesPriority(table: string, hook: string): number {
  if (table === 'raw') return -300
  if (table === 'mangle') return -150
  if (table === 'nat') return hook === 'PREROUTING' || hook === 'OUTPUT' ? -100 : 100
  return table === 'security' ? 50 : 0
}

/** A native nftables base chain (`ip`/`inet` tables, and for trace's frames `bridge` and `netdev`). */
export interface NftBaseChain {
  /** `inet filter`, `ip docker-bridges`, `bridge lab`, … (the NatRule/ChainInfo table: family first). */
  table: string
  /** The table's family: `ip`, `inet`, `bridge`, `netdev`, … */
  family: string
  chain: string
  /** Lower case, as nft names it: `forward`, `prerouting`, `ingress`, … */
  hook: string
  priority: number
  /** `filter`, `nat` or `route`. */
  type: string
  /** An ingress/egress chain's devices ([] for none); null for other chains and when not known. */
  devices: string[] | null
  rules: Ruleset
}

/**
 * The base chains of native nftables tables of the given families (their hook, priority and type
 * are known: snapshots from schema 5 on), in priority order. By default the
 * families IPv4 packets meet at the IP hooks: `ip` and `inet`.
 */
export function nftBaseChains(snapshot: Snapshot, families: readonly string[] = ['ip', 'inet']): NftBaseChain[] {
  const rules = new Ruleset(snapshot.nat.rules, snapshot.nat.chains, 'nft')
  const out: NftBaseChain[] = []
  for (const c of snapshot.nat.chains) {
    if (c.family !== 'nft' || c.hook === null || c.priority === null || c.type === null) continue
    const family = c.table.split(' ')[0]
    if (!families.includes(family)) continue
    out.push({
      table: c.table,
      family,
      chain: c.chain,
      hook: c.hook,
      priority: c.priority,
      type: c.type,
      devices: c.devices ?? null,
      rules
    })
  }
  return out.sort((a, b) => a.priority - b.priority)
}

const BUILTIN = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'])
export const isBuiltinChain = (chain: string): boolean => BUILTIN.has(chain)

/** Addresses owned by the host netns (interfaces, loopback, local-table routes). */
export function hostLocalAddresses(snapshot: Snapshot): Set<string> {
  const local = new Set<string>()
  for (const iface of snapshot.interfaces) {
    if (iface.netns !== 'host') continue
    for (const address of iface.addresses) local.add(stripPrefix(address))
  }
  for (const route of snapshot.routes) {
    if (route.netns === 'host' && route.table === 'local' && /^local\s/.test(route.raw))
      local.add(stripPrefix(route.dst))
  }
  return local
}
