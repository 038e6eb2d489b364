/**
 * The shell in a real browser: `npm start` behaviour on the training host, in English and Chinese,
 * with screenshots under test-output/screenshots (1280×800).
 */
import { describe, expect, it } from 'vitest'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { waitForSnapshot } from './support/app-page'

const run = chromiumAvailable()

describe.skipIf(!run)('shell', () => {
  const session = appSession()

  const expected = {
    en: ['Hosts', 'Topology', 'NAT', 'Traffic', 'Diagnose', 'Training', 'Lessons'],
    'zh-CN': ['主机', '拓扑', '地址转换', '流量', '诊断', '实训', '课程']
  } as const

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`opens on the training host with the first lesson offered (${locale})`, async () => {
      const page = await openApp(session.browser, session.app, locale)
      const dialogs: string[] = []
      page.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.dismiss()
      })
      await page.waitForSelector('.host.selected[data-host-id^="sim:"]', { timeout: 60_000 })
      await waitForSnapshot(page)
      await page
        .waitForSelector('[data-testid=view-training] .lesson.offered', { timeout: 30_000 })
        .catch(async (e) => {
          await screenshot(page, 'shell-failure', locale)
          throw e
        })
      const text = await page.locator('body').innerText()
      for (const word of expected[locale]) expect(text).toContain(word)
      expect(await page.getAttribute('html', 'lang')).toBe(locale)
      await screenshot(page, 'shell', locale)

      await page.keyboard.press('?')
      await page.waitForSelector('[role=dialog]')
      expect(await page.locator('[role=dialog]').innerText()).toContain(
        locale === 'en' ? 'Keyboard shortcuts' : '快捷键'
      )
      await screenshot(page, 'help', locale)
      await page.keyboard.press('Escape')

      await page.keyboard.press('Alt+1')
      await page.waitForSelector('[data-testid=topology-chart] canvas', { timeout: 30_000 })
      await page.click('[data-testid=theme]')
      await page.waitForTimeout(600)
      expect(await page.getAttribute('html', 'data-theme')).toBe('dark')
      await screenshot(page, 'shell-dark', locale)
      await page.click('[data-testid=theme]')
      expect(dialogs).toEqual([])
      await page.context().close()
    })
  }
})
