import { formatUsageError } from './format/terminal'

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

/** Minimal flag parser: `--flag`, `--key value`, `--key=value`, `-o value`, positionals. */
export function parseFlags(
  argv: string[],
  spec: { boolean?: string[]; string?: string[]; alias?: Record<string, string> }
): { flags: Flags; positionals: string[]; errors: string[] } {
  const flags: Flags = {}
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

export type Flags = Record<string, string | boolean>

/** A `--name VALUE` flag's value, or undefined when it was not given. */
export const stringFlag = (flags: Flags, name: string): string | undefined =>
  typeof flags[name] === 'string' ? flags[name] : undefined

/**
 * A `--name N` flag holding a whole number from 1 to `max`: undefined when it was not given; when it
 * is not such a number, `problem` is added to `errors` (the command then prints its usage).
 */
export function positiveIntegerFlag(
  flags: Flags,
  name: string,
  errors: string[],
  max = Number.MAX_SAFE_INTEGER,
  problem = `--${name} needs a positive integer`
): number | undefined {
  const text = flags[name]
  if (text === undefined) return undefined
  const n = typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : NaN
  if (n >= 1 && n <= max) return n
  errors.push(problem)
  return undefined
}

/** `--lang en|zh-CN` (en when not given); anything else adds a problem to `errors`. */
export function langFlag(flags: Flags, errors: string[]): 'en' | 'zh-CN' {
  const lang = flags.lang ?? 'en'
  if (lang === 'en' || lang === 'zh-CN') return lang
  errors.push(`--lang must be en or zh-CN, not "${String(lang)}"`)
  return 'en'
}

/** Bad usage: what is wrong and the command's usage on stderr; the exit code (2) to return. */
export function usageFailure(io: CliIo, command: Pick<CliCommand, 'name' | 'usage'>, problems: string[]): number {
  io.err(formatUsageError(command.name, problems, command.usage))
  return 2
}
