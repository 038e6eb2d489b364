/// <reference types="vite/types/importMeta.d.ts" />
/**
 * `npx netlens …`: the CLI entry. It uses the same core as the app (sources → capture → snapshot).
 * Each command lives in its own file in ./commands, named after the command (version.ts is
 * `netlens version`), and is loaded only when it runs: `netlens version` does not load the model.
 * bin/netlens.mjs runs this from the prebuilt bundle (scripts/build-cli.mjs) or, when the sources
 * are newer than the bundle, from the sources through tsx.
 */
import { readdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { CliCommand, CliIo } from './command'
import { packageVersion } from '../package-root'
import { cleanForTerminal } from '../../shared/text-safety'

type CommandModule = { command?: CliCommand }
type CommandLoader = () => Promise<CommandModule>

const COMMAND_FILE = /^([a-z][a-z0-9-]*)\.(ts|js|mjs)$/

/**
 * Command name → loader. Built by Vite (the CLI bundle, vitest), import.meta.glob lists the files
 * at build time and each becomes a chunk of its own; run from the sources by tsx, where
 * import.meta.glob does not exist, the folder is read instead.
 */
export function commandLoaders(): Map<string, CommandLoader> {
  const loaders = new Map<string, CommandLoader>()
  let globbed: Record<string, CommandLoader> | null = null
  try {
    globbed = import.meta.glob<CommandModule>(['./commands/*.ts', '!./commands/*.test.ts', '!./commands/*.d.ts'])
  } catch {
    globbed = null
  }
  if (globbed) {
    for (const [path, load] of Object.entries(globbed)) {
      const name = COMMAND_FILE.exec(basename(path))?.[1]
      if (name) loaders.set(name, load)
    }
    return loaders
  }
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands')
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.d.ts') || file.includes('.test.')) continue
    const name = COMMAND_FILE.exec(file)?.[1]
    if (name) loaders.set(name, () => import(pathToFileURL(join(dir, file)).href) as Promise<CommandModule>)
  }
  return loaders
}

async function loadCommand(load: CommandLoader): Promise<CliCommand | null> {
  return (await load()).command ?? null
}

/** Every command (for --help), sorted by name. */
export async function loadCommands(): Promise<CliCommand[]> {
  const commands: CliCommand[] = []
  for (const load of commandLoaders().values()) {
    const command = await loadCommand(load)
    if (command) commands.push(command)
  }
  return commands.sort((a, b) => a.name.localeCompare(b.name))
}

function helpText(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8)
  return [
    'netlens: see how container networking is wired on a Linux host (read-only).',
    '',
    'Usage: netlens <command> [options]',
    '',
    'SOURCE is one of: local | sim:<scenario> | <ssh host alias> | ssh:<alias> | <capture or snapshot file>',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `netlens <command> --help` for a command’s options.'
  ].join('\n')
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText(await loadCommands()))
    return name ? 0 : 2
  }
  if (name === '--version' || name === '-V') {
    io.out(packageVersion())
    return 0
  }
  const load = commandLoaders().get(name)
  const command = load ? await loadCommand(load) : null
  if (!command) {
    io.err(`netlens: unknown command "${name}"\n\n${helpText(await loadCommands())}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage)
    return 0
  }
  return command.run(rest, io)
}

/** Process entry used by bin/netlens.mjs. */
export async function runCli(): Promise<void> {
  const controller = new AbortController()
  process.on('SIGINT', () => controller.abort())
  process.on('SIGTERM', () => controller.abort())
  // A closed pipe (`netlens inspect … | head`) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0)
  })
  // Every string the CLI prints passes through here: names, section names, zod paths and error
  // messages can come from a hostile capture file, and must not reach the terminal as escape
  // sequences or bidi controls.
  const line = (text: string): string => cleanForTerminal(text.endsWith('\n') ? text : text + '\n')
  const io: CliIo = {
    out: (text) => process.stdout.write(line(text)),
    err: (text) => process.stderr.write(line(text)),
    data: (text) => process.stdout.write(process.stdout.isTTY ? line(text) : text),
    signal: controller.signal
  }
  try {
    process.exitCode = await main(process.argv.slice(2), io)
  } catch (e) {
    io.err(`netlens: ${e instanceof Error ? e.message : String(e)}`)
    process.exitCode = 1
  }
}
