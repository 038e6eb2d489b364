/**
 * Runs every reader of host data (each parser in src/main/parsers, the capture-file reader, the
 * scenario loader, the ssh error classifier) on ~1 MB adversarial texts: one long line of one
 * character, long runs of blanks, unclosed quotes and brackets, one option word repeated. Prints
 * `start READER SHAPE` before and `done READER SHAPE` after each, so a parent that gives up on a
 * hung run (test/unit/parsers/adversarial.test.ts) can name the reader and the input. A reader
 * that throws is reported as `threw` (the model catches throws, but a reader should return results).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseCaptureFile } from '../../src/main/capture/capture-file'
import { classifySshFailure } from '../../src/main/hosts/ssh-errors'
import { parseScenarioText } from '../../src/main/sim/load'

const MB = 1024 * 1024
const fill = (unit: string, prefix = ''): string => prefix + unit.repeat(Math.ceil((MB - prefix.length) / unit.length))

/** Input shapes that make backtracking regexes (`a.*b`, `(\s*x)*`, nested quantifiers) super-linear. */
export const SHAPES: Record<string, string> = {
  'one long line of a': fill('a'),
  'long run of blanks': fill(' \t', 'x'),
  'long run of digits': fill('1'),
  'unclosed quote': fill('a ', '"'),
  'unclosed brackets': fill('[{"a":'),
  'key=value words': fill('src='),
  'repeated option words': fill('-A X -m comment --comment -s 1.2.3.4 '),
  'many short lines': fill('x\n'),
  'colon and angle runs': fill('1: a: <'),
  'inet words': fill('inet '),
  'boundary-like lines': fill('--nl-b ', 'NETLENS-CAPTURE 2\nboundary: nl-b\n'),
  'ssh authenticity text without its end': fill('authenticity of host '),
  'yaml anchors and flow nesting': fill('&a [', 'x: ')
}

type Reader = (text: string) => unknown

async function readers(): Promise<[string, Reader][]> {
  const out: [string, Reader][] = []
  const dir = join(import.meta.dirname, '../../src/main/parsers')
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>
    for (const [name, value] of Object.entries(module)) {
      if (name.startsWith('parse') && typeof value === 'function') out.push([name, value as Reader])
    }
  }
  out.push(['parseCaptureFile', (t) => parseCaptureFile(t)])
  out.push(['parseCaptureFile (header first)', (t) => parseCaptureFile(`NETLENS-CAPTURE 2\nboundary: nl-b\n${t}`)])
  out.push(['parseScenarioText', (t) => parseScenarioText(t, 'adversarial.yaml')])
  out.push(['classifySshFailure', (t) => classifySshFailure(255, t, { alias: 'h' })])
  return out
}

async function main(): Promise<void> {
  const only = process.argv[2]
  for (const [reader, run] of await readers()) {
    if (only && reader !== only) continue
    for (const [shape, text] of Object.entries(SHAPES)) {
      process.stdout.write(`start ${reader} | ${shape}\n`)
      let outcome = 'done'
      const started = performance.now()
      try {
        run(text)
      } catch (error) {
        outcome = `threw ${error instanceof Error ? error.message.slice(0, 200).replace(/\n/g, ' ') : 'a non-error'}`
      }
      process.stdout.write(`${outcome} ${reader} | ${shape} | ${Math.round(performance.now() - started)} ms\n`)
    }
  }
  process.stdout.write('all done\n')
}

void main()
