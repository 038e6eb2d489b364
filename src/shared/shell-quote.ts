/**
 * Quoting for commands NetLens shows (never runs): every host-derived word in a fix or remedy
 * command goes through shellQuote, so copying it into a shell cannot run anything else.
 */

/** A word for a POSIX shell: bare when it is only safe characters, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}
