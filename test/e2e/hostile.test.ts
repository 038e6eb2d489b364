/**
 * The UI in Chromium opening the hostile corpus's capture (test/fixtures/hostile/names.cap): no
 * markup in a name runs, every bidi control in host data is shown as a visible mark in every view,
 * and the page logs no error (the console guard fails the test otherwise).
 */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { gotoView, waitForSnapshot } from './support/app-page'
import { BIDI_CONTROL, hostileFile } from '../support/hostile-corpus'

const run = chromiumAvailable()

describe.skipIf(!run)('a hostile capture in the UI', () => {
  const s = appSession()

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`opens names.cap: no script runs, bidi controls are visible marks in every view (${locale})`, async () => {
      const page = await openApp(s.browser, s.app, locale)
      const dialogs: string[] = []
      page.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.dismiss()
      })
      await page.waitForSelector('.host.selected', { timeout: 60_000 })
      const file = hostileFile('names.cap')
      await page.setInputFiles('[data-testid=file-input]', {
        name: file.name,
        mimeType: 'application/octet-stream',
        buffer: readFileSync(file.path)
      })
      await page.waitForSelector('.host.selected[data-host-id^="file:names.cap"]', { timeout: 60_000 })
      await waitForSnapshot(page)

      const shown: Record<string, string> = {}
      for (const view of ['topology', 'nat', 'traffic', 'diagnose']) {
        await gotoView(page, view)
        await page.waitForTimeout(300)
        shown[view] = await page.locator('body').innerText()
        expect(shown[view], `raw bidi control in the ${view} view`).not.toMatch(BIDI_CONTROL)
        await screenshot(page, `hostile-${view}`, locale)
      }

      // The names are there, with their controls marked: web's override, the network's, def's isolates.
      await gotoView(page, 'topology')
      await page.fill('[data-testid=topology-search]', 'gnp.exe')
      await page.press('[data-testid=topology-search]', 'Enter')
      await page.waitForSelector('[data-testid=details-panel]')
      const details = await page.locator('[data-testid=details-panel]').innerText()
      expect(details).toContain('⟨U+202E⟩gnp.exe')
      expect(details).not.toMatch(BIDI_CONTROL)
      await screenshot(page, 'hostile-details', locale)
      expect(shown.diagnose).toContain('net1⟨U+202E⟩;reboot')
      expect(shown.nat).toContain('⟨U+202E⟩')

      // Markup in a name is text: the img tag is shown, never created, and its handler never runs.
      await page.fill('[data-testid=topology-search]', 'onerror')
      await page.press('[data-testid=topology-search]', 'Enter')
      await page.waitForFunction(() =>
        document.querySelector('[data-testid=details-panel]')?.textContent?.includes('onerror')
      )
      expect(await page.locator('[data-testid=details-panel]').innerText()).toContain(
        '<img src=x onerror="window.__pwned=1">'
      )
      expect(await page.locator('img[src=x]').count()).toBe(0)
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
      expect(dialogs).toEqual([])
      await page.context().close()
    })
  }
})
