/**
 * Topology navigation and the details panel (issue 15, items 6 and 9), in Chromium: a legend, zoom
 * and Fit controls, a graph that does not move when the details open (the second click hits the
 * node that was under the mouse), nodes reachable by keyboard, exports of the whole graph with every
 * label whole, and details that name the network beside the bridge, say each thing once and fold
 * the raw outputs away.
 */
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import type { Download, Page } from 'playwright-core'
import { appSession, chromiumAvailable, openApp, screenshot } from './support/browser'
import { callApi, gotoView, openOnHost } from './support/app-page'
import type { Snapshot } from '../../src/shared/snapshot/schema'

const run = chromiumAvailable()

const nodeButton = (page: Page, id: string): ReturnType<Page['locator']> =>
  page.locator(`[data-testid=topology-nodes] button[data-node-id="${id}"]`)

async function centre(page: Page, id: string): Promise<{ x: number; y: number }> {
  const box = await nodeButton(page, id).boundingBox()
  if (!box) throw new Error(`node ${id} is not on screen`)
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
}

async function showTopology(page: Page): Promise<void> {
  await gotoView(page, 'topology')
  await page.waitForSelector('[data-testid=topology-nodes] button', { state: 'attached' })
  await expect.poll(() => nodeButton(page, 'bridge:host:docker0').isVisible().catch(() => false)).toBe(true)
}

