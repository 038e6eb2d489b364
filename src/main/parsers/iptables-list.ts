/**
 * Parser for `iptables [-t TABLE] -L -n [-v] [-x] [--line-numbers]` text (iptables 1.4.21 – 1.8.x).
 * Only a fallback: NetLens prefers iptables-save. Handles:
 *   - the optional `num` column (--line-numbers) and `pkts bytes … in out` columns (-v);
 *   - counters with K/M/G/T suffixes (iptables -L abbreviates in powers of 1000 unless -x);
 *   - an empty target column (a rule with no -j, jc's "generic no-jump" case);
 *   - numeric protocols (`0`, `6`) printed by newer iptables;
 *   - `Chain X (policy ACCEPT 0 packets, 0 bytes)` and `Chain X (2 references)` headers;
 *   - the seed tutorial's copy, where runs of spaces were collapsed: columns are found by tokens,
 *     not by character positions.
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

const SUFFIX: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 }

export function parseCounter(text: string): number | null {
  const match = /^(\d+)([KMGTP]?)$/.exec(text)
  if (!match) return null
  return Number(match[1]) * (match[2] ? SUFFIX[match[2]] : 1)
}

const OPT = /^(--|-f|!f)$/
const CHAIN_HEADER = /^Chain\s+(\S+)\s+\((.*)\)\s*$/

export function parseIptablesList(text: string): ParseResult<{ chains: IptablesListChain[] }> {
  const chains: IptablesListChain[] = []
  const warnings: string[] = []
  let chain: IptablesListChain | null = null
  let hasNum = false
  let verbose = false
  const lines = (text ?? '').split('\n')
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '')
    const trimmed = line.trim()
    if (!trimmed) continue
    const header = CHAIN_HEADER.exec(trimmed)
    if (header) {
      const details = header[2]
      const policy = /policy (\S+)(?: (\S+) packets, (\S+) bytes)?/.exec(details)
      const refs = /(\d+) references/.exec(details)
      chain = {
        name: header[1],
        policy: policy ? policy[1] : null,
        packets: policy?.[2] !== undefined ? parseCounter(policy[2]) : null,
        bytes: policy?.[3] !== undefined ? parseCounter(policy[3]) : null,
        references: refs ? Number(refs[1]) : null,
        rules: []
      }
      chains.push(chain)
      hasNum = false
      verbose = false
      continue
    }
    const tokens = trimmed.split(/\s+/)
    if (tokens.includes('target') && tokens.includes('prot')) {
      hasNum = tokens[0] === 'num'
      verbose = tokens.includes('pkts')
      continue
    }
    if (!chain) {
      warnings.push(`line ${n + 1}: rule outside a chain: ${trimmed.slice(0, 120)}`)
      continue
    }
    let i = 0
    let num: number | null = null
    if (hasNum) {
      num = /^\d+$/.test(tokens[0]) ? Number(tokens[0]) : null
      i++
    }
    let packets: number | null = null
    let bytes: number | null = null
    if (verbose) {
      packets = parseCounter(tokens[i] ?? '')
      bytes = parseCounter(tokens[i + 1] ?? '')
      i += 2
    }
    // Empty target column: the token after the counters is already the protocol, followed by opt.
    let target: string | null
    if (OPT.test(tokens[i + 1] ?? '') && !OPT.test(tokens[i + 2] ?? '')) {
      target = null
    } else {
      target = tokens[i] ?? null
      i++
    }
    const prot = tokens[i++] ?? ''
    const opt = tokens[i++] ?? ''
    let inIf: string | null = null
    let outIf: string | null = null
    if (verbose) {
      inIf = tokens[i++] ?? null
      outIf = tokens[i++] ?? null
    }
    const source = tokens[i++]
    const destination = tokens[i++]
    if (!OPT.test(opt) || source === undefined || destination === undefined) {
      warnings.push(`line ${n + 1}: unexpected columns: ${trimmed.slice(0, 120)}`)
      continue
    }
    chain.rules.push({
      num,
      packets,
      bytes,
      target,
      prot,
      opt,
      in: inIf,
      out: outIf,
      source,
      destination,
      extra: tokens.slice(i).join(' '),
      raw: line
    })
  }
  return { value: { chains }, warnings }
}
