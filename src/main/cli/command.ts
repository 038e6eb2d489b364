import { cleanLineForTerminal } from '../../shared/text-safety'
/**
 * One CLI command. Each file in src/main/cli/commands exports `command: CliCommand`; the CLI
 * discovers them, so adding a command never edits a shared file.
 */
export interface CliIo {
  /** Text for the user on stdout. The real CLI cleans it for the terminal (cleanForTerminal). */
  out(text: string): void
  /** Text for the user on stderr, cleaned the same way. */
  err(text: string): void
  /**
   * Data on stdout that must stay byte-exact when redirected (a capture file written to a pipe):
   * cleaned only when stdout is a terminal. Defaults to `out`.
   */
  data?(text: string): void
  /** Aborted on Ctrl-C: long commands (capture, watch) stop cleanly. */
  signal: AbortSignal
}

export interface CliCommand {
  name: string
  /** One line for `netlens --help`. */
  summary: string
  /** Full usage text for `netlens <name> --help`. */
  usage: string
  /** Returns the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>
}

/** A table cell or a name for the terminal: one line, control and bidi characters escaped, `-` for none. */
export const cleanCell = (text: string | null | undefined): string => cleanLineForTerminal(text ?? '-')

/** Minimal flag parser: `--flag`, `--key value`, `--key=value`, `-o value`, positionals. */
export function parseFlags(
  argv: string[],
  spec: { boolean?: string[]; string?: string[]; alias?: Record<string, string> }
): { flags: Record<string, string | boolean>; positionals: string[]; errors: string[] } {
  const flags: Record<string, string | boolean> = {}
  const positionals: string[] = []
  const errors: string[] = []
  const booleans = new Set(spec.boolean ?? [])
  const strings = new Set(spec.string ?? [])
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (arg.startsWith('-') && arg.length > 1) {
      let value: string | undefined
      const eq = arg.indexOf('=')
      if (arg.startsWith('--') && eq > 0) {
        value = arg.slice(eq + 1)
        arg = arg.slice(0, eq)
      }
      let name = arg.replace(/^--?/, '')
      name = spec.alias?.[name] ?? name
      if (booleans.has(name)) flags[name] = true
      else if (strings.has(name)) {
        if (value === undefined) value = argv[++i]
        if (value === undefined) errors.push(`--${name} needs a value`)
        else flags[name] = value
      } else errors.push(`unknown option ${arg}`)
    } else positionals.push(arg)
  }
  return { flags, positionals, errors }
}

/**
 * A failed SOURCE (or any AppError) for stderr, the same in every command: the message, the remedy,
 * and the first lines of the detail (a scenario's file:line:column errors, ssh's own words), each
 * detail line cleaned as one terminal line because it is host- or file-derived text.
 */
export function formatCliError(
  commandName: string,
  error: { message: string; remedy?: string; detail?: string },
  prefix = ''
): string {
  const lines = [`netlens ${commandName}: ${prefix}${error.message}`]
  if (error.remedy) lines.push(`  ${error.remedy}`)
  if (error.detail)
    for (const line of error.detail.split('\n').slice(0, 12)) lines.push(`  | ${cleanLineForTerminal(line)}`)
  return lines.join('\n')
}
