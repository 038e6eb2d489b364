/**
 * `npx netlens …`: the CLI entry. It uses the same core as the app (sources → capture → snapshot).
 * Commands are discovered from ./commands so each lives in its own file.
 */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CliCommand, CliIo } from './command'

const here = dirname(fileURLToPath(import.meta.url))

export async function loadCommands(): Promise<CliCommand[]> {
  const dir = join(here, 'commands')
  const files = readdirSync(dir).filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.'))
  const commands: CliCommand[] = []
  for (const file of files.sort()) {
    const mod = (await import(join(dir, file))) as { command?: CliCommand }
    if (mod.command) commands.push(mod.command)
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
  const commands = await loadCommands()
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText(commands))
    return name ? 0 : 2
  }
  if (name === '--version' || name === '-V') {
    const { readFileSync } = await import('node:fs')
    const pkg = JSON.parse(readFileSync(join(here, '../../../package.json'), 'utf8')) as { version: string }
    io.out(pkg.version)
    return 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    io.err(`netlens: unknown command "${name}"\n\n${helpText(commands)}`)
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
  const io: CliIo = {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
    signal: controller.signal
  }
  try {
    process.exitCode = await main(process.argv.slice(2), io)
  } catch (e) {
    io.err(`netlens: ${e instanceof Error ? e.message : String(e)}`)
    process.exitCode = 1
  }
}
