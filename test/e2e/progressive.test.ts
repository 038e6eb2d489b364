/**
 * Time to first insight (issue 16), as the user sees it: while a host's conntrack table is still being
 * read, the topology is already drawn and the Connections tab says what it is waiting for. The capture
 * is held at that stage by the test (the real capture runs, its partial snapshot is pushed, and its
 * answer waits for the test to release it), so the screenshots never depend on a race with a clock.
 * Writes test-output/screenshots/progressive-{topology,conntrack}-<lang>.png (copied to docs/screenshots).
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { gotoView, waitForSnapshot } from './support/app-page'
import type { ServiceDeps } from '../../src/main/service/deps'

const run = chromiumAvailable()
const HELD_SOURCE = 'sim:lab-mirror'

/** The capture of HELD_SOURCE stops after its topology until release() is called. */
let release: () => void = () => undefined

function holdAfterTopology(real: ServiceDeps): ServiceDeps {
  return {
    ...real,
    async snapshotFromSource(source, opts) {
      const whole = await real.snapshotFromSource(source, { ...opts, onTopology: undefined })
      if (source !== HELD_SOURCE || !whole.ok || !opts.onTopology) return whole
      const held = new Promise<void>((resolve) => (release = resolve))
      opts.onTopology({ ...whole.value, conntrack: { ...whole.value.conntrack, entries: [] } }, ['conntrack'])
      await held
      return whole
    }
  }
}

async function selectHeldHost(page: Page): Promise<void> {
  await page.waitForSelector('.host.selected', { timeout: 60_000 })
  await waitForSnapshot(page)
  await page.click(`[data-host-id="${HELD_SOURCE}"]`)
}

for (const locale of ['en', 'zh-CN'] as const) {
  // A session per language: the backend keeps a host's snapshot, so a second page would show it at once.
  describe.skipIf(!run)(`progressive snapshot: topology before conntrack (${locale})`, () => {
    const s = appSession({ deps: holdAfterTopology })

    it(`draws the topology while the conntrack table is still read (${locale})`, async () => {
      const page = await openApp(s.browser, s.app, locale)
      try {
        await selectHeldHost(page)
        await gotoView(page, 'topology')
        // The wiring of the held host is drawn while its capture has not answered yet.
        await page.waitForSelector(
          '[data-testid=topology-nodes] button[data-node-id^="container:"][aria-label*="nllab-web"]',
          { timeout: 60_000 }
        )
        expect(await page.locator(`.host.selected[data-host-id="${HELD_SOURCE}"] .dot.connecting`).count()).toBe(1)
        await page.waitForTimeout(400)
        await screenshot(page, 'progressive-topology', locale)

        await gotoView(page, 'nat')
        await page.click('[data-tab=conntrack]')
        const pending = page.locator('[data-testid=conntrack-pending]')
        await pending.waitFor()
        expect(await pending.innerText()).toMatch(locale === 'en' ? /conntrack/ : /conntrack|连接跟踪/)
        await screenshot(page, 'progressive-conntrack', locale)

        release()
        await page.waitForSelector(`.host.selected[data-host-id="${HELD_SOURCE}"] .dot.connected`, {
          timeout: 60_000
        })
        await expect.poll(() => pending.count()).toBe(0)
        await page.waitForSelector('[data-testid=conntrack-row]')
      } finally {
        release()
        await page.context().close()
      }
    })
  })
}
