/**
 * Parser for `nft -j list ruleset` (libnftables-json(5), nftables 0.9 – 1.1). Fixtures: nft 1.0.6
 * on Debian 12 (iptables-nft's `ip nat`/`ip filter` tables with `xt` compat expressions, and a lab
 * ruleset with sets, maps, vmaps and every NAT statement) and nftables-rs' nft 1.0.9 files.
 *
 * Output: NftRuleset: metainfo version, tables, chains (type, hook, priority, policy) and rules.
 * Each rule's expressions are rendered to nft-like text (`iifname != "docker0" tcp dport 8080
 * counter packets 0 bytes 0 dnat to 172.17.0.2:80`); `verdict` is the rule's last verdict or NAT
 * kind (`accept`, `jump DOCKER`, `dnat`, `masquerade`, `reject`, `vmap`), `nat` the NAT statement
 * with its address and port as text (also for iptables-nft's `xt target "DNAT"`, whose address
 * nft's JSON does not give: null), and the first counter's packets/bytes. `raw` is the rule's JSON.
 *
 * Chain priorities come as numbers (older nft) or names (`srcnat`, `dstnat`, `filter`, …, with an
 * optional `+ N`/`- N`); names become the standard numbers (bridge family has its own). Unknown
 * expressions are rendered as compact JSON and unknown top-level objects (sets, maps, elements,
 * flowtables, …) are skipped; anything that is not the JSON shape expected is a warning. Nothing
 * throws: deeply nested input is cut off at 64 levels.
 */
import type { NftChain, NftRule, NftRuleset, ParseResult } from './types'
import { liftedFields, matchOptions, natTargetOptions, opaqueOption } from './nft-match'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Obj = { [key: string]: Json }

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const MAX_DEPTH = 64

/** Meta keys nft prints without `meta` (meta.c: meta_key_is_unqualified). */
const UNQUALIFIED_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'iifgroup', 'oifgroup'])
/** Standard chain priorities by name (nft(8) "PRIORITY"): inet/ip/ip6/arp/netdev, then bridge. */
const PRIORITY: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 }
const BRIDGE_PRIORITY: Record<string, number> = { dstnat: -300, filter: -200, out: 100, srcnat: 300 }
/** Top-level objects that are not tables, chains or rules: skipped without a warning. */
const OTHER_OBJECTS = new Set([
  'set',
  'map',
  'element',
  'flowtable',
  'counter',
  'quota',
  'ct helper',
  'ct timeout',
  'ct expectation',
  'limit',
  'secmark',
  'synproxy',
  'tunnel'
])

const NAT_KINDS = new Set(['dnat', 'snat', 'masquerade', 'redirect'])
const XT_NAT: Record<string, NonNullable<NftRule['nat']>['kind']> = {
  DNAT: 'dnat',
  SNAT: 'snat',
  MASQUERADE: 'masquerade',
  REDIRECT: 'redirect'
}

export function parseNftJson(text: string): ParseResult<NftRuleset> {
  const value: NftRuleset = { version: null, tables: [], chains: [], rules: [] }
  const warnings: string[] = []
  if (typeof text !== 'string' || text.trim() === '') return { value, warnings }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    return { value, warnings: [`nft -j: not JSON (${e instanceof Error ? e.message : String(e)})`] }
  }
  if (!isObj(doc) || !Array.isArray(doc.nftables)) {
    return { value, warnings: ['nft -j: no "nftables" array at the top level'] }
  }
  const positions = new Map<string, number>()
  doc.nftables.forEach((item, index) => {
    if (!isObj(item)) {
      warnings.push(`nft -j: nftables[${index}] is not an object`)
      return
    }
    const kind = Object.keys(item)[0]
    const body = item[kind]
    switch (kind) {
      case 'metainfo':
        if (isObj(body) && typeof body.version === 'string') value.version = body.version
        return
      case 'table':
        if (!isObj(body)) break
        value.tables.push({ family: str(body.family), name: str(body.name) })
        return
      case 'chain':
        if (!isObj(body)) break
        value.chains.push(chainOf(body))
        return
      case 'rule': {
        if (!isObj(body)) break
        const family = str(body.family)
        const table = str(body.table)
        const chain = str(body.chain)
        const key = `${family}\u0000${table}\u0000${chain}`
        const position = (positions.get(key) ?? 0) + 1
        positions.set(key, position)
        value.rules.push(ruleOf(body, family, table, chain, position, item))
        return
      }
      default:
        if (OTHER_OBJECTS.has(kind)) return
        warnings.push(`nft -j: unknown object "${kind}" at nftables[${index}]`)
        return
    }
    warnings.push(`nft -j: nftables[${index}].${kind} is not an object`)
  })
  return { value, warnings }
}

