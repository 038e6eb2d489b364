/**
 * Every view on the training host, end to end in Chromium, in English and Chinese, with screenshots:
 * topology (+ details), NAT (rules, ports, conntrack), traffic, diagnose, the trace stepper and one
 * lesson. Plus XSS: a container named `<img src=x onerror=alert(1)>` renders as text only.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Snapshot } from '../../src/shared/snapshot/schema'
import { appSession, chromiumAvailable, openApp, screenshot, type AppSession } from './support/browser'
import { callApi, gotoView, waitForSnapshot } from './support/app-page'

const run = chromiumAvailable()
let session: AppSession

async function openTrainingHost(locale: 'en' | 'zh-CN'): Promise<{ page: Page; hostId: string; snapshot: Snapshot }> {
  const page = await openApp(session.browser, session.app, locale)
  page.on('dialog', (d) => void d.dismiss())
  await page.waitForSelector('.host.selected[data-host-id^="sim:"]', { timeout: 60_000 })
  await waitForSnapshot(page)
  const hostId = (await page.getAttribute('.host.selected', 'data-host-id')) as string
  const snap = await callApi<Snapshot>(page, session.app, 'getSnapshot', { hostId })
  expect(snap.ok).toBe(true)
  return { page, hostId, snapshot: snap.value as Snapshot }
}

describe.skipIf(!run)('views', () => {
  session = appSession()

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`topology with details, NAT, traffic (${locale})`, async () => {
      const { page, snapshot } = await openTrainingHost(locale)
      await gotoView(page, 'topology')
      await page.waitForSelector('[data-testid=topology-chart] canvas')
      await page.waitForTimeout(500)
      await screenshot(page, 'topology', locale)

      const container =
        snapshot.containers.find((c) => c.networkMode !== 'host' && c.networkMode !== 'none') ?? snapshot.containers[0]
      if (container) {
        await page.fill('[data-testid=topology-search]', container.name)
        await page.press('[data-testid=topology-search]', 'Enter')
        await page.waitForSelector('[data-testid=details-panel]')
        expect(await page.locator('[data-testid=details-panel]').innerText()).toContain(container.name)
        await screenshot(page, 'topology-details', locale)
        await page.fill('[data-testid=topology-search]', '')
      }

      await gotoView(page, 'nat')
      if (snapshot.nat.rules.length)
        expect(await page.locator('[data-testid=nat-rule]').count()).toBe(snapshot.nat.rules.length)
      await screenshot(page, 'nat-rules', locale)
      await page.click('[data-tab=ports]')
      expect(await page.locator('[data-testid=published-port]').count()).toBe(snapshot.publishedPorts.length)
      await screenshot(page, 'nat-ports', locale)
      await page.click('[data-tab=conntrack]')
      if (snapshot.conntrack.entries.length) {
        await page.waitForSelector('[data-testid=conntrack-row]')
        const rows = await page.locator('[data-testid=conntrack-row]').count()
        expect(rows).toBeGreaterThan(0)
        expect(rows).toBeLessThanOrEqual(Math.min(snapshot.conntrack.entries.length, 80))
      }
      await screenshot(page, 'nat-conntrack', locale)

      await gotoView(page, 'traffic')
      await page.click('[data-testid=start-sampling]')
      await page.waitForSelector('[data-testid=traffic-chart] canvas', { timeout: 30_000 })
      await page.waitForTimeout(3500)
      await screenshot(page, 'traffic', locale)
      await page.click('[data-testid=pause-sampling]')
      await page.context().close()
    })

    it(`diagnose, trace stepper and a lesson (${locale})`, async () => {
      const { page, snapshot } = await openTrainingHost(locale)
      await gotoView(page, 'diagnose')
      await page.waitForFunction(
        () =>
          document.querySelectorAll('[data-testid=finding]').length > 0 || document.querySelector('[data-state=empty]'),
        undefined,
        { timeout: 30_000 }
      )
      await screenshot(page, 'diagnose', locale)

      const from = snapshot.containers.find((c) => c.interfaces.length)?.name
      const port = snapshot.publishedPorts[0]
      const to = port ? `${port.hostIp === '0.0.0.0' ? '127.0.0.1' : port.hostIp}:${port.hostPort}` : '1.1.1.1:443'
      if (from) {
        await page.fill('[data-testid=trace-from]', from)
        await page.fill('[data-testid=trace-to]', to)
        await page.click('[data-testid=trace-run]')
        await page.waitForSelector('[data-testid=trace-verdict]', { timeout: 30_000 })
        if (await page.locator('[data-testid=trace-next]').count()) {
          await page.click('[data-testid=trace-next]')
          expect(await page.locator('[data-testid=trace-hop]').innerText()).toMatch(
            locale === 'en' ? /Hop 2 of/ : /第 2 跳/
          )
        }
        await screenshot(page, 'trace', locale)
      }

      await gotoView(page, 'training')
      await page.click('[data-testid=lesson-start] >> nth=0')
      await page.waitForSelector('[data-testid=lesson-step], [data-testid=lesson-check]')
      for (let guard = 0; guard < 20 && (await page.locator('[data-testid=lesson-step]').count()); guard++) {
        await page.click('[data-testid=lesson-goto]')
        await page.waitForTimeout(300)
        await gotoView(page, 'training')
        await page.waitForSelector('[data-testid=lesson-step], [data-testid=lesson-check]')
        const before = await page.locator('[data-testid=lesson-step]').innerText()
        await page.click('[data-testid=lesson-next]')
        await page.waitForFunction(
          (text) =>
            document.querySelector('[data-testid=lesson-check]') ||
            (document.querySelector('[data-testid=lesson-step]') as HTMLElement | null)?.innerText !== text,
          before
        )
      }
      await page.click('[data-testid=lesson-choice] >> nth=0')
      await page.click('[data-testid=lesson-submit]')
      await page.waitForSelector('[data-testid=lesson-grade]')
      await screenshot(page, 'lesson', locale)
      await page.context().close()
    })
  }

  it('renders a hostile container name as text and runs no script', async () => {
    const { page, snapshot } = await openTrainingHost('en')
    const victim = snapshot.containers.find((c) => c.interfaces.length) ?? snapshot.containers[0]
    expect(victim).toBeTruthy()
    const evil = '<img src=x onerror=alert(1)>'
    // Replace the name everywhere it appears as a whole JSON string (container, namespaces, conntrack…).
    let json = JSON.stringify(snapshot).split(JSON.stringify(victim.name)).join(JSON.stringify(evil))
    // A second container sets a window flag if its name were ever run as markup.
    const second = snapshot.containers.find((c) => c !== victim)
    if (second)
      json = json.split(JSON.stringify(second.name)).join(JSON.stringify('<svg onload="window.__xss=true">x</svg>'))
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    const opened = await callApi<{ id: string }>(page, session.app, 'openFile', { name: 'xss-snapshot.json', content: json })
    expect(opened.ok).toBe(true)
    await page.reload()
    await page.evaluate(() => ((window as unknown as { __xss: boolean }).__xss = false))
    await page.click(`[data-host-id="${opened.value!.id}"]`)
    await waitForSnapshot(page)
    await gotoView(page, 'topology')
    await page.waitForSelector('[data-testid=topology-chart] canvas')
    await page.fill('[data-testid=topology-search]', 'onerror')
    await page.press('[data-testid=topology-search]', 'Enter')
    await page.waitForSelector('[data-testid=details-panel]')
    expect(await page.locator('[data-testid=details-panel]').innerText()).toContain(evil)
    await screenshot(page, 'xss-topology', 'en')
    await gotoView(page, 'nat')
    await page.click('[data-tab=conntrack]')
    await page.waitForTimeout(500)
    await gotoView(page, 'diagnose')
    await page.waitForTimeout(1000)
    expect(await page.locator('img[src=x]').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { __xss: boolean }).__xss)).toBe(false)
    expect(dialogs).toEqual([])
    await page.context().close()
  })
})
