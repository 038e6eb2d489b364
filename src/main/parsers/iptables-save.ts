/**
 * Parser and serializer for `iptables-save` / `ip6tables-save` text (also `iptables-nft-save`,
 * `iptables-legacy-save`, 1.8.0–1.8.2's `xtables-save`, and `-c` output with `[packets:bytes]`
 * rule prefixes). Fixtures: iptables 1.8.9 nf_tables and legacy (Debian 12) and moby's CI
 * goldens. The save grammar is the same since iptables 1.4, so older output reads the same way.
 *
 * A strict state machine in the manner of Kubernetes' `pkg/util/iptables/testing/parse.go`:
 *   `*table` → `:CHAIN POLICY [p:b]` declarations → `-A CHAIN …` rules → `COMMIT`.
 * Anything out of order becomes a warning with its line number; nothing throws. Comment lines give
 * `generatedBy` and `backend` (`(nf_tables)`, `iptables-nft-save` or `xtables-save` → nf_tables; any
 * other header, which is what iptables-legacy-save and every iptables before 1.8 print, → legacy),
 * and iptables-nft's `# Warning: iptables-legacy tables present` sets `legacyTablesPresent`. With
 * `2>&1` that warning (stderr) can land in the middle of a rule line (stdout is block-buffered); it
 * is cut out again and the two halves of the rule are joined, with a warning.
 *
 * Rules are tokenized the way iptables-restore does (`add_param_to_argv`): split on blanks,
 * `"…"` groups a value, `\"` and `\\` escape inside quotes, and a closing quote ends the token.
 * Negation is read in both forms, `! -s x` and the pre-1.4.3 `-s ! x`.
 *
 * Output: IptablesSaveRuleset. Every option except `-A`, `-j`/`-g` and the target's own options is
 * kept in order in `options` (so `-m` entries appear there as well as in `matchModules`); `-s`,
 * `-d`, `-p`, `-i`, `-o` are also lifted into their fields and `--comment` into `comment`. Each rule
 * keeps its `raw` line and 1-based `line`. Identical option objects, `matchModules` lists and
 * `-p`/`-i`/`-o` values are shared between rules (see Segments): treat the result as read-only.
 *
 * `serializeIptablesSave` prints the canonical iptables-save form (quoting like libxtables'
 * `xtables_save_string`), so for real iptables-save output serialize(parse(x)) gives back x's
 * table, chain and rule lines, and parse(serialize(parse(x))) equals parse(x) apart from `line`.
 * Hand-written variants are normalised: `-s ! x` → `! -s x`, `-c p b` → `[p:b]`, needless quotes
 * dropped, long option names of -A/-j/-g shortened.
 *
 * Speed: what the parse reads of each rule (table, chain, position, counters, line number, where
 * its line starts) and of each chain declaration goes into per-table columns of numbers (RuleRows
 * and ChainRows, typed arrays), and a chain's name stays a place in the text until it is read. A
 * record is a two-field object (IptablesRuleLine, IptablesChainLine: its table's rows and its row)
 * whose getters read the columns, so 700,000 records cost the garbage collector little. `raw` is
 * sliced from the text on each read; a rule's target and match side (source … outInterface,
 * matchModules, options, targetArgs, comment, goto) are built from the line on first access of any
 * of them and kept. Assigning a field gives that record its own copy of the fields the parse read.
 * The parse itself only needs each rule's chain and warnings: one regular expression (native code,
 * nothing allocated) passes over runs of lines in the common shape (COMMON_RULE, and FAST_RULE
 * first), which cannot warn; rules and `:CHAIN POLICY [p:b]` declarations in such runs are read in
 * place, and only the other lines are sliced and tokenized (positions, no strings). Records are
 * class instances with getters only: spread or structuredClone see no fields; toJSON() (which
 * JSON.stringify uses) gives the plain rule or chain. bench/parse.bench.ts has the 700,000-line
 * numbers.
 */
import type { IptablesChain, IptablesRule, IptablesRuleset, MaybeNegated, ParseResult } from './types'

export interface IptablesSaveRuleset extends IptablesRuleset {
  /**
   * iptables-nft printed `# Warning: iptables-legacy tables present, use iptables-legacy-save to see
   * them`: the host also has legacy-backend rules that this text does not show.
   */
  legacyTablesPresent: boolean
}

type Table = IptablesRuleset['tables'][number]
type RuleOption = IptablesRule['options'][number]
type TargetArg = IptablesRule['targetArgs'][number]

const LEGACY_WARNING = '# Warning: iptables-legacy tables present'
const LEGACY_WARNING_LINE = `${LEGACY_WARNING}, use iptables-legacy-save to see them`

/** Options that iptables-save prints through `xtables_save_string`: quoted unless `[A-Za-z0-9_-]+`. */
const SAVE_STRING = new Set(['--comment', '--log-prefix', '--nflog-prefix'])
/** Options whose one value may look like an option (`--comment -x`), so they always take the next token. */
const ONE_VALUE = new Set(['--comment', '--log-prefix', '--nflog-prefix', '--string', '--hex-string'])

interface TableState {
  table: Table
  /** Declared (or first used) chains: the shared name string and the rule count so far. */
  chains: ChainTable
  /** The chain (index in chains) of the previous rule, -1 before the first. */
  last: number
  sawRule: boolean
  /**
   * The table's rule and chain records' values. Their counts are the records so far: the table's
   * arrays are made at an upper bound and cut to these at its end.
   */
  ruleRows: RuleRows
  chainRows: ChainRows
}

/**
 * The chains of a table by name: a hash table over the names' character codes, so a rule's chain
 * is found from its place in the line without slicing it out first (186,000 chains in a large
 * kube-proxy dump). A name is kept as its place in the text and made into a string on first read
 * (when it was read from a trimmed line or a quoted token, as that string). A redeclared name gets
 * a new entry that continues the old entry's rule count, while the previous rule's chain keeps its
 * own entry.
 */
