/**
 * Parser for the connection-tracking table as text, in the three forms it comes in:
 *   - `conntrack -L -o extended` (conntrack-tools 1.4.x):
 *       `ipv4     2 tcp      6 431999 ESTABLISHED src=… dst=… sport=… dport=… src=… … [ASSURED] mark=0 use=1`
 *   - `cat /proc/net/nf_conntrack` (the same columns, plus `zone=N` on every line), and
 *   - plain `conntrack -L` (no `ipv4 2` prefix).
 * Fixtures: conntrack-tools 1.4.7 on Debian 12 (kernel 6.18) with and without nf_conntrack_acct and
 * nf_conntrack_timestamp, /proc/net/nf_conntrack, and `-o extended,ktimestamp`.
 *
 * Per line: [l3 name, l3 number], l4 name, l4 number, timeout (seconds), a state for the protocols
 * that have one (tcp, sctp, dccp), then the original tuple (`src= dst=` and `sport= dport=`, or
 * `type= code= id=` for icmp/icmpv6, or `srckey= dstkey=` for gre; `packets= bytes=` with
 * accounting), `[UNREPLIED]`, the reply tuple, then `[ASSURED]`, `[OFFLOAD]`, `[HW_OFFLOAD]`,
 * `mark=`, `secctx=`, `zone=`, `delta-time=`, `[start=…]`/`[stop=…]`, `use=`, `id=`. Other
 * protocols print `unknown  N` and only addresses. Unknown `key=value` fields land in `extra`.
 * conntrack's closing `conntrack v1.4.7 (conntrack-tools): N flow entries have been shown.`
 * (stderr, so it shows up with `2>&1`) is skipped; any other `conntrack v…` line is a warning.
 *
 * Output: ConntrackEntry[] (ConntrackRecord plus protoNum, secctx, deltaTime and extra). `raw` is
 * the line. Ports, ids, marks, zones and counters are numbers; NAT shows as an original tuple whose
 * destination (DNAT) or a reply whose destination (SNAT/MASQUERADE) differs from the other side.
 *
 * Speed: an entry is one small object (ConntrackLine) holding its line's place (a block of lines
 * and its index there); its fields are parsed from the line on first access and kept. The parse
 * itself only has to know which lines are entries and what they warn about: one regular
 * expression (native code) matches runs of up to 64 lines in the common
 * `conntrack -L [-o extended]` shape, which are entries without warnings (their full parse, done
 * later, cannot fail); a full run is not even split into lines until one of its entries is read.
 * Other lines are parsed at once, word by word over character codes. See bench/parse.bench.ts.
 * Entries are class instances: spread or structuredClone see no fields; toJSON() (which
 * JSON.stringify uses) gives the plain entry.
 */
import type { ConntrackRecord, ParseResult } from './types'
import { lineAt, snippet } from './line-rows'
import { BLOCK_LINES, COMMON_LINES } from './conntrack-fast'

export type ConntrackTuple = ConntrackRecord['original'] & {
  /** gre keys as printed (`0x0`). */
  srckey?: string
  dstkey?: string
  /** With net.netfilter.nf_conntrack_acct=1. */
  packets?: number
  bytes?: number
}

export interface ConntrackEntry extends ConntrackRecord {
  original: ConntrackTuple
  reply: ConntrackTuple
  /** The l4 protocol number (6, 17, 1, 58, 132, 33, 47, or e.g. 2 for `unknown  2`). */
  protoNum: number | null
  /** SELinux context (`secctx=system_u:object_r:unlabeled_t:s0`). */
  secctx: string | null
  /** `delta-time=`: seconds since the entry was created (nf_conntrack_timestamp=1). */
  deltaTime: number | null
  /** Fields this parser does not model (`zone-orig`, `labels`, `id`, `start`, `stop`, …), as text. */
  extra?: Record<string, string>
}

const SUMMARY = 'flow entries have been shown'
const EMPTY_FLAGS = Object.freeze([]) as unknown as string[]

