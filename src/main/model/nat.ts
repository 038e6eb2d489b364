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
 * a docker bridge, MASQUERADE of a docker subnet, docker's nft tables), `podman` (netavark's
 * NETAVARK* chains and jumps into them, its `netavark` nft table, rules naming a podman bridge,
 * MASQUERADE of a podman subnet), `other` (firewalld, libvirt, CNI, ufw, fail2ban, …), `user`
 * (DOCKER-USER content and anything else in built-in or hand-made chains).
 */
import type { IptablesListChain } from '../parsers/iptables-list'
import type { IptablesRule, IptablesRuleset, NftChain, NftChainDevices, NftRule, NftRuleset } from '../parsers/types'
import type { ChainInfo, NatRule, RuleOption, Snapshot } from '../../shared/snapshot/schema'
import { negatableFields, optionsNamed, plainOption } from '../../shared/netfilter/rule'
import { serializeMatch, serializeTargetArgs } from '../parsers/iptables-save'
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
  /** `nft list chains`: the devices of ingress/egress base chains (null when not captured). */
  nftDevices?: NftChainDevices[] | null
  /** `iptables -V` output, e.g. `iptables v1.8.9 (nf_tables)`. */
  versionText: string | null
  /** Bridges docker manages (from docker networks); more are learnt from DOCKER* chains. */
  dockerBridges: Set<string>
  /** Subnets of docker networks (CIDR). */
  dockerSubnets: string[]
  /** Podman's bridges (podman0, podman1, …) and subnets, for rules naming them. */
  podmanBridges?: Set<string>
  podmanSubnets?: string[]
}

export interface NatModel {
  rules: NatRule[]
  chains: ChainInfo[]
  backendsPresent: Backend[]
  iptablesBackend: 'nf_tables' | 'legacy' | null
}

const BUILTIN = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'])
const XTABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security'])
/** Podman's netavark (NETAVARK-*, NETAVARK_FORWARD …) and Podman 3's own chains. */
const PODMAN_CHAIN = /^(NETAVARK|PODMAN)/
/** Chains of other managers: firewalld (zones, _direct), libvirt, CNI plugins, ufw, fail2ban, calico, flannel, weave. */
const OTHER_CHAIN =
  /^(LIBVIRT_|CNI-|ufw6?-|f2b-|cali-|FLANNEL|WEAVE|IN_|FWD[IO]?_|FWDI_|FWDO_|PRE_|POST_|OUTPUT_direct|INPUT_direct|FORWARD_direct|PREROUTING_|POSTROUTING_|INPUT_ZONES|FORWARD_IN_ZONES|FORWARD_OUT_ZONES|OUTPUT_POLICIES|FORWARD_POLICIES|.*_direct$|.*_ZONES(_SOURCE)?$)/

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
      const source = listValue(r.source, ['0.0.0.0/0', '::/0'])
      const destination = listValue(r.destination, ['0.0.0.0/0', '::/0'])
      const protocol = prot ? { ...prot, value: PROTOCOL_NUMBERS[prot.value] ?? prot.value } : null
      const inInterface = listValue(r.in, ['*'])
      const outInterface = listValue(r.out, ['*'])
      // The columns become options in iptables-save order, so evaluators read one list.
      const options: IptablesRule['options'] = []
      for (const [option, field] of [
        ['-s', source],
        ['-d', destination],
        ['-i', inInterface],
        ['-o', outInterface],
        ['-p', protocol]
      ] as const)
        if (field) options.push({ option, negated: field.negated, values: [field.value] })
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
        source,
        destination,
        protocol,
        inInterface,
        outInterface,
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

export interface OwnerContext {
  dockerBridges: Set<string>
  dockerSubnets: string[]
  podmanBridges?: Set<string>
  podmanSubnets?: string[]
}

