/**
 * UI speed in Debian Chromium: first render of the topology for a generated snapshot with 1,000
 * containers on 4 bridges (layout + option + ECharts until 'finished'), and filtering 262,144
 * conntrack rows through the precomputed index. test/e2e/support/ui-bench/ is built with Vite and served on 127.0.0.1.
 */
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { extname, join, resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import { build } from 'vite'
import { CHROMIUM, launchChromium } from '../test/e2e/support/chromium'

export interface UiBenchRow {
  name: string
  value: number
  unit: string
  target: number
  pass: boolean
}

const root = resolve(import.meta.dirname, '..')
const outDir = resolve(root, 'test-output/bench-ui')
const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }

export async function run(): Promise<UiBenchRow[]> {
  if (!existsSync(CHROMIUM)) {
    const message = `Chromium not found at ${CHROMIUM}: UI bench skipped.`
    if (process.env.NETLENS_REQUIRE_ALL_TIERS === '1') throw new Error(message)
    console.warn(`\n${'!'.repeat(70)}\n!! ${message}\n${'!'.repeat(70)}\n`)
    return []
  }
  await build({
    configFile: false,
    root: resolve(root, 'test/e2e/support/ui-bench'),
    base: './',
    logLevel: 'warn',
    resolve: { alias: { '@renderer': resolve(root, 'src/renderer/src'), '@shared': resolve(root, 'src/shared') } },
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 }
  })
  const server = createServer(async (req, res) => {
    const path = join(outDir, decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\/+/, '') || 'index.html')
    if (!path.startsWith(outDir)) return void res.writeHead(403).end()
    try {
      const body = await readFile(path)
      res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(`http://127.0.0.1:${port}/index.html`)
    await page.waitForFunction(() => typeof (globalThis as unknown as { runBench?: unknown }).runBench === 'function')
    const result = (await page.evaluate(() =>
      (globalThis as unknown as { runBench: () => Promise<unknown> }).runBench()
    )) as {
      topology: { grouped: number; expanded: number }
      conntrack: { indexMs: number; filterMs: number; rows: number }
    }
    const r = (v: number): number => Math.round(v * 10) / 10
    return [
      {
        name: 'UI: first topology render, 1,000 containers on 4 bridges (grouped)',
        value: r(result.topology.grouped),
        unit: 'ms',
        target: 1500,
        pass: result.topology.grouped < 1500
      },
      {
        name: 'UI: topology render with one 250-container bridge opened',
        value: r(result.topology.expanded),
        unit: 'ms',
        target: 1500,
        pass: result.topology.expanded < 1500
      },
      {
        name: `UI: filter ${result.conntrack.rows.toLocaleString('en')} conntrack rows (worst of 5 filters)`,
        value: r(result.conntrack.filterMs),
        unit: 'ms',
        target: 200,
        pass: result.conntrack.filterMs < 200 && result.conntrack.rows === 262_144
      },
      {
        name: 'UI: build the conntrack index once per snapshot (262,144 rows)',
        value: r(result.conntrack.indexMs),
        unit: 'ms',
        target: 1500,
        pass: result.conntrack.indexMs < 1500
      }
    ]
  } finally {
    await browser.close()
    server.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run())
    console.log(`${row.pass ? 'PASS' : 'FAIL'} ${row.name}: ${row.value} ${row.unit} (target < ${row.target})`)
}