class ChainTable {
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

/** The line of text that starts at `from`, without its newline and one carriage return (as the parse reads it). */
function lineAt(text: string, from: number): string {
  let end = text.indexOf('\n', from)
  if (end === -1) end = text.length
  if (end > from && text.charCodeAt(end - 1) === 13) end--
  return text.slice(from, end)
}

/** FNV-1a over text[start, end)'s character codes. */
function hashText(text: string, start: number, end: number): number {
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

/**
 * The chain index of a rule whose chain token is source[start, end), a range of the text when
 * `inText` (warns when it was never declared).
 */
function ruleChain(
  state: TableState,
  source: string,
  start: number,
  end: number,
  inText: boolean,
  lineNo: number,
  warnings: string[]
): number {
  const chains = state.chains
  const last = state.last
  // iptables-save prints a chain's rules together: most rules continue the previous rule's chain.
  if (last !== -1 && chains.named(last, source, start, end)) return last
  const hash = hashText(source, start, end)
  let index = chains.find(source, start, end, hash)
  if (index === -1) {
    index = chains.add(source, start, end, inText, hash)
    const name = chains.spell(index)
    warnings.push(at(lineNo, `rule for chain ${name}, which has no :${name} declaration`))
  }
  state.last = index
  return index
}

/**
 * A new table's state. Its arrays are made at upper bounds: the lines before the next `*table`
 * line that can be rules (`-`, `[` or a blank first) and that can be chain declarations (`:` or a
 * blank first).
 */
function openTable(name: string, text: string, from: number, segments: Segments): TableState {
  let to = text.indexOf('\n*', from)
  if (to === -1) to = text.length
  let rules = 0
  let chains = 0
  for (let i = from - 1; i !== -1 && i < to; i = text.indexOf('\n', i + 1)) {
    const c = text.charCodeAt(i + 1)
    if (c === 45 || c === 91) rules++
    else if (c === 58) chains++
    else if (c === 32 || c === 9) {
      rules++
      chains++
    }
  }
  const table: Table = { name, chains: new Array<IptablesChain>(chains), rules: new Array<IptablesRule>(rules) }
  const chainTable = new ChainTable(text, chains)
  return {
    table,
    chains: chainTable,
    last: -1,
    sawRule: false,
    ruleRows: new RuleRows(name, chainTable, segments, rules),
    chainRows: new ChainRows(name, chainTable, segments, chains)
  }
}

/** Cuts the table's arrays to what it holds. */
function closeTable(state: TableState | null): null {
  if (state !== null) {
    state.table.rules.length = state.ruleRows.count
    state.table.chains.length = state.chainRows.count
  }
  return null
}

export function parseIptablesSave(text: string): ParseResult<IptablesSaveRuleset> {
  const warnings: string[] = []
  const value: IptablesSaveRuleset = { tables: [], generatedBy: null, backend: null, legacyTablesPresent: false }
  if (typeof text !== 'string') return { value, warnings: ['iptables-save: input is not text'] }
  const spliced = cutSplicedWarning(text)
  if (spliced !== null) {
    text = spliced.text
    value.legacyTablesPresent = true
    warnings.push(
      at(spliced.line, "iptables' stderr warning about legacy tables was printed inside this line; cut out")
    )
  }
  const segments = new Segments()
  segments.text = text
  let state: TableState | null = null
  let sawHeader = false
  const len = text.length
  let start = 0
  let lineNo = 0
  // Rule lines before this offset are in the common shape (see COMMON_RULE): rules without warnings.
  let commonUntil = -1
  while (start <= len) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = len
    lineNo++
    if (spliced !== null && lineNo === spliced.line + 1) lineNo++
    const first = text.charCodeAt(start)
    if ((first === 45 || first === 91 || first === 58) && state !== null) {
      if (start >= commonUntil) commonUntil = commonRunEnd(text, start)
      if (start < commonUntil) {
        const lineEnd = text.charCodeAt(end - 1) === 13 ? end - 1 : end
        if (first !== 58) {
          const rule = commonRule(text, start, lineEnd, lineNo, state, warnings)
          state.table.rules[rule] = new IptablesRuleLine(state.ruleRows, rule)
          state.sawRule = true
          start = end + 1
          continue
        }
        const chain = commonChain(text, start, lineEnd, lineNo, state, warnings)
        if (chain !== -1) {
          state.table.chains[chain] = new IptablesChainLine(state.chainRows, chain)
          start = end + 1
          continue
        }
      }
    }
    const lineStart = start
    let line = text.slice(start, end)
    start = end + 1
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1)
    let c0 = line.charCodeAt(0)
    let body = line
    // The body is the text from lineStart unless it was trimmed.
    let inText = true
    if (c0 === 32 || c0 === 9) {
      body = line.trim()
      c0 = body.charCodeAt(0)
      inText = false
    }
    if (c0 === 45 /* - */ || c0 === 91 /* [ */) {
      if (state === null) {
        warnings.push(at(lineNo, `rule outside a table (no *table line before it): ${snippet(body)}`))
        continue
      }
      const rule = parseRule(body, inText, lineStart, lineNo, state, warnings)
      if (rule !== -1) {
        state.table.rules[rule] = new IptablesRuleLine(state.ruleRows, rule)
        state.sawRule = true
      }
      continue
    }
    if (body.length === 0) continue
    if (c0 === 58 /* : */) {
      if (state === null) {
        warnings.push(at(lineNo, `chain declaration outside a table: ${snippet(body)}`))
        continue
      }
      const chain = parseChain(body, inText, lineStart, lineNo, state, warnings)
      if (chain !== -1) state.table.chains[chain] = new IptablesChainLine(state.chainRows, chain)
      continue
    }
    if (c0 === 42 /* * */) {
      const name = body.slice(1).trim()
      if (state !== null)
        warnings.push(at(lineNo, `table ${state.table.name} was not closed with COMMIT before *${name}`))
      if (!name || /\s/.test(name)) {
        warnings.push(at(lineNo, `bad table line: ${snippet(body)}`))
        state = closeTable(state)
        continue
      }
      closeTable(state)
      state = openTable(name, text, start, segments)
      value.tables.push(state.table)
      continue
    }
    if (c0 === 35 /* # */) {
      if (body.startsWith('# Generated by ')) {
        if (!sawHeader) {
          sawHeader = true
          const by = body.slice('# Generated by '.length)
          const on = by.lastIndexOf(' on ')
          value.generatedBy = (on > 0 ? by.slice(0, on) : by).trim()
          value.backend = backendOf(value.generatedBy)
        }
      } else if (body.startsWith(LEGACY_WARNING)) {
        value.legacyTablesPresent = true
      } else if (body.includes('is incompatible')) {
        warnings.push(at(lineNo, `iptables could not show a table: ${snippet(body.slice(1).trim())}`))
      }
      continue
    }
    if (body === 'COMMIT') {
      if (state === null) warnings.push(at(lineNo, 'COMMIT outside a table'))
      state = closeTable(state)
      continue
    }
    warnings.push(at(lineNo, `unrecognised line: ${snippet(body)}`))
  }
  if (state !== null) warnings.push(`iptables-save: table ${state.table.name} ends without COMMIT (truncated output?)`)
  closeTable(state)
  if (value.backend === null && value.legacyTablesPresent) value.backend = 'nf_tables'
  return { value, warnings }
}

/**
 * `iptables-save 2>&1` on an nft host with legacy tables: the stderr warning can be written in
 * the middle of a stdout line. Returns the text with the warning cut out of such a line (the line
 * number of the joined line is kept, and the lines after it count from the original text).
 */
function cutSplicedWarning(text: string): { text: string; line: number } | null {
  const at = text.indexOf(LEGACY_WARNING)
  if (at <= 0 || text.charCodeAt(at - 1) === 10) return null
  let end = text.indexOf('\n', at)
  if (end === -1) end = text.length
  const lineStart = text.lastIndexOf('\n', at) + 1
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < lineStart; i = text.indexOf('\n', i + 1)) line++
  return { text: text.slice(0, at) + text.slice(end + 1), line }
}

/** `(nf_tables)`, `iptables-nft-save` and 1.8.0–1.8.2's `xtables-save` are the nft backend; any other header is legacy. */
function backendOf(generatedBy: string): IptablesRuleset['backend'] {
  if (generatedBy.includes('nf_tables') || generatedBy.includes('-nft-') || generatedBy.startsWith('xtables')) {
    return 'nf_tables'
  }
  return 'legacy'
}

/**
 * Reads a chain declaration into the table's chain rows (`body` is the text from `from` when
 * `inText`); returns its index there, or -1 (with a warning).
 */
