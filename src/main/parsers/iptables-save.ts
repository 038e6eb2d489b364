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
 *
 * Files: this one is the state machine (tables, chains, rules, warnings); iptables-save-grammar.ts
 * tokenizes a rule line and reads its options; iptables-save-fast.ts is the regular expression of
 * common lines; iptables-save-records.ts the chain table and the lazy rule and chain records (on
 * line-rows.ts, the row storage conntrack.ts shares); iptables-save-serialize.ts prints it back.
 */
import type { IptablesChain, IptablesRule, IptablesRuleset, ParseResult } from './types'
import { LEGACY_WARNING } from './iptables-save-serialize'
import { commonRunEnd } from './iptables-save-fast'
import { snippet } from './line-rows'
import { ChainRows, ChainTable, IptablesChainLine, IptablesRuleLine, RuleRows, hashText } from './iptables-save-records'
import {
  KIND_COMMENT,
  KIND_COUNTERS,
  KIND_DEST,
  KIND_GOTO,
  KIND_IN,
  KIND_JUMP,
  KIND_MATCH,
  KIND_NAT_TO,
  KIND_OUT,
  KIND_PROTO,
  KIND_SOURCE,
  Segments,
  at,
  classify,
  isBang,
  isOption,
  isToken,
  readValues,
  spanEnd,
  spanNegated,
  spanValueStart,
  tokCount,
  tokEnd,
  tokQuoted,
  tokStart,
  tokenText,
  tokenize
} from './iptables-save-grammar'

export { serializeIptablesSave, serializeMatch, serializeRule, serializeTargetArgs } from './iptables-save-serialize'

export interface IptablesSaveRuleset extends IptablesRuleset {
  /**
   * iptables-nft printed `# Warning: iptables-legacy tables present, use iptables-legacy-save to see
   * them`: the host also has legacy-backend rules that this text does not show.
   */
  legacyTablesPresent: boolean
}

type Table = IptablesRuleset['tables'][number]
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

/**
 * Reads a rule line that is not in the common shape into the table's rule rows (checking it the
 * way readRuleDetail will read it); returns its index there, or -1 when the line is not a rule.
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
  // The same walk as readRuleDetail, building nothing: it finds the -c counters and every
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