/** PNG width and height from the IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

async function download(page: Page, testid: string): Promise<Buffer> {
  const [d] = (await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.click(`[data-testid=${testid}]`)
  ])) as [Download, void]
  return readFile(await d.path())
}

describe.skipIf(!run)('topology navigation and details', () => {
  const s = appSession()

  it('has a legend, zoom controls and Fit, which brings every node into view', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:busy-host')
    await showTopology(page)
    const legend = page.locator('[data-testid=topology-legend]')
    expect(await legend.innerText()).toMatch(/Bridge[\s\S]*Container[\s\S]*Routed by the host/)
    await page.click('[data-testid=topology-legend-toggle]')
    expect(await legend.count()).toBe(0)
    await page.click('[data-testid=topology-legend-toggle]')
    expect(await legend.count()).toBe(1)

    const chart = (await page.locator('[data-testid=topology-chart]').boundingBox())!
    const inView = async (): Promise<number> =>
      page.locator('[data-testid=topology-nodes] button').evaluateAll(
        (els, box) =>
          els.filter((e) => {
            const r = e.getBoundingClientRect()
            const x = r.x + r.width / 2
            const y = r.y + r.height / 2
            return (e as HTMLElement).style.display !== 'none' && x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height
          }).length,
        chart
      )
    const total = await page.locator('[data-testid=topology-nodes] button').count()
    expect(await inView()).toBeLessThan(total)
    const before = await centre(page, 'bridge:host:docker0')
    await page.click('[data-testid=topology-zoom-in]')
    await expect.poll(async () => (await centre(page, 'bridge:host:docker0')).x).not.toBe(before.x)
    await page.click('[data-testid=topology-fit]')
    await expect.poll(inView).toBe(total)
    // The open legend is a strip under the graph: no node is drawn under it (it used to cover the
    // nodes at the lower left).
    const legendBox = (await legend.boundingBox())!
    const underLegend = await page.locator('[data-testid=topology-nodes] button').evaluateAll(
      (els, box) =>
        els.filter((e) => {
          const r = e.getBoundingClientRect()
          const x = r.x + r.width / 2
          const y = r.y + r.height / 2
          return (e as HTMLElement).style.display !== 'none' && x >= box.x && x <= box.x + box.width && y >= box.y - 13 && y <= box.y + box.height
        }).length,
      legendBox
    )
    expect(underLegend).toBe(0)
    // ...nor under the zoom/Fit controls after Fit.
    const controlsBox = (await page.locator('.view-controls').boundingBox())!
    const lowestNode = await page.locator('[data-testid=topology-nodes] button').evaluateAll((els) =>
      Math.max(...els.filter((e) => (e as HTMLElement).style.display !== 'none').map((e) => e.getBoundingClientRect().y + 13))
    )
    expect(lowestNode).toBeLessThan(controlsBox.y)
    await screenshot(page, 'topology-fit', 'en')
    await page.click('[data-testid=topology-reset]')
    await expect.poll(async () => (await centre(page, 'bridge:host:docker0')).x).toBeCloseTo(before.x, 0)
    await page.context().close()
  })

  it('does not move when the details open: the second click hits the node under the mouse', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await showTopology(page)
    const first = 'bridge:host:br-6573db8dd672'
    const second = 'bridge:host:br-b92b26e70ba1'
    const a = await centre(page, first)
    const b = await centre(page, second)
    await page.mouse.click(a.x, a.y)
    await page.waitForSelector('[data-testid=details-panel]')
    expect(await page.locator('[data-testid=details-panel] h2.name').innerText()).toBe('nllab-front (br-6573…)')
    // The legend strip wraps short of the details panel: no entry hidden under it.
    const panelLeft = (await page.locator('[data-testid=details-panel]').boundingBox())!.x
    const legendRights = await page
      .locator('[data-testid=topology-legend] .item')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right))
    expect(legendRights.length).toBeGreaterThan(10)
    expect(legendRights.filter((r) => r > panelLeft)).toEqual([])
    expect(await centre(page, first)).toEqual(a)
    expect(await centre(page, second)).toEqual(b)
    await page.mouse.click(b.x, b.y)
    await expect.poll(() => page.locator('[data-testid=details-panel] h2.name').innerText()).toBe('nllab-back (br-b92b…)')
    await page.context().close()
  })

  it('reaches the nodes by keyboard: Tab, arrow keys, Enter opens the details', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await showTopology(page)
    // Tab from the last toolbar control lands on the first node of the graph.
    await page.focus('[data-testid=export-svg]')
    let focused = ''
    for (let i = 0; i < 12 && !focused.startsWith('host:uplink:'); i++) {
      await page.keyboard.press('Tab')
      focused = (await page.evaluate(() => document.activeElement?.getAttribute('data-node-id'))) ?? ''
    }
    expect(focused).toBe('host:uplink:eth0')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowRight')
    const on = await page.evaluate(() => document.activeElement?.getAttribute('data-node-id'))
    expect(on).toMatch(/^bridge:host:/)
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-testid=details-panel]')
    expect(await page.locator('[data-testid=details-panel] .kind').innerText()).toMatch(/bridge/i)
    expect(await page.getAttribute(`[data-node-id="${on}"]`, 'aria-pressed')).toBe('true')
    await screenshot(page, 'topology-keyboard', 'en')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('[data-testid=details-panel]').count()).toBe(0)
    await page.context().close()
  })

  it('exports the whole graph, every label whole, under a title block with host, time and source', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:busy-host')
    await showTopology(page)
    const chart = (await page.locator('[data-testid=topology-chart]').boundingBox())!
    const png = pngSize(await download(page, 'export-png'))
    // The busy host is several screens tall: the PNG holds all of it, not the visible part.
    expect(png.height).toBeGreaterThan(chart.height * 2)
    expect(png.width).toBeGreaterThan(chart.width * 0.8)
    const svg = (await download(page, 'export-svg')).toString('utf8')
    const snapshot = (await callApi<Snapshot>(page, s.app, 'getSnapshot', { hostId: 'sim:busy-host' })).value!
    for (const c of snapshot.containers) expect(svg).toContain(c.name)
    expect(svg).toContain('NetLens · Busy host: 40 containers on 4 networks')
    expect(svg).toContain('Source sim:busy-host')
    expect(svg).toContain('shop-frontend (br-6403…)')
    expect(svg).not.toMatch(/[a-z0-9]…<\/text>/)
    await page.context().close()
  })

  it('details: the network beside the bridge, the container named once, plain words, raw output folded, no overflow', async () => {
    const page = await openApp(s.browser, s.app, 'en')
    await openOnHost(page, 'sim:lab-mirror')
    await showTopology(page)
    const panel = page.locator('[data-testid=details-panel]')

    await nodeButton(page, 'bridge:host:br-6573db8dd672').focus()
    await page.keyboard.press('Enter')
    expect(await panel.locator('[data-testid=details-network]').innerText()).toBe('Bridge of the network nllab-front')

    const snapshot = (await callApi<Snapshot>(page, s.app, 'getSnapshot', { hostId: 'sim:lab-mirror' })).value!
    const db = snapshot.containers.find((c) => c.name === 'nllab-db')!
    const veth = db.interfaces[0].hostVeth!
    await nodeButton(page, `iface:host:${veth}`).focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => panel.locator('h2.name').innerText()).toBe(veth)
    expect(await panel.locator('[data-testid=details-owner]').innerText()).toBe('Host end of nllab-db’s cable')
    expect(await panel.locator('[data-testid=details-master]').innerText()).toBe('nllab-back (br-b92b…)')
    expect(await panel.locator('[data-testid=details-master]').getAttribute('title')).toBe('br-b92b26e70ba1')
    expect(await panel.locator('[data-testid=evidence]').innerText()).toMatch(/^Certain: /)
    const raw = panel.locator('details.raw')
    expect(await raw.getAttribute('open')).toBeNull()
    expect(await raw.locator('summary').innerText()).toBe('Raw output: ip -d link')
    expect(await panel.locator('[data-testid=raw-output]').isVisible()).toBe(false)
    const overflow = await panel.evaluate((el) => {
      const table = el.querySelector('[data-testid=details-counters]') as HTMLElement
      // No cell cut to an ellipsis ("Receiv…", "drop…" in a fixed column split).
      const cut = [...table.querySelectorAll('th, td')]
        .filter((cell) => cell.scrollWidth > cell.clientWidth)
        .map((cell) => cell.textContent)
      return { panel: el.scrollWidth - el.clientWidth, table: table.scrollWidth - table.clientWidth, cut }
    })
    expect(overflow).toEqual({ panel: 0, table: 0, cut: [] })
    await screenshot(page, 'details-veth', 'en')

    await nodeButton(page, 'container:nllab-db').focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => panel.locator('h2.name').innerText()).toBe('nllab-db')
    expect(await panel.locator('h3.container-name').count()).toBe(0)
    expect((await panel.innerText()).split('nllab-db').length - 1).toBe(1)
    await page.context().close()
  })
})
