/**
 * Host-derived text made safe to show. Names, section names, rule comments, error messages and
 * zod paths from a capture file are attacker-controlled, and some characters act instead of
 * showing:
 * - in a terminal, C0/C1 controls start escape sequences (OSC window titles, clear screen,
 *   colours, cursor moves; 8-bit CSI is U+009B), BEL rings, CR overwrites the line;
 * - everywhere, Unicode bidi controls (U+202A–202E, U+2066–2069, LRM/RLM/ALM) reorder the text
 *   around them, so `evil\u202Etxt.exe` reads as `evilexe.txt` (Trojan Source, CVE-2021-42574).
 *
 * `cleanForTerminal` is the one filter for every string the CLI prints: each such character becomes
 * a visible `\uXXXX` (also a valid escape inside JSON strings, so --json output stays valid JSON
 * meaning the same). `markBidiControls` is the UI's: bidi controls become a visible `⟨U+202E⟩`
 * (the UI's text never reaches a terminal; the browser shows other controls as boxes).
 */

/** Bidi embedding/override/isolate controls and the implicit marks. */
const BIDI = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069'
/**
 * What a terminal must not receive raw: C0 except tab and newline, DEL, C1, bidi controls, the
 * Unicode line/paragraph separators, and lone surrogates (no UTF-8 form).
 */
const TERMINAL_UNSAFE = new RegExp(
  `[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u2028\\u2029${BIDI}]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]`,
  'g'
)
const BIDI_CONTROLS = new RegExp(`[${BIDI}]`, 'g')
const ANY_BIDI_CONTROL = new RegExp(`[${BIDI}]`)

const hex4 = (ch: string): string => ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')

/** Text for a terminal: every unsafe character as a visible `\uXXXX`; tab and newline kept. */
export function cleanForTerminal(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (ch) => `\\u${hex4(ch)}`)
}

/** One line for a terminal (a table cell, a name): tab and newline escaped too. */
export function cleanLineForTerminal(text: string): string {
  return cleanForTerminal(text).replace(/[\t\n]/g, (ch) => `\\u${hex4(ch)}`)
}

/** Text for the UI: each bidi control shown as a visible `⟨U+202E⟩` instead of reordering what follows. */
export function markBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (ch) => `⟨U+${hex4(ch)}⟩`)
}

const BIDI_MARK = /⟨U\+(061C|200E|200F|202[A-E]|206[6-9])⟩/g

/**
 * The inverse of markBidiControls: a name the UI shows (and sends back, e.g. a container picked as
 * a trace endpoint) turns into the host's own name again.
 */
export function unmarkBidiControls(text: string): string {
  return text.replace(BIDI_MARK, (_mark, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

/** True when `text` holds a bidi control (the UI can flag such a name). */
export function hasBidiControls(text: string): boolean {
  return ANY_BIDI_CONTROL.test(text)
}