function str(value: Json | undefined): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)
}

function chainOf(c: Obj): NftChain {
  const family = str(c.family)
  return {
    family,
    table: str(c.table),
    name: str(c.name),
    type: typeof c.type === 'string' ? c.type : null,
    hook: typeof c.hook === 'string' ? c.hook : null,
    priority: priorityOf(c.prio, family),
    policy: typeof c.policy === 'string' ? c.policy : null
  }
}

/** `100`, `"srcnat"`, `"dstnat - 10"`, `"filter + 5"` → a number; null when unknown. */
function priorityOf(prio: Json | undefined, family: string): number | null {
  if (typeof prio === 'number' && Number.isFinite(prio)) return prio
  if (typeof prio !== 'string') return null
  const m = /^\s*([a-z]+)\s*(?:([+-])\s*(\d+))?\s*$/.exec(prio)
  if (m) {
    const base = (family === 'bridge' ? BRIDGE_PRIORITY : PRIORITY)[m[1]]
    if (base === undefined) return null
    return m[2] === undefined ? base : base + (m[2] === '+' ? 1 : -1) * Number(m[3])
  }
  return /^-?\d+$/.test(prio.trim()) ? Number(prio) : null
}

interface RuleState {
  parts: string[]
  options: NftRule['options']
  verdict: string | null
  nat: NftRule['nat']
  packets: number | null
  bytes: number | null
}

function ruleOf(r: Obj, family: string, table: string, chain: string, position: number, item: Obj): NftRule {
  const state: RuleState = { parts: [], options: [], verdict: null, nat: null, packets: null, bytes: null }
  const exprs = Array.isArray(r.expr) ? r.expr : []
  for (const expr of exprs) statement(expr, state)
  return {
    family,
    table,
    chain,
    handle: typeof r.handle === 'number' ? r.handle : null,
    position,
    text: state.parts.join(' '),
    verdict: state.verdict,
    nat: state.nat,
    options: state.options,
    targetOptions: natTargetOptions(state.nat),
    ...liftedFields(state.options),
    comment: typeof r.comment === 'string' ? r.comment : null,
    packets: state.packets,
    bytes: state.bytes,
    raw: JSON.stringify(item)
  }
}

/** Statements that never decide whether a rule applies (actions, counters, verdicts). */
const UNCONDITIONAL = new Set([
  'counter',
  'accept',
  'drop',
  'continue',
  'return',
  'queue',
  'jump',
  'goto',
  'dnat',
  'snat',
  'masquerade',
  'redirect',
  'reject',
  'mangle',
  'log',
  'notrack',
  'set'
])

/** One statement of a rule: its text, and its typed options when it is a condition. */
function statement(expr: Json, state: RuleState): void {
  const before = state.parts.length
  renderStatement(expr, state)
  const text = state.parts.slice(before).join(' ')
  const key = isObj(expr) && Object.keys(expr).length === 1 ? Object.keys(expr)[0] : null
  const body = key === null ? null : (expr as Obj)[key]
  if (key === 'match' && isObj(body)) state.options.push(...matchOptions(body, text))
  else if (key === 'xt' && isObj(body) && body.type === 'target') return
  else if (key === null || !UNCONDITIONAL.has(key)) state.options.push(opaqueOption(text))
}

