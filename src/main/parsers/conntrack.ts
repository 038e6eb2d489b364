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
 * Speed: one pass over character codes that checks every field in place and reads numbers from character codes;
 * protocol, state and flag names are shared constants. An entry is one object (ConntrackLine) next
 * to its raw line: the tuples, their address strings, `secctx` and `extra` are built from the line
 * on first access, so a 262,144-line table is not a few million objects until someone reads them
 * (bench/parse.bench.ts). Entries are class instances: spread or structuredClone see only the eager
 * fields; use toJSON() (JSON.stringify does) for a plain object.
 */
import type { ConntrackRecord, ParseResult } from './types'

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
      list = flags.slice()
      this.lists.set(key, list)
    }
    return list
  }
}

const flagBuffer: string[] = []

export function parseConntrack(text: string): ParseResult<ConntrackEntry[]> {
  const value: ConntrackEntry[] = []
  const warnings: string[] = []
  if (typeof text !== 'string') return { value, warnings: ['conntrack: input is not text'] }
  const spliced = cutSplicedSummary(text)
  if (spliced !== null) {
    text = spliced.text
    warnings.push(at(spliced.line, "conntrack's summary line (stderr) was printed inside this entry; cut out"))
  }
  const shared = new FlagLists()
  const len = text.length
  let start = 0
  let lineNo = 0
  while (start < len) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = len
    lineNo++
    if (spliced !== null && lineNo === spliced.line + 1) lineNo++
    // The line is read in place in text (character codes of a flat string are the cheapest to
    // scan); only an entry's raw line is sliced out. A line with leading blanks is trimmed first.
    let line = text
    let from = start
    let to = end
    start = end + 1
    if (to > from && text.charCodeAt(to - 1) === 13) to--
    const c0 = text.charCodeAt(from)
    if (to === from || c0 === 32 || c0 === 9) {
      line = text.slice(from, to).trim()
      if (line.length === 0) continue
      from = 0
      to = line.length
    }
    if (line.charCodeAt(from) === 99 && has(line, 'conntrack v', from) && to - from >= 11) {
      const whole = line.slice(from, to)
      if (!whole.includes(SUMMARY)) warnings.push(at(lineNo, `conntrack said: ${snippet(whole)}`))
      continue
    }
    const entry = parseLine(line, from, to, lineNo, shared, warnings)
    if (entry !== null) value.push(entry)
  }
  return { value, warnings }
}

/**
 * `conntrack -L 2>&1`: the summary goes to stderr unbuffered while the entries are block-buffered
 * on stdout, so it can land in the middle of an entry (`… src` + summary + `c=198.51.100.2 …`).
 * Cuts such a summary out and joins the entry again; a summary on a line of its own is left alone.
 */
function cutSplicedSummary(text: string): { text: string; line: number } | null {
  // Only a line holding `(conntrack-tools)` is cut: this rare-first-character search skips a large
  // table in a few milliseconds, where `conntrack v` costs as much as splitting the text.
  if (!text.includes('(conntrack-tools)')) return null
  let at = text.indexOf('conntrack v')
  while (at !== -1 && (at === 0 || text.charCodeAt(at - 1) === 10)) at = text.indexOf('conntrack v', at + 1)
  if (at === -1) return null
  let end = text.indexOf('\n', at)
  if (end === -1) end = text.length
  if (!text.slice(at, end).includes('(conntrack-tools)')) return null
  const lineStart = text.lastIndexOf('\n', at) + 1
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < lineStart; i = text.indexOf('\n', i + 1)) line++
  return { text: text.slice(0, at) + text.slice(end + 1), line }
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

