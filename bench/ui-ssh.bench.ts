/**
 * Time to first insight in the app: browser mode (the real backend in this process, the built
 * renderer) in Debian Chromium, the lab sshd's host in the sidebar (bench/lab.ts: the running lab
 * as it is, or one brought up under the lab lock). Each run starts a fresh backend and page (no
 * snapshot of the host anywhere yet), clicks the SSH host and times, inside the page, from the click
 * until the topology lane of a lab bridge is on screen (the next animation frame after it appears):
 * the probe over ssh, parsing, the model, the transfer and the render. 5 runs. Target < 1.5 s.
 */
import { existsSync } from 'node:fs'
import { execa } from 'execa'
import type { Browser } from 'playwright-core'
import { startLabSshd, type LabSshd } from '../test/live/support/sshd'
import { CHROMIUM, ensureRendererBuilt, launchChromium, openApp, startApp } from '../test/e2e/support/browser'
import { labMissing, skippedRow, withLab } from './lab'
import type { BenchResult } from './run'
import { spread } from './stats'

const RUNS = 5
const TARGET_MS = 1500
const LAB_NETWORK = 'nllab-front'

/**
 * Clicks the host and resolves with the ms until the lane is drawn. Page code as text: a function
 * passed to page.evaluate would carry the TypeScript loader's helpers, which the page lacks.
 */
const CLICK_AND_WAIT = `(args) => new Promise((resolve, reject) => {
  const seen = () => document.querySelector('[data-lane="' + args.lane + '"]') !== null
  const host = document.querySelector('[data-host-id="' + args.host + '"]')
  if (!host) return reject(new Error('no sidebar entry for ' + args.host))
  if (seen()) return reject(new Error('the lane is on screen before the click'))
  let start = 0
  const timer = setTimeout(() => {
    observer.disconnect()
    reject(new Error('no lane ' + args.lane + ' within 60 s; lanes: ' + [...document.querySelectorAll('[data-lane]')].map((e) => e.getAttribute('data-lane')).join(', ')))
  }, 60000)
  const observer = new MutationObserver(() => {
    if (!seen()) return
    observer.disconnect()
    clearTimeout(timer)
    requestAnimationFrame(() => resolve(performance.now() - start))
  })
  observer.observe(document.body, { childList: true, subtree: true, attributes: true })
  start = performance.now()
  host.click()
})`

export async function run(): Promise<BenchResult[]> {
  const missing = await labMissing()
  if (missing) return [skippedRow('time to first insight', missing)]
  if (!existsSync(CHROMIUM)) return [skippedRow('time to first insight', `Chromium not found at ${CHROMIUM}`)]
  await ensureRendererBuilt()
  const result = await withLab(async () => {
    let sshd: LabSshd | null = null
    let browser: Browser | null = null
    try {
      const network = await execa('docker', ['network', 'inspect', LAB_NETWORK, '-f', '{{.Id}}'], { reject: false })
      if (network.exitCode !== 0) return [skippedRow('time to first insight', `the lab has no ${LAB_NETWORK} network`)]
      const lane = `lane:bridge:host:br-${network.stdout.trim().slice(0, 12)}`
      sshd = await startLabSshd()
      browser = await launchChromium()
      const host = `ssh:${sshd.aliases.ok}`
      const times: number[] = []
      for (let i = 0; i < RUNS; i++) {
        const app = await startApp({ sshConfigFile: sshd.configFile })
        try {
          const page = await openApp(browser, app, 'en')
          // The app opens on a training host; wait until it is shown, so only the click is timed.
          await page.waitForSelector('.host.selected .dot.connected', { timeout: 60_000 })
          await page.waitForSelector(`[data-host-id="${host}"]`, { timeout: 60_000 })
          // A first start opens the training view: the topology is what is timed.
          await page.click('button[data-view=topology]')
          await page.waitForSelector('[data-testid=view-topology]')
          times.push((await page.evaluate(`(${CLICK_AND_WAIT})(${JSON.stringify({ host, lane })})`)) as number)
          await page.context().close()
        } finally {
          await app.close()
        }
      }
      const s = spread(times)
      const row: BenchResult = {
        name: 'app: click an SSH host → its topology on screen (probe over ssh, model, render)',
        input: `lab over loopback ssh, Chromium, fresh backend each run`,
        value: Math.round(s.median),
        min: Math.round(s.min),
        max: Math.round(s.max),
        runs: s.runs,
        unit: 'ms',
        target: TARGET_MS,
        pass: s.median < TARGET_MS
      }
      return [row]
    } finally {
      await browser?.close()
      await sshd?.stop()
    }
  })
  return 'labFailed' in result ? [skippedRow('time to first insight', result.labFailed)] : result
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run())
    console.log(`${r.pass === undefined ? 'INFO' : r.pass ? 'PASS' : 'FAIL'} ${r.name}: ${r.value} ${r.unit}`)
}