/** Names that every table repeats, returned as shared constants instead of new strings. */
const L3_NAMES = ['ipv4', 'ipv6', 'unknown']
const L4_NAMES = ['tcp', 'udp', 'icmp', 'icmpv6', 'sctp', 'dccp', 'gre', 'udplite', 'unknown']
const STATES = [
  'ESTABLISHED',
  'TIME_WAIT',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'CLOSE',
  'NONE',
  'LISTEN',
  'SYN_SENT2',
  'CLOSED',
  'COOKIE_WAIT',
  'COOKIE_ECHOED',
  'SHUTDOWN_SENT',
  'SHUTDOWN_RECD',
  'SHUTDOWN_ACK_SENT',
  'HEARTBEAT_SENT',
  'HEARTBEAT_ACKED',
  'REQUEST',
  'RESPOND',
  'PARTOPEN',
  'OPEN',
  'CLOSEREQ',
  'CLOSING',
  'TIMEWAIT',
  'IGNORE',
  'INVALID'
]
const FLAGS = ['ASSURED', 'UNREPLIED', 'OFFLOAD', 'HW_OFFLOAD', 'SEEN_REPLY', 'FIXED_TIMEOUT']
const SINGLE_FLAG = new Map(FLAGS.map((flag) => [flag, Object.freeze([flag]) as unknown as string[]]))

/** line[start, end) as one of `names` (the shared constant), or a new string. */
function known(line: string, start: number, end: number, names: string[]): string {
  const length = end - start
  for (let i = 0; i < names.length; i++) {
    const name = names[i]
    if (name.length === length && has(line, name, start)) return name
  }
  return line.slice(start, end)
}

/** Flag lists are few (`[ASSURED]`, `[UNREPLIED]`, …): one shared array per combination. */
class FlagLists {
  private readonly lists = new Map<string, string[]>()

  get(flags: string[]): string[] {
    if (flags.length === 1) {
      const single = SINGLE_FLAG.get(flags[0])
      if (single !== undefined) return single
    }
    const key = flags.join(' ')
    let list = this.lists.get(key)
    if (list === undefined) {
      if (this.lists.size >= 1000) return flags.slice()
      list = flags.slice()
      this.lists.set(key, list)
    }
    return list
  }
}

const flagBuffer: string[] = []

/** What a read of the text found, in text order: runs of common-shape lines, and the entries of the other lines. */
interface ConntrackParts {
  /** The text the blocks are in (the input, or the input with a spliced summary cut out). */
  text: string
  parts: (LineBlock | ConntrackEntry)[]
  count: number
  warnings: string[]
}

export function parseConntrack(text: string): ParseResult<ConntrackEntry[]> {
  const read = readConntrack(text)
  if (read === null) return { value: [], warnings: ['conntrack: input is not text'] }
  // The records are made once their number is known, so the array is made at its size (growing a
  // 262,144-element array by push costs more than that).
  const entries = new Array<ConntrackEntry>(read.count)
  let index = 0
  for (const part of read.parts) {
    if (part instanceof LineBlock) {
      for (let k = 0; k < part.count; k++) entries[index++] = new ConntrackLine(part, k)
    } else {
      entries[index++] = new ConntrackLine(part, 0)
    }
  }
  return { value: entries, warnings: read.warnings }
}

/**
 * A common-shape line's fields as places in the text and numbers, with no string made: what
 * scanConntrackRows hands over for each such line (one object, refilled line after line).
 * A span is a [start, end) pair of `text`.
 */
export class ConntrackLineFields {
  text = ''
  /** The line (its `raw`). */
  lineStart = 0
  lineEnd = 0
  /** 0 proto, 1 state (start -1: no state), 2 original src, 3 original dst, 4 reply src, 5 reply dst. */
  readonly spans = new Int32Array(12)
  /** 0 original sport, 1 original dport, 2 reply sport, 3 reply dport, 4 timeout, 5 mark, 6 zone: NaN for null. */
  readonly numbers = new Float64Array(7)
  /** The flags' names in order (`ASSURED`, without brackets): flagCount spans. */
  flagSpans = new Int32Array(8)
  flagCount = 0
}

/** What scanConntrackRows hands each entry to. */
export interface ConntrackRowSink {
  /** How many entries follow (called once, first). */
  begin?(count: number): void
  /** A common-shape line (most of a real table). */
  line(fields: ConntrackLineFields): void
  /** An entry of any other line, parsed (its `raw` is the trimmed line). */
  entry(entry: ConntrackEntry): void
}

