/**
 * jc-style fixture discovery: test/fixtures/<tool>/<env>/<parser>--<case>.out paired with the
 * expected <parser>--<case>.json. `loadFixturePairs` fails loudly when none are found, so an
 * all-fixtures test can never pass on an empty directory.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

export const FIXTURES_DIR = resolve(__dirname, '../fixtures')

export interface FixturePair {
  name: string
  input: string
  expected: unknown
  inputPath: string
  expectedPath: string
}

function walk(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry)
    if (statSync(full).isDirectory()) out.push(...walk(full))
    else out.push(full)
  }
  return out
}

export function loadFixturePairs(parser: string): FixturePair[] {
  const pairs = walk(FIXTURES_DIR)
    .filter((file) => file.endsWith('.out') && file.split('/').pop()!.startsWith(`${parser}--`))
    .map((inputPath) => {
      const expectedPath = inputPath.replace(/\.out$/, '.json')
      return {
        name: relative(FIXTURES_DIR, inputPath),
        input: readFileSync(inputPath, 'utf8'),
        expected: existsSync(expectedPath) ? JSON.parse(readFileSync(expectedPath, 'utf8')) : undefined,
        inputPath,
        expectedPath
      }
    })
  if (pairs.length === 0) throw new Error(`no fixtures found for parser "${parser}" under ${FIXTURES_DIR}`)
  const missing = pairs.filter((pair) => pair.expected === undefined)
  if (missing.length) throw new Error(`fixtures without expected .json: ${missing.map((m) => m.name).join(', ')}`)
  return pairs
}

/** Reads one fixture file by its path under test/fixtures. */
export function readFixture(path: string): string {
  return readFileSync(join(FIXTURES_DIR, path), 'utf8')
}
