/**
 * Parser for `nft -j list ruleset` (nftables 0.9.x – 1.1.x JSON schema, libnftables-json(5)).
 * Tables, chains (type/hook/priority/policy) and rules, with each rule's expressions rendered to a
 * readable nft-like text (`ip saddr 172.17.0.0/16 oifname != "docker0" masquerade`), its verdict,
 * its NAT statement, comment and counter. Covers Docker 29's native `ip docker-bridges` table and
 * iptables-nft's `ip nat`/`ip filter` tables. Unknown expressions are rendered as compact JSON;
 * nothing here throws.
 */
import type { NftChain, NftRule, NftRuleset, ParseResult } from './types'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Obj = { [key: string]: Json }

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function renderValue(value: Json | undefined): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return /^[\w.:/-]+$/.test(value) ? value : JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return value.map(renderValue).join(' . ')
  if (isObj(value.prefix)) return `${renderValue(value.prefix.addr)}/${renderValue(value.prefix.len)}`
  if (Array.isArray(value.range)) return `${renderValue(value.range[0])}-${renderValue(value.range[1])}`
  if (value.set !== undefined) {
    const items = Array.isArray(value.set) ? value.set : [value.set]
    return `{ ${items.map(renderValue).join(', ')} }`
  }
  if (isObj(value.payload)) {
    const p = value.payload
    return p.base !== undefined ? `@${renderValue(p.base)},${renderValue(p.offset)},${renderValue(p.len)}` : `${renderValue(p.protocol)} ${renderValue(p.field)}`
  }
  if (isObj(value.meta)) return `meta ${renderValue(value.meta.key)}`
  if (isObj(value.ct)) return `ct ${value.ct.dir ? renderValue(value.ct.dir) + ' ' : ''}${renderValue(value.ct.key)}`
  if (isObj(value.fib)) return `fib ${Array.isArray(value.fib.flags) ? value.fib.flags.join(' . ') : renderValue(value.fib.flags)} ${renderValue(value.fib.result)}`
  if (value.concat !== undefined && Array.isArray(value.concat)) return value.concat.map(renderValue).join(' . ')
  if (isObj(value.map)) return `${renderValue(value.map.key)} map ${renderValue(value.map.data)}`
  if (isObj(value.elem)) return renderValue(value.elem.val)
  if (typeof value['@'] === 'string') return `@${value['@']}`
  return JSON.stringify(value)
}

/** Meta keys nft prints bare (`iifname "eth0"`, not `meta iifname`). */
const BARE_META = new Set(['iifname', 'oifname', 'iif', 'oif', 'mark', 'l4proto', 'nfproto', 'skuid', 'skgid'])

function renderLeft(left: Json | undefined): string {
  if (isObj(left) && isObj(left.meta) && BARE_META.has(String(left.meta.key))) return String(left.meta.key)
  return renderValue(left)
}

interface Rendered {
  text: string
  verdict: string | null
  nat: NftRule['nat']
  packets: number | null
  bytes: number | null
}

function renderStatements(exprs: Json[]): Rendered {
  const parts: string[] = []
  let verdict: string | null = null
  let nat: NftRule['nat'] = null
  let packets: number | null = null
  let bytes: number | null = null
  for (const expr of exprs) {
    if (!isObj(expr)) continue
    const [key] = Object.keys(expr)
    const body = expr[key]
    switch (key) {
      case 'match': {
        if (!isObj(body)) break
        const op = typeof body.op === 'string' && body.op !== '==' && body.op !== 'in' ? `${body.op} ` : ''
        parts.push(`${renderLeft(body.left)} ${op}${renderValue(body.right)}`)
        break
      }
      case 'counter':
        if (isObj(body)) {
          packets = typeof body.packets === 'number' ? body.packets : null
          bytes = typeof body.bytes === 'number' ? body.bytes : null
        }
        parts.push(packets !== null ? `counter packets ${packets} bytes ${bytes ?? 0}` : 'counter')
        break
      case 'accept':
      case 'drop':
      case 'return':
      case 'continue':
        verdict = key
        parts.push(key)
        break
      case 'jump':
      case 'goto':
        verdict = `${key} ${isObj(body) ? renderValue(body.target) : ''}`.trim()
        parts.push(verdict)
        break
      case 'reject':
        verdict = 'reject'
        parts.push('reject')
        break
      case 'masquerade':
      case 'redirect':
      case 'snat':
      case 'dnat': {
        const addr = isObj(body) && body.addr !== undefined ? renderValue(body.addr) : null
        const port = isObj(body) && body.port !== undefined ? renderValue(body.port) : null
        const family = isObj(body) && typeof body.family === 'string' ? `${body.family} ` : ''
        nat = { kind: key, addr, port }
        verdict = key
        parts.push(`${key}${addr || port ? ` ${family}to ${addr ?? ''}${port ? ':' + port : ''}` : ''}`)
        break
      }
      case 'vmap':
        if (isObj(body)) {
          verdict = 'vmap'
          parts.push(`${renderValue(body.key)} vmap ${renderValue(body.data)}`)
        }
        break
      case 'mangle':
        if (isObj(body)) parts.push(`${renderValue(body.key)} set ${renderValue(body.value)}`)
        break
      case 'log':
        parts.push('log')
        break
      case 'limit':
        parts.push(`limit ${JSON.stringify(body)}`)
        break
      case 'xt':
        parts.push(`xt ${isObj(body) ? renderValue(body.type) + ' ' + renderValue(body.name) : ''}`.trim())
        break
      default:
        parts.push(JSON.stringify(expr))
    }
  }
  return { text: parts.join(' '), verdict, nat, packets, bytes }
}

