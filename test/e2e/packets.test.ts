/**
 * The Packets view in Chromium on the training host (nat-mode): "Capture packets" from a
 * container's Details panel opens the view on its veth; the capture lists the scenario's flows
 * packet by packet with the SNAT note, in English and Chinese; the uplink shows the same flow after
 * MASQUERADE; Save .pcap downloads a file the pcap reader reads. Screenshots:
 * test-output/screenshots/packets-<lang>.png.
 */
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { readPcap } from '../../src/shared/packets/pcap'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { gotoView, openOnHost } from './support/app-page'

const run = chromiumAvailable()

describe.skipIf(!run)('Packets view on the training host', () => {
  const session = appSession()

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`Capture packets from app's details: the SNAT rewrite packet by packet (${locale})`, async () => {
      const page = await openApp(session.browser, session.app, locale)
      await openOnHost(page, 'sim:nat-mode')
      await gotoView(page, 'topology')
      await page.fill('[data-testid=topology-search]', 'app')
      await page.press('[data-testid=topology-search]', 'Enter')
      await page.waitForSelector('[data-testid=details-panel]')
      await page.click('[data-testid=details-panel] [data-testid=details-capture]')
      await page.waitForSelector('[data-testid=view-packets]')
      await page.click('[data-testid=packet-start]')
      await page.waitForSelector('[data-testid=packet-row]', { timeout: 30_000 })
      const rows = page.locator('[data-testid=packet-row]')
      expect(await rows.count()).toBeGreaterThan(0)
      const first = await rows.first().innerText()
      expect(first).toMatch(/172\.17\.0\.2:\d+ \(app\)/)
      expect(first).toMatch(
        locale === 'en'
          ? /SNAT by MASQUERADE to 10\.10\.0\.11 on the way out/
          : /将由 MASQUERADE 做 SNAT，改为 10\.10\.0\.11/
      )
      await page.waitForFunction(() => !document.querySelector('[data-testid=packet-stop]'), undefined, {
        timeout: 30_000
      })
      expect(await page.locator('[data-testid=packet-status]').innerText()).toMatch(
        locale === 'en' ? /Ended/ : /已结束/
      )
      await rows.first().click()
      expect(await page.locator('[data-testid=packet-detail]').innerText()).toMatch(
        /-A POSTROUTING -s 172\.17\.0\.0\/16 ! -o docker0 -j MASQUERADE/
      )
      await screenshot(page, 'packets', locale)

      // The same flow on the uplink: after MASQUERADE, the host's address and app named behind it.
      await page.selectOption('[data-testid=packet-target]', 'i:ens33')
      await page.click('[data-testid=packet-start]')
      await page.waitForFunction(() => !document.querySelector('[data-testid=packet-stop]'), undefined, {
        timeout: 30_000
      })
      const uplink = await page.locator('[data-testid=packet-row]').first().innerText()
      expect(uplink).toMatch(/10\.10\.0\.11:\d+ \(host\)/)
      expect(uplink).toMatch(
        locale === 'en' ? /SNAT by MASQUERADE of app 172\.17\.0\.2/ : /由 MASQUERADE 做 SNAT，原为 app 172\.17\.0\.2/
      )

      if (locale === 'en') {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=packet-save]')])
        expect(download.suggestedFilename()).toMatch(/^sim_nat-mode-pc-.+\.pcap$/)
        const file = readPcap(new Uint8Array(await readFile((await download.path()) as string)))
        expect(file.warnings).toEqual([])
        expect(file.records.length).toBeGreaterThan(0)
      }
      await page.context().close()
    })
  }
})
