/**
 * The records of a parsed iptables-save text (iptables-save.ts): chain names as places in the text
 * (ChainTable) and the lazy rule and chain records over typed-array rows (line-rows.ts).
 */
import type { IptablesChain, IptablesRule, MaybeNegated } from './types'
import { LineRecord, LineRows, grownInts } from './line-rows'
import { NO_DETAIL, RuleDetail, RuleOption, Segments, TargetArg, readRuleDetail } from './iptables-save-grammar'

/**
 * The chains of a table by name: a hash table over the names' character codes, so a rule's chain
 * is found from its place in the line without slicing it out first (186,000 chains in a large
 * kube-proxy dump). A name is kept as its place in the text and made into a string on first read
 * (when it was read from a trimmed line or a quoted token, as that string). A redeclared name gets
 * a new entry that continues the old entry's rule count, while the previous rule's chain keeps its
 * own entry.
 */
export class ChainTable {
  count = 0
  /** Rules so far per chain (the last rule's position). */
  rules: Int32Array
  private hashes: Int32Array
  /** Where each name is in the text; -1 when it is in `spelled`. */
  private nameStart: Int32Array
  private nameEnd: Int32Array
  /** Names that are not a range of the text. */
  private spelled: Map<number, string> | null = null
  /** Name strings made so far. */
  private made: (string | undefined)[] | null = null
  private slots: Int32Array

  constructor(
    /** The parsed text (after cutting a spliced warning). */
    readonly text: string,
    /** The number of chains expected (declarations): the arrays grow past it when rules name undeclared chains. */
    expected: number
  ) {
    const size = expected + 16
    this.rules = new Int32Array(size)
    this.hashes = new Int32Array(size)
    this.nameStart = new Int32Array(size)
    this.nameEnd = new Int32Array(size)
    let slots = 256
    while (slots < size * 2) slots *= 2
    this.slots = new Int32Array(slots)
  }

  /** The name of chain `index` (kept once made: the records read it). */
  name(index: number): string {
    let made = this.made
    if (made === null || made.length <= index) made = this.made = grownNames(made, Math.max(this.count, index + 1))
    return (made[index] ??= this.spell(index))
  }

  /** The name of chain `index`, made anew (for warnings while the table is read). */
  spell(index: number): string {
    const start = this.nameStart[index]
    return start === -1 ? this.spelled!.get(index)! : this.text.slice(start, this.nameEnd[index])
  }

  /** Chain `index` is named source[start, end). */
  named(index: number, source: string, start: number, end: number): boolean {
    const from = this.nameStart[index]
    if (from === -1) return sameText(source, start, end, this.spelled!.get(index)!)
    const length = end - start
    if (this.nameEnd[index] - from !== length) return false
    const text = this.text
    for (let i = 0; i < length; i++) if (source.charCodeAt(start + i) !== text.charCodeAt(from + i)) return false
    return true
  }

  /**
   * The token at text[pos, end), which ends at a blank or `end`, is chain `index`'s name (false for
   * a quoted name with a blank in it, which no such token can be).
   */
  beginsAt(index: number, text: string, pos: number, end: number): boolean {
    const from = this.nameStart[index]
    if (from === -1) {
      const name = this.spelled!.get(index)!
      const after = pos + name.length
      if (after > end || (after !== end && text.charCodeAt(after) !== 32) || name.includes(' ')) return false
      return text.startsWith(name, pos)
    }
    const length = this.nameEnd[index] - from
    const after = pos + length
    if (after > end || (after !== end && text.charCodeAt(after) !== 32)) return false
    const own = this.text
    for (let i = 0; i < length; i++) if (text.charCodeAt(pos + i) !== own.charCodeAt(from + i)) return false
    return true
  }

  /** The index of the chain named source[start, end) with that hash, or -1. */
  find(source: string, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]
      if (entry === 0) return -1
      const index = entry - 1
      if (this.hashes[index] === hash && this.named(index, source, start, end)) return index
    }
  }

  /** Whether the last add() gave a name that had an entry already (a redeclaration). */
  replaced = false

  /**
   * Adds (or redeclares) the chain named source[start, end) (a range of the text when `inText`);
   * returns its new index.
   */
  add(source: string, start: number, end: number, inText: boolean, hash: number): number {
    const index = this.count++
    if (index === this.rules.length) this.growRows()
    this.hashes[index] = hash
    if (inText) {
      this.nameStart[index] = start
      this.nameEnd[index] = end
    } else {
      this.nameStart[index] = -1
      ;(this.spelled ??= new Map()).set(index, source.slice(start, end))
    }
    if ((index + 1) * 2 > this.slots.length) this.growSlots()
    const mask = this.slots.length - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]
      if (entry === 0 || (this.hashes[entry - 1] === hash && this.named(entry - 1, source, start, end))) {
        this.slots[slot] = index + 1
        this.replaced = entry !== 0
        // A chain declared again (or declared after rules that named it) keeps counting its rules:
        // positions are the rule's place among its chain's rules in the table, as iptables-restore
        // appends them and as the serializer prints them (declarations first).
        if (entry !== 0) this.rules[index] = this.rules[entry - 1]
        return index
      }
    }
  }

  private growRows(): void {
    const grown = (old: Int32Array): Int32Array => {
      const array = new Int32Array(old.length * 2)
      array.set(old)
      return array
    }
    this.rules = grown(this.rules)
    this.hashes = grown(this.hashes)
    this.nameStart = grown(this.nameStart)
    this.nameEnd = grown(this.nameEnd)
  }

  private growSlots(): void {
    const old = this.slots
    this.slots = new Int32Array(old.length * 2)
    const mask = this.slots.length - 1
    for (let i = 0; i < old.length; i++) {
      const entry = old[i]
      if (entry === 0) continue
      let slot = this.hashes[entry - 1] & mask
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask
      this.slots[slot] = entry
    }
  }
}