function parseChain(
  body: string,
  inText: boolean,
  from: number,
  lineNo: number,
  state: TableState,
  warnings: string[]
): number {
  // Up to four blank-separated words after the `:` (a fourth makes the line bad), read in place.
  const at4 = chainWords
  let count = 0
  for (let pos = 1; pos < body.length;) {
    const c = body.charCodeAt(pos)
    if (c === 32 || c === 9) {
      pos++
      continue
    }
    let end = pos + 1
    while (end < body.length && body.charCodeAt(end) !== 32 && body.charCodeAt(end) !== 9) end++
    if (count < 4) {
      at4[count * 2] = pos
      at4[count * 2 + 1] = end
    }
    count++
    pos = end
  }
  if (count === 0 || count > 3) {
    warnings.push(at(lineNo, `bad chain declaration: ${snippet(body)}`))
    return -1
  }
  let packets: number | null = null
  let bytes: number | null = null
  if (count === 3) {
    if (parseCounters(body, at4[4], at4[5])) {
      packets = countersRead[0]
      bytes = countersRead[1]
    } else {
      warnings.push(at(lineNo, `bad chain counters ${snippet(body.slice(at4[4], at4[5]))}`))
    }
  }
  const policy =
    count >= 2 && !(at4[3] - at4[2] === 1 && body.charCodeAt(at4[2]) === 45) ? body.slice(at4[2], at4[3]) : null
  if (inText) {
    return declareChain(
      state,
      state.chains.text,
      from + at4[0],
      from + at4[1],
      true,
      policy,
      packets,
      bytes,
      from,
      lineNo,
      warnings
    )
  }
  return declareChain(state, body, at4[0], at4[1], false, policy, packets, bytes, from, lineNo, warnings)
}

/**
 * A chain declaration on text[start, end) in the form iptables-save prints it, `:NAME POLICY [p:b]`
 * with single spaces, read in place; -1 when it is in any other form (parseChain reads it). The
 * line is in a run of COMMON_LINES: it holds no tab and no carriage return.
 */
function commonChain(
  text: string,
  start: number,
  end: number,
  lineNo: number,
  state: TableState,
  warnings: string[]
): number {
  const nameEnd = text.indexOf(' ', start + 1)
  if (nameEnd <= start + 1 || nameEnd >= end) return -1
  const policyEnd = text.indexOf(' ', nameEnd + 1)
  if (policyEnd <= nameEnd + 1 || policyEnd >= end) return -1
  // `[p:b]` up to the end of the line; toCount takes digits only, so no blank is left out.
  const open = policyEnd + 1
  const colon = text.indexOf(':', open)
  if (text.charCodeAt(open) !== 91 || text.charCodeAt(end - 1) !== 93 || colon === -1 || colon >= end) return -1
  const packets = toCount(text, open + 1, colon)
  const bytes = toCount(text, colon + 1, end - 1)
  if (packets === null || bytes === null) return -1
  const policy =
    policyEnd - nameEnd === 2 && text.charCodeAt(nameEnd + 1) === 45 ? null : text.slice(nameEnd + 1, policyEnd)
  return declareChain(state, text, start + 1, nameEnd, true, policy, packets, bytes, start, lineNo, warnings)
}

/**
 * Declares the chain named source[start, end) (a range of the text when `inText`) with its policy
 * and counters (its line starts at `from`); returns its index in the table's chain rows.
 */
function declareChain(
  state: TableState,
  source: string,
  start: number,
  end: number,
  inText: boolean,
  policy: string | null,
  packets: number | null,
  bytes: number | null,
  from: number,
  lineNo: number,
  warnings: string[]
): number {
  const chains = state.chains
  const index = chains.add(source, start, end, inText, hashText(source, start, end))
  if (state.sawRule) warnings.push(at(lineNo, `chain ${chains.spell(index)} declared after the table's first rule`))
  if (chains.replaced) {
    warnings.push(at(lineNo, `chain ${chains.spell(index)} declared twice`))
    // The next rule of this chain must count on in the new entry, not in the one it replaced.
    state.last = -1
  }
  return state.chainRows.add(from, index, policy, packets, bytes)
}

const chainWords = new Int32Array(8)

/** The counters parseCounters read last. */
const countersRead = new Float64Array(2)

/** `[12:3456]` in text[start, end) → countersRead [12, 3456] and true; false when malformed. */
function parseCounters(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(start) !== 91 || text.charCodeAt(end - 1) !== 93) return false
  const colon = text.indexOf(':', start)
  if (colon < 0 || colon >= end) return false
  const packets = toCount(text, start + 1, colon)
  const bytes = toCount(text, colon + 1, end - 1)
  if (packets === null || bytes === null) return false
  countersRead[0] = packets
  countersRead[1] = bytes
  return true
}

function toCount(text: string, start: number, end: number): number | null {
  if (end <= start || end - start > 20) return null
  let n = 0
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return null
    n = n * 10 + (c - 48)
  }
  return n
}

// ---------------------------------------------------------------------------------------------
// Rule lines

/**
 * Token buffers for the current line, reused: start/end offsets, quoted flag, offset of the first
 * quote and unescaped text of quoted tokens (made on first use by tokenText).
 */
let tokStart = new Int32Array(64)
let tokEnd = new Int32Array(64)
let tokQuoted = new Uint8Array(64)
let tokQuote = new Int32Array(64)
let tokText: (string | null)[] = new Array<string | null>(64).fill(null)
let tokCount = 0

const KIND_OTHER = 0
const KIND_MATCH = 1
const KIND_SOURCE = 2
const KIND_DEST = 3
const KIND_PROTO = 4
const KIND_IN = 5
const KIND_OUT = 6
const KIND_COMMENT = 7
const KIND_JUMP = 8
const KIND_GOTO = 9
const KIND_COUNTERS = 10
/** NAT addresses (`--to-destination 10.0.0.5:80`): nearly unique per rule, so never cached. */
const KIND_NAT_TO = 11

/** The kind of option token t, from its length and characters (no string is made). */
function classify(line: string, t: number): number {
  const s = tokStart[t]
  const len = tokEnd[t] - s
  const c1 = line.charCodeAt(s + 1)
  if (len === 2) {
    switch (c1) {
      case 109 /* m */:
        return KIND_MATCH
      case 115 /* s */:
        return KIND_SOURCE
      case 100 /* d */:
        return KIND_DEST
      case 112 /* p */:
        return KIND_PROTO
      case 105 /* i */:
        return KIND_IN
      case 111 /* o */:
        return KIND_OUT
      case 106 /* j */:
        return KIND_JUMP
      case 103 /* g */:
        return KIND_GOTO
      case 99 /* c */:
        return KIND_COUNTERS
    }
    return KIND_OTHER
  }
  if (c1 !== 45) return KIND_OTHER
  switch (len) {
    case 4:
      return line.startsWith('--to', s) ? KIND_NAT_TO : KIND_OTHER
    case 5:
      return line.startsWith('--src', s) ? KIND_SOURCE : line.startsWith('--dst', s) ? KIND_DEST : KIND_OTHER
    case 6:
      return line.startsWith('--jump', s) ? KIND_JUMP : line.startsWith('--goto', s) ? KIND_GOTO : KIND_OTHER
    case 7:
      return line.startsWith('--match', s) ? KIND_MATCH : KIND_OTHER
    case 8:
      return line.startsWith('--source', s) ? KIND_SOURCE : KIND_OTHER
    case 9:
      return line.startsWith('--comment', s) ? KIND_COMMENT : KIND_OTHER
    case 10:
      return line.startsWith('--protocol', s) ? KIND_PROTO : KIND_OTHER
    case 11:
      return line.startsWith('--to-source', s) ? KIND_NAT_TO : KIND_OTHER
    case 13:
      return line.startsWith('--destination', s) ? KIND_DEST : KIND_OTHER
    case 14:
      if (line.startsWith('--in-interface', s)) return KIND_IN
      return line.startsWith('--set-counters', s) ? KIND_COUNTERS : KIND_OTHER
    case 15:
      return line.startsWith('--out-interface', s) ? KIND_OUT : KIND_OTHER
    case 16:
      return line.startsWith('--to-destination', s) ? KIND_NAT_TO : KIND_OTHER
  }
  return KIND_OTHER
}

