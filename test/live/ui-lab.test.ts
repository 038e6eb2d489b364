/**
 * The UI against the real lab: browser mode in this process (the real backend, the built
 * renderer) in Debian Chromium, the `Local` host captured from the live lab (scripts/lab.sh), and
 * every view checked against the lab's ground truth (`lab.sh truth`, read from docker and from
 * inside each namespace, never from NetLens):
 *   topology  each container's host veth and the bridge it is attached to, the shared namespace of
 *             nllab-sidecar, the host- and none-mode containers;
 *   NAT       the published port → nllab-web:80 with its DNAT rule, nllab-front's MASQUERADE rule,
 *             conntrack SNAT (container → wan) and DNAT (wan → published port → nllab-web) rows;
 *   traffic   nllab-web's veth moves while lab containers talk to each other;
 *   XSS       a snapshot of the lab with a container renamed to markup renders it as text only.
 * Screenshots in English and Chinese go to test-output/screenshots/lab-<view>-<lang>.png (the README
 * gallery in docs/screenshots is copied from them).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa, type ResultPromise } from 'execa'
import type { Browser, Page } from 'playwright-core'
import type { Snapshot } from '../../src/shared/snapshot/schema'
import type { Lesson, LessonGrade, TrafficSample } from '../../src/shared/api/types'
import {
  chromiumAvailable,
  launchChromium,
  openApp,
  screenshot,
  startApp,
  type RunningApp
} from '../e2e/support/browser'
import { callApi, gotoView, layoutProblems, unreachableByKeyboard, waitForSnapshot } from '../e2e/support/app-page'
import { lab, readLabTruth, truthContainer, type LabTruth, type LabTruthInterface } from './support/truth'
import './support/provided'

const skipReason = inject('liveSkip')
// Only look for Chromium when the lab exists (under NETLENS_REQUIRE_ALL_TIERS=1 a missing one throws).
const haveChromium = skipReason ? false : chromiumAvailable()

const LOCALES = ['en', 'zh-CN'] as const
type Locale = (typeof LOCALES)[number]
const BRIDGED = ['nllab-default', 'nllab-web', 'nllab-app', 'nllab-db'] as const
const EVIL = '<img src=x onerror=window.__xss=1>'

let app: RunningApp | null = null
let browser: Browser | null = null
let page: Page
let truth: LabTruth
const dialogs: string[] = []
const background: ResultPromise[] = []

const ipOf = (name: string, network?: string): string => {
  const nets = truthContainer(truth, name).networks
  const n = network ? nets.find((x) => x.name === network) : nets[0]
  if (!n) throw new Error(`${name} has no address on ${network ?? 'any network'} in the lab truth`)
  return n.ip
}
const vethsOf = (name: string): LabTruthInterface[] =>
  truthContainer(truth, name).interfaces.filter((i) => i.hostVeth !== null)
const details = (): ReturnType<Page['locator']> => page.locator('[data-testid=details-panel]')

async function mustLab(command: 'traffic'): Promise<void> {
  const r = await lab(command)
  if (r.exitCode !== 0) throw new Error(`lab.sh ${command} failed (exit ${r.exitCode}): ${r.stderr}`)
}

/** Traffic between lab namespaces for `seconds`, in the background (killed in afterAll at the latest). */
function labTraffic(seconds: number): ResultPromise {
  const web = ipOf('nllab-web', 'nllab-front')
  const n = Math.max(1, Math.round(seconds / 0.2))
  const child = execa(
    'docker',
    [
      'exec',
      'nllab-app',
      'sh',
      '-c',
      // The lab image has no `seq`: count in sh.
      `ping -q -i 0.2 -c ${n} -s 1000 ${web} >/dev/null & ` +
        `i=0; while [ $i -lt ${n} ]; do wget -qO- http://${web}/ >/dev/null; sleep 0.2; i=$((i+1)); done; wait`
    ],
    { reject: false, timeout: (seconds + 20) * 1000 }
  )
  background.push(child)
  return child
}

