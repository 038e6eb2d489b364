/**
 * Text for a terminal, shared by every CLI command: cleaning host-derived text, tables, indented
 * blocks and the error lines. Host strings are attacker-controlled (test/fixtures/hostile): every
 * formatter here cleans what it prints (src/shared/text-safety.ts) so a command never has to.
 */
import { cleanForTerminal, cleanLineForTerminal } from '../../../shared/text-safety'

/** One line of host-derived text: controls and bidi characters become visible `\uXXXX`. */
export const clean = cleanLineForTerminal

/** Host-derived text that may hold several lines: each line cleaned, the newlines kept. */
export const cleanLines = cleanForTerminal

/** A table cell or a name for the terminal: one line, cleaned, `-` for none. */
export const cleanCell = (text: string | null | undefined): string => cleanLineForTerminal(text ?? '-')

/** Cleaned text with `pad` in front of each of its lines. */
export const indentLines = (text: string, pad: string): string =>
  cleanForTerminal(text)
    .split('\n')
    .map((line) => pad + line)
    .join('\n')

/** Terminal columns a string takes: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0
  for (const ch of text) {
    const c = ch.codePointAt(0)!
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6)
    width += wide ? 2 : 1
  }
  return width
}

export interface TableOptions {
  /** Put in front of every line (default none). */
  indent?: string
  /** Columns padded on the left (numbers); the others are padded on the right. */
  rightAligned?: (column: number) => boolean
}

/**
 * Rows of already-cleaned cells as aligned lines, two spaces between columns, widths in terminal
 * columns; the last column is not padded (unless right-aligned) and no line ends in spaces.
 */
export function table(rows: string[][], options: TableOptions = {}): string[] {
  if (!rows.length) return []
  const { indent = '', rightAligned = () => false } = options
  // Loops, not Math.max(...rows): a table of a million rules would overflow the call stack.
  const widths = rows[0].map((_, i) => {
    let width = 0
    for (const r of rows) width = Math.max(width, displayWidth(r[i] ?? ''))
    return width
  })
  return rows.map(
    (r) =>
      indent +
      r
        .map((cell, i) => {
          const pad = ' '.repeat(Math.max(0, widths[i] - displayWidth(cell)))
          if (rightAligned(i)) return pad + cell
          return i === r.length - 1 ? cell : cell + pad
        })
        .join('  ')
        .trimEnd()
  )
}

/** An error the CLI reports (an AppError or the like). */
export interface CliErrorText {
  message: string
  remedy?: string
  detail?: string
}

/**
 * A failed SOURCE (or any AppError) for stderr, the same in every command: the message, the remedy,
 * and the first lines of the detail (a scenario's file:line:column errors, ssh's own words), each
 * detail line cleaned as one terminal line. Message and remedy can quote host-derived words
 * (tcpdump's stderr, interface names): cleaned too.
 */
export function formatCliError(commandName: string, error: CliErrorText, prefix = ''): string {
  const lines = [`netlens ${commandName}: ${prefix}${cleanForTerminal(error.message)}`]
  if (error.remedy) lines.push(`  ${cleanForTerminal(error.remedy)}`)
  if (error.detail)
    for (const line of error.detail.split('\n').slice(0, 12)) lines.push(`  | ${cleanLineForTerminal(line)}`)
  return lines.join('\n')
}

/** Bad usage for stderr: what is wrong, then the command's usage text. */
export const formatUsageError = (commandName: string, problems: string[], usage: string): string =>
  `netlens ${commandName}: ${problems.join('; ')}\n\n${usage}`
