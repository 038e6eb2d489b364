/**
 * A trace that points at the cause and a conntrack table that is not buried in noise (issue 15,
 * items 4 and 5), in Chromium: the deciding hop marked with a jump to it, nested chain jumps, a list
 * that follows the current hop, the wide column, a way onto the topology for an unknown endpoint;
 * on-host flows hidden by default with one click to show them, IGMP by name, sortable columns and
 * an auto-refresh.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { callApi, gotoView, openOnHost, selectHost, waitForSnapshot } from './support/app-page'
import type { ConntrackEntry, Snapshot } from '../../src/shared/snapshot/schema'

const run = chromiumAvailable()

async function trace(page: Page, from: string, to: string): Promise<void> {
  await gotoView(page, 'diagnose')
  await page.fill('[data-testid=trace-from]', from)
  await page.fill('[data-testid=trace-to]', to)
  await page.click('[data-testid=trace-run]')
  await page.waitForSelector('[data-testid=trace-verdict]')
}

/** True when the current hop's row is inside the visible part of the hop list. */
const currentHopVisible = (page: Page): Promise<boolean> =>
  page.evaluate(() => {
    const list = document.querySelector('[data-testid=trace-hops]')!.getBoundingClientRect()
    const on = document.querySelector('[data-testid=trace-hops] li.on')!.getBoundingClientRect()
    return on.top >= list.top - 1 && on.bottom <= list.bottom + 1
  })

function entry(raw: string, src: string, dst: string, proto: string, sport: number | null, dport: number | null): ConntrackEntry {
  return {
    proto,
    state: proto === 'tcp' ? 'ESTABLISHED' : null,
    original: { src, dst, sport, dport },
    reply: { src: dst, dst: src, sport: dport, dport: sport },
    nat: 'none',
    containers: [],
    flags: [],
    timeout: 100,
    mark: 0,
    zone: null,
    raw
  }
}

