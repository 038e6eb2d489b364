/**
 * The NAT model: every iptables rule (all tables, v4 and v6) normalised into NatRule, chain
 * policies, who owns each rule, and which rule backends are present on the host.
 *
 * Sources, best first: `iptables-save` (+ `ip6tables-save`); `iptables -t nat -L -n -v` when
 * iptables-save is missing (old captures, the seed); nft JSON when neither exists (xtables-compat
 * tables become family `nft`). Native nftables tables that iptables does not manage, such as
 * Docker 29's `ip docker-bridges`, are always added with family `nft`.
 *
 * Owners: `kube` (KUBE-* chains/targets), `docker` (DOCKER* chains, jumps into them, rules naming
 * a docker bridge, MASQUERADE of a docker subnet, docker's nft tables), `other` (firewalld,
 * libvirt, CNI, ufw, fail2ban, …), `user` (DOCKER-USER content and anything else in built-in or
 * hand-made chains).
 */
import type { IptablesListChain } from '../parsers/iptables-list'
import type { IptablesRule, IptablesRuleset, NftRule, NftRuleset } from '../parsers/types'
import type { ChainInfo, NatRule, Snapshot } from '../../shared/snapshot/schema'
import { cidrTextHolds } from '../../shared/net/ip'

type Backend = Snapshot['nat']['backendsPresent'][number]

export interface NatInput {
  /** `legacyTablesPresent`: iptables-nft-save's "iptables-legacy tables present" warning was seen. */
  save: (IptablesRuleset & { legacyTablesPresent?: boolean }) | null
  save6: IptablesRuleset | null
  /** `iptables -t nat -L -n -v --line-numbers` fallback, parsed into the same shape. */
  list: IptablesRuleset | null
  /** The other backend's save (`iptables-legacy-save` when iptables is nft, and vice versa). */
  otherSave: { backend: 'nf_tables' | 'legacy'; ruleset: IptablesRuleset } | null
  nft: NftRuleset | null
  /** `iptables -V` output, e.g. `iptables v1.8.9 (nf_tables)`. */
  versionText: string | null
  /** Bridges docker manages (from docker networks); more are learnt from DOCKER* chains. */
  dockerBridges: Set<string>
  /** Subnets of docker networks (CIDR). */
  dockerSubnets: string[]
}

export interface NatModel {
  rules: NatRule[]
  chains: ChainInfo[]
  backendsPresent: Backend[]
  iptablesBackend: 'nf_tables' | 'legacy' | null
}

const BUILTIN = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'])
const XTABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security'])
/** Chains of other managers: firewalld (zones, _direct), libvirt, CNI plugins, ufw, fail2ban, calico, flannel, weave, podman/netavark. */
const OTHER_CHAIN =
  /^(LIBVIRT_|CNI-|ufw6?-|f2b-|cali-|FLANNEL|WEAVE|NETAVARK|PODMAN|IN_|FWD[IO]?_|FWDI_|FWDO_|PRE_|POST_|OUTPUT_direct|INPUT_direct|FORWARD_direct|PREROUTING_|POSTROUTING_|INPUT_ZONES|FORWARD_IN_ZONES|FORWARD_OUT_ZONES|OUTPUT_POLICIES|FORWARD_POLICIES|.*_direct$|.*_ZONES(_SOURCE)?$)/

const PROTOCOL_NUMBERS: Record<string, string> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '58': 'ipv6-icmp',
  '132': 'sctp'
}

/** `!127.0.0.0/8` → negated; `0.0.0.0/0`, `::/0`, `*`, `all`, `0` → null (any). */
function listValue(text: string | null, any: string[]): { negated: boolean; value: string } | null {
  if (!text || any.includes(text)) return null
  return text.startsWith('!') ? { negated: true, value: text.slice(1) } : { negated: false, value: text }
}