/** The entry in line[from, to) (a line of the whole text, or a trimmed line on its own), or null with a warning. */
function parseLine(
  line: string,
  from: number,
  to: number,
  lineNo: number,
  shared: FlagLists,
  warnings: string[]
): ConntrackEntry | null {
  // Header: [l3name l3num] l4name l4num timeout [STATE]
  const words: number[] = headerWords
  let pos = from
  let count = 0
  while (count < 6 && nextWord(line, pos, to)) {
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
    warnings.push(at(lineNo, `not a conntrack entry: ${snippet(line.slice(from, to))}`))
    return null
  }
  const protoNum = number(line, words[(base + 1) * 2], words[(base + 1) * 2 + 1])
  const timeout = number(line, words[(base + 2) * 2], words[(base + 2) * 2 + 1])
  if (protoNum === null || timeout === null) {
    warnings.push(at(lineNo, `bad protocol number or timeout: ${snippet(line.slice(from, to))}`))
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

  // The fields are checked here without building anything; the tuples, secctx and extra are built
  // from the line on first access (ConntrackLine.detail), by the same rules.
  // Tuple state: 0 none, 1 in the original tuple, 2 in the reply tuple.
  let tuples = 0
  let current = 0
  let originalDst = false
  let replyDst = false
  let originalId = false
  let replyId = false
  let mark: number | null = null
  let zone: number | null = null
  let use: number | null = null
  let deltaTime: number | null = null
  flagBuffer.length = 0
  pos = fieldsFrom
  while (nextWord(line, pos, to)) {
    const s = wordStart
    const e = wordEnd
    pos = e
    if (line.charCodeAt(s) === 91) {
      const innerEnd = line.charCodeAt(e - 1) === 93 ? e - 1 : e
      const eq = wordEq
      if (!(eq > 0 && eq < innerEnd)) flagBuffer.push(known(line, s + 1, innerEnd, FLAGS))
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
      if (tuples === 0) {
        tuples = 1
        current = 1
        originalDst = false
      } else if (tuples === 1) {
        tuples = 2
        current = 2
        replyDst = false
      } else {
        warnings.push(at(lineNo, 'more than two tuples'))
        return null
      }
      continue
    }
    if (current !== 0 && keyLen <= 7) {
      if (keyLen === 3 && c === 100 /* d */ && has(line, 'dst', s)) {
        if (current === 1) originalDst = e > v
        else replyDst = e > v
        continue
      }
      if (keyLen === 5 && has(line, 'port', s + 1) && (c === 115 || c === 100)) continue
      if (keyLen === 4 && c === 116 && has(line, 'type', s)) continue
      if (keyLen === 4 && c === 99 && has(line, 'code', s)) continue
      if (keyLen === 2 && c === 105 && line.charCodeAt(s + 1) === 100 && !(current === 1 ? originalId : replyId)) {
        if (number(line, v, e) !== null) {
          if (current === 1) originalId = true
          else replyId = true
        }
        continue
      }
      if (keyLen === 7 && c === 112 && has(line, 'packets', s)) continue
      if (keyLen === 5 && c === 98 && has(line, 'bytes', s)) continue
      if (keyLen === 6 && has(line, 'key', s + 3) && (c === 115 || c === 100)) continue
    }
    // Entry-level fields; they also end the reply tuple.
    if (tuples === 2) current = 0
    if (keyLen === 4 && c === 109 && has(line, 'mark', s)) mark = number(line, v, e)
    else if (keyLen === 3 && c === 117 && has(line, 'use', s)) use = number(line, v, e)
    else if (keyLen === 4 && c === 122 && has(line, 'zone', s)) zone = number(line, v, e)
    else if (keyLen === 10 && has(line, 'delta-time', s)) deltaTime = number(line, v, e)
  }
  if (tuples !== 2 || !originalDst || !replyDst) {
    warnings.push(
      at(lineNo, `incomplete entry (needs an original and a reply tuple): ${snippet(line.slice(from, to))}`)
    )
    return null
  }
  const flags = flagBuffer.length === 0 ? EMPTY_FLAGS : shared.get(flagBuffer)
  return new ConntrackLine(
    line.slice(from, to),
    l3proto,
    proto,
    protoNum,
    timeout,
    state,
    flags,
    mark,
    zone,
    use,
    deltaTime,
    fieldsFrom - from
  )
}

/** What ConntrackLine builds on first access: the parts of an entry that allocate. */
interface Detail {
  original: ConntrackTuple
  reply: ConntrackTuple
  secctx: string | null
  extra: Record<string, string> | undefined
}

/** The fields of a checked line from `from` on, built as objects (the same rules as parseLine's check). */
function parseDetail(line: string, from: number): Detail {
  let original: ConntrackTuple | null = null
  let reply: ConntrackTuple | null = null
  let tuple: ConntrackTuple | null = null
  let secctx: string | null = null
  let extra: Record<string, string> | undefined
  let pos = from
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
      }
      continue
    }
    const eq = wordEq
    if (eq === -1) continue
    const keyLen = eq - s
    const v = eq + 1
    const c = line.charCodeAt(s)
    if (keyLen === 3 && c === 115 /* s */ && has(line, 'src', s)) {
      tuple = { src: line.slice(v, e), dst: '', sport: null, dport: null }
      if (original === null) original = tuple
      else reply = tuple
      continue
    }
    if (tuple !== null && keyLen <= 7) {
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
    if (reply !== null) tuple = null
    if (keyLen === 4 && c === 109 && has(line, 'mark', s)) continue
    if (keyLen === 3 && c === 117 && has(line, 'use', s)) continue
    if (keyLen === 4 && c === 122 && has(line, 'zone', s)) continue
    if (keyLen === 6 && has(line, 'secctx', s)) secctx = line.slice(v, e)
    else if (keyLen === 10 && has(line, 'delta-time', s)) continue
    else {
      extra ??= {}
      extra[line.slice(s, eq)] = line.slice(v, e)
    }
  }
  // parseLine only makes a ConntrackLine when both tuples are there.
  return { original: original as ConntrackTuple, reply: reply as ConntrackTuple, secctx, extra }
}