/** `made` with room for at least `size` names (doubling, should names be read while chains are still added). */
function grownNames(made: (string | undefined)[] | null, size: number): (string | undefined)[] {
  const grown = new Array<string | undefined>(made === null ? size : Math.max(size, made.length * 2))
  if (made !== null) for (let i = 0; i < made.length; i++) grown[i] = made[i]
  return grown
}

/** FNV-1a over text[start, end)'s character codes. */
export function hashText(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619)
  return hash
}

/** text[start, end) is `word`. */
function sameText(text: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false
  for (let i = 0; i < word.length; i++) if (text.charCodeAt(start + i) !== word.charCodeAt(i)) return false
  return true
}

/** The fields of a rule that the parse reads (the rest are in RuleDetail). */
type RuleFields = Pick<IptablesRule, 'table' | 'chain' | 'position' | 'packets' | 'bytes' | 'raw' | 'line'>

/** What a getter read through the prototype (some inspectors do) gets, rather than a TypeError. */
const NO_RULE_FIELDS: RuleFields = Object.freeze({
  table: '',
  chain: '',
  position: 0,
  packets: null,
  bytes: null,
  raw: '',
  line: 0
})
const NO_CHAIN_FIELDS: IptablesChain = Object.freeze({
  table: '',
  name: '',
  policy: null,
  packets: null,
  bytes: null,
  raw: ''
})

/** The values of one table's rules (see LineRows). */
export class RuleRows extends LineRows<RuleFields> {
  /** 1-based line numbers. */
  line: Int32Array
  /** The chain: an index in chains. */
  chain: Int32Array
  /** 1-based within the chain. */
  position: Int32Array
  /** Each rule's target and match side once read (see IptablesRuleLine), made on the first read. */
  details: (RuleDetail | undefined)[] | null = null

  constructor(
    table: string,
    readonly chains: ChainTable,
    readonly segments: Segments,
    size: number
  ) {
    super(table, size)
    this.line = new Int32Array(size)
    this.chain = new Int32Array(size)
    this.position = new Int32Array(size)
  }

  get text(): string {
    return this.segments.text
  }

  /** Adds a rule; returns its index. */
  add(
    start: number,
    line: number,
    chain: number,
    position: number,
    packets: number | null,
    bytes: number | null
  ): number {
    const index = this.addLine(start, packets, bytes)
    this.line[index] = line
    this.chain[index] = chain
    this.position[index] = position
    return index
  }

  protected grow(): void {
    this.line = grownInts(this.line)
    this.chain = grownInts(this.chain)
    this.position = grownInts(this.position)
  }
}

/** The values of one table's chain declarations (see LineRows). */
export class ChainRows extends LineRows<IptablesChain> {
  /** The name: an index in chains. */
  name: Int32Array
  /** Policies other than `-` (built-in chains) by row: few. */
  policies: Map<number, string> | null = null

  constructor(
    table: string,
    readonly chains: ChainTable,
    readonly segments: Segments,
    size: number
  ) {
    super(table, size)
    this.name = new Int32Array(size)
  }

  get text(): string {
    return this.segments.text
  }

  /** Adds a chain; returns its index. */
  add(start: number, name: number, policy: string | null, packets: number | null, bytes: number | null): number {
    const index = this.addLine(start, packets, bytes)
    this.name[index] = name
    if (policy !== null) (this.policies ??= new Map()).set(index, policy)
    return index
  }

  protected grow(): void {
    this.name = grownInts(this.name)
  }
}

/**
 * One rule, as a place in its table's RuleRows: table, chain, position, counters, raw line and line
 * number come from the rows; the target and match side (source … outInterface, matchModules,
 * options, targetArgs, comment, goto) are built from `raw` on first access of any of them and
 * kept in the rows. Reads like a plain IptablesRule; fields can be assigned; toJSON() gives the
 * plain rule with every field in the eager order.
 */
