#!/usr/bin/env node
// Runs one TypeScript file with tsx: `node bin/tsx-run.mjs bench/run.ts`.
import { register } from 'tsx/esm/api'
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'

register()
const file = process.argv[2]
if (!file) {
  console.error('usage: node bin/tsx-run.mjs <file.ts> [args…]')
  process.exit(2)
}
// The script sees itself as argv[1], as if run directly (bench files check this).
process.argv.splice(1, 2, resolve(file))
await import(pathToFileURL(resolve(file)).href)