/**
 * The entries of `text`, exactly parseConntrack's in order and with the same warnings, handed to a
 * sink one by one instead of returned: for a caller that keeps what it needs in a compact form of
 * its own (the snapshot model), so 262,144 parsed entries never live at once. Common-shape lines
 * come as places in the returned `text` (nothing is allocated for them here); `l3proto`, `protoNum`
 * and `use`, and icmp's type, code and id, are not handed over.
 */
export function scanConntrackRows(text: string, sink: ConntrackRowSink): ParseResult<{ text: string; count: number }> {
  const read = readConntrack(text)
  if (read === null) return { value: { text: '', count: 0 }, warnings: ['conntrack: input is not text'] }
  const fields = new ConntrackLineFields()
  const source = read.text
  fields.text = source
  sink.begin?.(read.count)
  for (const part of read.parts) {
    if (!(part instanceof LineBlock)) {
      sink.entry(part)
      continue
    }
    let at = part.start
    for (let k = 0; k < part.count; k++) {
      let end = source.indexOf('\n', at)
      if (end === -1) end = source.length
      const next = end + 1
      if (end > at && source.charCodeAt(end - 1) === 13) end--
      readCommonLine(source, at, end, fields)
      sink.line(fields)
      at = next
    }
  }
  return { value: { text: source, count: read.count }, warnings: read.warnings }
}

/**
 * Reads a line that COMMON matched into `f`, with parseLine's meaning (the same header rule, the
 * last of repeated sport/dport/mark/zone wins, flags in order). The line's shape is known, so each
 * word is found with indexOf (native) and told apart by its first characters: a character loop
 * over a 43 MB table costs several times more.
 */
function readCommonLine(text: string, start: number, end: number, f: ConntrackLineFields): void {
  const spans = f.spans
  const numbers = f.numbers
  f.lineStart = start
  f.lineEnd = end
  f.flagCount = 0
  numbers.fill(Number.NaN)
  spans[2] = -1
  // Header: [ipv4 2] proto protonum timeout [STATE]; words are separated by runs of blanks.
  let s = start
  let e = wordEndAt(text, s, end)
  if (text.charCodeAt(s) === 105 /* i */ && has(text, 'ipv', s)) {
    s = wordStartAt(text, wordEndAt(text, wordStartAt(text, e, end), end), end)
    e = wordEndAt(text, s, end)
  }
  spans[0] = s
  spans[1] = e
  s = wordStartAt(text, wordEndAt(text, wordStartAt(text, e, end), end), end)
  e = wordEndAt(text, s, end)
  numbers[4] = number(text, s, e) ?? Number.NaN
  let tuple = 0
  for (s = wordStartAt(text, e, end); s < end; s = wordStartAt(text, e, end)) {
    e = wordEndAt(text, s, end)
    const c = text.charCodeAt(s)
    if (c === 91 /* [ */) {
      if (f.flagCount * 2 === f.flagSpans.length) {
        const grown = new Int32Array(f.flagSpans.length * 2)
        grown.set(f.flagSpans)
        f.flagSpans = grown
      }
      f.flagSpans[f.flagCount * 2] = s + 1
      f.flagSpans[f.flagCount * 2 + 1] = e - 1
      f.flagCount++
    } else if (c >= 65 && c <= 90) {
      // A state word (COMMON allows an upper-case word only right after the timeout).
      spans[2] = s
      spans[3] = e
    } else if (text.charCodeAt(s + 3) === 61 /* = */) {
      // src= dst= use= (COMMON's three-letter keys)
      if (c === 115) {
        tuple++
        spans[tuple === 1 ? 4 : 8] = s + 4
        spans[tuple === 1 ? 5 : 9] = e
      } else if (c === 100) {
        spans[tuple === 1 ? 6 : 10] = s + 4
        spans[tuple === 1 ? 7 : 11] = e
      }
    } else if (text.charCodeAt(s + 5) === 61 && (c === 115 || c === 100) && has(text, 'port', s + 1)) {
      numbers[(tuple === 1 ? 0 : 2) + (c === 115 ? 0 : 1)] = number(text, s + 6, e) ?? Number.NaN
    } else if (
      text.charCodeAt(s + 4) === 61 &&
      (c === 109 || c === 122) &&
      (has(text, 'mark', s) || has(text, 'zone', s))
    ) {
      numbers[c === 109 ? 5 : 6] = number(text, s + 5, e) ?? Number.NaN
    }
    // type, code, id, packets, bytes: not kept by the model.
  }
}