/** One statement of a rule (libnftables-json "STATEMENTS") as nft-like text. */
function renderStatement(expr: Json, state: RuleState): void {
  if (!isObj(expr)) {
    state.parts.push(compact(expr))
    return
  }
  const keys = Object.keys(expr)
  const key = keys[0]
  const body = expr[key]
  if (keys.length !== 1) {
    state.parts.push(compact(expr))
    return
  }
  switch (key) {
    case 'match': {
      if (!isObj(body)) break
      const op = typeof body.op === 'string' ? body.op : '=='
      const left = value(body.left, 0, markKey(body.left))
      const right =
        typeof body.right === 'string' && isNameKey(body.left)
          ? JSON.stringify(body.right)
          : value(body.right, 0, markKey(body.left))
      // nft leaves out `==` and `in` (set membership, flags), except after a bitwise expression.
      const implicit = (op === '==' && !isBinary(body.left)) || op === 'in'
      state.parts.push(implicit ? `${left} ${right}` : `${left} ${op} ${right}`)
      return
    }
    case 'counter':
      if (isObj(body)) {
        const packets = typeof body.packets === 'number' ? body.packets : null
        const bytes = typeof body.bytes === 'number' ? body.bytes : null
        if (state.packets === null && packets !== null) {
          state.packets = packets
          state.bytes = bytes
        }
        state.parts.push(packets !== null ? `counter packets ${packets} bytes ${bytes ?? 0}` : 'counter')
        return
      }
      if (typeof body === 'string') {
        state.parts.push(`counter name ${quoteName(body)}`)
        return
      }
      if (body === null) {
        state.parts.push('counter')
        return
      }
      break
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
    case 'queue':
      state.verdict = key
      state.parts.push(key === 'queue' && isObj(body) ? `queue ${compactFields(body)}` : key)
      return
    case 'jump':
    case 'goto':
      if (isObj(body)) {
        state.verdict = `${key} ${str(body.target)}`
        state.parts.push(state.verdict)
        return
      }
      break
    case 'dnat':
    case 'snat':
    case 'masquerade':
    case 'redirect': {
      const spec = isObj(body) ? body : {}
      const addr = spec.addr !== undefined ? value(spec.addr, 0) : null
      const port = spec.port !== undefined ? value(spec.port, 0) : null
      const kind = key as NonNullable<NftRule['nat']>['kind']
      state.nat = { kind, addr, port }
      state.verdict = kind
      let text: string = kind
      if (addr !== null || port !== null) {
        const family = typeof spec.family === 'string' ? `${spec.family} ` : ''
        const address = addr === null ? '' : addr.includes(':') && port !== null ? `[${addr}]` : addr
        text += ` ${family}to ${address}${port !== null ? `:${port}` : ''}`
      }
      const flags = Array.isArray(spec.flags) ? spec.flags : typeof spec.flags === 'string' ? [spec.flags] : []
      if (flags.length) text += ` ${flags.map((f) => str(f)).join(',')}`
      state.parts.push(text)
      return
    }
    case 'reject': {
      state.verdict = 'reject'
      if (isObj(body) && (body.type !== undefined || body.expr !== undefined)) {
        const type = body.type !== undefined ? ` ${str(body.type)}` : ''
        const why = body.expr !== undefined ? ` ${value(body.expr, 0)}` : ''
        state.parts.push(`reject with${type}${why}`)
      } else {
        state.parts.push('reject')
      }
      return
    }
    case 'vmap':
      if (isObj(body)) {
        state.verdict = 'vmap'
        state.parts.push(`${value(body.key, 0)} vmap ${value(body.data, 0)}`)
        return
      }
      break
    case 'mangle':
      if (isObj(body)) {
        state.parts.push(`${value(body.key, 0)} set ${value(body.value, 0, markKey(body.key))}`)
        return
      }
      break
    case 'limit':
      if (isObj(body)) {
        const per = str(body.per) || 'second'
        const unit = typeof body.rate_unit === 'string' && body.rate_unit !== 'packets' ? ` ${body.rate_unit}` : ''
        const over = body.inv === true ? 'over ' : ''
        const burst = typeof body.burst === 'number' && body.burst > 0 ? ` burst ${body.burst} packets` : ''
        state.parts.push(`limit rate ${over}${str(body.rate)}${unit}/${per}${burst}`)
        return
      }
      break
    case 'log':
      if (body === null) {
        state.parts.push('log')
        return
      }
      if (isObj(body)) {
        state.parts.push(`log ${compactFields(body)}`)
        return
      }
      break
    case 'notrack':
      state.parts.push('notrack')
      return
    case 'xt':
      if (isObj(body)) {
        const name = str(body.name)
        state.parts.push(`xt ${str(body.type)} ${quoteName(name)}`)
        if (body.type === 'target') {
          const nat = XT_NAT[name]
          if (nat !== undefined) {
            state.nat = { kind: nat, addr: null, port: null }
            state.verdict = nat
          } else if (name === 'REJECT') {
            state.verdict = 'reject'
          } else if (name === 'ACCEPT' || name === 'DROP' || name === 'RETURN') {
            state.verdict = name.toLowerCase()
          }
        }
        return
      }
      break
    case 'set':
      // The set statement (`add @flood { ip saddr }`), not a set literal (that is an array).
      if (isObj(body)) {
        state.parts.push(`${str(body.op) || 'add'} ${value(body.set, 0)} { ${value(body.elem, 0)} }`)
        return
      }
      break
    default:
      if (NAT_KINDS.has(key)) break
  }
  state.parts.push(compact(expr))
}

function isBinary(v: Json | undefined): boolean {
  return isObj(v) && ['&', '|', '^', '<<', '>>'].some((op) => Array.isArray(v[op]))
}

/** Interface names, which nft prints in quotes (`iifname "docker0"`). */
function isNameKey(left: Json | undefined): boolean {
  return isObj(left) && isObj(left.meta) && (left.meta.key === 'iifname' || left.meta.key === 'oifname')
}

