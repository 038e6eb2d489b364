#!/usr/bin/env node
// `npm test`: every tier, one after another.
//   1. unit + dom  (plain Node, happy-dom)                          always
//   2. live        (real dockerd + sshd + lab topology; Linux, root)  skips loudly when missing
//   3. e2e         (Debian Chromium through browser mode)             skips loudly when missing
// With NETLENS_REQUIRE_ALL_TIERS=1 (set by .ci/run) a missing service is a failure, never a skip.
// Ends with one summary line "tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = join(root, 'test-output')
mkdirSync(outDir, { recursive: true })
const bin = (name) => join(root, 'node_modules', '.bin', name)
const only = process.argv.slice(2) // e.g. `npm test -- unit e2e`

const tiers = [
  { name: 'unit', projects: ['unit', 'dom'] },
  { name: 'live', projects: ['live'] },
  { name: 'e2e', projects: ['e2e'], before: buildRenderer }
].filter((tier) => only.length === 0 || only.includes(tier.name))

function buildRenderer() {
  console.log('\n[netlens test] building the app for the e2e tier (electron-vite build)…')
  const build = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' })
  return build.status === 0
}

const totals = { passed: 0, failed: 0, skipped: 0 }
let failedTiers = []
for (const tier of tiers) {
  console.log(`\n[netlens test] ===== tier: ${tier.name} =====`)
  if (tier.before && !tier.before()) {
    failedTiers.push(tier.name)
    totals.failed++
    continue
  }
  const report = join(outDir, `vitest-${tier.name}.json`)
  rmSync(report, { force: true })
  const args = ['run', ...tier.projects.flatMap((p) => ['--project', p]), '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]
  const run = spawnSync(bin('vitest'), args, { cwd: root, stdio: 'inherit', env: { ...process.env, TZ: 'UTC' } })
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'))
    totals.passed += json.numPassedTests ?? 0
    totals.failed += json.numFailedTests ?? 0
    totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0)
  }
  if (run.status !== 0) failedTiers.push(tier.name)
}

console.log(`\n[netlens test] tiers run: ${tiers.map((t) => t.name).join(', ')}${failedTiers.length ? `; FAILED: ${failedTiers.join(', ')}` : ''}`)
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(failedTiers.length ? 1 : 0)