/** The first non-blank at or after `from` (or `end`). */
function wordStartAt(text: string, from: number, end: number): number {
  while (from < end && text.charCodeAt(from) === 32) from++
  return from
}

/** Where the word at `from` ends: the next blank, or `end`. */
function wordEndAt(text: string, from: number, end: number): number {
  const blank = text.indexOf(' ', from)
  return blank === -1 || blank > end ? end : blank
}

function readConntrack(input: string): ConntrackParts | null {
  const warnings: string[] = []
  if (typeof input !== 'string') return null
  let text = input
  const shared = new FlagLists()
  // Blocks of common-shape lines and the entries of other lines, in text order.
  const parts: (LineBlock | ConntrackEntry)[] = []
  let count = 0
  let start = 0
  // The number of the last line read (the line of a cut summary is counted too).
  let lineNo = 0
  let skip = -1
  // Whether the first `conntrack v` inside a line was met yet (only that one is ever cut).
  let spliceChecked = false
  while (start < text.length) {
    // Common-shape lines are entries without warnings: only their number is needed now.
    COMMON_LINES.lastIndex = start
    const run = COMMON_LINES.exec(text)
    const runEnd = COMMON_LINES.lastIndex
    if (run !== null && runEnd > start) {
      let block: LineBlock
      if (run[1] !== undefined) {
        block = new LineBlock(text, start, BLOCK_LINES, null)
      } else {
        const starts: number[] = []
        for (let at = start; at < runEnd; at = text.indexOf('\n', at) + 1) starts.push(at)
        block = new LineBlock(text, start, starts.length, starts)
      }
      parts.push(block)
      count += block.count
      if (lineNo < skip && lineNo + block.count >= skip) lineNo++
      lineNo += block.count
      start = runEnd
      continue
    }
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    lineNo++
    if (lineNo === skip) lineNo++
    let line = text.slice(start, end)
    if (!spliceChecked) {
      // A summary printed inside an entry is in a line COMMON refused (its words are no fields).
      const splice = splicedSummaryAt(line)
      if (splice !== -1) {
        spliceChecked = true
        if (line.includes('(conntrack-tools)', splice)) {
          text = text.slice(0, start + splice) + text.slice(end + 1)
          warnings.unshift(at(lineNo, "conntrack's summary line (stderr) was printed inside this entry; cut out"))
          // Read the joined line again; the lines after it are one further down than they now are.
          skip = lineNo + 1
          lineNo--
          continue
        }
      }
    }
    start = end + 1
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1)
    const c0 = line.charCodeAt(0)
    if (line.length === 0 || c0 === 32 || c0 === 9) {
      if (line.trim().length === 0) continue
      line = line.trim()
    }
    if (line.charCodeAt(0) === 99 && has(line, 'conntrack v', 0)) {
      if (!line.includes(SUMMARY)) warnings.push(at(lineNo, `conntrack said: ${snippet(line)}`))
      continue
    }
    const entry = parseLine(line, lineNo, shared, warnings)
    if (entry !== null) {
      parts.push(entry)
      count++
    }
  }
  return { text, parts, count, warnings }
}

/**
 * `conntrack -L 2>&1`: the summary goes to stderr unbuffered while the entries are block-buffered
 * on stdout, so it can land in the middle of an entry (`… src` + summary + `c=198.51.100.2 …`).
 * Where the first `conntrack v` that does not start the line is in it, or -1. readConntrack cuts
 * the summary out and joins the entry again when it holds `(conntrack-tools)`; a summary on a line
 * of its own is left alone.
 */
function splicedSummaryAt(line: string): number {
  return line.indexOf('conntrack v', 1)
}

/**
 * The next blank-separated word of line[from, len): sets wordStart/wordEnd and wordEq (its first `=`, or -1); false
 * at the end of the line. Scans character codes: a builtin call per word (indexOf) costs more than
 * the scan itself at 262,144 lines.
 */
