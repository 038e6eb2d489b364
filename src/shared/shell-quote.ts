/**
 * Quoting for fix commands NetLens shows (never runs). Every host-derived word in a command
 * (container, network and interface names, addresses read from a capture) goes through here, so
 * a name like `x; rm -rf /` stays one inert argument when the user pastes the command.
 */
const SAFE_WORD = /^[A-Za-z0-9_.\/:@%+=,-]+$/

/** A POSIX sh word: as is when it only holds safe characters, else single-quoted. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}
