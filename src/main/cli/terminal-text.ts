/**
 * Host-derived text on a terminal: container, interface and file names come from the host and are
 * attacker-controlled. C0/C1 control characters (escape sequences) and Unicode bidi controls
 * (which reorder what the terminal shows, "Trojan Source") become `?`. Newlines survive only where
 * the caller allows them.
 */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** One cell or line: every control character, newlines included, becomes `?`. */
export const terminalSafe = (text: string | null | undefined, empty = '-'): string =>
  text === null || text === undefined || text === '' ? empty : text.replace(CONTROL_OR_NEWLINE, '?')

/** A block of lines: newlines stay, every other control character becomes `?`. */
export const terminalSafeBlock = (text: string): string => text.replace(CONTROL, '?')