/** Short option names as shared constants, so the common ones never need a new string. */
const SHORT_NAMES: Record<number, string> = { 109: '-m', 115: '-s', 100: '-d', 112: '-p', 105: '-i', 111: '-o' }

/** One option as it appeared in the text (`! -p tcp`, `--dport 80`), parsed once and shared by every rule that repeats it. */
interface Segment {
  kind: number
  name: string
  values: string[]
  option: RuleOption
  /** For -p/-i/-o. */
  maybe: MaybeNegated | null
  /** The same option after -j/-g (a target argument), built on first use. */
  targetArg: TargetArg | null
}

/** Shared empty lists: frozen, so a consumer that pushes into one fails loudly instead of changing every rule. */
const EMPTY_STRINGS = Object.freeze([]) as unknown as string[]
const EMPTY_TARGET_ARGS = Object.freeze([]) as unknown as TargetArg[]
const CACHE_LIMIT = 100_000

/**
 * Per-parse caches (hash-consing). A kube-proxy dump repeats a few hundred options (`-m tcp`,
 * `-p tcp`, `--dport 80`, `-m statistic`, `--probability 0.5`) on hundreds of thousands of rules;
 * each distinct one is built once and shared (keyed by its text), which keeps a large parse cheap.
 * Addresses, comments and NAT destinations are nearly unique per rule and are built directly: a
 * cache of unique keys only costs memory and lookups in a table too big for the CPU cache.
 */
class Segments {
  /** The parsed text (after cutting a spliced warning): rules and chains read their raw lines from it. */
  text = ''
  private readonly bySource = new Map<string, Segment>()
  private readonly strings = new Map<string, string>()
  private readonly moduleRoot: ModuleNode = { list: EMPTY_STRINGS, next: null }
  private size = 0

  /**
   * The segment made of tokens [first, last] of `line`: option name at nameToken, values from
   * valueStart (after the old form's `!`).
   */
  get(
    line: string,
    first: number,
    last: number,
    nameToken: number,
    valueStart: number,
    negated: boolean,
    kind: number,
    lineNo: number,
    warnings: string[]
  ): Segment {
    const source = line.slice(tokStart[first], tokEnd[last] + (tokQuoted[last] ? 1 : 0))
    const known = this.bySource.get(source)
    if (known !== undefined) return known
    const warningsBefore = warnings.length
    const name = optionName(line, nameToken, this)
    const values = tokenTexts(line, valueStart, last, this)
    let maybe: MaybeNegated | null = null
    if (kind === KIND_PROTO || kind === KIND_IN || kind === KIND_OUT) {
      if (values.length !== 1) warnings.push(at(lineNo, `${name} needs one value, got ${values.length}`))
      maybe = { negated, value: values.join(' ') }
    }
    const segment: Segment = { kind, name, values, option: { option: name, negated, values }, maybe, targetArg: null }
    // A segment that warned is not cached, so every line that repeats it warns too.
    if (this.size < CACHE_LIMIT && warnings.length === warningsBefore) {
      this.size++
      this.bySource.set(source, segment)
    }
    return segment
  }

  targetArg(segment: Segment): TargetArg {
    if (segment.targetArg === null) segment.targetArg = { option: segment.name, values: segment.values }
    return segment.targetArg
  }

  string(value: string): string {
    const known = this.strings.get(value)
    if (known !== undefined) return known
    if (this.size < CACHE_LIMIT) {
      this.size++
      this.strings.set(value, value)
    }
    return value
  }

  /** The shared `matchModules` list after appending `module` to `node`'s list. */
  moduleStep(node: ModuleNode, module: string): ModuleNode {
    if (node.next === null) node.next = new Map()
    let child = node.next.get(module)
    if (child === undefined) {
      child = { list: [...node.list, this.string(module)], next: null }
      node.next.set(module, child)
    }
    return child
  }

  get modules(): ModuleNode {
    return this.moduleRoot
  }
}

interface ModuleNode {
  list: string[]
  next: Map<string, ModuleNode> | null
}

function optionName(line: string, t: number, segments: Segments): string {
  if (tokEnd[t] - tokStart[t] === 2) {
    const short = SHORT_NAMES[line.charCodeAt(tokStart[t] + 1)]
    if (short !== undefined) return short
  }
  return segments.string(line.slice(tokStart[t], tokEnd[t]))
}

/** The texts of tokens first..last (small words such as `tcp` or `80` are shared). */
function tokenTexts(line: string, first: number, last: number, segments: Segments | null): string[] {
  if (last < first) return EMPTY_STRINGS
  const out = new Array<string>(last - first + 1)
  for (let t = first, i = 0; t <= last; t++, i++) {
    const text = tokenText(line, t)
    out[i] = segments !== null && text.length <= 12 ? segments.string(text) : text
  }
  return out
}

/** What readValues found (module scratch, so the walk over 700,000 rules allocates nothing). */
let spanNegated = false
let spanValueStart = 0
let spanEnd = 0

/**
 * The values of the option at token `nameToken`, as parseRule and parseRuleDetail both walk them:
 * one value for options that always take one (`--comment -x`), else every token up to the next
 * option or `!`. Reads the old form `-s ! 10.0.0.1` (a bare `!` between option and value) as a
 * negation too. Sets spanNegated, spanValueStart and spanEnd (the token after the last value).
 */
function readValues(body: string, nameToken: number, n: number, negated: boolean): void {
  let j = nameToken + 1
  let valueStart = j
  if (!negated && j + 1 < n && isBang(body, j) && !isOption(body, j + 1)) {
    negated = true
    j++
    valueStart = j
  }
  if (oneValue(body, nameToken)) {
    if (j < n) j++
  } else {
    while (j < n && !isOption(body, j) && !isBang(body, j)) j++
  }
  spanNegated = negated
  spanValueStart = valueStart
  spanEnd = j
}

const optionBuffer: RuleOption[] = []

/**
 * Reads a rule line that is not in the common shape into the table's rule rows (checking it the
 * way parseRuleDetail will read it); returns its index there, or -1 when the line is not a rule.
 */