export class IptablesRuleLine extends LineRecord<RuleFields, RuleRows> implements IptablesRule {
  protected blankFields(): RuleFields {
    return NO_RULE_FIELDS
  }

  protected copyFields(): RuleFields {
    return {
      table: this.table,
      chain: this.chain,
      position: this.position,
      packets: this.packets,
      bytes: this.bytes,
      raw: this.raw,
      line: this.line
    }
  }

  private detail(): RuleDetail {
    if (!this.placed) return NO_DETAIL
    const rows = this.rows
    const index = this.index
    const details = rows.details
    let detail = details === null ? undefined : details[index]
    if (detail === undefined) {
      detail = readRuleDetail(this.raw, rows.segments)
      ;(rows.details ??= new Array<RuleDetail | undefined>(rows.count))[index] = detail
    }
    return detail
  }

  get chain(): string {
    const own = this.own()
    if (own !== undefined) return own.chain
    const rows = this.rows
    return rows.chains.name(rows.chain[this.index])
  }
  set chain(value: string) {
    this.owned().chain = value
  }
  get position(): number {
    const own = this.own()
    return own !== undefined ? own.position : this.rows.position[this.index]
  }
  set position(value: number) {
    this.owned().position = value
  }
  get line(): number {
    const own = this.own()
    return own !== undefined ? own.line : this.rows.line[this.index]
  }
  set line(value: number) {
    this.owned().line = value
  }

  get target(): string | null {
    return this.detail().target
  }
  set target(value: string | null) {
    this.detail().target = value
  }
  get goto(): boolean {
    return this.detail().goto
  }
  set goto(value: boolean) {
    this.detail().goto = value
  }
  get source(): MaybeNegated | null {
    return this.detail().source
  }
  set source(value: MaybeNegated | null) {
    this.detail().source = value
  }
  get destination(): MaybeNegated | null {
    return this.detail().destination
  }
  set destination(value: MaybeNegated | null) {
    this.detail().destination = value
  }
  get protocol(): MaybeNegated | null {
    return this.detail().protocol
  }
  set protocol(value: MaybeNegated | null) {
    this.detail().protocol = value
  }
  get inInterface(): MaybeNegated | null {
    return this.detail().inInterface
  }
  set inInterface(value: MaybeNegated | null) {
    this.detail().inInterface = value
  }
  get outInterface(): MaybeNegated | null {
    return this.detail().outInterface
  }
  set outInterface(value: MaybeNegated | null) {
    this.detail().outInterface = value
  }
  get matchModules(): string[] {
    return this.detail().matchModules
  }
  set matchModules(value: string[]) {
    this.detail().matchModules = value
  }
  get options(): RuleOption[] {
    return this.detail().options
  }
  set options(value: RuleOption[]) {
    this.detail().options = value
  }
  get targetArgs(): TargetArg[] {
    return this.detail().targetArgs
  }
  set targetArgs(value: TargetArg[]) {
    this.detail().targetArgs = value
  }
  get comment(): string | null {
    return this.detail().comment
  }
  set comment(value: string | null) {
    this.detail().comment = value
  }

  /** The plain rule, with the fields in the order the eager parser made them. */
  toJSON(): IptablesRule {
    const detail = this.detail()
    return {
      table: this.table,
      chain: this.chain,
      position: this.position,
      source: detail.source,
      destination: detail.destination,
      protocol: detail.protocol,
      inInterface: detail.inInterface,
      outInterface: detail.outInterface,
      matchModules: detail.matchModules,
      options: detail.options,
      target: detail.target,
      goto: detail.goto,
      targetArgs: detail.targetArgs,
      comment: detail.comment,
      packets: this.packets,
      bytes: this.bytes,
      raw: this.raw,
      line: this.line
    }
  }
}

/**
 * One chain declaration, as a place in its table's ChainRows (see LineRecord). Reads like a plain
 * IptablesChain; fields can be assigned; toJSON() gives the plain chain.
 */
export class IptablesChainLine extends LineRecord<IptablesChain, ChainRows> implements IptablesChain {
  protected blankFields(): IptablesChain {
    return NO_CHAIN_FIELDS
  }

  protected copyFields(): IptablesChain {
    return this.toJSON()
  }

  get name(): string {
    const own = this.own()
    if (own !== undefined) return own.name
    const rows = this.rows
    return rows.chains.name(rows.name[this.index])
  }
  set name(value: string) {
    this.owned().name = value
  }
  get policy(): string | null {
    const own = this.own()
    if (own !== undefined) return own.policy
    const policies = this.rows.policies
    return policies === null ? null : (policies.get(this.index) ?? null)
  }
  set policy(value: string | null) {
    this.owned().policy = value
  }

  /** The plain chain, with the fields in the order the eager parser made them. */
  toJSON(): IptablesChain {
    return {
      table: this.table,
      name: this.name,
      policy: this.policy,
      packets: this.packets,
      bytes: this.bytes,
      raw: this.raw
    }
  }
}
