/**
 * Lessons, first launch and 简体中文 (issue 15, items 10 to 12), in Chromium: a lesson link opens
 * the view and tab its step talks about (and starts sampling for a traffic step), inline code is
 * rendered, a step is done when its target was opened (not on Next), a passed lesson shows its answer
 * and "Not quite" appears once; the training host is labelled sample data with "Capture this machine"
 * and "Add SSH host" beside it, a host that cannot be captured is not kept without asking, removing
 * asks, names are never cut without a tooltip, dates follow the locale, and the Chinese UI has no
 * English left in it.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { gotoView, openOnHost, waitForSnapshot } from './support/app-page'

const run = chromiumAvailable()

/** `nl-down` resolves to a closed port on loopback: a capture that fails at once, no DNS, no network. */
const SSH_CONFIG = 'Host nl-*\n  HostName 127.0.0.1\n  Port 9\n  UserKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n'

async function openLesson(page: Page, title: RegExp): Promise<void> {
  await gotoView(page, 'training')
  await page.locator('[data-testid=lesson]', { hasText: title }).locator('[data-testid=lesson-start]').click()
  await page.waitForSelector('[data-testid=lesson-step], [data-testid=lesson-check]')
}

async function stepTo(page: Page, text: RegExp): Promise<void> {
  for (let i = 0; i < 8; i++) {
    if (text.test(await page.locator('[data-testid=lesson-step]').innerText())) return
    await page.click('[data-testid=lesson-next]')
  }
  throw new Error(`no lesson step matches ${text}`)
}