function parseRule(
  body: string,
  inText: boolean,
  from: number,
  lineNo: number,
  state: TableState,
  warnings: string[]
): number {
  if (body.indexOf('\t') !== -1) body = body.replace(/\t/g, ' ')
  if (!tokenize(body)) warnings.push(at(lineNo, 'unterminated quote; the value runs to the end of the line'))
  const n = tokCount
  let k = 0
  let packets: number | null = null
  let bytes: number | null = null
  if (body.charCodeAt(0) === 91) {
    if (tokQuoted[0] || !parseCounters(body, tokStart[0], tokEnd[0])) {
      warnings.push(at(lineNo, `bad rule counters: ${snippet(body)}`))
      return -1
    }
    packets = countersRead[0]
    bytes = countersRead[1]
    k = 1
  }
  if (k >= n || !(isToken(body, k, '-A') || isToken(body, k, '--append'))) {
    warnings.push(at(lineNo, `expected -A CHAIN, got: ${snippet(body)}`))
    return -1
  }
  if (k + 1 >= n || isOption(body, k + 1) || isBang(body, k + 1)) {
    warnings.push(at(lineNo, `-A without a chain name: ${snippet(body)}`))
    return -1
  }
  const chainTokenAt = k + 1
  k += 2
  // The same walk as parseRuleDetail, building nothing: it finds the -c counters and every
  // warning; the target and options are built from the raw line on first access.
  // Only whether the last -j/-g named a target matters here (for the "more than one" warning).
  let hasTarget = false
  let inTarget = false
  while (k < n) {
    let negated = false
    if (isBang(body, k)) {
      negated = true
      k++
      if (k < n && isBang(body, k)) {
        warnings.push(at(lineNo, `two ! in a row: ${snippet(body)}`))
        return -1
      }
      if (k >= n) {
        warnings.push(at(lineNo, 'trailing ! with nothing to negate'))
        break
      }
    }
    if (!isOption(body, k)) {
      warnings.push(at(lineNo, `value "${snippet(tokenText(body, k), 40)}" without an option: ${snippet(body)}`))
      return -1
    }
    const nameToken = k
    readValues(body, nameToken, n, negated)
    negated = spanNegated
    const valueStart = spanValueStart
    const j = spanEnd
    k = j
    const count = j - valueStart
    const kind = classify(body, nameToken)
    if (kind === KIND_JUMP || kind === KIND_GOTO) {
      if (count !== 1) warnings.push(at(lineNo, `${tokenText(body, nameToken)} needs one target, got ${count}`))
      if (negated) warnings.push(at(lineNo, 'a target cannot be negated'))
      if (hasTarget) warnings.push(at(lineNo, 'more than one target; the last one wins'))
      hasTarget = j > valueStart
      inTarget = true
      continue
    }
    if (kind === KIND_COUNTERS) {
      const p = count === 2 && !tokQuoted[valueStart] ? toCount(body, tokStart[valueStart], tokEnd[valueStart]) : null
      const b =
        p !== null && !tokQuoted[valueStart + 1]
          ? toCount(body, tokStart[valueStart + 1], tokEnd[valueStart + 1])
          : null
      if (p === null || b === null) warnings.push(at(lineNo, `bad ${tokenText(body, nameToken)} counters`))
      else {
        packets = p
        bytes = b
      }
      continue
    }
    if (inTarget && kind !== KIND_MATCH) {
      if (negated) warnings.push(at(lineNo, `target option ${tokenText(body, nameToken)} cannot be negated`))
      if (kind !== KIND_NAT_TO) checkSegment(body, nameToken, kind, count, lineNo, warnings)
      continue
    }
    inTarget = false
    if (kind === KIND_SOURCE || kind === KIND_DEST) {
      if (count !== 1) warnings.push(at(lineNo, `${tokenText(body, nameToken)} needs one value, got ${count}`))
      continue
    }
    if (kind === KIND_COMMENT || kind === KIND_NAT_TO) continue
    checkSegment(body, nameToken, kind, count, lineNo, warnings)
  }
  let chain: number
  if (tokQuoted[chainTokenAt]) {
    const name = tokenText(body, chainTokenAt)
    chain = ruleChain(state, name, 0, name.length, false, lineNo, warnings)
  } else if (inText) {
    // Tabs were made blanks in body, but a token holds neither: it reads the same in the text.
    const text = state.chains.text
    chain = ruleChain(state, text, from + tokStart[chainTokenAt], from + tokEnd[chainTokenAt], true, lineNo, warnings)
  } else {
    chain = ruleChain(state, body, tokStart[chainTokenAt], tokEnd[chainTokenAt], false, lineNo, warnings)
  }
  return state.ruleRows.add(from, lineNo, chain, ++state.chains.rules[chain], packets, bytes)
}

/*
 * The common shape of a rule line: what iptables-save prints for nearly every rule. parseRule
 * reads every such line without a warning, so the parse only has to find the rule lines that are
 * not in this shape (one regular expression over the text, native code, nothing allocated) and
 * read the chain and counters of the others. The shape is deliberately narrow; anything else
 * (tabs, escapes, `-s ! x`, negative numbers, -c, long -j/-g, options after the target's options,
 * quoted chains or targets, …) goes through parseRule.
 *   [p:b] -A CHAIN { [!] MATCH } [ -j|-g TARGET { TARGET-OPTION } ]
 * where a MATCH is -s/-d/-p/-i/-o (and long names) with exactly one value, a ONE_VALUE option with
 * one value (a word or a plain `"…"`), or any other option (not -j/-g/-c/-m…) with any number of
 * values; values never start with `-` or `!`.
 */
const END = '(?= |\\r?\\n|\\r?$)'
const WORD = '[^ \\t\\r\\n"!\\-][^ \\t\\r\\n"]*'
const VALUE = `(?:${WORD}|"[^"\\\\\\r\\n]*")`
const OPTION = '--?[A-Za-z][A-Za-z0-9_-]*'
const ONE_VALUE_RE = `--(?:comment|log-prefix|nflog-prefix|string|hex-string)${END}`
const SINGLE = `(?:-[sdpio]|--(?:source|src|destination|dst|protocol|in-interface|out-interface))${END}`
const SPECIAL = `(?:-[sdpiojgcm]|--(?:source|src|destination|dst|protocol|in-interface|out-interface|jump|goto|set-counters|match|append|comment|log-prefix|nflog-prefix|string|hex-string))${END}`
const OTHER = `(?!${SPECIAL})${OPTION}(?: +${VALUE})*`
const MATCH = `(?:! +)?(?:${SINGLE} +${WORD}|${ONE_VALUE_RE} +${VALUE}|(?:-m|--match)${END}(?: +${VALUE})*|${OTHER})`
const TARGET_OPTION = `(?:${ONE_VALUE_RE} +${VALUE}|${OTHER})`
const COMMON_RULE = `(?:\\[\\d{1,20}:\\d{1,20}\\] +)?-A +${WORD}(?: +${MATCH})*(?: +-[jg] +${WORD}(?: +${TARGET_OPTION})*)? *`
/**
 * The same shape as iptables-save prints it for kube-proxy, Docker and most other rules: single
 * blanks, no counters, and only options from a list (none of them special above) with one value
 * (`--random-fully` none, as a target option). A special case of COMMON_RULE, tried first because
 * its literal words match far faster than COMMON_RULE's general option loop; together they
 * accept exactly the lines COMMON_RULE accepts.
 */
const FAST_OPTION =
  '--(?:dport|dports|sport|sports|ctstate|state|mark|set-xmark|set-mark|dst-type|src-type|mode|probability|to-destination|to-source|to-ports|random-fully|reject-with|icmp-type)'
const FAST_RULE =
  `-A ${WORD}(?: (?:! )?-[sdpio] ${WORD}| -m ${WORD}| --comment ${VALUE}| (?:! )?${FAST_OPTION} ${WORD})*` +
  `(?: -[jg] ${WORD}(?: ${FAST_OPTION}(?: ${WORD})?)*)?`
/**
 * A run of up to 4,096 lines, each ending with a newline, that are rule lines in the common shape
 * or other lines without a tab (chain declarations among them: commonChain reads those in place
 * when they are in iptables-save's own form). Bounded, so the backtracking stack of the regular
 * expression stays small.
 */
const COMMON_LINES = new RegExp(
  `(?:(?:${FAST_RULE}|${COMMON_RULE}|[^-\\[ \\t\\r\\n][^\\t\\r\\n]*)?\\r?\\n){0,4096}`,
  'y'
)

/** The end of the run of such lines that starts at `start` (a line start); `start` when that line is an uncommon rule. */
function commonRunEnd(text: string, start: number): number {
  COMMON_LINES.lastIndex = start
  return COMMON_LINES.test(text) ? COMMON_LINES.lastIndex : start
}

/**
 * Reads the rule on text[start, end), a line in the common shape, into the table's rule rows (only
 * its counters and chain are read now); returns its index there.
 */