let wordStart = 0
let wordEnd = 0
let wordEq = -1
function nextWord(line: string, from: number, len: number): boolean {
  let pos = from
  while (pos < len && line.charCodeAt(pos) === 32) pos++
  if (pos >= len) return false
  let end = pos
  let eq = -1
  for (; end < len; end++) {
    const c = line.charCodeAt(end)
    if (c === 32) break
    if (c === 61 && eq === -1) eq = end
  }
  // `[start=Sat Nov 28 16:11:18 2026]` (ktimestamp) holds blanks: run to the closing bracket.
  if (line.charCodeAt(pos) === 91 && line.charCodeAt(end - 1) !== 93) {
    const close = line.indexOf(']', pos)
    if (close !== -1 && close < len) {
      if (eq === -1) {
        const at = line.indexOf('=', end)
        if (at !== -1 && at <= close) eq = at
      }
      end = close + 1
    }
  }
  wordStart = pos
  wordEnd = end
  wordEq = eq
  return true
}

/** line holds `word` at `at` (a plain loop: inlined, unlike a startsWith call). */
function has(line: string, word: string, at: number): boolean {
  for (let i = 0; i < word.length; i++) if (line.charCodeAt(at + i) !== word.charCodeAt(i)) return false
  return true
}

function isDigits(line: string, start: number, end: number): boolean {
  if (end <= start) return false
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** A decimal number in line[start, end), or null. */
function number(line: string, start: number, end: number): number | null {
  if (end <= start || end - start > 20) return null
  let n = 0
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i)
    if (c < 48 || c > 57) return null
    n = n * 10 + (c - 48)
  }
  return n
}

/** A protocol name: letters and digits (`tcp`, `icmpv6`, `unknown`). */
function isLetters(line: string, start: number, end: number): boolean {
  if (end <= start) return false
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i)
    const letter = (c | 32) >= 97 && (c | 32) <= 122
    if (!letter && (c < 48 || c > 57)) return false
  }
  return true
}