describe.skipIf(!run)('lessons, first launch and Chinese', () => {
  const s = appSession({ sshConfig: SSH_CONFIG })

  it('a lesson link opens the tab its step talks about; a step is done when opened, not on Next', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await waitForSnapshot(page)
    await openLesson(page, /NAT mode: why replies come back/)
    expect(await page.locator('[data-testid=lesson-step-state]').innerText()).toMatch(/^Open /)
    // Inline code is code, not backticks.
    const code = page.locator('[data-testid=lesson-step] .step-text code')
    expect(await code.first().innerText()).toBe('-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE')
    expect(await page.locator('[data-testid=lesson-step] .step-text').innerText()).not.toContain('`')
    await page.click('[data-testid=lesson-next]')
    // Next moved on without marking the first step done.
    expect(await page.locator('[data-testid=lesson-step-button] >> nth=0').innerText()).toBe('1')

    await stepTo(page, /conntrack table/)
    expect(await page.locator('[data-testid=lesson-goto]').innerText()).toBe('Open NAT → Connections (conntrack)')
    await page.click('[data-testid=lesson-goto]')
    await page.waitForSelector('[data-testid=view-nat]')
    expect(await page.getAttribute('[data-tab=conntrack]', 'aria-selected')).toBe('true')
    await page.waitForSelector('[data-testid=conntrack-row]')

    await gotoView(page, 'training')
    expect(await page.locator('[data-testid=lesson-step-state]').innerText()).toMatch(/^✓ Done/)
    await stepTo(page, /Watch ens33/)
    await page.click('[data-testid=lesson-goto]')
    await page.waitForSelector('[data-testid=view-traffic]')
    await page.waitForSelector('[data-testid=pause-sampling]', { timeout: 30_000 })
    await gotoView(page, 'training')
    expect(await page.locator('[data-testid=lesson-step-state]').innerText()).toMatch(/^✓ Done/)
    // The step circles are buttons, reachable by keyboard.
    const circles = page.locator('[data-testid=lesson-step-button]')
    expect(await circles.first().evaluate((el) => el.tagName)).toBe('BUTTON')
    expect(await circles.allInnerTexts()).toEqual(['1', '✓', '✓'])
    await screenshot(page, 'lesson-steps', 'en')
    await page.context().close()
  })

  it('"Not quite" once; a passed lesson shows its answer when opened again', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await waitForSnapshot(page)
    await openLesson(page, /What is a virtual network/)
    await page.click('[data-testid=lesson-check-button]')
    await page.locator('[data-testid=lesson-choice] >> nth=1').check()
    await page.click('[data-testid=lesson-submit]')
    const grade = page.locator('[data-testid=lesson-grade]')
    await grade.waitFor()
    expect((await grade.innerText()).match(/Not quite/g)).toHaveLength(1)
    await page.locator('[data-testid=lesson-choice] >> nth=0').check()
    await page.click('[data-testid=lesson-submit]')
    await expect.poll(() => grade.innerText()).toMatch(/^✓ Correct/)
    await page.reload()
    await waitForSnapshot(page)
    await openLesson(page, /What is a virtual network/)
    await page.waitForSelector('[data-testid=lesson-check]')
    expect(await page.locator('[data-testid=lesson-choice] >> nth=0').isChecked()).toBe(true)
    await expect.poll(() => grade.innerText()).toMatch(/^✓ Correct[\s\S]*veth pair/)
    await page.context().close()
  })

  it('first launch: sample data, "Capture this machine" and "Add SSH host" right there', async () => {
    const page = await openApp(s.browser, s.app, 'en', { browserLocale: 'en-GB' })
    await waitForSnapshot(page)
    const banner = page.locator('[data-testid=sample-banner]')
    expect(await banner.innerText()).toMatch(/sample data[\s\S]*not a machine of yours/i)
    expect(await banner.locator('[data-testid=capture-this-machine]').innerText()).toBe('Capture this machine')
    expect(await page.locator('.group-title', { hasText: 'Training' }).innerText()).toContain('sample data')
    // Dates in the browser's own English: 12/01/2026 in en-GB, not the US 1/12/2026.
    expect(await page.locator('.host.selected .meta').first().innerText()).toContain('12/01/2026')
    // Names cut by the sidebar always carry the whole name in a tooltip.
    for (const label of await page.locator('.host .label').all())
      expect(await label.getAttribute('title')).toBe(await label.innerText())
    expect(await page.getAttribute('[data-testid=current-host]', 'title')).toContain('Virtual network')
    await screenshot(page, 'first-launch', 'en')

    await banner.locator('[data-testid=banner-add-ssh]').click()
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('ssh-alias')
    expect(await page.locator('[data-testid=add-ssh-form] .sudo-hint').innerText()).toContain('never asks for a password')
    await page.context().close()
  })

  it('a host that cannot be captured is not kept without asking; removing a host asks', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await waitForSnapshot(page)
    await page.click('[data-testid=add-ssh-open]')
    await page.fill('[data-testid=ssh-alias]', 'nl-down')
    await page.click('[data-testid=ssh-add]')
    const dialog = page.locator('[data-testid=confirm-dialog]')
    await dialog.waitFor({ timeout: 60_000 })
    expect(await dialog.innerText()).toMatch(/Could not capture nl-down[\s\S]*Keep this host/)
    await screenshot(page, 'ssh-failed-ask', 'en')
    await page.click('[data-testid=confirm-cancel]') // Keep it
    const host = page.locator('.host[data-host-id="ssh:nl-down"]')
    expect(await host.count()).toBe(1)
    // Removing asks; Cancel keeps it, Remove removes it.
    await host.locator('[data-testid=host-remove]').click()
    expect(await dialog.innerText()).toMatch(/Remove nl-down\?[\s\S]*not touched/)
    await page.keyboard.press('Escape')
    expect(await host.count()).toBe(1)
    await host.locator('[data-testid=host-remove]').click()
    await page.click('[data-testid=confirm-ok]')
    await expect.poll(() => host.count()).toBe(0)
    await page.context().close()
  })

  it('the Chinese UI says everything in Chinese, with one term per concept', async () => {
    const page = await openApp(s.browser, s.app, 'zh-CN')
    await openOnHost(page, 'sim:lab-mirror')
    const english = /\b(running|exited|Local|network: |container: |Captured|Filters|Legend|Fit|sent|received)\b/
    const banned = /名称空间|名字空间|虚拟化网络|抓取/
    for (const view of ['topology', 'nat', 'traffic', 'diagnose', 'training'] as const) {
      await gotoView(page, view)
      await page.waitForTimeout(300)
      const text = await page.locator('body').innerText()
      expect(text, view).not.toMatch(english)
      expect(text, view).not.toMatch(banned)
    }
    await gotoView(page, 'topology')
    await page.locator('[data-testid=topology-nodes] button[data-node-id="container:nllab-db"]').focus()
    await page.keyboard.press('Enter')
    const details = await page.locator('[data-testid=details-panel]').innerText()
    expect(details).toContain('运行中')
    expect(details).not.toMatch(english)
    await gotoView(page, 'diagnose')
    await page.fill('[data-testid=trace-from]', 'nllab-default')
    await page.fill('[data-testid=trace-to]', '198.51.100.2:80')
    await page.click('[data-testid=trace-run]')
    await page.waitForSelector('[data-testid=trace-verdict]')
    const trace = await page.locator('[data-testid=trace-stepper]').innerText()
    expect(trace).toContain('源地址')
    expect(trace).not.toMatch(/\b(src|dst|Hop|egress|ingress)\b/)
    await screenshot(page, 'trace', 'zh-CN')
    await page.context().close()
  })
})
