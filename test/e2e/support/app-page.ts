/** Page helpers for the e2e tier: API calls from inside the page (same token, same origin) and waits. */
import type { Page } from 'playwright-core'
import type { RunningApp } from './browser'

export async function callApi<T = unknown>(
  page: Page,
  app: RunningApp,
  name: string,
  args: unknown = {}
): Promise<{ ok: boolean; value?: T; error?: { message: string } }> {
  return page.evaluate(
    async ({ token, name, args }) => {
      const r = await fetch(`/api/call/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-netlens-token': token },
        body: JSON.stringify(args)
      })
      return r.json()
    },
    { token: app.token, name, args }
  )
}

export async function gotoView(page: Page, view: string): Promise<void> {
  await page.click(`button[data-view=${view}]`)
  await page.waitForSelector(`[data-testid=view-${view}]`)
}

/** Waits until the selected host shows a snapshot (the topology chart or any view content). */
export async function waitForSnapshot(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.host.selected .dot.connected') !== null, undefined, {
    timeout: 60_000
  })
}

/** Selects a host in the sidebar and waits until its snapshot is shown. */
export async function selectHost(page: Page, hostId: string): Promise<void> {
  await page.click(`[data-host-id="${hostId}"]`)
  await page.waitForSelector(`.host.selected[data-host-id="${hostId}"] .dot.connected`, { timeout: 60_000 })
}

/** Opens the app on one training host (the first start's lesson host first, so nothing races). */
export async function openOnHost(page: Page, hostId: string): Promise<void> {
  await page.waitForSelector('.host.selected', { timeout: 60_000 })
  await waitForSnapshot(page)
  if ((await page.getAttribute('.host.selected', 'data-host-id')) !== hostId) await selectHost(page, hostId)
}

/** What overflows: the page sideways, the view's area sideways, a top-bar control out of the window. */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = []
    const root = document.documentElement
    if (root.scrollWidth > window.innerWidth)
      problems.push(`page scrolls sideways: ${root.scrollWidth} > ${window.innerWidth}`)
    const main = document.querySelector('main.main') as HTMLElement | null
    if (main && main.scrollWidth > main.clientWidth + 1)
      problems.push(`main area overflows: ${main.scrollWidth} > ${main.clientWidth}`)
    for (const el of Array.from(document.querySelectorAll('header button, header select'))) {
      const r = el.getBoundingClientRect()
      if (r.width > 0 && (r.right > window.innerWidth + 0.5 || r.left < -0.5))
        problems.push(`top bar control outside the window: ${(el as HTMLElement).innerText || el.tagName}`)
    }
    return problems
  })
}

/**
 * What looks clickable (a pointer cursor) but cannot be reached with Tab: not a button, link, form
 * control or summary, and without a tabindex. Returned as short descriptions of the elements.
 */
export async function unreachableByKeyboard(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const focusable = 'button, a[href], input, select, textarea, summary, [tabindex]'
    const out: string[] = []
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      if (getComputedStyle(el).cursor !== 'pointer') continue
      if (el.matches(focusable) || el.closest(focusable)) continue
      const r = el.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) continue
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.innerText || '').slice(0, 30)}"`)
    }
    return out
  })
}
