/**
 * Export and open, end to end in Chromium on the lab-mirror training host: topology → PNG and SVG
 * downloads, snapshot export (a .json download), and opening a snapshot or a capture file by drag
 * and drop on the window and through the "Open file…" picker.
 */
import { readFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Download, Page } from 'playwright-core'
import { SCHEMA_VERSION, parseSnapshot, type Snapshot } from '../../src/shared/snapshot/schema'
import { renderScenarioCapture } from '../../src/main/sim/index'
import { serializeCapture } from '../../src/main/capture/capture-file'
import { appSession, chromiumAvailable, openApp, screenshot, type AppSession } from './support/browser'
import { callApi, gotoView, waitForSnapshot } from './support/app-page'
import { FIXTURES_DIR } from '../support/fixtures'

const SCENARIO = 'lab-mirror'
const HOST_ID = `sim:${SCENARIO}`
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const run = chromiumAvailable()
let session: AppSession

async function openLabMirror(): Promise<{ page: Page; snapshot: Snapshot }> {
  const page = await openApp(session.browser, session.app, 'en')
  page.on('dialog', (d) => void d.dismiss())
  await page.waitForSelector('.host.selected[data-host-id^="sim:"]', { timeout: 60_000 })
  await waitForSnapshot(page)
  await page.click(`[data-host-id="${HOST_ID}"]`)
  await page.waitForSelector(`.host.selected[data-host-id="${HOST_ID}"]`)
  await waitForSnapshot(page)
  const snap = await callApi<Snapshot>(page, session.app, 'getSnapshot', { hostId: HOST_ID })
  expect(snap.ok).toBe(true)
  return { page, snapshot: snap.value as Snapshot }
}

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = (await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), click()])) as [Download, void]
  const path = await d.path()
  expect(await d.failure()).toBeNull()
  return { name: d.suggestedFilename(), bytes: await readFile(path) }
}

async function showTopology(page: Page): Promise<void> {
  await gotoView(page, 'topology')
  await page.waitForSelector('[data-testid=topology-chart] canvas', { timeout: 30_000 })
  await page.waitForTimeout(500) // let the chart finish its first layout animation
}

/** Drops a text file on the app root like a file dragged from the desktop (dragenter → dragover → drop). */
async function dropFile(page: Page, name: string, content: string, type: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, content, type }) => {
      const dt = new DataTransfer()
      dt.items.add(new File([content], name, { type }))
      return dt
    },
    { name, content, type }
  )
  await page.dispatchEvent('.app', 'dragenter', { dataTransfer })
  await page.waitForSelector('.drop-overlay')
  await page.dispatchEvent('.app', 'dragover', { dataTransfer })
  await page.dispatchEvent('.app', 'drop', { dataTransfer })
  await page.waitForSelector('.drop-overlay', { state: 'detached' })
  await dataTransfer.dispose()
}

/** After opening a file: the sidebar lists it, it is selected, and its topology is drawn. */
async function expectFileHostShown(page: Page, label: string, containerName: string): Promise<string> {
  const host = page.locator('.host[data-host-id^="file:"]', { hasText: label })
  await host.waitFor({ timeout: 30_000 })
  const id = (await host.getAttribute('data-host-id')) as string
  await page.waitForSelector(`.host.selected[data-host-id="${id}"]`, { timeout: 30_000 })
  await waitForSnapshot(page)
  expect(await page.locator('[data-testid=current-host]').innerText()).toContain(label)
  await showTopology(page)
  await page.fill('[data-testid=topology-search]', containerName)
  await page.press('[data-testid=topology-search]', 'Enter')
  await page.waitForSelector('[data-testid=details-panel]')
  expect(await page.locator('[data-testid=details-panel]').innerText()).toContain(containerName)
  await page.fill('[data-testid=topology-search]', '')
  await page.keyboard.press('Escape')
  return id
}

