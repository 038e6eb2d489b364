/**
 * The incident screens for people to look at (issue 15): the states a DOM assertion cannot judge —
 * a crosshair over a traffic chart, a trace pointing at its cause, a busy graph fitted to the window,
 * live rates as edge widths, the details of a veth, the IPv6 side of a port, the first launch — in
 * English and 简体中文, light and dark. Written to test-output/screenshots/incident-*.png; the README
 * gallery in docs/screenshots is copied from them. Each shot first checks that what it shows is there.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { gotoView, openOnHost } from './support/app-page'

const run = chromiumAvailable()
const shot = (page: Page, name: string, locale: string): Promise<string> => screenshot(page, `incident-${name}`, locale)

describe.skipIf(!run)('incident gallery', () => {
  const s = appSession()

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`traffic, topology and details on the lab mirror (${locale})`, async () => {
      const page = await openApp(s.browser, s.app, locale)
      await openOnHost(page, 'sim:lab-mirror')
      await gotoView(page, 'traffic')
      await page.click('[data-testid=start-sampling]')
      await page.waitForSelector('[data-testid=traffic-card] canvas', { timeout: 30_000 })
      await page.waitForTimeout(5000)
      const chart = (await page.locator('[data-testid=traffic-chart]').first().boundingBox())!
      // Moved in steps from the chart's left edge: one jump to the point does not always reach ECharts'
      // hover handling (the zh-CN shot had no crosshair).
      await page.mouse.move(chart.x + 4, chart.y + chart.height * 0.5)
      await page.mouse.move(chart.x + chart.width * 0.72, chart.y + chart.height * 0.5, { steps: 8 })
      await page.waitForTimeout(300)
      expect(await page.locator('[data-testid=traffic-card]').count()).toBeGreaterThan(1)
      await shot(page, 'traffic', locale)

      await gotoView(page, 'topology')
      await page.waitForSelector('[data-testid=topology-legend]')
      const web = page.locator(
        '[data-testid=topology-nodes] button[data-node-id^="container:"][aria-label*="nllab-web"]'
      )
      await web.focus()
      await page.keyboard.press('Enter')
      await page.waitForSelector('[data-testid=details-panel]')
      await page.waitForTimeout(400)
      await shot(page, 'topology', locale)

      const veth = page.locator('[data-testid=topology-nodes] button[data-node-id^="iface:host:veth"]').first()
      await veth.focus()
      await page.keyboard.press('Enter')
      await expect.poll(() => page.locator('[data-testid=details-master]').count()).toBe(1)
      // Numbers in the chosen language: 11.4万 packets in Chinese, 114K in English (the exact count as a tooltip).
      const packets = page.locator('[data-testid=details-counters] tbody tr').first().locator('td').nth(1)
      expect(await packets.innerText()).toMatch(locale === 'en' ? /^\d+(\.\d)?K$/ : /^\d+(\.\d)?万$/)
      expect(await packets.getAttribute('title')).toMatch(/^\d{1,3}(,\d{3})+$/)
      await page.locator('[data-testid=details-panel] details.raw summary').click()
      await page.waitForTimeout(200)
      await shot(page, 'details', locale)
      await page.click('[data-testid=pause-sampling]').catch(() => undefined)
      await page.context().close()
    })

    it(`a trace pointing at its cause, the IPv6 port, the first launch (${locale})`, async () => {
      const page = await openApp(s.browser, s.app, locale)
      await page.waitForSelector('[data-testid=sample-banner]', { timeout: 60_000 })
      await shot(page, 'first-launch', locale)

      await openOnHost(page, 'sim:nat-mode-no-masquerade')
      await gotoView(page, 'diagnose')
      await page.fill('[data-testid=trace-from]', 'app')
      await page.fill('[data-testid=trace-to]', '203.0.113.10:443')
      await page.click('[data-testid=trace-run]')
      await page.click('[data-testid=trace-jump-cause]')
      await page.waitForSelector('[data-testid=verdict-hop].on')
      await shot(page, 'trace', locale)

      await openOnHost(page, 'sim:lab-mirror')
      await gotoView(page, 'nat')
      await page.click('[data-tab=ports]')
      await page.waitForSelector('[data-testid=published-port][data-path=proxy-ipv6]')
      await shot(page, 'nat-ports', locale)
      await page.context().close()
    })
  }

  it('the busy host fitted to a large window, dark (zh-CN)', async () => {
    const page = await openApp(s.browser, s.app, 'zh-CN', { viewport: { width: 1920, height: 1080 }, theme: 'dark' })
    await openOnHost(page, 'sim:busy-host')
    await gotoView(page, 'traffic')
    await page.click('[data-testid=start-sampling]')
    await page.waitForSelector('[data-testid=traffic-card] canvas', { timeout: 30_000 })
    await page.waitForTimeout(3000)
    await gotoView(page, 'topology')
    await page.click('[data-testid=topology-fit]')
    await page.waitForTimeout(600)
    expect(await page.locator('[data-testid=topology-legend]').count()).toBe(1)
    await shot(page, 'topology-busy-dark', 'zh-CN')
    await page.click('[data-testid=topology-reset]')
    await page.waitForTimeout(400)
    await shot(page, 'topology-busy-rates-dark', 'zh-CN')
    await page.context().close()
  })
})
