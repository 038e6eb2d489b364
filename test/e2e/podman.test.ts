/**
 * Podman in the UI, in Chromium (issue #20): the training host "Docker and Podman on one host"
 * (runtime filter beside the network filter, runtime badges, the Podman port held by conmon, its
 * rules owned by podman, the finding and its lesson) and the real rootless capture of the lab
 * opened as a file (the rootless container with its user, tap and forwarders), with screenshots in
 * English and Chinese.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { gotoView, openOnHost, waitForSnapshot } from './support/app-page'
import { FIXTURES_DIR } from '../support/fixtures'

const run = chromiumAvailable()
const HOST = 'sim:docker-and-podman'

/** Opens a container's details from the topology search. */
async function details(page: Page, name: string): Promise<string> {
  await page.fill('[data-testid=topology-search]', name)
  await page.press('[data-testid=topology-search]', 'Enter')
  await page.waitForSelector('[data-testid=details-runtime]')
  return page.locator('[data-testid=details-panel]').innerText()
}

describe.skipIf(!run)('Podman in the UI', () => {
  const s = appSession()

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`Docker and Podman on one host: badges, runtime filter, ports, rules, diagnose (${locale})`, async () => {
      const page = await openApp(s.browser, s.app, locale)
      await openOnHost(page, HOST)
      await gotoView(page, 'topology')
      await page.waitForSelector('[data-testid=topology-chart] canvas')
      const filter = page.locator('[data-testid=runtime-filter]')
      expect(await filter.locator('option').allInnerTexts()).toEqual([
        locale === 'en' ? 'All runtimes' : '全部运行时',
        'Docker',
        'Podman'
      ])
      await page.waitForTimeout(500)
      await screenshot(page, 'podman-topology', locale)

      const api = await details(page, 'api')
      expect(api).toContain('Podman')
      expect(api).toContain('podman1')
      await screenshot(page, 'podman-details', locale)
      await page.fill('[data-testid=topology-search]', '')

      // Podman only: Docker's network lane goes, the Filters-active bar names the runtime.
      // The lane names (the network filter's options list every network whatever is shown).
      const lanes = async (): Promise<string> => (await page.locator('.lanes .lane-name').allInnerTexts()).join('\n')
      expect(await lanes()).toContain('front')
      await filter.selectOption('podman')
      await expect.poll(lanes).not.toContain('front')
      expect(await page.locator('[data-testid=filters-active]').innerText()).toContain('Podman')
      await page.click('[data-testid=filters-clear]')
      // Cleared: Docker's lanes are back and no filter is named any more.
      await expect.poll(lanes).toContain('front')
      expect(await page.locator('[data-testid=filters-active]').count()).toBe(0)

      await gotoView(page, 'nat')
      await page.click('[data-tab=ports]')
      const port = page.locator('[data-testid=published-port]', { hasText: '8090' })
      expect(await port.innerText()).toMatch(/conmon pid=\d+ 0\.0\.0\.0:8090/)
      expect(await port.innerText()).toContain('NETAVARK-DN-')
      await screenshot(page, 'podman-nat-ports', locale)
      await page.click('[data-tab=rules]')
      await page.click('[data-owner=podman]')
      const rules = await page.locator('[data-testid=nat-rule]').allInnerTexts()
      expect(rules.length).toBeGreaterThan(10)
      expect(rules.every((r) => /NETAVARK/.test(r))).toBe(true)

      await gotoView(page, 'diagnose')
      await page.waitForSelector('[data-testid=finding]')
      const finding = await page.locator('[data-testid=finding]').first().innerText()
      expect(finding).toContain(locale === 'en' ? 'never reaches api' : '到不了 api')
      expect(finding).toContain('iptables -I DOCKER-USER -o podman1')
      await screenshot(page, 'podman-diagnose', locale)
      await page.context().close()
    })
  }

  it('the lesson “Docker and Podman on one host” (zh-CN)', async () => {
    const page = await openApp(s.browser, s.app, 'zh-CN')
    await openOnHost(page, HOST)
    await gotoView(page, 'training')
    await page.locator('[data-testid=lesson]', { hasText: '同一台主机上的 Docker 与 Podman' }).locator('[data-testid=lesson-start]').click()
    await page.waitForSelector('[data-testid=lesson-step]')
    expect(await page.locator('[data-testid=lesson-step]').innerText()).toContain('podman1')
    await screenshot(page, 'podman-lesson', 'zh-CN')
    for (let guard = 0; guard < 10 && (await page.locator('[data-testid=lesson-step]').count()); guard++)
      await page.click('[data-testid=lesson-next]')
    await page.click('[data-testid=lesson-choice] >> nth=0')
    await page.click('[data-testid=lesson-submit]')
    expect(await page.locator('[data-testid=lesson-grade]').innerText()).toContain('回答正确')
    await page.context().close()
  })

  it('the real rootless capture, opened as a file: the container with its user, tap and forwarders', async () => {
    const cap = readFileSync(join(FIXTURES_DIR, 'capture/debian-12-podman-4.3/probe--rootless-user.cap'), 'utf8')
    for (const locale of ['en', 'zh-CN'] as const) {
      const page = await openApp(s.browser, s.app, locale)
      await page.waitForSelector('.host.selected[data-host-id^="sim:"]', { timeout: 60_000 })
      await page.setInputFiles('[data-testid=file-input]', {
        name: `rootless-${locale}.cap`,
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(cap)
      })
      const host = page.locator('.host[data-host-id^="file:"]', { hasText: `rootless-${locale}.cap` })
      await host.waitFor({ timeout: 30_000 })
      await page.waitForSelector(`.host.selected[data-host-id="${await host.getAttribute('data-host-id')}"]`)
      await waitForSnapshot(page)
      await gotoView(page, 'topology')
      await page.waitForSelector('[data-testid=topology-chart] canvas')
      const text = await details(page, 'nllab-pod-rl')
      expect(text).toContain(locale === 'en' ? 'rootless, user nllabpod' : 'rootless，用户 nllabpod')
      expect(text).toMatch(/slirp4netns pid=\d+ serves \/tmp\/podman-run-1001\/netns\/netns-\S+ \(tap0\)/)
      expect(text).toMatch(/rootlessport pid=\d+ \*:8091/)
      expect(text).toContain(
        locale === 'en' ? 'rootless: no veth on the host, slirp4netns carries its traffic' : 'rootless：宿主机上没有 veth，由 slirp4netns 转发它的流量'
      )
      await page.waitForTimeout(300)
      await screenshot(page, 'podman-rootless', locale)
      await gotoView(page, 'nat')
      await page.click('[data-tab=ports]')
      const port = page.locator('[data-testid=published-port]', { hasText: '8091' })
      expect(await port.locator('.badge.info').innerText()).toBe(
        locale === 'en' ? 'rootless Podman: its forwarder carries it' : 'rootless Podman：由它的转发进程转发'
      )
      await page.context().close()
    }
  })
})
