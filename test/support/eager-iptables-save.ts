/**
 * The eager parser as it was before records built their rarely used fields lazily: kept as the
 * reference that the lazy records must equal (test/unit/parsers/*-lazy.test.ts). Not used by src.
 *
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
 * Speed: one pass with indexOf; tokens are positions, not strings; each repeated option's source
 * text (`-m tcp`, `--dport 80`) is looked up in a per-parse cache before anything is built. The cost
 * is in allocating and keeping the object model (about 0.6 KB of heap per kube-proxy rule), not
 * in scanning: see bench/parse.bench.ts for the 700,000-line numbers.
 */
import type { IptablesChain, IptablesRule, IptablesRuleset, MaybeNegated, ParseResult } from '../../src/main/parsers/types'

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
  chains: Map<string, { name: string; rules: number }>
  /** The chain of the previous rule. */
  last: { name: string; rules: number } | null
  sawRule: boolean
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
  let state: TableState | null = null
  let sawHeader = false
  const len = text.length
  let start = 0
  let lineNo = 0
  while (start <= len) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = len
    lineNo++
    if (spliced !== null && lineNo === spliced.line + 1) lineNo++
    let line = text.slice(start, end)
    start = end + 1
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1)
    let c0 = line.charCodeAt(0)
    let body = line
    if (c0 === 32 || c0 === 9) {
      body = line.trim()
      c0 = body.charCodeAt(0)
    }
    if (c0 === 45 /* - */ || c0 === 91 /* [ */) {
      if (state === null) {
        warnings.push(at(lineNo, `rule outside a table (no *table line before it): ${snippet(body)}`))
        continue
      }
      const rule = parseRule(body, line, lineNo, state, segments, warnings)
      if (rule !== null) {
        state.table.rules.push(rule)
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
      const chain = parseChain(body, line, lineNo, state, warnings)
      if (chain !== null) state.table.chains.push(chain)
      continue
    }
    if (c0 === 42 /* * */) {
      const name = body.slice(1).trim()
      if (state !== null)
        warnings.push(at(lineNo, `table ${state.table.name} was not closed with COMMIT before *${name}`))
      if (!name || /\s/.test(name)) {
        warnings.push(at(lineNo, `bad table line: ${snippet(body)}`))
        state = null
        continue
      }
      const table: Table = { name, chains: [], rules: [] }
      value.tables.push(table)
      state = { table, chains: new Map(), last: null, sawRule: false }
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
      state = null
      continue
    }
    warnings.push(at(lineNo, `unrecognised line: ${snippet(body)}`))
  }
  if (state !== null) warnings.push(`iptables-save: table ${state.table.name} ends without COMMIT (truncated output?)`)
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

function parseChain(
  body: string,
  raw: string,
  lineNo: number,
  state: TableState,
  warnings: string[]
): IptablesChain | null {
  const parts = words(body, 1)
  const name = parts[0]
  if (!name || parts.length > 3) {
    warnings.push(at(lineNo, `bad chain declaration: ${snippet(body)}`))
    return null
  }
  let packets: number | null = null
  let bytes: number | null = null
  if (parts.length === 3) {
    const counters = parseCounters(parts[2], 0, parts[2].length)
    if (counters === null) {
      warnings.push(at(lineNo, `bad chain counters ${snippet(parts[2])}`))
    } else {
      packets = counters[0]
      bytes = counters[1]
    }
  }
  if (state.sawRule) warnings.push(at(lineNo, `chain ${name} declared after the table's first rule`))
  // One map operation per declaration: set() on a known name leaves the size unchanged.
  const size = state.chains.size
  // A chain declared again, or after rules that named it, keeps counting its rules (as the lazy parser does).
  state.chains.set(name, { name, rules: state.chains.get(name)?.rules ?? 0 })
  if (state.chains.size === size) {
    warnings.push(at(lineNo, `chain ${name} declared twice`))
    // The next rule of this chain counts on in the new entry, not in the one it replaced.
    state.last = null
  }
  const policy = parts.length >= 2 && parts[1] !== '-' ? parts[1] : null
  return { table: state.table.name, name, policy, packets, bytes, raw }
}

/** Space-separated words of text from `from` on. */
function words(text: string, from: number): string[] {
  const out: string[] = []
  let pos = from
  while (pos < text.length) {
    if (text.charCodeAt(pos) === 32 || text.charCodeAt(pos) === 9) {
      pos++
      continue
    }
    let end = pos + 1
    while (end < text.length && text.charCodeAt(end) !== 32 && text.charCodeAt(end) !== 9) end++
    out.push(text.slice(pos, end))
    pos = end
  }
  return out
}

