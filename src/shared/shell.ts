/**
 * POSIX shell quoting for every command NetLens shows (diagnose fixes, remedies, CLI hints).
 * Interface, container, network and chain names come from the host and are attacker-controlled:
 * the kernel accepts `eth0;reboot` or `$(reboot)` as an interface name. A word is shown as-is when
 * it is made only of characters no POSIX shell treats specially, else in single quotes, with each
 * `'` written as `'\''`. Inside single quotes nothing is special (not `$`, backquotes, `\` or a
 * newline), so `sh -c "printf %s <quoted>"` prints the word back exactly.
 *
 * Two things cannot be quoted: NUL (no argv or shell word can hold it) and a lone UTF-16 surrogate
 * (it has no UTF-8 form, so the terminal would show and run something else). And a command meant to
 * be read and copied (a fix, a remedy) must not hold control characters, which act when pasted into
 * a terminal, nor bidi controls, which make it read differently from what runs. A command with such a
 * word is not shown at all (`shellCommand` gives null); the finding still explains the fault.
 */

/**
 * Characters that need no quoting anywhere in an argument (`~` and `#` do at a word's start; `=`
 * only matters in a command's first word, which is always template text here).
 */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/
/** NUL, or a surrogate not part of a pair. */
const UNQUOTABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Controls (C0 with tab and newline, DEL, C1), bidi controls and marks, line/paragraph separators. */
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/

/** True when `word` can be written as a shell word at all (see the header). */
export function isQuotable(word: string): boolean {
  return !UNQUOTABLE.test(word)
}

/** True when `word` can go into a command shown for copying: quotable, and nothing in it acts or hides. */
export function isShowable(word: string): boolean {
  return isQuotable(word) && !UNSHOWABLE.test(word)
}

/** One shell word: as-is when plain, else single-quoted. Check isQuotable first (NUL, lone surrogates). */
export function shellQuote(word: string): string {
  // A lone `!` is safe too: it negates only as a command's first word, and bash's history expansion skips `! `.
  if (PLAIN_WORD.test(word) || word === '!') return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** A value that goes into a command as one shell word. Numbers are written in decimal. */
export type ShellWord = string | number

/** Marks text that is already shell syntax (a `$(…)` built with shellCommand): inserted unquoted. */
export class ShellSyntax {
  constructor(readonly text: string) {}
}

/**
 * A command with every interpolated value quoted as one word:
 *   shellCommand`ip link set dev ${name} up`  →  ip link set dev 'eth0;reboot' up
 * The template text is trusted syntax; values are not. Null when a value cannot be shown
 * (isShowable) or is not a finite number: the caller omits the command.
 */
export function shellCommand(strings: TemplateStringsArray, ...values: (ShellWord | ShellSyntax)[]): string | null {
  let out = strings[0]
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    let word: string
    if (value instanceof ShellSyntax) word = value.text
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return null
      word = String(value)
    } else {
      if (!isShowable(value)) return null
      word = shellQuote(value)
    }
    out += word + strings[i + 1]
  }
  return out
}

/** Lines of commands, dropping the ones that could not be built; null when none is left. */
export function commandLines(lines: (string | null)[]): string | null {
  const kept = lines.filter((line): line is string => line !== null && line !== '')
  return kept.length ? kept.join('\n') : null
}
