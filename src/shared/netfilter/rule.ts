/**
 * Questions about one typed netfilter rule (NatRule: iptables-save, `iptables -L` and nft rules
 * alike). The parsers read each rule into `{ option, negated, values }` options and target options;
 * everything downstream asks these helpers and never splits `match`, `raw` or `targetArgs`, which
 * are kept for display only (test/unit/netfilter/no-retokenizing.test.ts keeps it that way).
 */
import type { NatRule, RuleOption, TargetOption } from '../snapshot/schema'

/** Long spellings folded to the short ones iptables-save prints (and the nft parser emits). */
const SHORT_OPTION: Record<string, string> = {
  '--source': '-s',
  '--src': '-s',
  '--destination': '-d',
  '--dst': '-d',
  '--in-interface': '-i',
  '--out-interface': '-o',
  '--protocol': '-p',
  '--match': '-m',
  '--destination-port': '--dport',
  '--source-port': '--sport',
  '--destination-ports': '--dports',
  '--source-ports': '--sports'
}

/** `--source` → `-s`, `--destination-port` → `--dport`; other names unchanged. */
export const shortOption = (option: string): string => SHORT_OPTION[option] ?? option

/**
 * The option a rule form could not express in iptables terms (an nft expression the parser does
 * not translate): its `values` hold the expression's text for display. Evaluators treat it as a
 * condition they cannot decide.
 */
export const OPAQUE_OPTION = 'nft'

/** Options of the rule with one of these names (short or long spelling), in rule order. */
export function optionsNamed(rule: Pick<NatRule, 'options'>, ...names: string[]): RuleOption[] {
  return rule.options.filter((o) => names.includes(shortOption(o.option)))
}

/** The first option with this name that is not negated, or null (`-s`, `--dport`, …). */
export function plainOption(rule: Pick<NatRule, 'options'>, name: string): RuleOption | null {
  const first = optionsNamed(rule, name)[0]
  return first && !first.negated ? first : null
}

/** The first value of a target option (`--to-destination`, `--to-ports`), or null. */
export function targetValue(rule: Pick<NatRule, 'targetOptions'>, ...names: string[]): string | null {
  for (const option of rule.targetOptions) if (names.includes(option.option)) return option.values[0] ?? null
  return null
}

/**
 * A NAT address value: `10.0.0.2:80`, `[fd00::2]:80`, `10.0.0.2`, `fd00::2`, `10.0.0.2-10.0.0.3:80-90`
 * (the first of ranges) → address and port, each null when absent.
 */
export function parseNatAddress(text: string): { ip: string | null; port: number | null } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?/.exec(text)
  if (bracket) return { ip: bracket[1], port: bracket[2] ? Number(bracket[2]) : null }
  const m = /^([0-9.]+)?(?:-[0-9.]+)?(?::(\d+))?/.exec(text)
  if (m && (m[1] || m[2])) return { ip: m[1] ?? null, port: m[2] ? Number(m[2]) : null }
  if (/^[0-9a-f:]+$/i.test(text)) return { ip: text, port: null }
  return { ip: null, port: null }
}

/** Where a DNAT/SNAT rule translates to (`--to-destination`, `--to-source`, `--to`). */
export function natAddress(rule: Pick<NatRule, 'targetOptions'>): { ip: string | null; port: number | null } {
  const to = targetValue(rule, '--to-destination', '--to-source', '--to')
  return to === null ? { ip: null, port: null } : parseNatAddress(to)
}

/** `--to-ports 8080` (REDIRECT/MASQUERADE): the first port, or null. */
export function natToPorts(rule: Pick<NatRule, 'targetOptions'>): number | null {
  const m = /^(\d+)/.exec(targetValue(rule, '--to-ports') ?? '')
  return m ? Number(m[1]) : null
}

/** The rule's words as iptables takes them after `-A`: chain, matches, `-j`/`-g` target, target options. */
export function ruleWords(rule: Pick<NatRule, 'chain' | 'options' | 'target' | 'goto' | 'targetOptions'>): string[] {
  const words = [rule.chain]
  for (const o of rule.options) words.push(...(o.negated ? ['!'] : []), o.option, ...o.values)
  if (rule.target) words.push(rule.goto ? '-g' : '-j', rule.target)
  for (const o of rule.targetOptions) words.push(o.option, ...o.values)
  return words
}

/** True when the rule has an option no iptables-syntax reader can decide (an untranslated nft expression). */
export const hasOpaqueOption = (rule: Pick<NatRule, 'options'>): boolean =>
  rule.options.some((o) => o.option === OPAQUE_OPTION)

type NegatableFields = Pick<NatRule, 'source' | 'destination' | 'protocol' | 'inInterface' | 'outInterface'>

/** A rule's negatable match fields (`! -s`, `-i`…) as one object: the parsers' rules and NatRule share them. */
export const negatableFields = (rule: NegatableFields): NegatableFields => ({
  source: rule.source,
  destination: rule.destination,
  protocol: rule.protocol,
  inInterface: rule.inInterface,
  outInterface: rule.outInterface
})

export type { RuleOption, TargetOption }
