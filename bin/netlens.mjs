#!/usr/bin/env node
// `npx netlens`: runs the prebuilt CLI bundle (out/cli/netlens.mjs, built by scripts/build-cli.mjs
// on `npm install`/`npm ci` or with `npm run build:cli`) with plain node: it starts like a native
// tool. When there is no bundle, or a source file that went into it changed since it was built
// (out/cli/inputs.json lists them), the CLI runs from the TypeScript sources through tsx instead, so
// an edit is never hidden behind an old bundle; `npm run build:cli` makes it fast again.
// NETLENS_CLI=source forces the sources, NETLENS_CLI=bundle the bundle (an error when missing).
import { readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bundleDir = join(root, 'out', 'cli')

/** True when the bundle exists and none of its inputs (nor their folders) changed after the build started. */
function bundleIsCurrent() {
  let manifest
  try {
    manifest = JSON.parse(readFileSync(join(bundleDir, 'inputs.json'), 'utf8'))
  } catch {
    return false
  }
  const builtAt = manifest?.builtAt
  if (typeof builtAt !== 'number' || !Array.isArray(manifest.inputs) || manifest.inputs.length === 0) return false
  // Source folders too: a file added to or removed from one (a new command) changes the folder.
  // Not the package root itself, which changes whenever out/ or test-output/ is made.
  const paths = new Set()
  for (const input of manifest.inputs) {
    if (typeof input !== 'string') return false
    paths.add(input)
    if (dirname(input) !== '.') paths.add(dirname(input))
  }
  try {
    for (const path of paths) if (statSync(join(root, path)).mtimeMs > builtAt) return false
    statSync(join(bundleDir, 'netlens.mjs'))
  } catch {
    return false
  }
  return true
}

const mode = process.env.NETLENS_CLI
let cli
if (mode === 'bundle' || (mode !== 'source' && bundleIsCurrent())) {
  cli = await import(pathToFileURL(join(bundleDir, 'netlens.mjs')).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  cli = await import(pathToFileURL(join(root, 'src/main/cli/main.ts')).href)
}
await cli.runCli()