function commonRule(
  text: string,
  start: number,
  end: number,
  lineNo: number,
  state: TableState,
  warnings: string[]
): number {
  let pos = start
  let packets: number | null = null
  let bytes: number | null = null
  if (text.charCodeAt(pos) === 91) {
    const colon = text.indexOf(':', pos)
    const close = text.indexOf(']', colon)
    packets = toCount(text, pos + 1, colon)
    bytes = toCount(text, colon + 1, close)
    pos = close + 1
    while (text.charCodeAt(pos) === 32) pos++
  }
  pos += 2 // -A
  while (text.charCodeAt(pos) === 32) pos++
  // Most rules continue the previous rule's chain: compared in place, without finding the token's end first.
  let chain = state.last
  if (chain === -1 || !state.chains.beginsAt(chain, text, pos, end)) {
    let chainEnd = pos
    while (chainEnd < end && text.charCodeAt(chainEnd) !== 32) chainEnd++
    chain = ruleChain(state, text, pos, chainEnd, true, lineNo, warnings)
  }
  return state.ruleRows.add(start, lineNo, chain, ++state.chains.rules[chain], packets, bytes)
}

/** Segments.get's warning for -p/-i/-o with other than one value (such segments are never cached, so every line warns). */
function checkSegment(
  body: string,
  nameToken: number,
  kind: number,
  count: number,
  lineNo: number,
  warnings: string[]
): void {
  if ((kind === KIND_PROTO || kind === KIND_IN || kind === KIND_OUT) && count !== 1) {
    warnings.push(at(lineNo, `${body.slice(tokStart[nameToken], tokEnd[nameToken])} needs one value, got ${count}`))
  }
}

/** The fields of a rule that parseRule leaves for later (see IptablesRuleLine). */
interface RuleDetail {
  source: MaybeNegated | null
  destination: MaybeNegated | null
  protocol: MaybeNegated | null
  inInterface: MaybeNegated | null
  outInterface: MaybeNegated | null
  matchModules: string[]
  options: RuleOption[]
  targetArgs: TargetArg[]
  comment: string | null
  target: string | null
  goto: boolean
}

const detailWarnings: string[] = []

/**
 * The options of a rule line that parseRule accepted, built as the eager parser built them (options
 * and -p/-i/-o values shared through the parse's Segments). Its warnings were given by parseRule.
 */
function parseRuleDetail(raw: string, segments: Segments): RuleDetail {
  const c0 = raw.charCodeAt(0)
  let body = c0 === 32 || c0 === 9 ? raw.trim() : raw
  if (body.indexOf('\t') !== -1) body = body.replace(/\t/g, ' ')
  tokenize(body)
  const warnings = detailWarnings
  warnings.length = 0
  const lineNo = 0
  const n = tokCount
  // Counters (checked by parseRule), -A and the chain come first.
  let k = body.charCodeAt(0) === 91 ? 3 : 2
  // Options collect in a reused buffer and are copied out at the exact size: an array grown by
  // push() keeps room for 17 elements, which on 700,000 rules is a lot of memory.
  const options = optionBuffer
  options.length = 0
  let modules = segments.modules
  let targetArgs = EMPTY_TARGET_ARGS
  let source: MaybeNegated | null = null
  let destination: MaybeNegated | null = null
  let protocol: MaybeNegated | null = null
  let inInterface: MaybeNegated | null = null
  let outInterface: MaybeNegated | null = null
  let comment: string | null = null
  let target: string | null = null
  let goto = false
  let inTarget = false
  while (k < n) {
    const first = k
    let negated = false
    if (isBang(body, k)) {
      negated = true
      k++
      if (k >= n || isBang(body, k)) break
    }
    if (!isOption(body, k)) break
    const nameToken = k
    readValues(body, nameToken, n, negated)
    negated = spanNegated
    const valueStart = spanValueStart
    const j = spanEnd
    k = j
    const kind = classify(body, nameToken)
    // The last -j/-g wins (parseRule warned about the others).
    if (kind === KIND_JUMP || kind === KIND_GOTO) {
      target = j > valueStart ? tokenText(body, valueStart) : null
      goto = kind === KIND_GOTO
      inTarget = true
      continue
    }
    if (kind === KIND_COUNTERS) continue
    if (inTarget && kind !== KIND_MATCH) {
      if (targetArgs === EMPTY_TARGET_ARGS) targetArgs = []
      if (kind === KIND_NAT_TO) {
        targetArgs.push({
          option: optionName(body, nameToken, segments),
          values: tokenTexts(body, valueStart, j - 1, null)
        })
      } else {
        targetArgs.push(
          segments.targetArg(segments.get(body, first, j - 1, nameToken, valueStart, negated, kind, lineNo, warnings))
        )
      }
      continue
    }
    inTarget = false
    if (kind === KIND_SOURCE || kind === KIND_DEST || kind === KIND_COMMENT || kind === KIND_NAT_TO) {
      // Addresses, comments and NAT addresses are nearly unique per rule: built directly, not
      // cached (a cache of unique keys only costs memory and lookups in a large table).
      const values = tokenTexts(body, valueStart, j - 1, null)
      options.push({ option: optionName(body, nameToken, segments), negated, values })
      if (kind === KIND_COMMENT) {
        if (comment === null && values.length > 0) comment = values[0]
      } else if (kind !== KIND_NAT_TO) {
        if (values.length !== 1) {
          warnings.push(at(lineNo, `${tokenText(body, nameToken)} needs one value, got ${values.length}`))
        }
        const maybe: MaybeNegated = { negated, value: values.length === 1 ? values[0] : values.join(' ') }
        if (kind === KIND_SOURCE) source = maybe
        else destination = maybe
      }
      continue
    }
    const segment = segments.get(body, first, j - 1, nameToken, valueStart, negated, kind, lineNo, warnings)
    options.push(segment.option)
    switch (kind) {
      case KIND_MATCH:
        if (segment.values.length > 0) modules = segments.moduleStep(modules, segment.values[0])
        break
      case KIND_PROTO:
        protocol = segment.maybe
        break
      case KIND_IN:
        inInterface = segment.maybe
        break
      case KIND_OUT:
        outInterface = segment.maybe
        break
    }
  }
  return {
    source,
    destination,
    protocol,
    inInterface,
    outInterface,
    matchModules: modules.list,
    options: options.slice(),
    targetArgs,
    comment,
    target,
    goto
  }
}

const NO_DETAIL: RuleDetail = Object.freeze({
  source: null,
  destination: null,
  protocol: null,
  inInterface: null,
  outInterface: null,
  matchModules: EMPTY_STRINGS,
  options: [],
  targetArgs: EMPTY_TARGET_ARGS,
  comment: null,
  target: null,
  goto: false
})

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

/**
 * The counters of a table's rules or chains by row: which rows have packets and bytes (a byte per
 * row), and their values only once a row has others than zero (iptables-save prints `[0:0]` on
 * every chain; zero needs no writing in arrays that start zeroed).
 */
class CounterRows {
  /** Bit 1: the row has packets; bit 2: bytes. */
  private has: Uint8Array
  private packets: Float64Array | null = null
  private bytes: Float64Array | null = null

  constructor(size: number) {
    this.has = new Uint8Array(size)
  }

  set(index: number, packets: number | null, bytes: number | null): void {
    if (index >= this.has.length) this.grow()
    this.has[index] = (packets === null ? 0 : 1) | (bytes === null ? 0 : 2)
    if (packets !== null && packets !== 0) (this.packets ??= new Float64Array(this.has.length))[index] = packets
    if (bytes !== null && bytes !== 0) (this.bytes ??= new Float64Array(this.has.length))[index] = bytes
  }

