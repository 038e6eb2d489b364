/**
 * Typed options for nft rules (part of the `nft -j list ruleset` parser, nft-json.ts): the match
 * expressions that mean what an iptables option means become that option, so one evaluator reads
 * iptables and nft rules alike. `iifname "docker0"` → `-i docker0`, `ip saddr 10.0.0.0/8` → `-s`,
 * `tcp dport 8080` → `-p tcp --dport 8080`, `ct state established,related` → `--ctstate`,
 * `fib daddr type local` → `--dst-type LOCAL`; `!=` negates. Everything else that can decide
 * whether a rule applies (other matches, limits, xt matches, verdict maps) becomes an `nft` option
 * holding its text: readers cannot decide it, and say so.
 */
import type { NftRule } from './types'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Obj = { [key: string]: Json }
type Option = NftRule['options'][number]

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The option name nft's JSON stands for, or null. */
function leftOption(left: Json | undefined): { option: string; proto?: string } | null {
  if (!isObj(left)) return null
  if (isObj(left.meta)) {
    const key = left.meta.key
    if (key === 'iifname') return { option: '-i' }
    if (key === 'oifname') return { option: '-o' }
    if (key === 'l4proto') return { option: '-p' }
    return null
  }
  if (isObj(left.payload)) {
    const { protocol, field } = left.payload
    if ((protocol === 'ip' || protocol === 'ip6') && field === 'saddr') return { option: '-s' }
    if ((protocol === 'ip' || protocol === 'ip6') && field === 'daddr') return { option: '-d' }
    if ((protocol === 'ip' && field === 'protocol') || (protocol === 'ip6' && field === 'nexthdr'))
      return { option: '-p' }
    if (typeof protocol === 'string' && ['tcp', 'udp', 'sctp', 'udplite', 'dccp'].includes(protocol)) {
      if (field === 'dport') return { option: '--dport', proto: protocol }
      if (field === 'sport') return { option: '--sport', proto: protocol }
    }
    return null
  }
  if (isObj(left.ct) && left.ct.key === 'state' && left.ct.dir === undefined) return { option: '--ctstate' }
  if (isObj(left.fib) && left.fib.result === 'type') {
    const flags = Array.isArray(left.fib.flags) ? left.fib.flags : [left.fib.flags]
    if (flags.length === 1 && flags[0] === 'daddr') return { option: '--dst-type' }
    if (flags.length === 1 && flags[0] === 'saddr') return { option: '--src-type' }
  }
  return null
}

/** The right-hand side as the option's one value (a list joined by commas), or null when it has no iptables spelling. */
function rightValue(option: string, right: Json | undefined): string | null {
  // A set literal `{ a, b }` or a flag list (`ct state established,related`) lists several values.
  const items = isObj(right) && Array.isArray(right.set) ? right.set : Array.isArray(right) ? right : [right]
  const words: string[] = []
  for (const item of items) {
    const word = oneValue(option, item)
    if (word === null) return null
    words.push(word)
  }
  return words.length ? words.join(',') : null
}

function oneValue(option: string, item: Json | undefined): string | null {
  if (typeof item === 'string') {
    // `@name` is a named set: its members are not in the rule.
    if (item.startsWith('@') || item === '') return null
    if (option === '--dport' || option === '--sport') return /^\d+$/.test(item) ? item : null
    if (option === '-i' || option === '-o') return item.endsWith('*') ? `${item.slice(0, -1)}+` : item
    if (option === '--ctstate' || option === '--dst-type' || option === '--src-type') return item.toUpperCase()
    return item
  }
  if (typeof item === 'number' && (option === '--dport' || option === '--sport')) return String(item)
  if (isObj(item) && isObj(item.prefix) && (option === '-s' || option === '-d')) {
    const { addr, len } = item.prefix
    return typeof addr === 'string' && typeof len === 'number' ? `${addr}/${len}` : null
  }
  if (isObj(item) && Array.isArray(item.range) && (option === '--dport' || option === '--sport')) {
    const [low, high] = item.range
    return typeof low === 'number' && typeof high === 'number' ? `${low}:${high}` : null
  }
  return null
}

/** A `match` statement's typed options: known ones as iptables options, the rest as one `nft` option with `text`. */
export function matchOptions(body: Obj, text: string): Option[] {
  const op = typeof body.op === 'string' ? body.op : '=='
  const known = leftOption(body.left)
  const value = known && (op === '==' || op === 'in' || op === '!=') ? rightValue(known.option, body.right) : null
  if (!known || value === null) return [opaqueOption(text)]
  const negated = op === '!='
  // Several ports read as a list (`--dports`), and a port match implies its protocol, as in iptables.
  const option = known.proto && value.includes(',') ? `${known.option}s` : known.option
  const matched: Option = { option, negated, values: [value] }
  return known.proto ? [{ option: '-p', negated: false, values: [known.proto] }, matched] : [matched]
}

export const opaqueOption = (text: string): Option => ({ option: 'nft', negated: false, values: [text] })

/** The NAT statement's target options, as iptables' DNAT/SNAT/MASQUERADE/REDIRECT would carry them. */
export function natTargetOptions(nat: NftRule['nat']): NftRule['targetOptions'] {
  if (!nat) return []
  const { kind, addr, port } = nat
  if (kind === 'dnat' || kind === 'snat') {
    if (addr === null && port === null) return []
    const host = addr === null ? '' : addr.includes(':') && port !== null ? `[${addr}]` : addr
    return [
      {
        option: kind === 'dnat' ? '--to-destination' : '--to-source',
        values: [`${host}${port !== null ? `:${port}` : ''}`]
      }
    ]
  }
  return port === null ? [] : [{ option: '--to-ports', values: [port] }]
}

/** The negatable fields (first `-s`, `-d`, `-p`, `-i`, `-o`), as the iptables parser lifts them. */
export function liftedFields(
  options: Option[]
): Pick<NftRule, 'source' | 'destination' | 'protocol' | 'inInterface' | 'outInterface'> {
  const field = (name: string): NftRule['source'] => {
    const o = options.find((x) => x.option === name)
    return o ? { negated: o.negated, value: o.values[0] ?? '' } : null
  }
  return {
    source: field('-s'),
    destination: field('-d'),
    protocol: field('-p'),
    inInterface: field('-i'),
    outInterface: field('-o')
  }
}
