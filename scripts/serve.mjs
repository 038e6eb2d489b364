#!/usr/bin/env node
// `npm run serve`: browser mode (same as `npx netlens serve`), rebuilding the renderer first so the
// served UI matches the sources.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const child = spawn(process.execPath, [join(root, 'bin/netlens.mjs'), 'serve', '--rebuild', ...process.argv.slice(2)], {
  stdio: 'inherit'
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 1))