describe.skipIf(!run)('export and open', () => {
  let exported: { name: string; json: string } | null = null

  session = appSession()

  it('exports the topology as PNG and SVG', async () => {
    const { page, snapshot } = await openLabMirror()
    await showTopology(page)

    const png = await download(page, () => page.click('[data-testid=export-png]'))
    expect(png.name).toMatch(/\.png$/)
    expect(png.name).toContain(snapshot.host.hostname)
    expect(png.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
    expect(png.bytes.length).toBeGreaterThan(5 * 1024)
    // IHDR follows the signature: width and height of the image, pixelRatio 2 of the chart area.
    expect(png.bytes.subarray(12, 16).toString('latin1')).toBe('IHDR')
    expect(png.bytes.readUInt32BE(16)).toBeGreaterThan(400)
    expect(png.bytes.readUInt32BE(20)).toBeGreaterThan(300)

    const svg = await download(page, () => page.click('[data-testid=export-svg]'))
    expect(svg.name).toMatch(/\.svg$/)
    const text = svg.bytes.toString('utf8')
    expect(text.trimStart()).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/)
    expect(text.trimEnd()).toMatch(/<\/svg>$/)
    expect(text).not.toMatch(/<script/i)
    // Labels are plain SVG text (long ones are cut with "…", e.g. "nllab-sidecar + nllab-w…").
    const labels = [...text.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])
    for (const name of ['nllab-default', 'nllab-app', 'nllab-db', 'nllab-hostmode', 'nllab-none'])
      expect(labels).toContain(name)
    expect(snapshot.containers.map((c) => c.name)).toContain('nllab-app')
    // The off-screen SVG render cleaned up after itself.
    expect(await page.locator('body > div[style*="-10000px"]').count()).toBe(0)
    await page.context().close()
  })

  it('exports the snapshot as a NetLens JSON file', async () => {
    const { page, snapshot } = await openLabMirror()
    const file = await download(page, () => page.click('button:has-text("Export snapshot")'))
    expect(file.name).toMatch(/\.json$/)
    const parsed = JSON.parse(file.bytes.toString('utf8')) as Snapshot
    expect(parsed.schemaVersion).toBe(SCHEMA_VERSION)
    expect(parseSnapshot(parsed).ok).toBe(true)
    const names = parsed.containers.map((c) => c.name).sort()
    expect(names).toEqual(snapshot.containers.map((c) => c.name).sort())
    for (const n of [
      'nllab-default',
      'nllab-web',
      'nllab-db',
      'nllab-app',
      'nllab-sidecar',
      'nllab-hostmode',
      'nllab-none'
    ])
      expect(names).toContain(n)
    exported = { name: file.name, json: file.bytes.toString('utf8') }
    await page.context().close()
  })

  it('opens a dropped snapshot and a dropped capture file', async () => {
    expect(exported, 'the snapshot export test runs first').not.toBeNull()
    const { page } = await openLabMirror()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))

    await dropFile(page, 'dropped-lab.netlens.json', exported!.json, 'application/json')
    await expectFileHostShown(page, 'dropped-lab.netlens.json', 'nllab-web')
    await screenshot(page, 'dropped-file', 'en')

    const capture = renderScenarioCapture('bridge-mode')
    if (!capture.ok) throw new Error(capture.error.message)
    await dropFile(page, 'bridge-host.cap', serializeCapture(capture.value), '')
    const capId = await expectFileHostShown(page, 'bridge-host.cap', 'vh2')
    const snap = await callApi<Snapshot>(page, session.app, 'getSnapshot', { hostId: capId })
    expect(snap.ok).toBe(true)
    expect(snap.value!.containers.map((c) => c.name)).toContain('vh2')

    // Both file hosts stay listed next to the training hosts.
    expect(await page.locator('.host[data-host-id^="file:"]').count()).toBeGreaterThanOrEqual(2)
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('opens a snapshot and a capture file through "Open file…"', async () => {
    expect(exported, 'the snapshot export test runs first').not.toBeNull()
    const { page } = await openLabMirror()
    const accept = (await page.getAttribute('[data-testid=file-input]', 'accept')) ?? ''
    for (const ext of ['.json', '.cap']) expect(accept.split(',')).toContain(ext)

    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('button:has-text("Open file…")')])
    await chooser.setFiles({
      name: 'picked-lab.json',
      mimeType: 'application/json',
      buffer: Buffer.from(exported!.json)
    })
    await expectFileHostShown(page, 'picked-lab.json', 'nllab-db')

    const capture = renderScenarioCapture('bridge-mode')
    if (!capture.ok) throw new Error(capture.error.message)
    await page.setInputFiles('[data-testid=file-input]', {
      name: 'picked-host.cap',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(serializeCapture(capture.value))
    })
    await expectFileHostShown(page, 'picked-host.cap', 'vh2')
    await page.context().close()
  })

  it('a non-root capture, and the same cut short: Diagnose says what it could not check (en and zh-CN)', async () => {
    const nonroot = readFileSync(join(FIXTURES_DIR, 'capture/debian-12-docker-20.10/probe--nonroot-lab.cap'), 'utf8')
    const cut = nonroot.slice(0, nonroot.indexOf('name: conntrack.count') + 30)
    for (const locale of ['en', 'zh-CN'] as const) {
      const page = await openApp(session.browser, session.app, locale)
      await page.waitForSelector('.host.selected[data-host-id^="sim:"]', { timeout: 60_000 })
      for (const [name, text] of [
        [`nonroot-${locale}.cap`, nonroot],
        [`cut-${locale}.cap`, cut]
      ]) {
        await page.setInputFiles('[data-testid=file-input]', {
          name,
          mimeType: 'application/octet-stream',
          buffer: Buffer.from(text)
        })
        const host = page.locator('.host[data-host-id^="file:"]', { hasText: name })
        await host.waitFor({ timeout: 30_000 })
        await page.waitForSelector(`.host.selected[data-host-id="${await host.getAttribute('data-host-id')}"]`)
        await waitForSnapshot(page)
        await gotoView(page, 'diagnose')
        await page.waitForSelector('[data-testid=not-checked]', { timeout: 30_000 })
        const panel = await page.locator('[data-testid=not-checked]').innerText()
        expect(panel).toContain(locale === 'en' ? 'Not checked' : '未检查')
        expect(panel).toContain('iptables.save')
        expect(panel).toContain('--sudo')
        if (name.startsWith('cut')) expect(panel).toContain('conntrack.count')
        expect(await page.locator('[data-state=empty]').innerText()).toContain(
          locale === 'en' ? 'some checks could not run' : '有些检查没能执行'
        )
        await screenshot(page, `diagnose-not-checked-${name.startsWith('cut') ? 'truncated' : 'nonroot'}`, locale)
      }
      await page.context().close()
    }
  })
})