const NO_DETAIL: Detail = Object.freeze({
  original: undefined as unknown as ConntrackTuple,
  reply: undefined as unknown as ConntrackTuple,
  secctx: null,
  extra: undefined
})

/**
 * One entry: the numbers and shared names are read while parsing; the tuples (with their four
 * address strings), `secctx` and `extra` are built from `raw` on first access and kept. Reads like
 * a plain ConntrackEntry (toJSON gives every field); the fields can be assigned as well.
 */
class ConntrackLine implements ConntrackEntry {
  #detail: Detail | null = null
  #from: number

  constructor(
    public raw: string,
    public l3proto: string | null,
    public proto: string,
    public protoNum: number | null,
    public timeout: number | null,
    public state: string | null,
    public flags: string[],
    public mark: number | null,
    public zone: number | null,
    public use: number | null,
    public deltaTime: number | null,
    from: number
  ) {
    this.#from = from
  }

  private detail(): Detail {
    // A getter read through the prototype (some inspectors do) gets nothing rather than a TypeError.
    if (!(#detail in this)) return NO_DETAIL
    return (this.#detail ??= parseDetail(this.raw, this.#from))
  }

  get original(): ConntrackTuple {
    return this.detail().original
  }
  set original(tuple: ConntrackTuple) {
    this.detail().original = tuple
  }
  get reply(): ConntrackTuple {
    return this.detail().reply
  }
  set reply(tuple: ConntrackTuple) {
    this.detail().reply = tuple
  }
  get secctx(): string | null {
    return this.detail().secctx
  }
  set secctx(value: string | null) {
    this.detail().secctx = value
  }
  get extra(): Record<string, string> | undefined {
    return this.detail().extra
  }
  set extra(value: Record<string, string> | undefined) {
    this.detail().extra = value
  }

  /** Every field, in the order a plain entry has them (`extra` only when there is one). */
  toJSON(): ConntrackEntry {
    const detail = this.detail()
    const plain: ConntrackEntry = {
      l3proto: this.l3proto,
      proto: this.proto,
      protoNum: this.protoNum,
      timeout: this.timeout,
      state: this.state,
      original: detail.original,
      reply: detail.reply,
      flags: this.flags,
      mark: this.mark,
      zone: this.zone,
      use: this.use,
      secctx: detail.secctx,
      deltaTime: this.deltaTime,
      raw: this.raw
    }
    if (detail.extra !== undefined) plain.extra = detail.extra
    return plain
  }
}

const headerWords: number[] = new Array<number>(12).fill(0)

function at(lineNo: number, message: string): string {
  return `conntrack: line ${lineNo}: ${message}`
}

function snippet(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}
