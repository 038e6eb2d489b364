/**
 * Scenario authoring in the app (#19 item 4), browser mode: a training host saved as a scenario
 * ("Save as training scenario…") and as an exercise ("New exercise from this host": pick the
 * finding, write the question in both languages), through the backend API into the user's folder;
 * then opened from the training list and walked to a pass, graded by the diagnose engine.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { scenarioFolderSession } from './support/scenario-folder'
import { layoutProblems, openOnHost, waitForSnapshot } from './support/app-page'

const run = chromiumAvailable()
const HOST = 'sim:nat-mode-no-masquerade'

const QUESTION = {
  en: 'Outbound calls from app hang. What is wrong, and where?',
  'zh-CN': 'app 容器的对外连接一直卡住。哪里出了什么问题？'
}

async function openAuthoring(page: Page, kind: 'scenario' | 'exercise'): Promise<void> {
  await page.selectOption('[data-testid=authoring-menu]', kind)
  await page.waitForSelector('[data-testid=save-scenario-dialog]')
}

describe.skipIf(!run)('saving a host as a training scenario', () => {
  const folder = scenarioFolderSession('netlens-e2e-authoring-')
  const session = appSession()

  it('Save as training scenario…: written to the folder, listed as a training host, opened', async () => {
    const page = await openApp(session.browser, session.app, 'en')
    await openOnHost(page, HOST)
    await openAuthoring(page, 'scenario')
    await page.click('[data-testid=save-scenario-save]')
    const saved = page.locator('[data-testid=save-scenario-saved]')
    await saved.waitFor({ timeout: 30_000 })
    expect(await saved.innerText()).toContain('sim:from-host1')
    expect(readdirSync(folder.path)).toEqual(['from-host1.yaml'])
    expect(readFileSync(join(folder.path, 'from-host1.yaml'), 'utf8')).toMatch(/^# NetLens training scenario/)
    await page.click('[data-testid=save-scenario-open]')
    await page.waitForSelector('.host.selected[data-host-id="sim:from-host1"] .dot.connected', { timeout: 60_000 })
    await page.context().close()
  })

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`New exercise from this host: pick the finding, write the question, walk it to a pass (${locale})`, async () => {
      const page = await openApp(session.browser, session.app, locale)
      await openOnHost(page, HOST)
      // The menu fits the top bar with everything else (a select is as wide as its longest item).
      expect(await layoutProblems(page)).toEqual([])
      await openAuthoring(page, 'exercise')
      const save = page.locator('[data-testid=save-scenario-save]')
      // Nothing picked, no question: the dialog says what is missing and does not save.
      expect(await save.isDisabled()).toBe(true)
      await page.waitForSelector('[data-testid=save-scenario-finding]', { timeout: 30_000 })
      const rows = page.locator('.save-scenario .findings label')
      const masquerade = rows.filter({ hasText: 'missing-masquerade' })
      expect(await masquerade.count()).toBe(1)
      await masquerade.locator('input').check()
      if (locale === 'zh-CN') await page.check('[data-testid=save-scenario-anonymize]')
      expect(await page.locator('[data-testid=save-scenario-problem]').innerText()).toBe(
        locale === 'en' ? 'Write the question in both languages.' : '请用两种语言写好题目。'
      )
      await page.fill('[data-testid=save-scenario-question-en]', QUESTION.en)
      await page.fill('[data-testid=save-scenario-question-zh-CN]', QUESTION['zh-CN'])
      expect(await save.isDisabled()).toBe(false)
      await screenshot(page, 'new-exercise-dialog', locale)
      await save.click()
      await page.waitForSelector('[data-testid=save-scenario-saved]', { timeout: 30_000 })
      await screenshot(page, 'new-exercise-saved', locale)

      // Open it: the training view on the exercise, on the saved host.
      await page.click('[data-testid=save-scenario-open]')
      const body = page.locator('[data-testid=lesson-body]')
      await body.waitFor({ timeout: 30_000 })
      await waitForSnapshot(page)
      const hostId = await page.getAttribute('.host.selected', 'data-host-id')
      expect(hostId).toMatch(locale === 'en' ? /^sim:from-host1-2$/ : /^sim:anonymized-host/)
      expect(await body.innerText()).toContain(QUESTION[locale])
      // The exercise is in the training list too.
      const listed = page.locator('[data-testid=lesson]', {
        hasText: locale === 'en' ? 'What is broken on this host?' : '这台主机哪里出了问题？'
      })
      expect(await listed.count()).toBeGreaterThanOrEqual(1)

      // A wrong answer fails, the finding passes (graded by the diagnose engine).
      const choices = page.locator('[data-testid=lesson-check] label.choice')
      const label = locale === 'en' ? 'the MASQUERADE rule is missing' : '缺少 MASQUERADE 规则'
      const texts = await choices.allInnerTexts()
      const right = texts.findIndex((t) => t.includes(label))
      expect(right).toBeGreaterThanOrEqual(0)
      const wrong = right === 0 ? 1 : 0
      await choices.nth(wrong).locator('input').check()
      await page.click('[data-testid=lesson-submit]')
      await page.waitForSelector('[data-testid=lesson-grade].fail')
      await choices.nth(right).locator('input').check()
      await page.click('[data-testid=lesson-submit]')
      const grade = page.locator('[data-testid=lesson-grade].pass')
      await grade.waitFor()
      expect(await grade.innerText()).toContain(locale === 'en' ? 'The diagnose engine reports' : '诊断引擎报告')
      await screenshot(page, 'new-exercise-passed', locale)
      await page.context().close()
    })
  }

  it('the anonymized exercise holds none of the host names: the file is scanned', () => {
    const anonymized = readdirSync(folder.path).filter((f) => f.startsWith('anonymized-host'))
    expect(anonymized.length).toBe(1)
    const text = readFileSync(join(folder.path, anonymized[0]), 'utf8')
    for (const secret of ['host1', 'busybox', '10.10.0.11', '172.17.0.2']) expect(text).not.toContain(secret)
  })
})
