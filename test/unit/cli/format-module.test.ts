/**
 * CLI formatting lives in one place, src/main/cli/format/: the commands parse their flags, call the
 * pipeline and hand its data to a formatter there. These checks read the command files and fail
 * when one cleans, pads or lays out text itself again.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const CLI = resolve(import.meta.dirname, '../../../src/main/cli')
const commandFiles = readdirSync(join(CLI, 'commands')).filter((n) => n.endsWith('.ts'))

describe('CLI formatting in one module', () => {
  it('finds the commands (guard)', () => {
    expect(commandFiles.length).toBeGreaterThan(10)
  })

  it.each(commandFiles)('%s cleans, pads and tabulates nothing itself', (file) => {
    const text = readFileSync(join(CLI, 'commands', file), 'utf8')
    expect(text, 'text-safety is used through format/terminal.ts').not.toMatch(/shared\/text-safety/)
    expect(text, 'columns are laid out by format/terminal.ts table()').not.toMatch(/\.pad(Start|End)\(/)
    expect(text, 'terminal widths are measured in format/terminal.ts').not.toMatch(/function (table|displayWidth)\b/)
  })
})