  packetsAt(index: number): number | null {
    if ((this.has[index] & 1) === 0) return null
    return this.packets === null ? 0 : this.packets[index]
  }

  bytesAt(index: number): number | null {
    if ((this.has[index] & 2) === 0) return null
    return this.bytes === null ? 0 : this.bytes[index]
  }

  private grow(): void {
    const has = new Uint8Array(this.has.length * 2 + 16)
    has.set(this.has)
    this.has = has
    this.packets = grownCounters(this.packets, has.length)
    this.bytes = grownCounters(this.bytes, has.length)
  }
}

function packetsAt(counters: CounterRows | null, index: number): number | null {
  return counters === null ? null : counters.packetsAt(index)
}

function bytesAt(counters: CounterRows | null, index: number): number | null {
  return counters === null ? null : counters.bytesAt(index)
}

function grownInts(old: Int32Array): Int32Array {
  const array = new Int32Array(old.length * 2 + 16)
  array.set(old)
  return array
}

function grownCounters(old: Float64Array | null, size: number): Float64Array | null {
  if (old === null) return null
  const array = new Float64Array(size)
  array.set(old)
  return array
}

/** The fields every rule and chain record reads from its rows the same way. */
interface LineFields {
  table: string
  packets: number | null
  bytes: number | null
  raw: string
}

/**
 * The values of one table's rules or chain declarations, a row each, in typed arrays made at the
 * table's upper bound: for 700,000 rules a few arrays of numbers rather than ten fields on each of
 * 700,000 records for the garbage collector to copy. Only the parse adds rows; an assigned field
 * goes to the record's own copy in `own`.
 */
abstract class LineRows<Own extends LineFields> {
  count = 0
  /** Where each row's line starts in segments.text. */
  start: Int32Array
  /** `[p:b]` or `-c` counters: made with the first row that has them. */
  counters: CounterRows | null = null
  /** Records that had a field assigned: their own copy of the fields (see LineRecord.owned). */
  own: (Own | undefined)[] | null = null

  constructor(
    readonly table: string,
    readonly chains: ChainTable,
    readonly segments: Segments,
    size: number
  ) {
    this.start = new Int32Array(size)
  }

  /** Adds a row's line and counters; returns its index (the subclass fills its own columns). */
  protected addLine(start: number, packets: number | null, bytes: number | null): number {
    const index = this.count++
    if (index === this.start.length) {
      // The bound was an upper bound; this only keeps a miscount from losing rows.
      this.start = grownInts(this.start)
      this.grow()
    }
    this.start[index] = start
    if (packets !== null || bytes !== null) {
      ;(this.counters ??= new CounterRows(this.start.length)).set(index, packets, bytes)
    }
    return index
  }

  /** Grows the subclass's columns to start.length. */
  protected abstract grow(): void
}

/** The values of one table's rules (see LineRows). */
class RuleRows extends LineRows<RuleFields> {
  /** 1-based line numbers. */
  line: Int32Array
  /** The chain: an index in chains. */
  chain: Int32Array
  /** 1-based within the chain. */
  position: Int32Array
  /** Each rule's target and match side once read (see IptablesRuleLine), made on the first read. */
  details: (RuleDetail | undefined)[] | null = null

