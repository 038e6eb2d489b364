/**
 * Time to first insight over ssh, as the user sees it (issue #16): in Chromium (browser mode, the real
 * backend and the built renderer) the user clicks the lab sshd's alias in the sidebar; the real probe
 * runs over ssh and is held right after its topology part, so the topology is drawn while the NAT
 * rules, published ports and conntrack tabs still say "…"/waiting. Then the hold is released and the
 * whole snapshot arrives.
 *
 * The hold is streaming.test.ts's, with no clock: after the first section of the probe's second part
 * (`iptables.version`) the probe waits for a file on this machine (the host the lab sshd serves), which
 * the test creates after its checks and screenshots (and in `finally`, so a failing test never leaves a
 * probe waiting). The wait is bounded (120 s) and leaves a `timed-out` file when it ran out, which fails
 * the test. Both files live in a directory of the test's own, removed after.
 * Writes test-output/screenshots/progressive-ssh-{topology,nat}-<lang>.png (copied to docs/screenshots).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { probeScriptPath } from '../../src/main/capture/run-probe'
import { snapshotFromSource } from '../../src/main/sources/index'
import type { ServiceDeps } from '../../src/main/service/deps'
import { chromiumAvailable, launchChromium, openApp, screenshot, startApp, type RunningApp } from '../e2e/support/browser'
import { gotoView, waitForSnapshot } from '../e2e/support/app-page'
import './support/provided'

const skipReason = inject('liveSkip')
const ssh = inject('labSsh')
// Only look for Chromium when the lab exists (under NETLENS_REQUIRE_ALL_TIERS=1 a missing one throws).
const haveChromium = skipReason ? false : chromiumAvailable()

const FIRST_LATE_SECTION = "nl_run_kept iptables.version 'iptables -V' nl_x iptables -V\n"
const LAB_CONTAINER = 'nllab-web'

/** The probe that waits for `go` after its topology part (at most 120 s, then leaves `timedOut`). */
function heldProbe(go: string, timedOut: string): string {
  const probe = readFileSync(probeScriptPath(), 'utf8')
  expect(probe.split(FIRST_LATE_SECTION)).toHaveLength(2)
  return probe.replace(
    FIRST_LATE_SECTION,
    `${FIRST_LATE_SECTION}nl_wait=0\nwhile [ ! -e '${go}' ]; do\n  [ "$nl_wait" -lt 1200 ] || { : >'${timedOut}'; break; }\n  sleep 0.1\n  nl_wait=$((nl_wait + 1))\ndone\n`
  )
}

/** The real deps, except that the lab alias is captured with the held probe (through the real ssh path). */
function holdingDeps(alias: string, configFile: string, probeScript: string) {
  return (real: ServiceDeps): ServiceDeps => ({
    ...real,
    snapshotFromSource: (source, opts) =>
      source === `ssh:${alias}`
        ? snapshotFromSource(source, { ...opts, sshConfigFile: configFile, probeScript })
        : real.snapshotFromSource(source, opts)
  })
}

const tabCount = (page: Page, tab: string): Promise<string> =>
  page.locator(`[data-tab=${tab}] [data-testid=tab-count]`).innerText()

for (const locale of ['en', 'zh-CN'] as const) {
  // An app per language: the backend keeps a host's snapshot, so a second page would show it at once.
  describe.skipIf(skipReason || !haveChromium)(`progressive snapshot over ssh in Chromium (${locale})`, () => {
    let dir = ''
    const go = (): string => join(dir, 'go')
    const timedOut = (): string => join(dir, 'timed-out')
    const release = (): void => {
      if (dir) writeFileSync(go(), '')
    }
    let app: RunningApp | null = null
    let browser: Browser | null = null

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'netlens-live-progressive-ssh-'))
      const alias = ssh!.aliases.ok
      app = await startApp({
        sshConfigFile: ssh!.configFile,
        deps: holdingDeps(alias, ssh!.configFile, heldProbe(go(), timedOut()))
      })
      browser = await launchChromium()
    })

    afterAll(async () => {
      release()
      await browser?.close().catch((e: unknown) => console.warn(`progressive-ssh: closing Chromium failed: ${String(e)}`))
      await app?.close().catch((e: unknown) => console.warn(`progressive-ssh: closing browser mode failed: ${String(e)}`))
      if (dir) rmSync(dir, { recursive: true, force: true })
    })

    it(`draws the lab topology while the probe is held, then the whole snapshot (${locale})`, async () => {
      const hostId = `ssh:${ssh!.aliases.ok}`
      const page = await openApp(browser!, app!, locale)
      try {
        // A first start shows the lesson host; wait for it so its capture cannot race with ours.
        await page.waitForSelector('.host.selected', { timeout: 60_000 })
        await waitForSnapshot(page)
        await page.click(`[data-host-id="${hostId}"]`)
        await gotoView(page, 'topology')
        // The lab's wiring, read over ssh, is drawn while the probe on the host still waits.
        await page.waitForSelector(
          `[data-testid=topology-nodes] button[data-node-id^="container:"][aria-label*="${LAB_CONTAINER}"]`,
          { timeout: 90_000 }
        )
        expect(await page.locator(`.host.selected[data-host-id="${hostId}"] .dot.connecting`).count()).toBe(1)
        expect(existsSync(go())).toBe(false)
        await page.waitForTimeout(400) // the chart draws its labels on the next frames (a screenshot, no assertion)
        await screenshot(page, 'progressive-ssh-topology', locale)

        await gotoView(page, 'nat')
        for (const tab of ['rules', 'ports', 'conntrack']) expect(await tabCount(page, tab)).toBe('…')
        await page.locator('[data-testid=rules-pending]').waitFor()
        // Nor a false 0 on the owner filters while the rules are still read.
        expect(new Set(await page.locator('[data-testid=owner-count]').allInnerTexts())).toEqual(new Set(['…']))
        await screenshot(page, 'progressive-ssh-nat', locale)
        await page.click('[data-tab=ports]')
        await page.locator('[data-testid=ports-pending]').waitFor()
        await page.click('[data-tab=conntrack]')
        await page.locator('[data-testid=conntrack-pending]').waitFor()

        release()
        await page.waitForSelector(`.host.selected[data-host-id="${hostId}"] .dot.connected`, { timeout: 90_000 })
        expect(existsSync(timedOut())).toBe(false)
        await expect.poll(() => page.locator('[data-testid=conntrack-pending]').count()).toBe(0)
        for (const tab of ['rules', 'ports', 'conntrack']) expect(await tabCount(page, tab)).toMatch(/^[\d,]+$/)
        await page.click('[data-tab=rules]')
        expect(await page.locator('[data-testid=rules-pending]').count()).toBe(0)
        expect(await page.locator('[data-owner=all] [data-testid=owner-count]').innerText()).toBe(await tabCount(page, 'rules'))
        // The lab publishes a port to nllab-web: its DNAT rule is there once the whole snapshot arrived.
        expect(await tabCount(page, 'ports')).not.toBe('0')
      } finally {
        release()
        await page.context().close()
      }
    })
  })
}
