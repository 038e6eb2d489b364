/**
 * `npm run bench`: runs every `bench/*.bench.ts` module's exported `run(): Promise<BenchResult[]>`
 * in turn (alphabetical), each in its own Node process, prints one table, and exits 1 when any row
 * failed its target.
 * `npm run bench -- parse model` runs only the modules whose file name contains one of the words.
 * Every run also writes `test-output/bench.md`: the rows as a Markdown table for README's performance
 * section, headed by the date, the load average before and after, and how long the run took;
 * `--markdown` prints it too.
 *
 * A row is informational when it has neither `pass` nor `target`; with only `target`, it passes
 * when `value <= target`. A row measured over repeated runs gives the median as `value` and the
 * spread in `min`/`max` (shown as `median (min–max, N runs)`). Benches that measure against a baseline in the same run (the parsers
 * against `text.split('\n')`) fill `baselineMs` and `ratio`; the table shows them when present.
 * Speed targets live here and never in timed unit tests (CONTRIBUTING.md).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { performance } from 'node:perf_hooks'
import { dirname, join, resolve } from 'node:path'
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
  /** When `value` is a median of repeated runs: their smallest and largest value and how many. */
  min?: number
  max?: number
  runs?: number
}

interface BenchModule {
  run?: () => Promise<BenchResult[]>
}

const here = dirname(fileURLToPath(import.meta.url))

/** Runs one bench module in this process and writes its rows as JSON to `out`. */
async function runModule(file: string): Promise<BenchResult[]> {
  try {
    const module = (await import(pathToFileURL(join(here, file)).href)) as BenchModule
    if (typeof module.run !== 'function') return [{ name: 'exports no run()', value: 0, unit: '', pass: false }]
    return await module.run()
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return [{ name: `threw: ${message.split('\n')[0]}`, value: 0, unit: '', pass: false }]
  }
}

const childAt = process.argv.indexOf('--child')
if (childAt !== -1) {
  // A child: one module, rows to the file the parent named.
  writeFileSync(process.argv[childAt + 2], JSON.stringify(await runModule(process.argv[childAt + 1])))
  process.exit(0)
}

const MARKDOWN_FLAG = '--markdown'
const printMarkdown = process.argv.includes(MARKDOWN_FLAG)
const filters = process.argv.slice(2).filter((arg) => arg !== MARKDOWN_FLAG)
const startedAt = new Date()
const loadBefore = loadavg()
const startedMs = performance.now()
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((word) => file.includes(word)))
  .sort()

/**
 * Each module runs in a fresh Node process: one bench's heap (the model bench keeps a 1,000-container
 * snapshot and 262,144 conntrack entries alive) changes how fast the next one allocates, and the
 * parser ratios compare two allocation-heavy operations.
 */
function runInChild(file: string): BenchResult[] {
  const out = join(tmpdir(), `netlens-bench-${process.pid}-${file}.json`)
  const child = spawnSync(
    process.execPath,
    [resolve(here, '../bin/tsx-run.mjs'), fileURLToPath(import.meta.url), '--child', file, out],
    { stdio: 'inherit' }
  )
  try {
    return JSON.parse(readFileSync(out, 'utf8')) as BenchResult[]
  } catch {
    return [{ name: `exited ${child.status ?? child.signal} without results`, value: 0, unit: '', pass: false }]
  } finally {
    rmSync(out, { force: true })
  }
}

const rows: { file: string; row: BenchResult }[] = []
for (const file of files) {
  console.log(`[bench] ${file} …`)
  for (const row of runInChild(file)) rows.push({ file, row })
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
  `${number(row.value, row.unit === 'ms' ? 0 : 2)} ${row.unit}`.trim() +
    (row.min !== undefined && row.max !== undefined
      ? ` (${number(row.min, row.unit === 'ms' ? 0 : 2)}–${number(row.max, row.unit === 'ms' ? 0 : 2)}${row.runs ? `, ${row.runs} runs` : ''})`
      : ''),
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
const minutes = (performance.now() - startedMs) / 60_000
console.log(`\nbench: ${rows.length} rows, ${failed} failed, in ${minutes.toFixed(1)} min`)

/** A table cell: no pipe or newline from a row's text breaks the Markdown table. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')
const load = (l: number[]): string => l.map((n) => n.toFixed(2)).join(', ')
const markdown = [
  `\`npm run bench\`${filters.length ? ` (${filters.join(' ')})` : ''} on ${startedAt.toISOString().slice(0, 10)}, ` +
    `${minutes.toFixed(1)} min, load average (1, 5, 15 min) ${load(loadBefore)} before and ${load(loadavg())} after. ` +
    'Values are median (min–max, runs).',
  '',
  '| bench | row | input | measured | target | result |',
  '|---|---|---|---|---|---|',
  ...table.map(([bench, name, input, value, split, ratio, target, result]) =>
    '| ' +
    [bench, name, input, [value, split && `split ${split}`, ratio].filter(Boolean).join(', '), target, result]
      .map(cell)
      .join(' | ') +
    ' |'
  ),
  ''
].join('\n')
const markdownFile = resolve(here, '../test-output/bench.md')
mkdirSync(dirname(markdownFile), { recursive: true })
writeFileSync(markdownFile, markdown)
if (printMarkdown) console.log(`\n${markdown}`)
console.log(`bench: Markdown rows for README in ${markdownFile}`)
process.exit(failed > 0 ? 1 : 0)