  constructor(table: string, chains: ChainTable, segments: Segments, size: number) {
    super(table, chains, segments, size)
    this.line = new Int32Array(size)
    this.chain = new Int32Array(size)
    this.position = new Int32Array(size)
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
class ChainRows extends LineRows<IptablesChain> {
  /** The name: an index in chains. */
  name: Int32Array
  /** Policies other than `-` (built-in chains) by row: few. */
  policies: Map<number, string> | null = null

  constructor(table: string, chains: ChainTable, segments: Segments, size: number) {
    super(table, chains, segments, size)
    this.name = new Int32Array(size)
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
 * A record that is a place in its table's rows: two fields keep 700,000 of these small. Its fields
 * read the rows (raw is sliced from the text on each read) until one is assigned: the first
 * assignment copies the fields into the record's own copy, which is read from then on.
 */
abstract class LineRecord<Own extends LineFields, Rows extends LineRows<Own>> {
  #rows: Rows
  #index: number

  constructor(rows: Rows, index: number) {
    this.#rows = rows
    this.#index = index
  }

  /** False on the prototype (some inspectors read getters through it): read blank fields, not a TypeError. */
  protected get placed(): boolean {
    return #rows in this
  }
  protected get rows(): Rows {
    return this.#rows
  }
  protected get index(): number {
    return this.#index
  }

  /** What a getter read through the prototype gets. */
  protected abstract blankFields(): Own
  /** The fields as the rows have them, for the record's own copy. */
  protected abstract copyFields(): Own

  /** The record's own fields once one was assigned, else undefined (read the rows). */
  protected own(): Own | undefined {
    if (!this.placed) return this.blankFields()
    const own = this.#rows.own
    return own === null ? undefined : own[this.#index]
  }

  /** The record's own fields, copied from the rows on the first assignment. */
  protected owned(): Own {
    let own = this.own()
    if (own === undefined) {
      own = this.copyFields()
      const rows = this.#rows
      ;(rows.own ??= new Array<Own | undefined>(rows.count))[this.#index] = own
    }
    return own
  }

  get table(): string {
    const own = this.own()
    return own !== undefined ? own.table : this.#rows.table
  }
  set table(value: string) {
    this.owned().table = value
  }
  get packets(): number | null {
    const own = this.own()
    return own !== undefined ? own.packets : packetsAt(this.#rows.counters, this.#index)
  }
  set packets(value: number | null) {
    this.owned().packets = value
  }
  get bytes(): number | null {
    const own = this.own()
    return own !== undefined ? own.bytes : bytesAt(this.#rows.counters, this.#index)
  }
  set bytes(value: number | null) {
    this.owned().bytes = value
  }
  /** The line as read (without its newline and one carriage return), sliced from the text on each read. */
  get raw(): string {
    const own = this.own()
    if (own !== undefined) return own.raw
    const rows = this.#rows
    return lineAt(rows.segments.text, rows.start[this.#index])
  }
  set raw(value: string) {
    this.owned().raw = value
  }
}

/**
 * One rule, as a place in its table's RuleRows: table, chain, position, counters, raw line and line
 * number come from the rows; the target and match side (source … outInterface, matchModules,
 * options, targetArgs, comment, goto) are built from `raw` on first access of any of them and
 * kept in the rows. Reads like a plain IptablesRule; fields can be assigned; toJSON() gives the
 * plain rule with every field in the eager order.
 */
class IptablesRuleLine extends LineRecord<RuleFields, RuleRows> implements IptablesRule {
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
      detail = parseRuleDetail(this.raw, rows.segments)
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
class IptablesChainLine extends LineRecord<IptablesChain, ChainRows> implements IptablesChain {
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

function tokenText(line: string, t: number): string {
  if (!tokQuoted[t]) return line.slice(tokStart[t], tokEnd[t])
  return (tokText[t] ??= scanQuoted(line, tokStart[t], tokQuote[t], true))
}

function isToken(line: string, t: number, word: string): boolean {
  return tokQuoted[t] === 0 && tokEnd[t] - tokStart[t] === word.length && line.startsWith(word, tokStart[t])
}

function isBang(line: string, t: number): boolean {
  return tokQuoted[t] === 0 && tokEnd[t] - tokStart[t] === 1 && line.charCodeAt(tokStart[t]) === 33
}

/** `-x` or `--xyz`, unquoted; `-` alone and negative numbers are values. */
function isOption(line: string, t: number): boolean {
  if (tokQuoted[t] !== 0 || tokEnd[t] - tokStart[t] < 2 || line.charCodeAt(tokStart[t]) !== 45) return false
  const c1 = line.charCodeAt(tokStart[t] + 1)
  return c1 < 48 || c1 > 57
}

function oneValue(line: string, t: number): boolean {
  // Every ONE_VALUE option is long (`--…`) and at least 8 characters: skip the set lookup for the rest.
  if (tokEnd[t] - tokStart[t] < 8 || line.charCodeAt(tokStart[t] + 1) !== 45) return false
  return ONE_VALUE.has(line.slice(tokStart[t], tokEnd[t]))
}

/**
 * Splits a rule line into token positions (quote-aware, see the header). For a quoted token,
 * tokStart..tokEnd spans from its first character to its closing quote and tokText holds the
 * unescaped value. Returns false when a quote was left open.
 */
function tokenize(line: string): boolean {
  tokCount = 0
  const len = line.length
  let nextQuote = line.indexOf('"')
  if (nextQuote === -1) nextQuote = len
  let pos = 0
  let closedAll = true
  while (pos < len) {
    if (line.charCodeAt(pos) === 32) {
      pos++
      continue
    }
    if (tokCount === tokStart.length) growTokens()
    let space = line.indexOf(' ', pos)
    if (space === -1) space = len
    if (space <= nextQuote) {
      tokStart[tokCount] = pos
      tokEnd[tokCount] = space
      tokQuoted[tokCount] = 0
      tokCount++
      pos = space
      continue
    }
    // The token holds a quote: unquoted prefix + quoted part; the closing quote ends the token.
    scanQuoted(line, pos, nextQuote, false)
    const i = quotedEnd
    const closed = quotedClosed
    if (!closed) closedAll = false
    tokStart[tokCount] = pos
    tokEnd[tokCount] = closed ? i - 1 : Math.min(i, len)
    tokQuoted[tokCount] = closed ? 1 : 2
    tokQuote[tokCount] = nextQuote
    tokText[tokCount] = null
    tokCount++
    pos = Math.min(i, len)
    nextQuote = line.indexOf('"', pos)
    if (nextQuote === -1) nextQuote = len
  }
  return closedAll
}

let quotedEnd = 0
let quotedClosed = false

/**
 * A token with a quote: `line[pos, quote)` then the quoted part (`\"` and `\\` escapes), up to
 * and including the closing quote. Sets quotedEnd (after the closing quote, or the line's end)
 * and quotedClosed; returns the unescaped text when `build` is set, else ''.
 */
function scanQuoted(line: string, pos: number, quote: number, build: boolean): string {
  const len = line.length
  let text = build ? line.slice(pos, quote) : ''
  let i = quote + 1
  let closed = false
  while (i < len) {
    const close = line.indexOf('"', i)
    const backslash = line.indexOf('\\', i)
    if (backslash !== -1 && (close === -1 || backslash < close)) {
      if (build) {
        text += line.slice(i, backslash)
        if (backslash + 1 < len) text += line[backslash + 1]
      }
      i = backslash + 2
      continue
    }
    if (close === -1) {
      if (build) text += line.slice(i)
      i = len
      break
    }
    if (build) text += line.slice(i, close)
    i = close + 1
    closed = true
    break
  }
  quotedEnd = i
  quotedClosed = closed
  return text
}

function growTokens(): void {
  const size = tokStart.length * 2
  const starts = new Int32Array(size)
  starts.set(tokStart)
  const ends = new Int32Array(size)
  ends.set(tokEnd)
  const quotedFlags = new Uint8Array(size)
  quotedFlags.set(tokQuoted)
  const quotes = new Int32Array(size)
  quotes.set(tokQuote)
  tokQuote = quotes
  tokStart = starts
  tokEnd = ends
  tokQuoted = quotedFlags
  tokText = tokText.concat(new Array<string | null>(size - tokText.length).fill(null))
}

function at(lineNo: number, message: string): string {
  return `iptables-save: line ${lineNo}: ${message}`
}

function snippet(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

// ---------------------------------------------------------------------------------------------
// Serializer

/**
 * Prints a ruleset as iptables-save text: the legacy-tables warning and `# Generated by` header
 * when set, then per table `*name`, chain declarations, rules (with `[p:b]` when the rule has
 * counters) and `COMMIT`. A rule's options come in their parsed order, then `-j`/`-g` and the
 * target's options.
 */
export function serializeIptablesSave(ruleset: IptablesRuleset & { legacyTablesPresent?: boolean }): string {
  const out: string[] = []
  if (ruleset.legacyTablesPresent) out.push(LEGACY_WARNING_LINE)
  if (ruleset.generatedBy !== null) out.push(`# Generated by ${ruleset.generatedBy}`)
  for (const table of ruleset.tables) {
    out.push(`*${table.name}`)
    for (const chain of table.chains) {
      const counters = chain.packets !== null && chain.bytes !== null ? ` [${chain.packets}:${chain.bytes}]` : ''
      out.push(`:${chain.name} ${chain.policy ?? '-'}${counters}`)
    }
    for (const rule of table.rules) out.push(serializeRule(rule))
    out.push('COMMIT')
  }
  return out.length ? `${out.join('\n')}\n` : ''
}

/** One rule as iptables-save prints it (without a newline). */
export function serializeRule(rule: IptablesRule): string {
  let line = rule.packets !== null && rule.bytes !== null ? `[${rule.packets}:${rule.bytes}] -A ` : '-A '
  line += quote(rule.chain, false)
  const match = serializeMatch(rule.options)
  if (match) line += ` ${match}`
  if (rule.target !== null) line += ` ${rule.goto ? '-g' : '-j'} ${quote(rule.target, false)}`
  const args = serializeTargetArgs(rule.targetArgs)
  if (args) line += ` ${args}`
  return line
}

/** A rule's match options as iptables-save prints them (`! -i br-x -p tcp -m tcp --dport 80`). */
export function serializeMatch(options: IptablesRule['options']): string {
  const words: string[] = []
  for (const option of options) {
    if (option.negated) words.push('!')
    words.push(option.option)
    const saveString = SAVE_STRING.has(option.option)
    for (const value of option.values) words.push(quote(value, saveString))
  }
  return words.join(' ')
}

/** A target's options as iptables-save prints them (`--to-destination 172.17.0.2:80`). */
export function serializeTargetArgs(args: IptablesRule['targetArgs']): string {
  const words: string[] = []
  for (const arg of args) {
    words.push(arg.option)
    const saveString = SAVE_STRING.has(arg.option)
    for (const value of arg.values) words.push(quote(value, saveString))
  }
  return words.join(' ')
}

function looksLikeOption(value: string): boolean {
  if (value.length < 2 || value.charCodeAt(0) !== 45) return false
  const c1 = value.charCodeAt(1)
  return c1 < 48 || c1 > 57
}

function quote(value: string, saveString: boolean): string {
  let plain = value.length > 0
  for (let i = 0; plain && i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (saveString) {
      plain = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45
    } else {
      plain = c !== 32 && c !== 9 && c !== 34 && c !== 92 && c !== 10 && c !== 13
    }
  }
  // Unquoted, `!` or `-x` would read back as a negation or an option.
  if (plain && !saveString && (value === '!' || looksLikeOption(value))) plain = false
  if (plain) return value
  return `"${value.replace(/["\\']/g, '\\$&')}"`
}
