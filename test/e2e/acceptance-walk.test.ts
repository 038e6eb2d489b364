/**
 * The incident UI's acceptance walk (issue 15): every view at 1280×720 and 1920×1080, light and dark,
 * in English and 简体中文, on the lab mirror (the simulator's copy of the live test lab). Each stop
 * checks what a screenshot reviewer would otherwise have to spot: the page never scrolls sideways,
 * the view's own area does not overflow, every top-bar control is inside the window, and nothing is
 * written to the console (the session's console guard fails the file otherwise). The screenshots
 * (test-output/screenshots/walk-*.png) are for people to look at.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { gotoView, layoutProblems, openOnHost, unreachableByKeyboard } from './support/app-page'

const run = chromiumAvailable()

interface Stop {
  view: string
  /** Brings the view into the state worth looking at, once it is shown. */
  prepare?: (page: Page) => Promise<void>
  name?: string
}

const stops: Stop[] = [
  {
    view: 'topology',
    prepare: async (page) =>
      void (await page.waitForSelector('[data-testid=topology-nodes] button', { state: 'attached' }))
  },
  { view: 'nat', name: 'nat-rules' },
  {
    view: 'nat',
    name: 'nat-conntrack',
    prepare: async (page) => {
      await page.click('[data-tab=conntrack]')
      await page.waitForSelector('[data-testid=ct-count]')
    }
  },
  {
    view: 'traffic',
    prepare: async (page) => {
      await page.click('[data-testid=start-sampling]')
      await page.waitForSelector('[data-testid=traffic-card] canvas', { timeout: 30_000 })
    }
  },
  {
    view: 'diagnose',
    prepare: async (page) => {
      await page.fill('[data-testid=trace-from]', 'nllab-default')
      await page.fill('[data-testid=trace-to]', '198.51.100.2:80')
      await page.click('[data-testid=trace-run]')
      await page.waitForSelector('[data-testid=trace-verdict]')
    }
  },
  { view: 'training' },
  { view: 'packets' },
  { view: 'fleet' }
]

const combos = [
  { locale: 'en', width: 1280, height: 720, theme: 'light' },
  { locale: 'en', width: 1280, height: 720, theme: 'dark' },
  { locale: 'en', width: 1920, height: 1080, theme: 'light' },
  { locale: 'en', width: 1920, height: 1080, theme: 'dark' },
  { locale: 'zh-CN', width: 1280, height: 720, theme: 'light' },
  { locale: 'zh-CN', width: 1920, height: 1080, theme: 'dark' }
] as const

describe.skipIf(!run)('acceptance walk: every view, two sizes, light and dark, en and zh-CN', () => {
  const s = appSession()

  for (const c of combos) {
    it(`${c.width}×${c.height} ${c.theme} ${c.locale}`, async () => {
      const page = await openApp(s.browser, s.app, c.locale, {
        viewport: { width: c.width, height: c.height },
        theme: c.theme
      })
      await openOnHost(page, 'sim:lab-mirror')
      // The keyboard check sees a clickable-looking element that Tab cannot reach (then it is removed).
      await page.evaluate(() => {
        const probe = document.createElement('div')
        probe.id = 'walk-probe'
        probe.style.cssText = 'cursor:pointer;width:20px;height:20px'
        probe.textContent = 'probe'
        document.body.appendChild(probe)
      })
      expect(await unreachableByKeyboard(page)).toEqual(['div. "probe"'])
      await page.evaluate(() => document.getElementById('walk-probe')?.remove())
      const problems: string[] = []
      for (const stop of stops) {
        await gotoView(page, stop.view)
        await stop.prepare?.(page)
        await page.waitForTimeout(250)
        const name = stop.name ?? stop.view
        for (const p of await layoutProblems(page)) problems.push(`${name}: ${p}`)
        for (const el of await unreachableByKeyboard(page))
          problems.push(`${name}: clickable but not reachable by keyboard: ${el}`)
        await screenshot(page, `walk-${c.width}x${c.height}-${c.theme}-${name}`, c.locale)
      }
      await gotoView(page, 'traffic')
      await page.click('[data-testid=pause-sampling]').catch(() => undefined)
      expect(problems).toEqual([])
      await page.context().close()
    })
  }
})