/** Whether `ip -d link` shows the PROMISC flag on a host interface. */
async function promiscOf(iface: string): Promise<boolean> {
  const r = await execa('ip', ['-d', 'link', 'show', 'dev', iface], { reject: false })
  if (r.exitCode !== 0) throw new Error(`ip -d link show ${iface} failed: ${r.stderr}`)
  return /[<,]PROMISC[,>]/.test(r.stdout)
}

/** Command lines of the tcpdump processes capturing on an interface. */
async function tcpdumpsOn(iface: string): Promise<string[]> {
  const r = await execa('ps', ['-eo', 'args='], { reject: false })
  return r.stdout.split('\n').filter((l) => /^(\S*\/)?tcpdump\s/.test(l) && l.split(/\s+/).includes(iface))
}

async function setLocale(locale: Locale): Promise<void> {
  const select = page.locator('[data-testid=language]')
  if ((await select.inputValue()) === locale) return
  const before = await page.locator('button[data-view=topology]').innerText()
  await select.selectOption(locale)
  await page.waitForFunction(
    (text) => document.querySelector('button[data-view=topology]')?.textContent?.trim() !== text,
    before,
    { timeout: 10_000 }
  )
  // Charts re-render their labels on the next frame.
  await page.waitForTimeout(400)
}

/** Screenshots the current state in both languages, ending in English. */
async function shootBoth(name: string, settle?: () => Promise<void>): Promise<void> {
  for (const locale of LOCALES) {
    await setLocale(locale)
    await settle?.()
    await screenshot(page, `lab-${name}`, locale)
  }
  await setLocale('en')
}

/** Types into the topology search and opens the details of the best match (Enter). */
async function searchAndOpen(query: string, title: string | RegExp): Promise<string> {
  const search = page.locator('[data-testid=topology-search]')
  await search.fill(query)
  await search.press('Enter')
  await expect
    .poll(
      () =>
        details()
          .locator('h2.name')
          .first()
          .innerText()
          .catch(() => ''),
      { timeout: 10_000 }
    )
    .toMatch(typeof title === 'string' ? new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : title)
  return details().innerText()
}

/** The selected host's capture time, as the top bar shows it. */
const capturedText = (): Promise<string> =>
  page
    .locator('[data-testid=current-host]')
    .innerText()
    .catch(() => '')

async function refreshLocal(): Promise<void> {
  const before = await capturedText()
  await page.click('header.topbar > button:has-text("↻")')
  await page.waitForFunction(
    (prev) =>
      document.querySelector('.host.selected .dot.connected') !== null &&
      document.querySelector('[data-testid=current-host]')?.textContent !== prev,
    before,
    { timeout: 90_000 }
  )
}

async function localSnapshot(): Promise<Snapshot> {
  const r = await callApi<Snapshot>(page, app!, 'getSnapshot', { hostId: 'local' })
  if (!r.ok || !r.value) throw new Error(`getSnapshot(local) failed: ${JSON.stringify(r.error)}`)
  return r.value
}

