#!/usr/bin/env node
// `npm start`: builds the app and opens the desktop window on the built-in training host.
// Where the Electron binary is not installed (it is downloaded from GitHub on first use, which some
// build machines cannot reach), it says so loudly and opens the same UI in browser mode instead.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)

const build = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

function electronBinary() {
  try {
    const require = createRequire(import.meta.url)
    const electronDir = dirname(require.resolve('electron/package.json'))
    const pathFile = join(electronDir, 'path.txt')
    if (!existsSync(pathFile)) return null
    const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(binary) ? binary : null
  } catch {
    return null
  }
}

const electron = electronBinary()
if (electron) {
  const child = spawn(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  console.warn(
    [
      '',
      '!!! The Electron binary is not installed (node_modules/electron/dist is missing).',
      '!!! On a machine with internet access, `npx electron --version` downloads it once.',
      '!!! Opening NetLens in browser mode instead: same app, same training host.',
      ''
    ].join('\n')
  )
  const child = spawn(process.execPath, [join(root, 'bin/netlens.mjs'), 'serve', ...process.argv.slice(2)], {
    stdio: 'inherit'
  })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 0))
}
