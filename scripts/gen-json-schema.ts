/**
 * Writes docs/snapshot.schema.json from the zod Snapshot schema (src/shared/snapshot/schema.ts).
 *   node bin/tsx-run.mjs scripts/gen-json-schema.ts          write the file
 *   node bin/tsx-run.mjs scripts/gen-json-schema.ts --check  exit 1 when the file is stale
 * test/unit/model/json-schema.test.ts fails when the committed file differs from the schema.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { snapshotJsonSchemaText } from '../src/main/model/json-schema'

const target = resolve(dirname(fileURLToPath(import.meta.url)), '../docs/snapshot.schema.json')
const text = snapshotJsonSchemaText()
if (process.argv.includes('--check')) {
  let current = ''
  try {
    current = readFileSync(target, 'utf8')
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error(`${target} is stale: run node bin/tsx-run.mjs scripts/gen-json-schema.ts`)
    process.exit(1)
  }
  console.log(`${target} is up to date`)
} else {
  writeFileSync(target, text)
  console.log(`wrote ${target}`)
}
