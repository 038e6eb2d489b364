/**
 * Parser for `iptables [-t TABLE] -L [-n] [-v] [-x] [--line-numbers]` text, iptables 1.4.21 – 1.8.x
 * (legacy and nf_tables), also `ip6tables -L`. A fallback and a display format: NetLens prefers
 * iptables-save. Fixtures: CentOS 7.7 (jc), moby's generated iptablesdoc (`-vL --line-numbers`),
 * Debian 12 iptables 1.8.9, and the seed tutorial's CentOS 7 `iptables -L -n --line -t nat`.
 *
 * Layout: `Chain NAME (policy ACCEPT [N packets, M bytes])` or `Chain NAME (N references)`, a column
 * header (`[num] [pkts bytes] target prot opt [in out] source destination`), one line per rule with
 * free text after the destination (`tcp dpt:80 to:172.17.0.2:80`, `/* comment *\/`, `[goto]`).
 * Handled:
 *   - columns found by words, not character positions, so the seed's copy, where runs of spaces
 *     collapsed to one and blank lines vanished, reads the same as the real output;
 *   - counters with K/M/G/T/P suffixes (iptables divides by 1000 unless -x; such counts are rounded);
 *   - an empty target column (a rule without -j: jc's "no-jump" fixture) told apart from a target by
 *     where the `opt` column (`--`, `-f`, `!f`) is;
 *   - ip6tables' blank opt column; numeric protocols (`0`, `6`) of newer iptables;
 *   - iptables-nft's `# Warning: iptables-legacy tables present…` → `legacyTablesPresent`, also
 *     when `2>&1` printed it inside another line (cut out again, with a warning).
 * A line whose columns fit more than one reading, or none, becomes a warning with its line number.
 *
 * Output: chains with their rules; the columns as printed (`anywhere`, `*`, `!docker0`), `target`
 * null when empty, `in`/`out` null without -v, `num` null without --line-numbers, `extra` the text
 * after the destination (trimmed), `raw` the line.
 */
import type { ParseResult } from './types'

export interface IptablesListRule {
  num: number | null
  packets: number | null
  bytes: number | null
  target: string | null
  prot: string
  opt: string
  in: string | null
  out: string | null
  source: string
  destination: string
  extra: string
  raw: string
}

export interface IptablesListChain {
  name: string
  policy: string | null
  packets: number | null
  bytes: number | null
  references: number | null
  rules: IptablesListRule[]
}

export interface IptablesList {
  chains: IptablesListChain[]
  /** iptables-nft's warning that legacy-backend tables exist and are not in this listing. */
  legacyTablesPresent: boolean
}

const LEGACY_WARNING = '# Warning: iptables-legacy tables present'
const SUFFIX: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 }

/** `1130K` → 1130000, `42` → 42; null when not a counter. */
export function parseCounter(text: string): number | null {
  const match = /^(\d+)([KMGTP]?)$/.exec(text)
  if (!match) return null
  return Number(match[1]) * (match[2] ? SUFFIX[match[2]] : 1)
}

const OPT = /^(--|-f|!f)$/
/** Protocol words as `-L` prints them (names from /etc/protocols, or numbers), optionally negated. */
const PROTOCOL =
  /^!?([0-9]+|all|tcp|udp|udplite|icmp|icmpv6|ipv6-icmp|esp|ah|sctp|mh|gre|dccp|igmp|ipip|ipencap|ipv6|ospf|vrrp|pim|l2tp)$/
const CHAIN_HEADER = /^Chain\s+(\S+)\s+\((.*)\)\s*$/

interface Word {
  text: string
  start: number
}

export function parseIptablesList(text: string): ParseResult<IptablesList> {
  const chains: IptablesListChain[] = []
  const warnings: string[] = []
  const value: IptablesList = { chains, legacyTablesPresent: false }
  if (typeof text !== 'string') return { value, warnings: ['iptables -L: input is not text'] }
  let spliceLine = -1
  const at = text.indexOf(LEGACY_WARNING)
  if (at > 0 && text.charCodeAt(at - 1) !== 10) {
    let end = text.indexOf('\n', at)
    if (end === -1) end = text.length
    spliceLine = text.slice(0, at).split('\n').length
    text = text.slice(0, at) + text.slice(end + 1)
    value.legacyTablesPresent = true
    warnings.push(
      `iptables -L: line ${spliceLine}: iptables' stderr warning about legacy tables was printed inside this line; cut out`
    )
  }
  let chain: IptablesListChain | null = null
  let hasNum = false
  let verbose = false
  const lines = text.split('\n')
  let lineNo = 0
  for (let index = 0; index < lines.length; index++) {
    lineNo++
    if (lineNo === spliceLine + 1 && spliceLine > 0) lineNo++
    const line = lines[index].endsWith('\r') ? lines[index].slice(0, -1) : lines[index]
    const trimmed = line.trim()
    if (!trimmed) continue
    if (trimmed.startsWith('#')) {
      if (trimmed.startsWith(LEGACY_WARNING)) value.legacyTablesPresent = true
      else warnings.push(`iptables -L: line ${lineNo}: ${snippet(trimmed)}`)
      continue
    }
    const header = CHAIN_HEADER.exec(trimmed)
    if (header) {
      chain = chainFrom(header[1], header[2])
      chains.push(chain)
      hasNum = false
      verbose = false
      continue
    }
    const words = splitWords(line)
    if (words.some((w) => w.text === 'target') && words.some((w) => w.text === 'prot')) {
      hasNum = words[0].text === 'num'
      verbose = words.some((w) => w.text === 'pkts')
      continue
    }
    if (!chain) {
      warnings.push(`iptables -L: line ${lineNo}: text outside a chain: ${snippet(trimmed)}`)
      continue
    }
    const rule = parseRuleLine(line, words, hasNum, verbose)
    if (typeof rule === 'string') {
      warnings.push(`iptables -L: line ${lineNo}: ${rule}: ${snippet(trimmed)}`)
      continue
    }
    if (rule.ambiguous)
      warnings.push(`iptables -L: line ${lineNo}: ambiguous columns (${rule.ambiguous}): ${snippet(trimmed)}`)
    chain.rules.push(rule.rule)
  }
  return { value, warnings }
}