describe.skipIf(!run)('trace and conntrack', () => {
  const s = appSession()

  it('marks the hop that decided, jumps to it, nests chain jumps and follows the current hop', async () => {
    const page = await openApp(s.browser, s.app, 'en', { viewport: { width: 1280, height: 720 } })
    await openOnHost(page, 'sim:nat-mode-no-masquerade')
    await trace(page, 'app', '203.0.113.10:443')
    expect(await page.locator('[data-testid=trace-verdict]').innerText()).toBe('No route')
    const cause = page.locator('[data-testid=verdict-hop]')
    expect(await cause.count()).toBe(1)
    expect(await cause.innerText()).toContain('cause')
    expect(await cause.evaluate((el) => getComputedStyle(el).borderLeftColor)).toBe('rgb(220, 38, 38)')

    // The trace has the wide column.
    const widths = await page.evaluate(() => ({
      trace: document.querySelector('[data-testid=trace-stepper]')!.getBoundingClientRect().width,
      findings: document.querySelector('.findings')!.getBoundingClientRect().width
    }))
    expect(widths.trace).toBeGreaterThan(widths.findings)

    // Chain jumps sit under the chain that jumped.
    const user = page.locator('[data-testid=trace-hops] li', { hasText: 'filter DOCKER-USER' }).first()
    const forward = page.locator('[data-testid=trace-hops] li', { hasText: 'filter FORWARD' }).first()
    expect(await user.getAttribute('data-depth')).toBe('1')
    expect(await forward.getAttribute('data-depth')).toBe('0')
    const kindX = async (li: typeof user): Promise<number> => (await li.locator('.kind').boundingBox())!.x
    expect(await kindX(user)).toBeGreaterThan(await kindX(forward))

    // Stepping keeps the current hop in view; "Jump to the cause" lands on it.
    await page.click('[data-testid=trace-hops] li >> nth=0 >> button')
    const total = await page.locator('[data-testid=trace-hops] li').count()
    for (let i = 1; i < total; i++) {
      await page.click('[data-testid=trace-next]')
      await expect.poll(() => currentHopVisible(page)).toBe(true)
    }
    await page.click('[data-testid=trace-hops] li >> nth=0 >> button')
    await page.click('[data-testid=trace-jump-cause]')
    await expect.poll(() => cause.getAttribute('class')).toContain('on')
    await expect.poll(() => currentHopVisible(page)).toBe(true)
    expect(await page.locator('[data-testid=trace-hop]').innerText()).toMatch(new RegExp(`Hop ${total} of ${total}`))
    await screenshot(page, 'trace-cause', 'en')
    await page.context().close()
  })

  it('offers the topology for an endpoint the trace could not place', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await trace(page, 'nllab-frontend', '198.51.100.2:80')
    expect(await page.locator('[data-testid=trace-verdict]').innerText()).toBe('Unknown')
    expect(await page.locator('[data-testid=trace-find-endpoint]').innerText()).toBe('Find “nllab-frontend” on the topology')
    await page.click('[data-testid=trace-find-endpoint]')
    await page.waitForSelector('[data-testid=view-topology]')
    expect(await page.inputValue('[data-testid=topology-search]')).toBe('nllab-frontend')
    expect(await page.locator('[data-testid=filters-active]').innerText()).toContain('nllab-frontend')

    // A netfilter hop has no node of its own: its link shows where the packet is at that moment.
    await trace(page, 'nllab-default', '198.51.100.2:80')
    await page.click('[data-testid=trace-hops] li:has-text("filter FORWARD") >> nth=0 >> button')
    expect(await page.locator('[data-testid=trace-show-hop]').innerText()).toBe('Show where it is on the topology')
    await page.click('[data-testid=trace-show-hop]')
    await page.waitForSelector('[data-testid=view-topology]')
    await expect.poll(() => page.locator('.badge.hl').count()).toBe(1)
    await page.context().close()
  })

  it('hides on-host flows until asked, names IGMP, and sorts by any column', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    const snap = (await callApi<Snapshot>(page, s.app, 'getSnapshot', { hostId: 'sim:lab-mirror' })).value!
    // The lab plus what every real Docker host has: loopback chatter, the host to itself, IGMP joins.
    snap.conntrack.entries.push(
      entry('ipv4     2 tcp      6 100 ESTABLISHED src=127.0.0.1 dst=127.0.0.1 sport=40000 dport=631', '127.0.0.1', '127.0.0.1', 'tcp', 40000, 631),
      entry('ipv4     2 tcp      6 100 ESTABLISHED src=10.88.0.2 dst=10.88.0.2 sport=40001 dport=22', '10.88.0.2', '10.88.0.2', 'tcp', 40001, 22),
      entry('ipv4     2 unknown  2 215 src=172.17.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.17.0.1 mark=0 use=1', '172.17.0.1', '224.0.0.22', 'unknown', null, null),
      entry('ipv4     2 unknown  2 215 src=10.203.1.10 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=10.203.1.10 mark=0 use=1', '10.203.1.10', '224.0.0.22', 'unknown', null, null)
    )
    snap.conntrack.total = snap.conntrack.entries.length
    const opened = await callApi<{ id: string }>(page, s.app, 'openFile', { name: 'lab-noisy.json', content: JSON.stringify(snap) })
    expect(opened.ok).toBe(true)
    await page.reload()
    await waitForSnapshot(page)
    await selectHost(page, opened.value!.id)
    await gotoView(page, 'nat')
    await page.click('[data-tab=conntrack]')
    await page.waitForSelector('[data-testid=conntrack-row]')

    const rowsText = (): Promise<string[]> => page.locator('[data-testid=conntrack-row]').allInnerTexts()
    // Three on-host flows hidden by default: loopback, the host to itself, the host's IGMP join.
    expect(await page.locator('[data-testid=ct-local-hidden]').innerText()).toContain('3 on-host connections hidden')
    expect((await rowsText()).some((r) => r.includes('127.0.0.1'))).toBe(false)
    const total = snap.conntrack.entries.length
    expect(await page.locator('[data-testid=ct-count]').innerText()).toBe(`${total - 3} of ${total} connections`)
    // A container's IGMP join is not on-host, and is named.
    expect((await rowsText()).some((r) => /^igmp\b/.test(r.trim()) && r.includes('10.203.1.10'))).toBe(true)
    await page.click('[data-testid=ct-show-local]')
    await expect.poll(async () => (await rowsText()).some((r) => r.includes('127.0.0.1:40000'))).toBe(true)
    expect(await page.locator('[data-testid=ct-count]').innerText()).toBe(`${total} of ${total} connections`)
    const protos = await page.locator('[data-testid=ct-proto] option').allInnerTexts()
    expect(protos).toContain('igmp')
    expect(protos).not.toContain('unknown')

    // Sort by the original tuple: ascending, then descending.
    await page.click('[data-sort=original]')
    const header = page.locator('[role=columnheader]:has([data-sort=original])')
    expect(await header.getAttribute('aria-sort')).toBe('ascending')
    const firstCells = async (): Promise<string[]> =>
      page.locator('[data-testid=conntrack-row]').evaluateAll((rows) =>
        rows
          .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
          .map((r) => r.querySelectorAll('.c-tuple')[0].textContent!.trim())
      )
    const asc = await firstCells()
    expect(asc[0].startsWith('10.')).toBe(true)
    await page.click('[data-sort=original]')
    expect(await header.getAttribute('aria-sort')).toBe('descending')
    await expect.poll(async () => (await firstCells())[0]).toBe(asc[asc.length - 1])
    await screenshot(page, 'conntrack-sorted', 'en')
    await page.context().close()
  })

  it('refreshes the conntrack table on its own when asked, and stops when the tab is left', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await gotoView(page, 'nat')
    await page.click('[data-tab=conntrack]')
    // A simulator capture can finish in a few milliseconds, so the transient "connecting" dot is not
    // observable reliably; the capture call made by the timer, and its answer, are.
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/call/captureHost') && r.ok(), {
      timeout: 20_000
    })
    await page.selectOption('[data-testid=ct-auto-refresh]', '5')
    await refreshed
    await page.waitForSelector('.host.selected .dot.connected', { timeout: 30_000 })
    await page.click('[data-tab=rules]')
    await page.click('[data-tab=conntrack]')
    expect(await page.inputValue('[data-testid=ct-auto-refresh]')).toBe('0')
    await page.context().close()
  })
})
