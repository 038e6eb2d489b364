/**
 * The Fleet view end to end in Chromium (browser mode, the real backend), in English and Chinese:
 * the broken multi-host training fleet (table, findings across hosts, the overlay drawn across
 * hosts, a row that opens its host), and several capture files opened at once. Screenshots:
 * test-output/screenshots/fleet-<locale>.png and fleet-files-en.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { gotoView } from './support/app-page'
import { scenarioCaptureText } from '../support/fleet-fixtures'

const run = chromiumAvailable()
const dir = mkdtempSync(join(tmpdir(), 'netlens-e2e-fleet-'))

describe.skipIf(!run)('Fleet view', () => {
  const session = appSession()
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`opens the broken training fleet: table, findings across hosts, overlay drawing (${locale})`, async () => {
      const page = await openApp(session.browser, session.app, locale)
      await page.waitForSelector('.host.selected', { timeout: 60_000 })
      await gotoView(page, 'fleet')
      await page.waitForSelector('[data-testid=fleet-scenario] option[value=overlay-fleet-broken]', {
        state: 'attached'
      })
      await page.selectOption('[data-testid=fleet-scenario]', 'overlay-fleet-broken')
      await page.click('[data-testid=fleet-open-scenario]')
      await page.waitForSelector('[data-testid=fleet-row]', { timeout: 60_000 })

      const rows = page.locator('[data-testid=fleet-row]')
      expect(await rows.count()).toBe(3)
      expect(await page.locator('[data-testid=fleet-row] .name').allInnerTexts()).toEqual(['node1', 'node2', 'node3'])
      for (const text of await rows.allInnerTexts())
        expect(text).toMatch(/20\.10\.24\+dfsg1[\s\S]*nf_tables[\s\S]*2\/2/)
      const ids = await page
        .locator('[data-testid=fleet-finding]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-finding-id')))
      expect(ids.sort()).toEqual(['fleet-overlay-vni-mismatch', 'fleet-vtep-missing', 'fleet-vtep-unknown'])
      const vni = page.locator('[data-finding-id=fleet-overlay-vni-mismatch]')
      expect(await vni.innerText()).toContain(locale === 'en' ? 'Overlay appnet uses different VNIs' : 'VNI 不一样')
      await page.waitForSelector('[data-testid=fleet-overlay] canvas')
      await page.waitForTimeout(600)
      await screenshot(page, 'fleet', locale)

      // A second click on a sorted column reverses it; a row opens its host in the topology view.
      await page.click('th[data-sort=label] button')
      expect(await page.locator('[data-testid=fleet-row] .name').first().innerText()).toBe('node3')
      await page.click('[data-testid=fleet-row][data-host-id="sim:overlay-fleet-broken#node2"]')
      await page.waitForSelector('[data-testid=view-topology]')
      await page.waitForSelector('.host.selected[data-host-id="sim:overlay-fleet-broken#node2"]')
      await page.context().close()
    })
  }

  it('opens several capture files at once', async () => {
    const files = ['node1', 'node2', 'node3'].map((n) => {
      const path = join(dir, `${n}.cap`)
      writeFileSync(path, scenarioCaptureText('overlay-fleet', n))
      return path
    })
    const page = await openApp(session.browser, session.app, 'en')
    await page.waitForSelector('.host.selected', { timeout: 60_000 })
    await gotoView(page, 'fleet')
    await page.setInputFiles('[data-testid=fleet-files]', files)
    await page.waitForSelector('[data-testid=fleet-row]', { timeout: 60_000 })
    expect(await page.locator('[data-testid=fleet-row] .name').allInnerTexts()).toEqual(['node1', 'node2', 'node3'])
    expect(await page.locator('[data-testid=fleet-summary]').innerText()).toBe(
      '3 hosts · 3 ok · 0 partial · 0 not captured'
    )
    expect(await page.locator('[data-testid=fleet-finding]').count()).toBe(0)
    await page.waitForSelector('[data-testid=fleet-overlay] canvas')
    await page.waitForTimeout(600)
    await screenshot(page, 'fleet-files', 'en')
    // The files are hosts of their own now, listed in the sidebar.
    expect(await page.locator('.host[data-host-id="file:node2.cap"]').count()).toBe(1)
    await page.context().close()
  })
})