function chainFrom(name: string, details: string): IptablesListChain {
  const policy = /^policy (\S+)(?: (\S+) packets, (\S+) bytes)?/.exec(details)
  const refs = /^(\d+) references?$/.exec(details)
  return {
    name,
    policy: policy ? policy[1] : null,
    packets: policy?.[2] !== undefined ? parseCounter(policy[2]) : null,
    bytes: policy?.[3] !== undefined ? parseCounter(policy[3]) : null,
    references: refs ? Number(refs[1]) : null,
    rules: []
  }
}

function splitWords(line: string): Word[] {
  const words: Word[] = []
  const re = /\S+/g
  for (let m = re.exec(line); m !== null; m = re.exec(line)) words.push({ text: m[0], start: m.index })
  return words
}

/**
 * One rule line. The columns before `target` (num, pkts, bytes) and after `opt` (in, out, source,
 * destination) are fixed words; target may be empty and opt may be blank (ip6tables), so the
 * readings are tried in turn and the ones whose prot/opt words fit are kept.
 */
function parseRuleLine(
  line: string,
  words: Word[],
  hasNum: boolean,
  verbose: boolean
): { rule: IptablesListRule; ambiguous: string | null } | string {
  let i = 0
  let num: number | null = null
  if (hasNum) {
    if (!/^\d+$/.test(words[0]?.text ?? '')) return 'no rule number'
    num = Number(words[0].text)
    i++
  }
  let packets: number | null = null
  let bytes: number | null = null
  if (verbose) {
    packets = parseCounter(words[i]?.text ?? '')
    bytes = parseCounter(words[i + 1]?.text ?? '')
    if (packets === null || bytes === null) return 'no packet and byte counters'
    i += 2
  }
  const after = verbose ? 4 : 2 // in, out, source, destination
  const at = (k: number): string => words[k]?.text ?? ''
  // [target, prot, opt] | [prot, opt] | [target, prot] (blank opt) | [prot] (blank target and opt)
  const readings: { target: string | null; prot: string; opt: string; next: number; name: string }[] = []
  if (PROTOCOL.test(at(i + 1)) && OPT.test(at(i + 2)))
    readings.push({ target: at(i), prot: at(i + 1), opt: at(i + 2), next: i + 3, name: 'target' })
  if (PROTOCOL.test(at(i)) && OPT.test(at(i + 1)))
    readings.push({ target: null, prot: at(i), opt: at(i + 1), next: i + 2, name: 'empty target' })
  if (readings.length === 0) {
    // No opt column (ip6tables). Without it both readings can fit: a target named like a protocol,
    // or an empty target; that line is reported as ambiguous.
    if (PROTOCOL.test(at(i + 1)))
      readings.push({ target: at(i), prot: at(i + 1), opt: '', next: i + 2, name: 'blank opt' })
    if (PROTOCOL.test(at(i)))
      readings.push({ target: null, prot: at(i), opt: '', next: i + 1, name: 'empty target, blank opt' })
  }
  const fitting = readings.filter((r) => r.next + after <= words.length)
  if (fitting.length === 0) return readings.length ? 'too few columns' : 'no prot/opt columns'
  const chosen = fitting[0]
  let k = chosen.next
  let inIf: string | null = null
  let outIf: string | null = null
  if (verbose) {
    inIf = words[k++].text
    outIf = words[k++].text
  }
  const source = words[k++].text
  const destination = words[k++].text
  const extra = k < words.length ? line.slice(words[k].start).trim() : ''
  return {
    rule: {
      num,
      packets,
      bytes,
      target: chosen.target,
      prot: chosen.prot,
      opt: chosen.opt,
      in: inIf,
      out: outIf,
      source,
      destination,
      extra,
      raw: line
    },
    ambiguous: fitting.length > 1 ? `read as ${chosen.name}, could be ${fitting[1].name}` : null
  }
}

function snippet(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}
