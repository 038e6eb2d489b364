/**
 * `npm run bench`: runs every `bench/*.bench.ts` module's exported `run(): Promise<BenchResult[]>`
 * in turn (alphabetical), prints one table, and exits 1 when any row failed its target.
 * `npm run bench -- parse model` runs only the modules whose file name contains one of the words.
 *
 * A row is informational when it has neither `pass` nor `target`; with only `target`, it passes
 * when `value <= target`. Benches that measure against a baseline in the same run (the parsers
 * against `text.split('\n')`) fill `baselineMs` and `ratio`; the table shows them when present.
 * Speed targets live here and never in timed unit tests (CONTRIBUTING.md).
 */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface BenchResult {
  name: string
  /** The measured number, e.g. a median time in ms. */
  value: number
  unit: string
  /** The row passes when value ≤ target (unless `pass` says otherwise). */
  target?: number
  pass?: boolean
  skipped?: boolean
  /** What was measured on, e.g. `700,000 lines, 87.5 MB`. */
  input?: string
  /** The same run's baseline (for the parsers: `text.split('\n')` on the same text), ms. */
  baselineMs?: number
  /** value / baselineMs. */
  ratio?: number
  /** The ratio the row must stay within. */
  ratioTarget?: number
}

interface BenchModule {
  run?: () => Promise<BenchResult[]>
}

const here = dirname(fileURLToPath(import.meta.url))
const filters = process.argv.slice(2)
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((word) => file.includes(word)))
  .sort()

const rows: { file: string; row: BenchResult }[] = []
for (const file of files) {
  console.log(`[bench] ${file} …`)
  try {
    const module = (await import(pathToFileURL(join(here, file)).href)) as BenchModule
    if (typeof module.run !== 'function') {
      rows.push({ file, row: { name: 'exports no run()', value: 0, unit: '', pass: false } })
      continue
    }
    for (const row of await module.run()) rows.push({ file, row })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    rows.push({ file, row: { name: `threw: ${message.split('\n')[0]}`, value: 0, unit: '', pass: false } })
  }
}

function status(row: BenchResult): 'PASS' | 'FAIL' | 'INFO' | 'SKIP' {
  if (row.skipped) return 'SKIP'
  if (row.pass !== undefined) return row.pass ? 'PASS' : 'FAIL'
  if (row.target !== undefined) return row.value <= row.target ? 'PASS' : 'FAIL'
  return 'INFO'
}

const number = (n: number | undefined, digits = 0): string =>
  n === undefined ? '' : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })

const table = rows.map(({ file, row }) => [
  file.replace(/\.bench\.ts$/, ''),
  row.name,
  row.input ?? '',
  `${number(row.value, row.unit === 'ms' ? 0 : 2)} ${row.unit}`.trim(),
  row.baselineMs === undefined ? '' : `${number(row.baselineMs)} ms`,
  row.ratio === undefined ? '' : `${number(row.ratio, 2)}×`,
  [
    row.target === undefined ? '' : `≤ ${number(row.target, row.unit === 'ms' ? 0 : 2)} ${row.unit}`,
    row.ratioTarget === undefined ? '' : `≤ ${row.ratioTarget}×`
  ]
    .filter(Boolean)
    .join(', '),
  status(row)
])
const header = ['bench', 'name', 'input', 'value', 'split', 'ratio', 'target', 'result']
const widths = header.map((title, i) => Math.max(title.length, ...table.map((cells) => cells[i].length)))
const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')
console.log('')
console.log(line(header))
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
for (const cells of table) console.log(line(cells))

const failed = rows.filter(({ row }) => status(row) === 'FAIL').length
console.log(`\nbench: ${rows.length} rows, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
