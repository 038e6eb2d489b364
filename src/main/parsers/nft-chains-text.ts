/**
 * Parser for `nft list chains` (text): which devices each netdev/inet base chain is attached to.
 * `nft -j list ruleset` (nftables 1.0.6, the probe's ruleset) leaves the device out, and the
 * kernel runs an ingress or egress chain only for packets of its devices. Fixtures: Debian 12,
 * nftables 1.0.6, kernel 6.18 (test/fixtures/nftables/debian-12-lab-netns).
 *
 *   table netdev lab {
 *   \tchain wan_in {
 *   \t\ttype filter hook ingress device "veth-wan" priority filter - 10; policy accept;
 *   \t}
 *   \tchain both_in {
 *   \t\ttype filter hook ingress devices = { br-lab, veth-wan } priority filter + 5; policy accept;
 *   \t}
 *   }
 *
 * nft prints table and chain names as they are, quotes and newlines included, so a name can
 * imitate these lines: the snapshot model joins this listing with the JSON ruleset by exact
 * names and trusts it only where every name is free of newlines (src/main/model/nat.ts). Device
 * names hold no whitespace (the kernel refuses it), which is what makes `device "…"` and the
 * `devices = { a, b }` list unambiguous whatever else they contain.
 *
 * Output: NftChainDevices[] — one per base chain (a chain with a `type … hook …` line): family,
 * table, chain, hook, devices ([] when it names none) and the raw `type` line.
 */
import type { NftChainDevices, ParseResult } from './types'
import { lines, snippet } from './link-common'

const TABLE = /^table (\S+) (.*) \{$/
const CHAIN = /^\tchain (.*) \{$/
const BASE = /^\t\ttype \S+ hook (\S+)(?: device "(\S*)"| devices = \{ ((?:\S+, )*\S+) \})? priority /

export function parseNftChainsText(text: string): ParseResult<NftChainDevices[]> {
  const warnings: string[] = []
  const value: NftChainDevices[] = []
  let table: { family: string; name: string } | null = null
  let chain: string | null = null
  for (const line of lines(text)) {
    const t = TABLE.exec(line)
    if (t) {
      table = { family: t[1], name: t[2] }
      chain = null
      continue
    }
    const c = CHAIN.exec(line)
    if (c) {
      if (!table) warnings.push(`nft chains: chain outside a table: ${snippet(line)}`)
      chain = c[1]
      continue
    }
    if (!line.startsWith('\t\ttype ')) continue
    const base = BASE.exec(line)
    if (!base) {
      warnings.push(`nft chains: unrecognised chain type line: ${snippet(line)}`)
      continue
    }
    if (!table || chain === null) {
      warnings.push(`nft chains: chain type line outside a chain: ${snippet(line)}`)
      continue
    }
    const devices = base[2] !== undefined ? [base[2]] : base[3] !== undefined ? base[3].split(', ') : []
    value.push({ family: table.family, table: table.name, chain, hook: base[1], devices, raw: line })
  }
  return { value, warnings }
}