export function parseNftJson(text: string): ParseResult<NftRuleset> {
  const empty: NftRuleset = { version: null, tables: [], chains: [], rules: [] }
  const warnings: string[] = []
  if (!text || !text.trim()) return { value: empty, warnings }
  let doc: Json
  try {
    doc = JSON.parse(text) as Json
  } catch (e) {
    return { value: empty, warnings: [`not JSON: ${e instanceof Error ? e.message : String(e)}`] }
  }
  if (!isObj(doc) || !Array.isArray(doc.nftables)) {
    return { value: empty, warnings: ['no "nftables" array at the top level'] }
  }
  const value: NftRuleset = { version: null, tables: [], chains: [], rules: [] }
  const positions = new Map<string, number>()
  for (const item of doc.nftables) {
    if (!isObj(item)) continue
    if (isObj(item.metainfo)) {
      value.version = typeof item.metainfo.version === 'string' ? item.metainfo.version : null
    } else if (isObj(item.table)) {
      value.tables.push({ family: String(item.table.family ?? ''), name: String(item.table.name ?? '') })
    } else if (isObj(item.chain)) {
      const c = item.chain
      const chain: NftChain = {
        family: String(c.family ?? ''),
        table: String(c.table ?? ''),
        name: String(c.name ?? ''),
        type: typeof c.type === 'string' ? c.type : null,
        hook: typeof c.hook === 'string' ? c.hook : null,
        priority: typeof c.prio === 'number' ? c.prio : null,
        policy: typeof c.policy === 'string' ? c.policy : null
      }
      value.chains.push(chain)
    } else if (isObj(item.rule)) {
      const r = item.rule
      const family = String(r.family ?? '')
      const table = String(r.table ?? '')
      const chain = String(r.chain ?? '')
      const key = `${family}\u0000${table}\u0000${chain}`
      const position = (positions.get(key) ?? 0) + 1
      positions.set(key, position)
      const exprs = Array.isArray(r.expr) ? r.expr : []
      const rendered = renderStatements(exprs)
      const comment = typeof r.comment === 'string' ? r.comment : null
      value.rules.push({
        family,
        table,
        chain,
        handle: typeof r.handle === 'number' ? r.handle : null,
        position,
        text: rendered.text + (comment ? ` comment ${JSON.stringify(comment)}` : ''),
        verdict: rendered.verdict,
        nat: rendered.nat,
        comment,
        packets: rendered.packets,
        bytes: rendered.bytes,
        raw: JSON.stringify(item)
      })
    } else if (!isObj(item.set) && !isObj(item.map) && !isObj(item.element) && !isObj(item.flowtable) && !isObj(item.counter) && !isObj(item.ct_helper) && !isObj(item.limit) && !isObj(item.quota) && !isObj(item.secmark) && !isObj(item.ct_timeout) && !isObj(item.ct_expectation) && !isObj(item.synproxy)) {
      warnings.push(`unknown ruleset object: ${JSON.stringify(item).slice(0, 120)}`)
    }
  }
  return { value, warnings }
}