/**
 * `iptables -t nat -L -n -v` chains as an IptablesRuleset, so the rest of the model does not care
 * which form the capture had. The listing's free-form extra column (`tcp dpt:8080 to:172.17.0.2:80`,
 * `ADDRTYPE match dst-type LOCAL`) is kept as one option; `dpt:` and `to:` are also lifted into
 * `--dport` and `--to-destination`.
 */
export function listToRuleset(chains: IptablesListChain[], table: string): IptablesRuleset {
  const rules: IptablesRule[] = []
  for (const chain of chains) {
    chain.rules.forEach((r, index) => {
      const prot = listValue(r.prot, ['all', '0'])
      const options: IptablesRule['options'] = []
      const dpt = /\bdpts?:(\S+)/.exec(r.extra)?.[1]
      if (prot && dpt) options.push({ option: '--dport', negated: false, values: [dpt] })
      const rest = r.extra
        .replace(/\b(tcp|udp|sctp) dpts?:\S+/, '')
        .replace(/\bto:\S+/, '')
        .trim()
      if (rest) options.push({ option: rest, negated: false, values: [] })
      const to = /\bto:(\S+)/.exec(r.extra)?.[1]
      const targetArgs: IptablesRule['targetArgs'] = to
        ? [{ option: r.target === 'SNAT' ? '--to-source' : '--to-destination', values: [to] }]
        : []
      rules.push({
        table,
        chain: chain.name,
        position: r.num ?? index + 1,
        source: listValue(r.source, ['0.0.0.0/0', '::/0']),
        destination: listValue(r.destination, ['0.0.0.0/0', '::/0']),
        protocol: prot ? { ...prot, value: PROTOCOL_NUMBERS[prot.value] ?? prot.value } : null,
        inInterface: listValue(r.in, ['*']),
        outInterface: listValue(r.out, ['*']),
        matchModules: [],
        options,
        target: r.target,
        goto: false,
        targetArgs,
        comment: null,
        packets: r.packets,
        bytes: r.bytes,
        raw: r.raw,
        line: 0
      })
    })
  }
  return {
    tables: [
      {
        name: table,
        chains: chains.map((c) => ({
          table,
          name: c.name,
          policy: c.policy,
          packets: c.packets,
          bytes: c.bytes,
          raw: ''
        })),
        rules
      }
    ],
    generatedBy: null,
    backend: null
  }
}

/** Splits an iptables-save line into words, keeping `"quoted strings"` whole. */
export function tokenize(line: string): string[] {
  const out: string[] = []
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? `"${m[1]}"` : m[2])
  return out
}

/** match / target / target args of an `-A CHAIN … -j TARGET args` line. */
export function splitRuleLine(raw: string): { match: string; target: string; targetArgs: string } | null {
  let tokens = tokenize(raw.trim())
  if (tokens[0]?.startsWith('[') && tokens[0].endsWith(']')) tokens = tokens.slice(1)
  if (tokens[0] === '-c') tokens = tokens.slice(3)
  if (tokens[0] !== '-A' && tokens[0] !== '-I') return null
  tokens = tokens.slice(2)
  const j = tokens.findIndex((t) => t === '-j' || t === '--jump' || t === '-g' || t === '--goto')
  if (j < 0) return { match: tokens.join(' '), target: '', targetArgs: '' }
  return { match: tokens.slice(0, j).join(' '), target: tokens[j + 1] ?? '', targetArgs: tokens.slice(j + 2).join(' ') }
}

const neg = (m: { negated: boolean; value: string } | null, flag: string): string[] =>
  m ? [...(m.negated ? ['!'] : []), flag, m.value] : []

/** iptables-save style match text rebuilt from parsed fields (for `iptables -L` rules). */
export function matchFromFields(rule: IptablesRule): string {
  const parts = [
    ...neg(rule.source, '-s'),
    ...neg(rule.destination, '-d'),
    ...neg(rule.inInterface, '-i'),
    ...neg(rule.outInterface, '-o'),
    ...neg(rule.protocol, '-p')
  ]
  for (const module of rule.matchModules) parts.push('-m', module)
  for (const o of rule.options) parts.push(...(o.negated ? ['!'] : []), o.option, ...o.values)
  return parts.join(' ')
}

