/**
 * The grammar of an iptables-save rule line (iptables-save.ts reads the file): the quote-aware
 * tokenizer (token positions, no strings), option kinds, the shared option segments and the
 * rule's target and match side (readRuleDetail), read the way iptables-restore reads them.
 */
import type { IptablesRule, MaybeNegated } from './types'

export type RuleOption = IptablesRule['options'][number]
export type TargetArg = IptablesRule['targetArgs'][number]

/** Options whose one value may look like an option (`--comment -x`), so they always take the next token. */
const ONE_VALUE = new Set(['--comment', '--log-prefix', '--nflog-prefix', '--string', '--hex-string'])

// ---------------------------------------------------------------------------------------------
// Rule lines

/**
 * Token buffers for the current line, reused: start/end offsets, quoted flag, offset of the first
 * quote and unescaped text of quoted tokens (made on first use by tokenText).
 */
export let tokStart = new Int32Array(64)
export let tokEnd = new Int32Array(64)
export let tokQuoted = new Uint8Array(64)
let tokQuote = new Int32Array(64)
let tokText: (string | null)[] = new Array<string | null>(64).fill(null)
export let tokCount = 0

const KIND_OTHER = 0
export const KIND_MATCH = 1
export const KIND_SOURCE = 2
export const KIND_DEST = 3
export const KIND_PROTO = 4
export const KIND_IN = 5
export const KIND_OUT = 6
export const KIND_COMMENT = 7
export const KIND_JUMP = 8
export const KIND_GOTO = 9
export const KIND_COUNTERS = 10
/** NAT addresses (`--to-destination 10.0.0.5:80`): nearly unique per rule, so never cached. */
export const KIND_NAT_TO = 11

/** The kind of option token t, from its length and characters (no string is made). */
export function classify(line: string, t: number): number {
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
export class Segments {
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
export let spanNegated = false
export let spanValueStart = 0
export let spanEnd = 0

/**
 * The values of the option at token `nameToken`, as parseRule and readRuleDetail both walk them:
 * one value for options that always take one (`--comment -x`), else every token up to the next
 * option or `!`. Reads the old form `-s ! 10.0.0.1` (a bare `!` between option and value) as a
 * negation too. Sets spanNegated, spanValueStart and spanEnd (the token after the last value).
 */
export function readValues(body: string, nameToken: number, n: number, negated: boolean): void {
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

/** The fields of a rule that parseRule leaves for later (see IptablesRuleLine). */
export type RuleDetail = Pick<
  IptablesRule,
  | 'source'
  | 'destination'
  | 'protocol'
  | 'inInterface'
  | 'outInterface'
  | 'matchModules'
  | 'options'
  | 'targetArgs'
  | 'comment'
  | 'target'
  | 'goto'
>

const detailWarnings: string[] = []

/**
 * The options of a rule line that parseRule accepted, built as the eager parser built them (options
 * and -p/-i/-o values shared through the parse's Segments). Its warnings were given by parseRule.
 */
export function readRuleDetail(raw: string, segments: Segments): RuleDetail {
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

export const NO_DETAIL: RuleDetail = Object.freeze({
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

export function tokenText(line: string, t: number): string {
  if (!tokQuoted[t]) return line.slice(tokStart[t], tokEnd[t])
  return (tokText[t] ??= scanQuoted(line, tokStart[t], tokQuote[t], true))
}

export function isToken(line: string, t: number, word: string): boolean {
  return tokQuoted[t] === 0 && tokEnd[t] - tokStart[t] === word.length && line.startsWith(word, tokStart[t])
}

export function isBang(line: string, t: number): boolean {
  return tokQuoted[t] === 0 && tokEnd[t] - tokStart[t] === 1 && line.charCodeAt(tokStart[t]) === 33
}

/** `-x` or `--xyz`, unquoted; `-` alone and negative numbers are values. */
export function isOption(line: string, t: number): boolean {
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
export function tokenize(line: string): boolean {
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

export function at(lineNo: number, message: string): string {
  return `iptables-save: line ${lineNo}: ${message}`
}
