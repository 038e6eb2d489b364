/**
 * Traffic in an incident (issue 15, item 3), in Chromium on the lab-mirror training host: each
 * container measured once with its host veth one click away, one small chart per subject, a search
 * box, top talkers without idle rows that follow the bits/packets switch, one direction convention
 * on screen, bridges named by their network, and a labelled Stop button.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { gotoView, openOnHost } from './support/app-page'

const run = chromiumAvailable()

async function startSampling(page: Page): Promise<void> {
  await gotoView(page, 'traffic')
  await page.click('[data-testid=start-sampling]')
  await page.waitForSelector('[data-testid=traffic-card] [data-testid=traffic-chart] canvas', { timeout: 30_000 })
  await expect.poll(() => page.locator('[data-testid=top-talkers] tr').count(), { timeout: 15_000 }).toBeGreaterThan(0)
}

const labels = (page: Page): Promise<string[]> => page.locator('[data-testid=traffic-subject] .name').allInnerTexts()

describe.skipIf(!run)('traffic', () => {
  const s = appSession()

  for (const locale of ['en', 'zh-CN'] as const)
    it(`measures each container once, one chart per subject, host end one click away (${locale})`, async () => {
      const page = await openApp(s.browser, s.app, locale)
      await openOnHost(page, 'sim:lab-mirror')
      await startSampling(page)
      const names = await labels(page)
      expect(new Set(names).size).toBe(names.length)
      for (const c of ['nllab-web', 'nllab-db', 'nllab-default'])
        expect(names.filter((n) => n === `${c} · eth0`)).toHaveLength(1)
      // Host veths are not subjects of their own; bridges carry their network's name.
      expect(names.some((n) => /^veth[0-9a-f]+$/.test(n))).toBe(false)
      expect(names).toContain('nllab-front (br-6573…)')

      const checked = await page.locator('[data-testid=traffic-subject] input:checked').count()
      expect(checked).toBeGreaterThan(0)
      expect(await page.locator('[data-testid=traffic-card]').count()).toBe(checked)

      // The host veth, one click away: a second chart in the same card.
      const card = page
        .locator('[data-testid=traffic-card]', { has: page.locator('[data-testid=toggle-host-end]') })
        .first()
      expect(await card.locator('[data-testid=traffic-chart]').count()).toBe(1)
      await card.locator('[data-testid=toggle-host-end]').click()
      await expect.poll(() => card.locator('[data-testid=traffic-chart]').count()).toBe(2)

      // One direction convention, said on screen.
      expect(await page.locator('[data-testid=traffic-directions]').innerText()).toMatch(
        locale === 'en'
          ? /↑ sent[\s\S]*↓ received[\s\S]*as the container sees it/
          : /↑ 发送[\s\S]*↓ 接收[\s\S]*以容器的视角计/
      )
      expect(await page.locator('[data-testid=stop-sampling]').innerText()).toBe(locale === 'en' ? '■ Stop' : '■ 停止')

      // Hover: a crosshair with the values (drawn on the canvas; the screenshot shows it).
      const box = (await card.locator('[data-testid=traffic-chart]').first().boundingBox())!
      await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2)
      await page.waitForTimeout(300)
      await screenshot(page, 'traffic-hover', locale)
      await page.click('[data-testid=pause-sampling]')
      await page.context().close()
    })

  it('keeps the hover crosshair and its values while new samples arrive', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await startSampling(page)
    const chart = page.locator('[data-testid=traffic-chart]').first()
    // Read from the chart's own canvas: the crosshair is drawn in the axis grey (#6b7280 in the light
    // theme), which nothing else uses inside the plot; the time labels below it change with each sample.
    const look = (): Promise<{ crosshair: number; timeAxis: string }> =>
      chart.evaluate((el) => {
        let crosshair = 0
        let timeAxis = ''
        for (const canvas of el.querySelectorAll('canvas')) {
          const ctx = canvas.getContext('2d')
          if (!ctx || canvas.clientWidth === 0) continue
          const dpr = canvas.width / canvas.clientWidth
          const [x0, x1] = [Math.ceil(68 * dpr), Math.floor(canvas.width - 16 * dpr)]
          const [y0, y1] = [Math.ceil(12 * dpr), Math.floor(canvas.height - 26 * dpr)]
          const plot = ctx.getImageData(x0, y0, x1 - x0, y1 - y0).data
          for (let i = 0; i < plot.length; i += 4) {
            const grey =
              Math.abs(plot[i] - 107) < 14 && Math.abs(plot[i + 1] - 114) < 14 && Math.abs(plot[i + 2] - 128) < 14
            if (grey && plot[i + 3] > 200) crosshair++
          }
          const axis = ctx.getImageData(0, canvas.height - 20 * dpr, canvas.width, 20 * dpr).data
          let sum = 0
          for (let i = 0; i < axis.length; i += 4) sum = (sum * 31 + axis[i] + axis[i + 1] * 7) % 1_000_000_007
          timeAxis += `${sum};`
        }
        return { crosshair, timeAxis }
      })
    expect((await look()).crosshair).toBe(0)

    const box = (await chart.boundingBox())!
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2)
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 })
    await expect.poll(async () => (await look()).crosshair, { timeout: 10_000 }).toBeGreaterThan(20)
    // Two new samples drawn (the time labels moved twice), the mouse still: the crosshair stays.
    for (let i = 0; i < 2; i++) {
      const before = (await look()).timeAxis
      await expect.poll(async () => (await look()).timeAxis, { timeout: 15_000 }).not.toBe(before)
    }
    expect((await look()).crosshair).toBeGreaterThan(20)
    await screenshot(page, 'traffic-crosshair-kept', 'en')
    await page.click('[data-testid=pause-sampling]')
    await page.context().close()
  })

  it('finds a subject by name, and says so while the list is filtered', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await startSampling(page)
    const all = (await labels(page)).length
    await page.fill('[data-testid=traffic-search]', 'nllab-db')
    await expect.poll(async () => (await labels(page)).every((l) => l.includes('nllab-db'))).toBe(true)
    expect((await labels(page)).length).toBeLessThan(all)
    expect(await page.locator('[data-testid=filters-active]').innerText()).toContain('nllab-db')
    await page.click('[data-testid=filters-clear]')
    await expect.poll(async () => (await labels(page)).length).toBe(all)
    await page.click('[data-testid=pause-sampling]')
    await page.context().close()
  })

  it('top talkers list only what moves, in the unit of the metric shown', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await startSampling(page)
    const rows = page.locator('[data-testid=top-talkers] tr')
    const texts = await rows.locator('.num').allInnerTexts()
    expect(texts.length).toBeGreaterThan(0)
    for (const t of texts) {
      expect(t).toMatch(/b\/s/)
      expect(t.replace(/\s+/g, ' ')).not.toMatch(/↑0 b\/s ↓0 b\/s/)
    }
    const talkerNames = await rows.locator('.name').allInnerTexts()
    expect(new Set(talkerNames).size).toBe(talkerNames.length)
    await page.click('[data-metric=packets]')
    await expect
      .poll(async () => (await rows.locator('.num').allInnerTexts()).every((t) => t.includes('pkt/s')))
      .toBe(true)
    await page.click('[data-metric=errors]')
    await expect.poll(() => rows.count()).toBe(0)
    await page.click('[data-testid=pause-sampling]')
    await page.context().close()
  })
})