export interface OwnerContext {
  dockerBridges: Set<string>
  dockerSubnets: string[]
}

/** Who manages a rule. */
export function ruleOwner(chain: string, target: string, match: string, ctx: OwnerContext): NatRule['owner'] {
  if (/^KUBE-/.test(chain) || /^KUBE-/.test(target)) return 'kube'
  if (chain === 'DOCKER-USER') return target === 'RETURN' && match.trim() === '' ? 'docker' : 'user'
  if (/^DOCKER/.test(chain)) return 'docker'
  if (/^DOCKER/.test(target)) return 'docker'
  if (OTHER_CHAIN.test(chain) || OTHER_CHAIN.test(target)) return 'other'
  const tokens = tokenize(match)
  for (let i = 0; i < tokens.length - 1; i++) {
    if (
      (tokens[i] === '-i' || tokens[i] === '-o' || tokens[i] === '--in-interface' || tokens[i] === '--out-interface') &&
      ctx.dockerBridges.has(tokens[i + 1])
    )
      return 'docker'
  }
  if (target === 'MASQUERADE' || target === 'SNAT') {
    const s = tokens.indexOf('-s')
    const source = s >= 0 && tokens[s - 1] !== '!' ? tokens[s + 1] : undefined
    if (source && ctx.dockerSubnets.some((subnet) => cidrTextHolds(subnet, source))) return 'docker'
  }
  return 'user'
}

/** Interfaces named in DOCKER* chains are docker's bridges even without docker's own data. */
function learnDockerBridges(rulesets: IptablesRuleset[], into: Set<string>): void {
  for (const rs of rulesets)
    for (const t of rs.tables)
      for (const r of t.rules) {
        if (!/^DOCKER/.test(r.chain) || r.chain === 'DOCKER-USER') continue
        for (const m of [r.inInterface, r.outInterface]) if (m && !m.value.includes('+')) into.add(m.value)
      }
}

function fromIptables(
  rs: IptablesRuleset,
  family: string,
  ctx: OwnerContext,
  rules: NatRule[],
  chains: ChainInfo[]
): void {
  for (const table of rs.tables) {
    for (const c of table.chains)
      chains.push({ table: table.name, chain: c.name, policy: c.policy && c.policy !== '-' ? c.policy : null, family })
    for (const r of table.rules) {
      const split = splitRuleLine(r.raw)
      const match = split?.match ?? matchFromFields(r)
      const target = split?.target || r.target || ''
      const targetArgs = split?.targetArgs ?? r.targetArgs.map((a) => [a.option, ...a.values].join(' ')).join(' ')
      rules.push({
        table: table.name,
        chain: r.chain,
        position: r.position,
        target,
        match,
        raw: r.raw.trim(),
        owner: ruleOwner(r.chain, target, match, ctx),
        targetArgs,
        packets: r.packets,
        bytes: r.bytes,
        family
      })
    }
  }
}

function nftTarget(r: NftRule): string {
  if (r.nat) return r.nat.kind.toUpperCase()
  const v = (r.verdict ?? '').trim()
  const jump = /^(jump|goto)\s+(\S+)/.exec(v)
  if (jump) return jump[2]
  return v.toUpperCase()
}

function nftOwner(table: string, chain: string, target: string, text: string, ctx: OwnerContext): NatRule['owner'] {
  if (/^docker/i.test(table)) return 'docker'
  if (/^kube/i.test(table) || /^KUBE-/.test(chain)) return 'kube'
  if (/^(firewalld|libvirt|cni|netavark|podman|ufw|f2b|fail2ban|calico|cali)/i.test(table)) return 'other'
  if (XTABLES.has(table)) {
    const iface = /\b[io]ifname\s+(?:!=\s+)?"?([^"\s]+)"?/.exec(text)?.[1]
    return ruleOwner(chain, target, iface ? `-i ${iface}` : '', ctx)
  }
  return 'user'
}

