/**
 * Debian Chromium through playwright-core, as the e2e tier and the UI benches start it: no sandbox
 * (root in a container), no GPU, and nothing that phones home (no background networking, component
 * updates or sync). No vitest here, so the benches (run by tsx) can use it too.
 */
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = process.env.NETLENS_CHROMIUM ?? '/usr/bin/chromium'

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ]
  })
}