/** `[12:3456]` in text[start, end) → [12, 3456]; null when malformed. */
function parseCounters(text: string, start: number, end: number): [number, number] | null {
  if (text.charCodeAt(start) !== 91 || text.charCodeAt(end - 1) !== 93) return null
  const colon = text.indexOf(':', start)
  if (colon < 0 || colon >= end) return null
  const packets = toCount(text, start + 1, colon)
  const bytes = toCount(text, colon + 1, end - 1)
  return packets === null || bytes === null ? null : [packets, bytes]
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

/** Token buffers for the current line, reused: start/end offsets, quoted flag, unescaped text of quoted tokens. */
let tokStart = new Int32Array(64)
let tokEnd = new Int32Array(64)
let tokQuoted = new Uint8Array(64)
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

const optionBuffer: RuleOption[] = []

function parseRule(
  body: string,
  raw: string,
  lineNo: number,
  state: TableState,
  segments: Segments,
  warnings: string[]
): IptablesRule | null {
  if (body.indexOf('\t') !== -1) body = body.replace(/\t/g, ' ')
  if (!tokenize(body)) warnings.push(at(lineNo, 'unterminated quote; the value runs to the end of the line'))
  const n = tokCount
  let k = 0
  let packets: number | null = null
  let bytes: number | null = null
  if (body.charCodeAt(0) === 91) {
    const counters = tokQuoted[0] ? null : parseCounters(body, tokStart[0], tokEnd[0])
    if (counters === null) {
      warnings.push(at(lineNo, `bad rule counters: ${snippet(body)}`))
      return null
    }
    packets = counters[0]
    bytes = counters[1]
    k = 1
  }
  if (k >= n || !(isToken(body, k, '-A') || isToken(body, k, '--append'))) {
    warnings.push(at(lineNo, `expected -A CHAIN, got: ${snippet(body)}`))
    return null
  }
  if (k + 1 >= n || isOption(body, k + 1) || isBang(body, k + 1)) {
    warnings.push(at(lineNo, `-A without a chain name: ${snippet(body)}`))
    return null
  }
  const chainToken = tokenText(body, k + 1)
  k += 2
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
  let target: string | null = null
  let goto = false
  let comment: string | null = null
  let inTarget = false
  while (k < n) {
    const first = k
    let negated = false
    if (isBang(body, k)) {
      negated = true
      k++
      if (k < n && isBang(body, k)) {
        warnings.push(at(lineNo, `two ! in a row: ${snippet(body)}`))
        return null
      }
      if (k >= n) {
        warnings.push(at(lineNo, 'trailing ! with nothing to negate'))
        break
      }
    }
    if (!isOption(body, k)) {
      warnings.push(at(lineNo, `value "${snippet(tokenText(body, k), 40)}" without an option: ${snippet(body)}`))
      return null
    }
    const nameToken = k
    let j = k + 1
    // Old form `-s ! 10.0.0.1`: a bare ! between the option and its value.
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
    k = j
    const kind = classify(body, nameToken)
    if (kind === KIND_JUMP || kind === KIND_GOTO) {
      if (j - valueStart !== 1)
        warnings.push(at(lineNo, `${tokenText(body, nameToken)} needs one target, got ${j - valueStart}`))
      if (negated) warnings.push(at(lineNo, 'a target cannot be negated'))
      if (target !== null) warnings.push(at(lineNo, 'more than one target; the last one wins'))
      if (j > valueStart) {
        target = tokenText(body, valueStart)
      } else {
        target = null
      }
      goto = kind === KIND_GOTO
      inTarget = true
      continue
    }
    if (kind === KIND_COUNTERS) {
      const p =
        j - valueStart === 2 && !tokQuoted[valueStart] ? toCount(body, tokStart[valueStart], tokEnd[valueStart]) : null
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
  // iptables-save prints a chain's rules together: most rules continue the previous rule's chain.
  let chain = state.last
  if (chain === null || chain.name !== chainToken) {
    chain = state.chains.get(chainToken) ?? null
    if (chain === null) {
      chain = { name: chainToken, rules: 0 }
      state.chains.set(chainToken, chain)
      warnings.push(at(lineNo, `rule for chain ${chainToken}, which has no :${chainToken} declaration`))
    }
    state.last = chain
  }
  chain.rules++
  return {
    table: state.table.name,
    chain: chain.name,
    position: chain.rules,
    source,
    destination,
    protocol,
    inInterface,
    outInterface,
    matchModules: modules.list,
    options: options.slice(),
    target,
    goto,
    targetArgs,
    comment,
    packets,
    bytes,
    raw,
    line: lineNo
  }
}

function tokenText(line: string, t: number): string {
  return tokQuoted[t] ? (tokText[t] as string) : line.slice(tokStart[t], tokEnd[t])
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
    let text = line.slice(pos, nextQuote)
    let i = nextQuote + 1
    let closed = false
    while (i < len) {
      const close = line.indexOf('"', i)
      const backslash = line.indexOf('\\', i)
      if (backslash !== -1 && (close === -1 || backslash < close)) {
        text += line.slice(i, backslash)
        if (backslash + 1 < len) text += line[backslash + 1]
        i = backslash + 2
        continue
      }
      if (close === -1) {
        text += line.slice(i)
        i = len
        break
      }
      text += line.slice(i, close)
      i = close + 1
      closed = true
      break
    }
    if (!closed) closedAll = false
    tokStart[tokCount] = pos
    tokEnd[tokCount] = closed ? i - 1 : Math.min(i, len)
    tokQuoted[tokCount] = closed ? 1 : 2
    tokText[tokCount] = text
    tokCount++
    pos = Math.min(i, len)
    nextQuote = line.indexOf('"', pos)
    if (nextQuote === -1) nextQuote = len
  }
  return closedAll
}

function growTokens(): void {
  const size = tokStart.length * 2
  const starts = new Int32Array(size)
  starts.set(tokStart)
  const ends = new Int32Array(size)
  ends.set(tokEnd)
  const quotedFlags = new Uint8Array(size)
  quotedFlags.set(tokQuoted)
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
  for (const option of rule.options) {
    line += option.negated ? ` ! ${option.option}` : ` ${option.option}`
    const saveString = SAVE_STRING.has(option.option)
    for (const value of option.values) line += ` ${quote(value, saveString)}`
  }
  if (rule.target !== null) line += ` ${rule.goto ? '-g' : '-j'} ${quote(rule.target, false)}`
  for (const arg of rule.targetArgs) {
    line += ` ${arg.option}`
    const saveString = SAVE_STRING.has(arg.option)
    for (const value of arg.values) line += ` ${quote(value, saveString)}`
  }
  return line
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
