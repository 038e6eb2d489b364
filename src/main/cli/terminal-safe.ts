/**
 * Host-derived text on its way to a terminal: C0/C1 control characters (escape sequences) and the
 * Unicode bidi and line-separator controls (which can make a line read differently than it is,
 * "Trojan Source") become `?`.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

export const terminalSafe = (text: string): string => text.replace(UNSAFE, '?')