function parseLine(line: string, lineNo: number, shared: FlagLists, warnings: string[]): ConntrackEntry | null {
  // Header: [l3name l3num] l4name l4num timeout [STATE]
  const words: number[] = headerWords
  let pos = 0
  let count = 0
  while (count < 6 && nextWord(line, pos, line.length)) {
    if (line.charCodeAt(wordStart) !== 91 && wordEq !== -1) break
    words[count * 2] = wordStart
    words[count * 2 + 1] = wordEnd
    count++
    pos = wordEnd
  }
  // With an l3 prefix the second word is the l3 number and the third a name (`ipv4 2 tcp 6 …`).
  const l3 =
    count >= 4 &&
    isDigits(line, words[2], words[3]) &&
    !isDigits(line, words[4], words[5]) &&
    isLetters(line, words[4], words[5]) &&
    isDigits(line, words[6], words[7])
  const base = l3 ? 2 : 0
  if (count < base + 3 || !isLetters(line, words[base * 2], words[base * 2 + 1])) {
    warnings.push(at(lineNo, `not a conntrack entry: ${snippet(line)}`))
    return null
  }
  const protoNum = number(line, words[(base + 1) * 2], words[(base + 1) * 2 + 1])
  const timeout = number(line, words[(base + 2) * 2], words[(base + 2) * 2 + 1])
  if (protoNum === null || timeout === null) {
    warnings.push(at(lineNo, `bad protocol number or timeout: ${snippet(line)}`))
    return null
  }
  let state: string | null = null
  let fieldsFrom = words[(base + 2) * 2 + 1]
  if (count > base + 3) {
    const s = words[(base + 3) * 2]
    const e = words[(base + 3) * 2 + 1]
    if (line.charCodeAt(s) !== 91) {
      state = known(line, s, e, STATES)
      fieldsFrom = e
    }
  }
  const l3proto = l3 ? known(line, words[0], words[1], L3_NAMES) : null
  const proto = known(line, words[base * 2], words[base * 2 + 1], L4_NAMES)

  let original: ConntrackTuple | null = null
  let reply: ConntrackTuple | null = null
  let tuple: ConntrackTuple | null = null
  let mark: number | null = null
  let zone: number | null = null
  let use: number | null = null
  let secctx: string | null = null
  let deltaTime: number | null = null
  let extra: Record<string, string> | undefined
  flagBuffer.length = 0
  pos = fieldsFrom
  while (nextWord(line, pos, line.length)) {
    const s = wordStart
    const e = wordEnd
    pos = e
    if (line.charCodeAt(s) === 91) {
      const innerEnd = line.charCodeAt(e - 1) === 93 ? e - 1 : e
      const eq = wordEq
      if (eq > 0 && eq < innerEnd) {
        extra ??= {}
        extra[line.slice(s + 1, eq)] = line.slice(eq + 1, innerEnd)
      } else {
        flagBuffer.push(known(line, s + 1, innerEnd, FLAGS))
      }
      continue
    }
    const eq = wordEq
    if (eq === -1) {
      warnings.push(at(lineNo, `unexpected word "${snippet(line.slice(s, e), 40)}"`))
      continue
    }
    const keyLen = eq - s
    const v = eq + 1
    const c = line.charCodeAt(s)
    if (keyLen === 3 && c === 115 /* s */ && has(line, 'src', s)) {
      tuple = { src: line.slice(v, e), dst: '', sport: null, dport: null }
      if (original === null) original = tuple
      else if (reply === null) reply = tuple
      else {
        warnings.push(at(lineNo, 'more than two tuples'))
        return null
      }
      continue
    }
    if (tuple !== null && (original === tuple || reply === tuple) && keyLen <= 7) {
      if (keyLen === 3 && c === 100 /* d */ && has(line, 'dst', s)) {
        tuple.dst = line.slice(v, e)
        continue
      }
      if (keyLen === 5 && has(line, 'port', s + 1) && (c === 115 || c === 100)) {
        if (c === 115) tuple.sport = number(line, v, e)
        else tuple.dport = number(line, v, e)
        continue
      }
      if (keyLen === 4 && c === 116 && has(line, 'type', s)) {
        tuple.type = number(line, v, e) ?? undefined
        continue
      }
      if (keyLen === 4 && c === 99 && has(line, 'code', s)) {
        tuple.code = number(line, v, e) ?? undefined
        continue
      }
      if (keyLen === 2 && c === 105 && line.charCodeAt(s + 1) === 100 && tuple.id === undefined) {
        tuple.id = number(line, v, e) ?? undefined
        continue
      }
      if (keyLen === 7 && c === 112 && has(line, 'packets', s)) {
        tuple.packets = number(line, v, e) ?? undefined
        continue
      }
      if (keyLen === 5 && c === 98 && has(line, 'bytes', s)) {
        tuple.bytes = number(line, v, e) ?? undefined
        continue
      }
      if (keyLen === 6 && has(line, 'key', s + 3) && (c === 115 || c === 100)) {
        if (c === 115) tuple.srckey = line.slice(v, e)
        else tuple.dstkey = line.slice(v, e)
        continue
      }
    }
    // Entry-level fields; they also end the reply tuple.
    if (reply !== null) tuple = null
    if (keyLen === 4 && c === 109 && has(line, 'mark', s)) mark = number(line, v, e)
    else if (keyLen === 3 && c === 117 && has(line, 'use', s)) use = number(line, v, e)
    else if (keyLen === 4 && c === 122 && has(line, 'zone', s)) zone = number(line, v, e)
    else if (keyLen === 6 && has(line, 'secctx', s)) secctx = line.slice(v, e)
    else if (keyLen === 10 && has(line, 'delta-time', s)) deltaTime = number(line, v, e)
    else {
      extra ??= {}
      extra[line.slice(s, eq)] = line.slice(v, e)
    }
  }
  if (original === null || reply === null || original.dst === '' || reply.dst === '') {
    warnings.push(at(lineNo, `incomplete entry (needs an original and a reply tuple): ${snippet(line)}`))
    return null
  }
  const flags = flagBuffer.length === 0 ? EMPTY_FLAGS : shared.get(flagBuffer)
  const entry: ConntrackEntry = {
    l3proto,
    proto,
    protoNum,
    timeout,
    state,
    original,
    reply,
    flags,
    mark,
    zone,
    use,
    secctx,
    deltaTime,
    raw: line
  }
  if (extra !== undefined) entry.extra = extra
  return entry
}

/**
 * Lines of the text in the common shape, in a row: their entries are parsed from them on first
 * access. Where each line starts is found then too, unless the parse found it already.
 */
class LineBlock {
  constructor(
    readonly text: string,
    /** Where the block's first line starts. */
    readonly start: number,
    readonly count: number,
    private starts: number[] | null
  ) {}

  /** Line `index` of the block, without its newline and one carriage return. */
  line(index: number): string {
    const starts = (this.starts ??= this.findStarts())
    return lineAt(this.text, starts[index])
  }

