/**
 * Scenario files in the app (#19 item 1): a scenario in the user's folder is a training host in the
 * sidebar, and File → Open accepts a scenario file; both run the real pipeline.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { scenarioFolderSession } from './support/scenario-folder'
import { gotoView, selectHost, waitForSnapshot } from './support/app-page'
import { scenariosDir } from '../../src/main/sim/load'

const run = chromiumAvailable()

/** The shipped NAT scenario without MASQUERADE, renamed: an instructor's own exercise. */
const exercise = (id: string, en: string, zh: string): string =>
  readFileSync(join(scenariosDir(), 'nat-mode-no-masquerade.yaml'), 'utf8')
    .replace(/^id: .*$/m, `id: ${id}`)
    .replace(/^lesson: .*$/m, 'lesson: null')
    .replace(/^title:\n {2}en: .*\n {2}zh-CN: .*$/m, `title:\n  en: "${en}"\n  zh-CN: "${zh}"`)

describe.skipIf(!run)('scenario files', () => {
  scenarioFolderSession('netlens-e2e-scenarios-', () => ({
    'friday-outage.yaml': exercise('friday-outage', 'Friday outage: replies lost', '周五故障：回包丢失')
  }))
  const session = appSession()

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`lists a scenario from the user's folder with the training hosts and diagnoses it (${locale})`, async () => {
      const page = await openApp(session.browser, session.app, locale)
      await page.waitForSelector('.host.selected', { timeout: 60_000 })
      await waitForSnapshot(page)
      const mine = page.locator('[data-host-id="sim:friday-outage"]')
      await mine.waitFor({ timeout: 30_000 })
      expect(await mine.innerText()).toContain(locale === 'en' ? 'Friday outage: replies lost' : '周五故障：回包丢失')
      await selectHost(page, 'sim:friday-outage')
      await gotoView(page, 'diagnose')
      await page.waitForSelector('[data-finding-id=missing-masquerade], [data-testid=finding]', { timeout: 30_000 })
      expect(await page.locator('[data-testid=view-diagnose]').innerText()).toContain('MASQUERADE')
      await screenshot(page, 'scenario-from-user-folder', locale)
      await page.context().close()
    })
  }

  it('File → Open accepts a scenario file, and shows its errors with line and column', async () => {
    const page = await openApp(session.browser, session.app, 'en')
    await page.waitForSelector('.host.selected', { timeout: 60_000 })
    await waitForSnapshot(page)
    const accept = ((await page.getAttribute('[data-testid=file-input]', 'accept')) ?? '').split(',')
    expect(accept).toContain('.yaml')
    await page.setInputFiles('[data-testid=file-input]', {
      name: 'incident.yaml',
      mimeType: 'application/x-yaml',
      buffer: Buffer.from(exercise('incident', 'Incident', '事故'))
    })
    const host = page.locator('.host[data-host-id^="file:"]', { hasText: 'incident.yaml' })
    await host.waitFor({ timeout: 30_000 })
    await page.waitForSelector(`.host.selected[data-host-id="${await host.getAttribute('data-host-id')}"]`)
    await waitForSnapshot(page)
    expect(await page.locator('[data-testid=current-host]').innerText()).toContain('incident.yaml')

    await page.setInputFiles('[data-testid=file-input]', {
      name: 'broken.yaml',
      mimeType: 'application/x-yaml',
      buffer: Buffer.from('id: broken\nhosts:\n  - name: h\n    colour: red\n')
    })
    const box = page.locator('.error-box', { hasText: 'broken.yaml is not a valid scenario' })
    await box.waitFor({ timeout: 30_000 })
    await box.locator('button.link').click()
    expect(await box.innerText()).toContain('broken.yaml:4:5: hosts[0].colour')
    await screenshot(page, 'scenario-open-error', 'en')
    await page.context().close()
  })
})