/** Who manages a rule, from its chain, target and typed match options. */
export function ruleOwner(chain: string, target: string, options: RuleOption[], ctx: OwnerContext): NatRule['owner'] {
  if (/^KUBE-/.test(chain) || /^KUBE-/.test(target)) return 'kube'
  if (chain === 'DOCKER-USER') return target === 'RETURN' && options.length === 0 ? 'docker' : 'user'
  if (/^DOCKER/.test(chain)) return 'docker'
  if (/^DOCKER/.test(target)) return 'docker'
  if (PODMAN_CHAIN.test(chain) || PODMAN_CHAIN.test(target)) return 'podman'
  if (OTHER_CHAIN.test(chain) || OTHER_CHAIN.test(target)) return 'other'
  // A rule naming a runtime's bridge (either way round: `! -o docker0` is docker's MASQUERADE) is its.
  const interfaces = optionsNamed({ options }, '-i', '-o')
  if (interfaces.some((o) => ctx.dockerBridges.has(o.values[0] ?? ''))) return 'docker'
  if (interfaces.some((o) => ctx.podmanBridges?.has(o.values[0] ?? ''))) return 'podman'
  if (target === 'MASQUERADE' || target === 'SNAT') {
    const source = plainOption({ options }, '-s')?.values[0]
    if (source && ctx.dockerSubnets.some((subnet) => cidrTextHolds(subnet, source))) return 'docker'
    if (source && ctx.podmanSubnets?.some((subnet) => cidrTextHolds(subnet, source))) return 'podman'
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
      chains.push({
        table: table.name,
        chain: c.name,
        policy: c.policy && c.policy !== '-' ? c.policy : null,
        family,
        // iptables' hooks and priorities are fixed by table and chain (netfilter/ruleset.ts).
        hook: null,
        priority: null,
        type: null,
        devices: null
      })
    for (const r of table.rules) {
      const target = r.target ?? ''
      rules.push({
        table: table.name,
        chain: r.chain,
        position: r.position,
        target,
        goto: r.goto,
        match: serializeMatch(r.options),
        raw: r.raw.trim(),
        owner: ruleOwner(r.chain, target, r.options, ctx),
        targetArgs: serializeTargetArgs(r.targetArgs),
        options: r.options,
        targetOptions: r.targetArgs,
        ...negatableFields(r),
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

function nftOwner(table: string, rule: NftRule, target: string, ctx: OwnerContext): NatRule['owner'] {
  if (/^docker/i.test(table)) return 'docker'
  if (/^kube/i.test(table) || /^KUBE-/.test(rule.chain)) return 'kube'
  if (/^(netavark|podman)/i.test(table)) return 'podman'
  if (/^(firewalld|libvirt|cni|ufw|f2b|fail2ban|calico|cali)/i.test(table)) return 'other'
  if (XTABLES.has(table)) {
    // As for iptables rules, but only the first interface counts (iptables-nft writes one).
    const iface = optionsNamed(rule, '-i', '-o')[0]
    return ruleOwner(rule.chain, target, iface ? [iface] : [], ctx)
  }
  return 'user'
}

const isXtablesTable = (family: string, name: string): boolean =>
  ['ip', 'ip6', 'arp', 'bridge'].includes(family) && XTABLES.has(name)

/** Hooks whose base chains belong to devices: the kernel runs them only for those devices' packets. */
const DEVICE_HOOKS = new Set(['ingress', 'egress'])

/**
 * The devices of each ingress/egress base chain of the JSON ruleset, from `nft list chains`: joined
 * by exact family, table and chain name and the same hook. Null (not known) without the listing,
 * for a chain it lists not exactly once, and for every chain when some table or chain name holds a
 * line break: nft prints names as they are, so such a name can imitate another chain's lines.
 */
function chainDevices(rs: NftRuleset, listing: NftChainDevices[] | null): (c: NftChain) => string[] | null {
  const names = [...rs.tables.map((t) => t.name), ...rs.chains.flatMap((c) => [c.table, c.name])]
  if (!listing || names.some((n) => /[\r\n]/.test(n))) return () => null
  const key = (family: string, table: string, chain: string): string => JSON.stringify([family, table, chain])
  const byKey = new Map<string, NftChainDevices | null>()
  for (const d of listing) {
    const k = key(d.family, d.table, d.chain)
    byKey.set(k, byKey.has(k) ? null : d)
  }
  return (c) => {
    if (!c.hook || !DEVICE_HOOKS.has(c.hook)) return null
    const listed = byKey.get(key(c.family, c.table, c.name))
    return listed && listed.hook === c.hook ? listed.devices : null
  }
}

function fromNft(
  rs: NftRuleset,
  listing: NftChainDevices[] | null,
  includeXtables: boolean,
  ctx: OwnerContext,
  rules: NatRule[],
  chains: ChainInfo[]
): void {
  const wanted = (family: string, table: string): boolean => includeXtables || !isXtablesTable(family, table)
  const devicesOf = chainDevices(rs, listing)
  for (const c of rs.chains) {
    if (!wanted(c.family, c.table)) continue
    chains.push({
      table: `${c.family} ${c.table}`,
      chain: c.name,
      policy: c.policy,
      family: 'nft',
      hook: c.hook,
      priority: c.priority,
      type: c.type,
      devices: devicesOf(c)
    })
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
      goto: (r.verdict ?? '').startsWith('goto '),
      match: r.text,
      raw: r.text,
      owner: nftOwner(r.table, r, target, ctx),
      targetArgs: natArgs,
      options: r.options,
      targetOptions: r.targetOptions,
      ...negatableFields(r),
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
  const ctx: OwnerContext = {
    dockerBridges,
    dockerSubnets: input.dockerSubnets,
    podmanBridges: input.podmanBridges,
    podmanSubnets: input.podmanSubnets
  }
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
  if (input.nft) fromNft(input.nft, input.nftDevices ?? null, !v4 && !input.save6, ctx, rules, chains)

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
