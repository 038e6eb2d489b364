/**
 * Parser for `/proc/net/dev` and `/proc/<pid>/net/dev` (Linux 2.6–6.x; fixtures: Debian 12 userland with kernel
 * 6.18, jc's CentOS-era file, node_exporter's edited file).
 *
 * Two header lines (`Inter-|   Receive …` and ` face |bytes …`), then `NAME: 16 counters`. The
 * name may itself contain colons (`ibr10:30`, alias-style names) and any UTF-8 (`💩0`), and a wide
 * counter can touch the colon (`eth0:68210035552`). Counters never contain a colon, so the split is
 * on the LAST colon that is followed only by numbers.
 *
 * Output: ProcNetDevRecord[]; counters above 2^53 lose precision (JS numbers).
 */
import type { ParseResult, ProcNetDevRecord } from './types'
import { snippet } from './link-common'

const ROW = /^\s*(.+):\s*(\d+(?:\s+\d+)*)\s*$/

export function parseProcNetDev(text: string): ParseResult<ProcNetDevRecord[]> {
  const warnings: string[] = []
  const value: ProcNetDevRecord[] = []
  // Lines as text.split(/\r?\n/) gives them, without making the array.
  for (let start = 0; start <= text.length;) {
    const newline = text.indexOf('\n', start)
    const end = newline === -1 ? text.length : newline
    // A carriage return goes with the newline after it (\r?\n), not at the end of the text.
    const line = text.slice(start, newline !== -1 && end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end)
    start = end + 1
    if (isHeader(line)) continue
    const record = counterRow(line) ?? slowRow(line, warnings)
    if (record) value.push(record)
  }
  return { value, warnings }
}

/** The two header lines (`Inter-|   Receive …`, ` face |bytes …`); both patterns need a `|`. */
function isHeader(line: string): boolean {
  return line.includes('|') && (/^\s*Inter-\|/.test(line) || /^\s*face\s*\|/.test(line))
}

/**
 * The common line read by character codes (a 2,000-interface file is read every second while
 * `netlens watch` runs): only digits and blanks after the last colon, at least 16 numbers, a name
 * before it. Anything else (null) goes through slowRow, which ROW defines; for the lines this
 * accepts the two agree (the last colon is the one ROW's greedy name stops at).
 */
function counterRow(line: string): ProcNetDevRecord | null {
  let colon = -1
  for (let i = line.length - 1; i >= 0; i--) {
    const c = line.charCodeAt(i)
    if (c === 58) {
      colon = i
      break
    }
    if (c !== 32 && (c < 48 || c > 57)) return null
  }
  if (colon <= 0) return null
  const name = line.slice(0, colon)
  // ROW's name is `.+`, which stops at line terminators (a lone \r, U+2028, U+2029).
  if (LINE_TERMINATOR.test(name)) return null
  const iface = name.trim()
  if (!iface) return null
  const wanted = COUNTERS
  let n = 0
  for (let i = colon + 1; i < line.length;) {
    while (i < line.length && line.charCodeAt(i) === 32) i++
    if (i >= line.length) break
    const from = i
    while (i < line.length && line.charCodeAt(i) !== 32) i++
    if (n < 12 && wanted[n] !== -1) FIELDS[wanted[n]] = toNumber(line, from, i)
    n++
  }
  if (n < 16) return null
  return {
    iface,
    rxBytes: FIELDS[0],
    rxPackets: FIELDS[1],
    rxErrors: FIELDS[2],
    rxDropped: FIELDS[3],
    txBytes: FIELDS[4],
    txPackets: FIELDS[5],
    txErrors: FIELDS[6],
    txDropped: FIELDS[7],
    raw: line
  }
}

const LINE_TERMINATOR = /[\r\u2028\u2029]/

/** Column of /proc/net/dev → place in FIELDS (rx bytes, packets, errs, drop, then tx's), or -1. */
const COUNTERS = [0, 1, 2, 3, -1, -1, -1, -1, 4, 5, 6, 7]
const FIELDS = new Float64Array(8)

/** Digits as Number() reads them (exactly, also past 2^53). */
function toNumber(line: string, from: number, to: number): number {
  if (to - from > 15) return Number(line.slice(from, to))
  let n = 0
  for (let i = from; i < to; i++) n = n * 10 + (line.charCodeAt(i) - 48)
  return n
}

function slowRow(line: string, warnings: string[]): ProcNetDevRecord | null {
  if (!line.trim()) return null
  const match = ROW.exec(line)
  const counters = match ? match[2].split(/\s+/).map(Number) : []
  if (!match || counters.length < 16) {
    warnings.push(`proc net dev: unrecognised line: ${snippet(line)}`)
    return null
  }
  const iface = match[1].trim()
  if (!iface) {
    warnings.push(`proc net dev: line without an interface name: ${snippet(line)}`)
    return null
  }
  return {
    iface,
    rxBytes: counters[0],
    rxPackets: counters[1],
    rxErrors: counters[2],
    rxDropped: counters[3],
    txBytes: counters[8],
    txPackets: counters[9],
    txErrors: counters[10],
    txDropped: counters[11],
    raw: line
  }
}
