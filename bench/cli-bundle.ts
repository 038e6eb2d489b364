/**
 * For benches that time the CLI as users start it: a bundle built from the current sources
 * (scripts/build-cli.mjs), run through bin/netlens.mjs with NETLENS_CLI=bundle so a stale-bundle
 * fallback to tsx can never be what gets measured.
 */
import { resolve } from 'node:path'
import { execa } from 'execa'

export const NETLENS_BIN = resolve(import.meta.dirname, '../bin/netlens.mjs')
const BUILD = resolve(import.meta.dirname, '../scripts/build-cli.mjs')

export async function buildCliBundle(): Promise<void> {
  const r = await execa(process.execPath, [BUILD], { reject: false })
  if (r.exitCode !== 0) throw new Error(`building the CLI failed: ${r.stderr || r.stdout}`)
}

/** Environment that makes bin/netlens.mjs run the bundle. */
export const BUNDLE_ENV = { NETLENS_CLI: 'bundle' }