  private findStarts(): number[] {
    const starts = new Array<number>(this.count)
    for (let k = 0, at = this.start; k < this.count; k++, at = this.text.indexOf('\n', at) + 1) starts[k] = at
    return starts
  }
}

/** Flag lists for entries parsed on first access, shared across parses (capped: unknown flags could be many). */
const lazyFlags = new FlagLists()
const lazyWarnings: string[] = []

function parseCommonLine(raw: string): ConntrackEntry {
  lazyWarnings.length = 0
  const entry = parseLine(raw, 0, lazyFlags, lazyWarnings)
  // COMMON only accepts lines that parseLine reads without a warning (tested on every fixture line).
  if (entry === null) throw new Error(`conntrack: a common-shape line did not parse: ${snippet(raw)}`)
  return entry
}

const NO_ENTRY = Object.freeze({}) as ConntrackEntry

/**
 * One entry: its line (a block and its place there), and the entry parsed from it on first access
 * of any field (then kept). Reads like a plain ConntrackEntry; fields can be assigned; toJSON()
 * gives the plain entry. Entries of lines outside the common shape are parsed at once (they were
 * needed for their warnings anyway) and passed in.
 */
class ConntrackLine implements ConntrackEntry {
  /** The line's block until the entry is parsed, then the entry (two fields keep 262,144 of these small). */
  #source: LineBlock | ConntrackEntry
  /** The line's place in its block. */
  #index: number

  constructor(source: LineBlock | ConntrackEntry, index: number) {
    this.#source = source
    this.#index = index
  }

  private entry(): ConntrackEntry {
    // A getter read through the prototype (some inspectors do) gets nothing rather than a TypeError.
    if (!(#source in this)) return NO_ENTRY
    const source = this.#source
    if (!(source instanceof LineBlock)) return source
    const entry = parseCommonLine(source.line(this.#index))
    this.#source = entry
    return entry
  }

  get raw(): string {
    if (!(#source in this)) return ''
    const source = this.#source
    return source instanceof LineBlock ? source.line(this.#index) : source.raw
  }
  set raw(value: string) {
    this.entry().raw = value
  }
  get l3proto(): string | null {
    return this.entry().l3proto
  }
  set l3proto(value: string | null) {
    this.entry().l3proto = value
  }
  get proto(): string {
    return this.entry().proto
  }
  set proto(value: string) {
    this.entry().proto = value
  }
  get protoNum(): number | null {
    return this.entry().protoNum
  }
  set protoNum(value: number | null) {
    this.entry().protoNum = value
  }
  get timeout(): number | null {
    return this.entry().timeout
  }
  set timeout(value: number | null) {
    this.entry().timeout = value
  }
  get state(): string | null {
    return this.entry().state
  }
  set state(value: string | null) {
    this.entry().state = value
  }
  get original(): ConntrackTuple {
    return this.entry().original
  }
  set original(value: ConntrackTuple) {
    this.entry().original = value
  }
  get reply(): ConntrackTuple {
    return this.entry().reply
  }
  set reply(value: ConntrackTuple) {
    this.entry().reply = value
  }
  get flags(): string[] {
    return this.entry().flags
  }
  set flags(value: string[]) {
    this.entry().flags = value
  }
  get mark(): number | null {
    return this.entry().mark
  }
  set mark(value: number | null) {
    this.entry().mark = value
  }
  get zone(): number | null {
    return this.entry().zone
  }
  set zone(value: number | null) {
    this.entry().zone = value
  }
  get use(): number | null {
    return this.entry().use
  }
  set use(value: number | null) {
    this.entry().use = value
  }
  get secctx(): string | null {
    return this.entry().secctx
  }
  set secctx(value: string | null) {
    this.entry().secctx = value
  }
  get deltaTime(): number | null {
    return this.entry().deltaTime
  }
  set deltaTime(value: number | null) {
    this.entry().deltaTime = value
  }
  get extra(): Record<string, string> | undefined {
    return this.entry().extra
  }
  set extra(value: Record<string, string> | undefined) {
    this.entry().extra = value
  }

  /** The plain entry (what the eager parser returned), for JSON.stringify. */
  toJSON(): ConntrackEntry {
    return this.entry()
  }
}

const headerWords: number[] = new Array<number>(12).fill(0)

function at(lineNo: number, message: string): string {
  return `conntrack: line ${lineNo}: ${message}`
}
