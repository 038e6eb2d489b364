/**
 * The UI in an incident (issue 15), the parts a DOM can prove: filters never carry over between
 * hosts and never hide rows silently (items 1), networks named beside bridge ids (2), counts that
 * match what is drawn (7), a healthy IPv6 port mapping that is not shown as a fault (8), and the
 * console guard itself.
 */
import { describe, expect, it } from 'vitest'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { consoleErrors } from './support/console-errors'
import { callApi, gotoView, openOnHost, selectHost } from './support/app-page'
import type { Snapshot } from '../../src/shared/snapshot/schema'

const run = chromiumAvailable()

describe.skipIf(!run)('filters, names and counts', () => {
  const s = appSession()

  it('a conntrack filter shows a "Filters active" bar, clears with one click, and never follows to the next host', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await gotoView(page, 'nat')
    await page.click('[data-tab=conntrack]')
    await page.waitForSelector('[data-testid=conntrack-row]')
    const all = await page.locator('[data-testid=ct-count]').innerText()
    const [, total] = /of (\d+)/.exec(all) ?? []
    expect(all).toBe(`${total} of ${total} connections`)
    expect(await page.locator('[data-testid=filters-active]').count()).toBe(0)

    await page.selectOption('[data-testid=ct-nat]', 'DNAT')
    const bar = page.locator('[data-testid=filters-active]')
    await expect.poll(() => bar.count()).toBe(1)
    expect(await bar.innerText()).toMatch(/Filters active:[\s\S]*NAT[\s\S]*DNAT/)
    expect(await page.locator('[data-testid=ct-count]').innerText()).not.toBe(all)
    await screenshot(page, 'filters-active', 'en')
    await page.click('[data-testid=filters-clear]')
    await expect.poll(() => bar.count()).toBe(0)
    expect(await page.locator('[data-testid=ct-count]').innerText()).toBe(all)

    // Set filters and trace inputs on this host, then switch hosts: nothing follows.
    await page.selectOption('[data-testid=ct-nat]', 'DNAT')
    await page.fill('[data-testid=ct-text]', '198.51')
    await gotoView(page, 'diagnose')
    await page.fill('[data-testid=trace-from]', 'nllab-web')
    await page.fill('[data-testid=trace-to]', '198.51.100.2:80')
    await selectHost(page, 'sim:nat-mode')
    expect(await page.inputValue('[data-testid=trace-from]')).toBe('')
    expect(await page.inputValue('[data-testid=trace-to]')).toBe('')
    await gotoView(page, 'nat')
    await page.click('[data-tab=conntrack]')
    await page.waitForSelector('[data-testid=ct-count]')
    expect(await page.locator('[data-testid=filters-active]').count()).toBe(0)
    expect(await page.inputValue('[data-testid=ct-text]')).toBe('')
    const next = await page.locator('[data-testid=ct-count]').innerText()
    const [, shown, of] = /^(\d+) of (\d+)/.exec(next) ?? []
    expect(shown).toBe(of)
    await page.context().close()
  })

  it('the rule owner and topology filters show the bar too', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await gotoView(page, 'nat')
    await page.click('[data-owner=user]')
    await expect.poll(() => page.locator('[data-testid=filters-active]').innerText()).toContain('user')
    await page.click('[data-testid=filters-clear]')
    expect(await page.locator('[data-testid=filters-active]').count()).toBe(0)
    await gotoView(page, 'topology')
    await page.fill('[data-testid=topology-search]', 'nllab-db')
    await expect.poll(() => page.locator('[data-testid=filters-active]').innerText()).toContain('nllab-db')
    await page.click('[data-testid=filters-clear]')
    expect(await page.inputValue('[data-testid=topology-search]')).toBe('')
    await page.context().close()
  })

  it('NAT rules name the network and container they belong to', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await gotoView(page, 'nat')
    const masquerade = page.locator('[data-testid=nat-rule]', { hasText: '-s 10.203.1.0/24 ! -o br-6573db8dd672' })
    expect(await masquerade.locator('[data-testid=rule-subjects]').innerText()).toContain('nllab-front')
    const dnat = page.locator('[data-testid=nat-rule]', { hasText: '--to-destination 10.203.1.10:80' })
    const subjects = await dnat.locator('[data-testid=rule-subjects]').innerText()
    expect(subjects).toContain('nllab-web')
    expect(subjects).toContain('nllab-front')
    await screenshot(page, 'nat-rules-names', 'en')
    await page.context().close()
  })

  it('the IPv6 side of a published port is Docker’s normal docker-proxy path, not a missing rule', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await gotoView(page, 'nat')
    await page.click('[data-tab=ports]')
    const v6 = page.locator('[data-testid=published-port]', { hasText: '[::]:18080/tcp' })
    expect(await v6.getAttribute('data-path')).toBe('proxy-ipv6')
    expect(await v6.locator('.badge.warning').count()).toBe(0)
    expect(await v6.locator('.badge.info').innerText()).toBe('IPv6 through docker-proxy')
    expect(await v6.innerText()).toContain('10.203.1.10:80')
    const v4 = page.locator('[data-testid=published-port]', { hasText: '0.0.0.0:18080/tcp' })
    expect(await v4.getAttribute('data-path')).toBe('dnat')
    await screenshot(page, 'nat-ports-ipv6', 'en')
    await page.context().close()
  })

  it('counts match what is drawn: namespaces without containers, and the busy host’s networks', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await gotoView(page, 'topology')
    const other = page.locator('.lane', { hasText: 'Other veths and namespaces' })
    expect(await other.locator('[data-testid=lane-count]').innerText()).toBe('1')
    expect(await other.locator('[data-testid=lane-count]').getAttribute('title')).toBe('1 namespaces without a container')

    await selectHost(page, 'sim:busy-host')
    const title = await page.locator('[data-testid=current-host]').innerText()
    const [, containers, networks] = /(\d+) containers on (\d+) networks/.exec(title) ?? []
    await page.waitForSelector('.lane')
    const lanes = page.locator('.lane')
    expect(await lanes.count()).toBe(Number(networks))
    const snapshot = await callApi<Snapshot>(page, s.app, 'getSnapshot', { hostId: 'sim:busy-host' })
    expect(snapshot.value!.containers.length).toBe(Number(containers))
    await page.context().close()
  })

  it('the console guard records console errors of the page (and this test clears what it provoked)', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await page.evaluate(() => console.error('provoked by the guard test'))
    await expect.poll(() => consoleErrors.some((e) => e.includes('provoked by the guard test'))).toBe(true)
    consoleErrors.length = 0
    await page.context().close()
  })
})