describe.skipIf(skipReason || !haveChromium)('the UI against the live lab (browser mode, Chromium)', () => {
  beforeAll(async () => {
    truth = await readLabTruth()
    app = await startApp()
    browser = await launchChromium()
    page = await openApp(browser, app, 'en')
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    // A first start shows the lesson host; wait for it so its capture cannot race with ours.
    await waitForSnapshot(page)
    await mustLab('traffic')
    await page.click('[data-host-id=local]')
    await page.waitForSelector('.host.selected[data-host-id=local] .dot.connected', { timeout: 90_000 })
  })

  afterAll(async () => {
    for (const child of background) child.kill('SIGKILL')
    await Promise.allSettled(background)
    await browser?.close().catch((e: unknown) => console.warn(`ui-lab: closing Chromium failed: ${String(e)}`))
    await app?.close().catch((e: unknown) => console.warn(`ui-lab: closing browser mode failed: ${String(e)}`))
  })

  it('topology: every lab veth and bridge as the lab truth has them; sidecar, host and none modes', async () => {
    await gotoView(page, 'topology')
    await page.waitForSelector('[data-testid=topology-chart] canvas')

    expect(
      vethsOf('nllab-app')
        .map((v) => v.master)
        .sort()
    ).toEqual(['nllab-front', 'nllab-back'].map((n) => truth.networks.find((x) => x.name === n)!.bridge).sort())
    for (const name of BRIDGED) {
      const veths = vethsOf(name)
      expect(veths.length, `${name} has no veth in the lab truth`).toBeGreaterThan(0)
      // The container itself: its addresses, exactly as docker gave them.
      const text = await searchAndOpen(name, new RegExp(`(^| \\+ )${name}( \\+ |$)`))
      for (const v of veths) for (const a of v.addresses.filter((x) => x.includes('.'))) expect(text).toContain(a)
      // Each of its host veths: the real name, the bridge it is attached to and the container it belongs to.
      for (const v of veths) {
        await searchAndOpen(v.hostVeth!, v.hostVeth!)
        const panel = details()
        // The bridge by its network name, the bridge id in the tooltip.
        const master = panel.locator('[data-testid=details-master]')
        await expect.poll(() => master.getAttribute('title')).toBe(v.master)
        const network = truth.networks.find((n) => n.bridge === v.master)?.name
        if (network) expect(await master.innerText()).toMatch(new RegExp(`^${network} \\(`))
        expect(await panel.locator('dt:text-is("Containers") + dd').innerText()).toContain(name)
        expect(await panel.locator('dt:text-is("Peer") + dd').innerText()).toContain(`${v.ifname} ·`)
      }
    }

    // nllab-sidecar lives in nllab-web's namespace: one node for both, the sidecar in container mode.
    const sidecar = await searchAndOpen('nllab-sidecar', /nllab-web \+ nllab-sidecar|nllab-sidecar \+ nllab-web/)
    expect(sidecar).toContain('container:nllab-web')
    const nsCells = await details().locator('dt:text-is("Namespace") + dd').allInnerTexts()
    expect(nsCells.length).toBeGreaterThanOrEqual(2)
    expect(new Set(nsCells).size, `one namespace for web and sidecar: ${nsCells.join(', ')}`).toBe(1)

    // host and none mode containers are drawn too.
    const hostmode = await searchAndOpen('nllab-hostmode', /nllab-hostmode/)
    expect(hostmode).toMatch(/Network mode\s+host/)
    const none = await searchAndOpen('nllab-none', 'nllab-none')
    expect(none).toMatch(/Network mode\s+none/)

    // The screenshot: the whole lab with nllab-web's details open.
    await searchAndOpen('nllab-web', /(^| \+ )nllab-web( \+ |$)/)
    await page.locator('[data-testid=topology-search]').fill('')
    await expect.poll(() => details().locator('h2.name').first().innerText()).toMatch(/(^| \+ )nllab-web( \+ |$)/)
    await page.locator('[data-testid=topology-search]').blur()
    const lanes = await page.locator('.lanes').innerText()
    for (const net of ['nllab-front', 'nllab-back']) expect(lanes).toContain(net)
    await shootBoth('topology', () => page.waitForTimeout(300))
  })

  it('NAT: the published port → nllab-web:80 with its DNAT rule, and nllab-front’s MASQUERADE', async () => {
    const webIp = ipOf('nllab-web', 'nllab-front')
    const front = truth.networks.find((n) => n.name === 'nllab-front')!
    await gotoView(page, 'nat')

    await page.click('[data-tab=rules]')
    const masq = `-A POSTROUTING -s ${front.subnet} ! -o ${front.bridge} -j MASQUERADE`
    await expect.poll(() => page.locator('[data-testid=nat-rule]', { hasText: masq }).count()).toBe(1)

    await page.click('[data-tab=ports]')
    const row = page.locator('[data-testid=published-port]', { hasText: `0.0.0.0:${truth.webPort}/tcp` })
    await expect.poll(() => row.count()).toBe(1)
    const text = await row.innerText()
    expect(text).toContain(`${webIp}:80`)
    expect(text).toContain('nllab-web')
    expect(text).toMatch(
      new RegExp(`--dport ${truth.webPort} -j DNAT --to-destination ${webIp.replace(/\./g, '\\.')}:80`)
    )
    await shootBoth('nat-ports')
  })

  it('conntrack: SNAT from a container to the wan and DNAT from the wan to nllab-web, highlighted', async () => {
    const { nsIp, hostIp } = truth.wan
    const webIp = ipOf('nllab-web', 'nllab-front')
    // Fresh translations right before the capture (ICMP entries live 30 s).
    await mustLab('traffic')
    await refreshLocal()
    await gotoView(page, 'nat')
    await page.click('[data-tab=conntrack]')
    await page.waitForSelector('[data-testid=conntrack-row]', { timeout: 15_000 })

    // SNAT: nllab-default or nllab-app → wan, the source rewritten to the wan side of the host.
    await page.selectOption('[data-testid=ct-nat]', 'SNAT')
    await page.fill('[data-testid=ct-text]', nsIp)
    const sources = ['nllab-default', 'nllab-app'].flatMap((c) => truthContainer(truth, c).networks.map((n) => n.ip))
    const snatRows = page.locator('[data-testid=conntrack-row]', { hasText: 'SNAT' })
    await expect.poll(() => snatRows.count(), { timeout: 10_000 }).toBeGreaterThan(0)
    let snatSeen = 0
    for (const r of await snatRows.all()) {
      const cells = r.locator('.c-tuple')
      const original = await cells.nth(0).innerText()
      if (!sources.some((ip) => new RegExp(`^${ip.replace(/\./g, '\\.')}[: ]`).test(original))) continue
      if (!new RegExp(`→ ${nsIp.replace(/\./g, '\\.')}(:\\d+)?$`).test(original)) continue
      const rewritten = await cells.nth(1).locator('.rewritten').allInnerTexts()
      expect(rewritten.length, original).toBe(1)
      expect(rewritten[0], original).toMatch(new RegExp(`^${hostIp.replace(/\./g, '\\.')}(:\\d+)?$`))
      expect(await r.locator('.c-cont').innerText()).toMatch(/nllab-default|nllab-app/)
      snatSeen++
    }
    expect(snatSeen, `no SNAT row from ${sources.join('|')} to ${nsIp}`).toBeGreaterThan(0)

    // DNAT: wan → published port on the host → nllab-web:80, the destination rewritten.
    await page.selectOption('[data-testid=ct-nat]', 'DNAT')
    await page.selectOption('[data-testid=ct-container]', 'nllab-web')
    const dnatRows = page.locator('[data-testid=conntrack-row]', { hasText: `${hostIp}:${truth.webPort}` })
    await expect.poll(() => dnatRows.count(), { timeout: 10_000 }).toBeGreaterThan(0)
    const d = dnatRows.first()
    expect(await d.locator('.c-tuple').nth(0).innerText()).toMatch(
      new RegExp(`^${nsIp.replace(/\./g, '\\.')}:\\d+ → ${hostIp.replace(/\./g, '\\.')}:${truth.webPort}$`)
    )
    expect(await d.locator('.c-tuple').nth(1).locator('.rewritten').allInnerTexts()).toEqual([`${webIp}:80`])
    expect(await d.locator('.c-cont').innerText()).toContain('nllab-web')

    // The screenshot: both kinds of translation to and from the wan.
    await page.selectOption('[data-testid=ct-container]', { index: 0 })
    await page.selectOption('[data-testid=ct-nat]', 'translated')
    await page.fill('[data-testid=ct-text]', nsIp)
    await expect.poll(() => page.locator('[data-testid=conntrack-row]', { hasText: 'DNAT' }).count()).toBeGreaterThan(0)
    await expect.poll(() => page.locator('[data-testid=conntrack-row]', { hasText: 'SNAT' }).count()).toBeGreaterThan(0)
    await shootBoth('nat-conntrack')
  })

  it('traffic: nllab-web’s veth moves while lab containers talk', async () => {
    const webVeth = vethsOf('nllab-web')[0].hostVeth!
    const traffic = labTraffic(12)
    await gotoView(page, 'traffic')
    await page.click('[data-testid=start-sampling]')
    await page.waitForSelector('[data-testid=pause-sampling]', { timeout: 30_000 })

    // The top talkers show nllab-web once, measured from its side, with a non-zero rate.
    const talker = page
      .locator('[data-testid=top-talkers] tr')
      .filter({ hasText: /^nllab-web · / })
      .first()
    let talkers = ''
    const deadline = Date.now() + 20_000
    for (;;) {
      talkers = await page.locator('.side').innerText()
      const rates = (await talker.count()) ? ((await talker.locator('.num').innerText()).match(/[\d.]+/g) ?? []) : []
      if (rates.some((r) => Number(r) > 0)) break
      if (Date.now() > deadline) throw new Error(`nllab-web never moved in the top talkers:\n${talkers}`)
      await page.waitForTimeout(500)
    }
    console.log(`ui-lab: top talkers while the lab talks:\n${talkers}`)
    const names = await page.locator('[data-testid=top-talkers] .name').allInnerTexts()
    expect(
      names.filter((n) => n.startsWith('nllab-web · ')),
      names.join(' | ')
    ).toHaveLength(1)

    // nllab-web's chart, with its host veth one click away.
    const box = page.getByRole('checkbox', { name: /^nllab-web · eth0$/ })
    if (!(await box.isChecked())) await box.check()
    const card = page.locator('[data-testid=traffic-card]', { hasText: /^nllab-web · eth0/ }).first()
    await card.locator('[data-testid=traffic-chart] canvas').first().waitFor({ timeout: 15_000 })
    const hostEnd = card.locator('[data-testid=toggle-host-end]')
    if (await hostEnd.count()) {
      expect(await hostEnd.innerText()).toContain(webVeth)
      await hostEnd.click()
      await expect.poll(() => card.locator('[data-testid=traffic-chart]').count()).toBe(2)
    }
    // The sampled series behind the chart, as the page got it, moved too.
    const history = await callApi<{ samples: TrafficSample[] }>(page, app!, 'getTrafficHistory', {
      hostId: 'local',
      windowS: 60
    })
    expect(history.ok).toBe(true)
    const moved = history.value!.samples.some((s) =>
      s.rates.some((r) => r.netns === 'host' && r.iface === webVeth && r.rxBytesPerS + r.txBytesPerS > 0)
    )
    expect(moved, `no non-zero sample for ${webVeth}`).toBe(true)

    // The screenshot: a few seconds of the lab talking (one sample a second).
    await expect
      .poll(
        async () =>
          (
            await callApi<{ samples: TrafficSample[] }>(page, app!, 'getTrafficHistory', {
              hostId: 'local',
              windowS: 60
            })
          ).value?.samples.length ?? 0,
        { timeout: 15_000, interval: 500 }
      )
      .toBeGreaterThanOrEqual(7)
    await shootBoth('traffic')
    await traffic
    await page.click('[data-testid=pause-sampling]')
  })

  it('diagnose: findings of the live host and a trace from nllab-default to the wan', async () => {
    await gotoView(page, 'diagnose')
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid=finding]').length > 0 || document.querySelector('[data-state=empty]'),
      undefined,
      { timeout: 30_000 }
    )
    await page.fill('[data-testid=trace-from]', 'nllab-default')
    await page.fill('[data-testid=trace-to]', `${truth.wan.nsIp}:80`)
    await page.click('[data-testid=trace-run]')
    await page.waitForSelector('[data-testid=trace-verdict]', { timeout: 30_000 })
    await shootBoth('diagnose')
  })

  it('packets: Capture packets from nllab-web’s host veth lists nllab-app’s requests by name; Stop leaves no tcpdump and no PROMISC', async () => {
    const webVeth = vethsOf('nllab-web')[0].hostVeth!
    const promiscBefore = await promiscOf(webVeth)
    await gotoView(page, 'topology')
    await searchAndOpen(webVeth, webVeth)
    await details().locator('[data-testid=details-capture]').first().click()
    await page.waitForSelector('[data-testid=view-packets]')
    expect(await page.locator('[data-testid=packet-target]').inputValue()).toContain(webVeth)
    await page.fill('[data-testid=packet-filter]', 'tcp port 80')
    await page.click('[data-testid=packet-start]')
    // startPacketCapture answers once tcpdump listens on the host: the Stop button is the running capture.
    await page.waitForSelector('[data-testid=packet-stop]', { timeout: 60_000 })
    expect(await tcpdumpsOn(webVeth)).not.toEqual([])
    expect(await promiscOf(webVeth)).toBe(promiscBefore)

    const traffic = labTraffic(4)
    const fromApp = page.locator('[data-testid=packet-row]', { hasText: `${ipOf('nllab-app', 'nllab-front')}` })
    await expect.poll(() => fromApp.count(), { timeout: 60_000, interval: 500 }).toBeGreaterThan(0)
    const row = await fromApp.first().innerText()
    expect(row).toMatch(/\(nllab-app\)/)
    expect(row).toMatch(/\(nllab-web( \+ nllab-sidecar)?\)|\(nllab-sidecar \+ nllab-web\)/)
    expect(row).toMatch(/TCP/)
    await traffic
    await page.click('[data-testid=packet-stop]')
    await page.waitForSelector('[data-testid=packet-start]', { timeout: 60_000 })
    expect(await page.locator('[data-testid=packet-status]').innerText()).toMatch(/Stopped/)
    expect(await page.locator('[data-testid=packet-count]').innerText()).toMatch(/^[1-9][\d,]* packets/)
    await expect.poll(() => tcpdumpsOn(webVeth), { timeout: 30_000, interval: 500 }).toEqual([])
    expect(await promiscOf(webVeth)).toBe(promiscBefore)
    await shootBoth('packets')
  })

  it('New exercise from the live lab host: saved, opened from the training list, walked to a pass (issue 19)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'netlens-live-authoring-'))
    const previousFolder = process.env.NETLENS_SCENARIOS_DIR
    // The backend runs in this process and reads the folder on every call, as the app does.
    process.env.NETLENS_SCENARIOS_DIR = folder
    try {
      await page.click('[data-host-id=local]')
      await page.waitForSelector('.host.selected[data-host-id=local] .dot.connected', { timeout: 90_000 })
      await page.selectOption('[data-testid=authoring-menu]', 'exercise')
      await page.waitForSelector('[data-testid=save-scenario-dialog]')
      // The live lab has findings of its own (the lab's MTU and the like): the first one a scenario can carry.
      const finding = page.locator('[data-testid=save-scenario-finding]:not([disabled])').first()
      await finding.waitFor({ timeout: 60_000 })
      await finding.check()
      await page.fill('[data-testid=save-scenario-question-en]', 'Something on the lab host is wrong. What, and where?')
      await page.fill('[data-testid=save-scenario-question-zh-CN]', '实验主机上有个问题。是什么，在哪里？')
      await page.click('[data-testid=save-scenario-save]')
      await page.waitForSelector('[data-testid=save-scenario-saved]', { timeout: 60_000 })
      expect(readdirSync(folder)).toHaveLength(1)
      await page.click('.save-scenario .buttons button:not(.primary)')
      await page.waitForSelector('[data-testid=save-scenario-dialog]', { state: 'detached' })

      // Opened from the training list, not from the dialog.
      await gotoView(page, 'training')
      const listed = page.locator('[data-testid=lesson]', { hasText: 'What is broken on this host?' })
      await expect.poll(() => listed.count(), { timeout: 30_000 }).toBe(1)
      await listed.locator('[data-testid=lesson-start]').click()
      const body = page.locator('[data-testid=lesson-body]')
      await body.waitFor({ timeout: 30_000 })
      expect(await body.innerText()).toContain('Something on the lab host is wrong.')
      await page.waitForSelector('.host.selected[data-host-id^="sim:"] .dot.connected', { timeout: 90_000 })

      // The right answer as the diagnose engine grades it (asked through the API), then walked in the UI:
      // a wrong choice fails, the right one passes.
      const lessons = await callApi<Lesson[]>(page, app!, 'listLessons', {})
      if (!lessons.ok) throw new Error(`listLessons failed: ${JSON.stringify(lessons.error)}`)
      const exercise = lessons.value!.find((l) => l.title.en === 'What is broken on this host?')!
      const choices = page.locator('[data-testid=lesson-check] label.choice')
      const n = await choices.count()
      expect(n).toBeGreaterThan(1)
      const passes: number[] = []
      for (let i = 0; i < n; i++) {
        const g = await callApi<LessonGrade>(page, app!, 'gradeLesson', { lessonId: exercise.id, answer: i })
        if (g.ok && g.value?.passed) passes.push(i)
      }
      expect(passes).toHaveLength(1)
      const right = passes[0]
      await choices
        .nth(right === 0 ? 1 : 0)
        .locator('input')
        .check()
      await page.click('[data-testid=lesson-submit]')
      await page.waitForSelector('[data-testid=lesson-grade].fail')
      await choices.nth(right).locator('input').check()
      await page.click('[data-testid=lesson-submit]')
      await page.waitForSelector('[data-testid=lesson-grade].pass')
      await screenshot(page, 'lab-exercise-passed', 'en')
    } finally {
      if (previousFolder === undefined) delete process.env.NETLENS_SCENARIOS_DIR
      else process.env.NETLENS_SCENARIOS_DIR = previousFolder
      rmSync(folder, { recursive: true, force: true })
    }
    await page.click('[data-host-id=local]')
    await page.waitForSelector('.host.selected[data-host-id=local] .dot.connected', { timeout: 90_000 })
  })

  it('every view of the live lab at 1280×720 light and 1920×1080 dark: nothing overflows, shots of each', async () => {
    const problems: string[] = []
    for (const size of [
      { width: 1280, height: 720, theme: 'light' },
      { width: 1920, height: 1080, theme: 'dark' }
    ] as const) {
      await page.setViewportSize({ width: size.width, height: size.height })
      if ((await page.evaluate(() => document.documentElement.dataset.theme ?? 'light')) !== size.theme)
        await page.click('[data-testid=theme]')
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme ?? 'light')).toBe(size.theme)
      for (const view of ['topology', 'nat', 'traffic', 'diagnose', 'training', 'packets', 'fleet']) {
        await gotoView(page, view)
        await page.waitForTimeout(300)
        for (const p of await layoutProblems(page)) problems.push(`${size.width}×${size.height} ${view}: ${p}`)
        for (const el of await unreachableByKeyboard(page))
          problems.push(`${size.width}×${size.height} ${view}: not reachable by keyboard: ${el}`)
        await screenshot(page, `lab-walk-${size.width}x${size.height}-${size.theme}-${view}`, 'en')
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 })
    if ((await page.evaluate(() => document.documentElement.dataset.theme ?? 'light')) !== 'light')
      await page.click('[data-testid=theme]')
    expect(problems).toEqual([])
  })

  it('a lab snapshot with a container named like markup renders it as text and runs nothing', async () => {
    const snapshot = await localSnapshot()
    const victim = 'nllab-db'
    expect(snapshot.containers.some((c) => c.name === victim)).toBe(true)
    const json = JSON.stringify(snapshot).split(JSON.stringify(victim)).join(JSON.stringify(EVIL))
    await page.evaluate(() => delete (window as unknown as { __xss?: unknown }).__xss)
    await page.setInputFiles('[data-testid=file-input]', {
      name: 'lab-xss.json',
      mimeType: 'application/json',
      buffer: Buffer.from(json)
    })
    await page.waitForFunction(
      () => {
        const h = document.querySelector('.host.selected')
        return h && h.getAttribute('data-host-id') !== 'local' && h.querySelector('.dot.connected')
      },
      undefined,
      { timeout: 30_000 }
    )
    await gotoView(page, 'topology')
    await page.waitForSelector('[data-testid=topology-chart] canvas')
    await searchAndOpen('onerror', EVIL)
    expect(await details().locator('h2.name').first().textContent()).toBe(EVIL)
    expect(await details().innerText()).toContain(EVIL)
    await page.locator('[data-testid=topology-search]').fill('')
    await screenshot(page, 'lab-xss-topology', 'en')
    await gotoView(page, 'nat')
    await page.click('[data-tab=conntrack]')
    await page.selectOption('[data-testid=ct-nat]', 'any')
    await page.fill('[data-testid=ct-text]', '')
    await page.selectOption('[data-testid=ct-container]', EVIL).catch(() => undefined)
    await gotoView(page, 'diagnose')
    await page.waitForTimeout(500)
    expect(await page.locator('img[src=x]').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined()
    expect(dialogs).toEqual([])
  })
})
