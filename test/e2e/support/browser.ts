/**
 * E2E support: Debian Chromium through playwright-core, and NetLens browser mode started in-process
 * (the real backend, the built renderer). When /usr/bin/chromium is missing the tier skips with a
 * loud banner, unless NETLENS_REQUIRE_ALL_TIERS=1 where it fails.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { CHROMIUM, launchChromium } from './chromium'
import { buildRendererOnly, rendererOut, repoRoot } from './build-renderer'
import { consoleErrors } from './console-errors'
import type { ServiceDeps } from '../../../src/main/service/deps'

export { CHROMIUM, launchChromium } from './chromium'
export const SCREENSHOT_DIR = resolve(repoRoot, 'test-output/screenshots')
export const VIEWPORT = { width: 1280, height: 800 }

/** True when the e2e tier can run; otherwise warns loudly (or throws under NETLENS_REQUIRE_ALL_TIERS=1). */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true
  const message = `Chromium not found at ${CHROMIUM}: install Debian's chromium package to run the e2e tier.`
  if (process.env.NETLENS_REQUIRE_ALL_TIERS === '1') throw new Error(message)
  console.warn(
    [
      '',
      '!'.repeat(78),
      `!!  E2E TIER SKIPPED: ${message}`,
      '!!  Set NETLENS_REQUIRE_ALL_TIERS=1 to make this a failure.',
      '!'.repeat(78),
      ''
    ].join('\n')
  )
  return false
}


export interface RunningApp {
  url: string
  token: string
  port: number
  close(): Promise<void>
}

let built = false
/** Builds the renderer once per process (set NETLENS_E2E_NO_BUILD=1 to reuse out/renderer). */
export async function ensureRendererBuilt(): Promise<void> {
  if (built) return
  if (process.env.NETLENS_E2E_NO_BUILD === '1' && existsSync(join(rendererOut, 'index.html'))) {
    built = true
    return
  }
  await buildRendererOnly()
  built = true
}

/**
 * Starts browser mode in this process with a fresh, throw-away state file (so preferences from a
 * developer's machine never leak into tests) and an SSH config: empty, the given text (sshConfig) or the
 * given file (sshConfigFile); its hosts are then in the sidebar. `deps` wraps the real service deps (a
 * test that must hold a capture at one stage, without racing a clock).
 */
export interface AppOptions {
  sshConfig?: string
  sshConfigFile?: string
  deps?: (real: ServiceDeps) => ServiceDeps
}

export async function startApp(options: AppOptions = {}): Promise<RunningApp> {
  await ensureRendererBuilt()
  const [{ startBrowserServer }, { createBackend }, { createDefaultDeps }] = await Promise.all([
    import('../../../src/main/server/browser-server'),
    import('../../../src/main/service/backend'),
    import('../../../src/main/service/default-deps')
  ])
  const dir = mkdtempSync(join(tmpdir(), 'netlens-e2e-'))
  const sshConfigFile = join(dir, 'ssh_config')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(sshConfigFile, options.sshConfig ?? '')
  const deps = createDefaultDeps({
    stateFile: join(dir, 'state.json'),
    sshConfigFile: options.sshConfigFile ?? sshConfigFile
  })
  const backend = createBackend(options.deps ? options.deps(deps) : deps, 'browser')
  const server = await startBrowserServer({ backend, staticDir: rendererOut })
  return {
    url: server.url,
    token: server.token,
    port: server.port,
    async close() {
      backend.dispose()
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Sets preferences from Node before any page runs (a page's own startup would race with it). */
export async function setPreferences(app: RunningApp, prefs: Record<string, unknown>): Promise<void> {
  const response = await fetch(new URL('/api/call/setPreferences', app.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-netlens-token': app.token },
    body: JSON.stringify(prefs)
  })
  const result = (await response.json()) as { ok: boolean }
  if (!result.ok) throw new Error(`setPreferences failed: ${JSON.stringify(result)}`)
}

/** Records a page's console errors and uncaught exceptions for the console guard. */
export function guardConsole(page: Page): void {
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`[console.error] ${m.text()} (${m.location().url})`)
  })
  page.on('pageerror', (e) => consoleErrors.push(`[page error] ${e.message}`))
}

export interface OpenAppOptions {
  viewport?: { width: number; height: number }
  theme?: 'light' | 'dark'
  /** The browser's own language (navigator.language), when it should differ from the UI language. */
  browserLocale?: string
  recentHosts?: string[]
  lessonProgress?: Record<string, unknown>
}

/** Opens the app like a first start (nothing remembered, light theme) in the given language. */
export async function openApp(
  browser: Browser,
  app: RunningApp,
  locale: 'en' | 'zh-CN',
  options: OpenAppOptions = {}
): Promise<Page> {
  await setPreferences(app, {
    locale,
    theme: options.theme ?? 'light',
    recentHosts: options.recentHosts ?? [],
    lessonProgress: options.lessonProgress ?? {}
  })
  const context = await browser.newContext({
    viewport: options.viewport ?? VIEWPORT,
    deviceScaleFactor: 1,
    locale: options.browserLocale ?? locale,
    acceptDownloads: true
  })
  const page = await context.newPage()
  guardConsole(page)
  await page.goto(app.url)
  return page
}

export async function screenshot(page: Page, name: string, locale: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const file = join(SCREENSHOT_DIR, `${name}-${locale}.png`)
  await page.screenshot({ path: file })
  return file
}

/** Browser mode and Chromium for the enclosing describe block: started before its tests, stopped after. */
export function appSession(options: AppOptions = {}): {
  readonly app: RunningApp
  readonly browser: Browser
} {
  const session = {} as { app: RunningApp; browser: Browser }
  beforeAll(async () => {
    session.app = await startApp(options)
    session.browser = await launchChromium()
  })
  afterAll(async () => {
    await session.browser?.close()
    await session.app?.close()
  })
  return session
}

export type AppSession = ReturnType<typeof appSession>