const isXtablesTable = (family: string, name: string): boolean =>
  ['ip', 'ip6', 'arp', 'bridge'].includes(family) && XTABLES.has(name)

function fromNft(
  rs: NftRuleset,
  includeXtables: boolean,
  ctx: OwnerContext,
  rules: NatRule[],
  chains: ChainInfo[]
): void {
  const wanted = (family: string, table: string): boolean => includeXtables || !isXtablesTable(family, table)
  for (const c of rs.chains) {
    if (!wanted(c.family, c.table)) continue
    chains.push({ table: `${c.family} ${c.table}`, chain: c.name, policy: c.policy, family: 'nft' })
  }
  for (const r of rs.rules) {
    if (!wanted(r.family, r.table)) continue
    const target = nftTarget(r)
    const natArgs = r.nat ? [r.nat.addr, r.nat.port].filter(Boolean).join(':') : ''
    rules.push({
      table: `${r.family} ${r.table}`,
      chain: r.chain,
      position: r.position,
      target,
      match: r.text,
      raw: r.text,
      owner: nftOwner(r.table, r.chain, target, r.text, ctx),
      targetArgs: natArgs,
      packets: r.packets,
      bytes: r.bytes,
      family: 'nft'
    })
  }
}

/** Rules, user chains, or a built-in chain whose policy drops: an empty ACCEPT table changes nothing. */
const hasContent = (rs: IptablesRuleset | null): boolean =>
  !!rs &&
  rs.tables.some(
    (t) =>
      t.rules.length > 0 || t.chains.some((c) => !BUILTIN.has(c.name) || c.policy === 'DROP' || c.policy === 'REJECT')
  )

export function backendFromVersion(text: string | null): 'nf_tables' | 'legacy' | null {
  if (!text) return null
  if (/\(nf_tables\)/.test(text)) return 'nf_tables'
  if (/\(legacy\)/.test(text)) return 'legacy'
  return null
}

export function buildNat(input: NatInput): NatModel {
  const dockerBridges = new Set(input.dockerBridges)
  learnDockerBridges(
    [input.save, input.save6, input.list, input.otherSave?.ruleset].filter((x): x is IptablesRuleset => !!x),
    dockerBridges
  )
  const ctx: OwnerContext = { dockerBridges, dockerSubnets: input.dockerSubnets }
  const rules: NatRule[] = []
  const chains: ChainInfo[] = []
  const v4 = input.save ?? input.list
  if (v4) fromIptables(v4, 'iptables', ctx, rules, chains)
  if (input.save6) fromIptables(input.save6, 'ip6tables', ctx, rules, chains)
  if (input.otherSave && hasContent(input.otherSave.ruleset))
    fromIptables(
      input.otherSave.ruleset,
      input.otherSave.backend === 'legacy' ? 'iptables-legacy' : 'iptables-nft',
      ctx,
      rules,
      chains
    )
  if (input.nft) fromNft(input.nft, !v4 && !input.save6, ctx, rules, chains)

  const iptablesBackend = backendFromVersion(input.versionText) ?? input.save?.backend ?? null
  const present = new Set<Backend>()
  if (iptablesBackend && (hasContent(input.save) || hasContent(input.list) || hasContent(input.save6)))
    present.add(iptablesBackend)
  if (input.otherSave && hasContent(input.otherSave.ruleset)) present.add(input.otherSave.backend)
  if (input.save?.legacyTablesPresent) present.add('legacy')
  if (input.nft) {
    const native = input.nft.tables.some((t) => !isXtablesTable(t.family, t.name))
    if (native) present.add('nft-native')
    // iptables-nft tables seen through nft while iptables-save itself was unavailable
    if (!v4 && input.nft.tables.some((t) => isXtablesTable(t.family, t.name))) present.add('nf_tables')
  }
  const order: Backend[] = ['nf_tables', 'legacy', 'nft-native']
  return { rules, chains, backendsPresent: order.filter((b) => present.has(b)), iptablesBackend }
}
