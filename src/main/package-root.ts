/**
 * The NetLens package root: the folder holding package.json and resources/. Found by walking up
 * from this module, so one answer serves every layout the code runs in: the sources (tsx, vitest),
 * the prebuilt CLI bundle (out/cli/ and its chunks/), electron-vite's out/main/, and a packaged app
 * (app.asar holds package.json next to out/).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE_NAME = 'netlens'
/** Deep enough for src/main/<folder>/<file> and out/cli/chunks/<file>. */
const MAX_LEVELS = 8

let cachedRoot: string | null = null

function isNetlensPackage(dir: string): boolean {
  const file = join(dir, 'package.json')
  if (!existsSync(file)) return false
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME
  } catch {
    return false
  }
}

/** Walks up from `start` to the first folder whose package.json is NetLens's; null when there is none. */
export function findPackageRoot(start: string): string | null {
  let dir = start
  for (let level = 0; level < MAX_LEVELS; level++) {
    if (isNetlensPackage(dir)) return dir
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return null
}

/** The package root of the running code (cached). Falls back to three levels up, the sources' layout. */
export function packageRoot(): string {
  if (cachedRoot !== null) return cachedRoot
  const here = dirname(fileURLToPath(import.meta.url))
  cachedRoot = findPackageRoot(here) ?? join(here, '..', '..')
  return cachedRoot
}

/** `version` from the package's package.json, or 0.0.0 when it cannot be read. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0'
  } catch {
    return '0.0.0'
  }
}