/** For `meta mark`/`ct mark` matches and sets, numbers read better in hex, as nft prints them. */
function markKey(left: Json | undefined): boolean {
  if (!isObj(left)) return false
  for (const op of ['&', '|', '^']) {
    const operands = left[op]
    if (Array.isArray(operands)) return markKey(operands[0])
  }
  const inner = isObj(left.meta) ? left.meta : isObj(left.ct) ? left.ct : null
  return inner !== null && inner.key === 'mark'
}

/** An expression (libnftables-json "EXPRESSIONS") as nft-like text. */
function value(v: Json | undefined, depth: number, hexNumbers = false): string {
  if (depth > MAX_DEPTH) return '…'
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v.startsWith('@') ? v : quoteIfNeeded(v)
  if (typeof v === 'number') return hexNumbers ? `0x${(v >>> 0).toString(16).padStart(8, '0')}` : String(v)
  if (typeof v === 'boolean') return String(v)
  // A list of flags (`ct state established,related`, `tcp flags & syn,rst`), printed as nft does.
  if (Array.isArray(v)) return v.map((x) => value(x, depth + 1, hexNumbers)).join(',')
  const keys = Object.keys(v)
  if (keys.length !== 1) return compact(v)
  const key = keys[0]
  const body = v[key]
  switch (key) {
    case 'payload':
      if (!isObj(body)) break
      if (body.base !== undefined) return `@${str(body.base)},${str(body.offset)},${str(body.len)}`
      return `${str(body.protocol)} ${str(body.field)}`
    case 'meta':
      if (!isObj(body)) break
      return UNQUALIFIED_META.has(str(body.key)) ? str(body.key) : `meta ${str(body.key)}`
    case 'ct':
      if (!isObj(body)) break
      return `ct ${body.dir !== undefined ? `${str(body.dir)} ` : ''}${body.family !== undefined ? `${str(body.family)} ` : ''}${str(body.key)}`
    case 'fib':
      if (!isObj(body)) break
      return `fib ${Array.isArray(body.flags) ? body.flags.map((f) => str(f)).join(' . ') : str(body.flags)} ${str(body.result)}`
    case 'prefix':
      if (!isObj(body)) break
      return `${value(body.addr, depth + 1)}/${str(body.len)}`
    case 'range':
      if (!Array.isArray(body) || body.length !== 2) break
      return `${value(body[0], depth + 1)}-${value(body[1], depth + 1)}`
    case 'set':
      if (Array.isArray(body)) return `{ ${body.map((x) => element(x, depth + 1)).join(', ')} }`
      return `{ ${element(body, depth + 1)} }`
    case 'concat':
      if (!Array.isArray(body)) break
      return body.map((x) => value(x, depth + 1)).join(' . ')
    case 'map':
      if (!isObj(body)) break
      return `${value(body.key, depth + 1)} map ${value(body.data, depth + 1)}`
    case 'elem':
      if (!isObj(body)) break
      return value(body.val, depth + 1)
    case 'exthdr':
    case 'tcp option':
    case 'ip option':
    case 'sctp chunk':
      if (!isObj(body)) break
      return `${key} ${str(body.name)}${body.field !== undefined ? ` ${str(body.field)}` : ''}`
    case 'rt':
    case 'socket':
    case 'osf':
    case 'numgen':
    case 'hash':
    case 'jhash':
    case 'symhash':
      return isObj(body) ? `${key} ${compactFields(body)}` : key
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
      return key
    case 'jump':
    case 'goto':
      if (!isObj(body)) break
      return `${key} ${str(body.target)}`
    case '&':
    case '|':
    case '^':
    case '<<':
    case '>>':
      if (!Array.isArray(body)) break
      return body.map((x) => value(x, depth + 1, hexNumbers)).join(` ${key} `)
  }
  return compact(v)
}

function element(x: Json, depth: number): string {
  if (Array.isArray(x) && x.length === 2) return `${value(x[0], depth)} : ${value(x[1], depth)}`
  return value(x, depth)
}

/** nft prints interface names and other strings in quotes when they are not plain words. */
function quoteIfNeeded(s: string): string {
  return /^[A-Za-z0-9_.:/-]+$/.test(s) ? s : JSON.stringify(s)
}

function quoteName(s: string): string {
  return JSON.stringify(s)
}

function compactFields(o: Obj): string {
  return Object.entries(o)
    .map(([k, v]) => `${k} ${typeof v === 'string' ? JSON.stringify(v) : compact(v)}`)
    .join(' ')
}

function compact(v: Json | undefined): string {
  try {
    return JSON.stringify(v) ?? ''
  } catch {
    return '…'
  }
}
