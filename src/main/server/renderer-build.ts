/**
 * Locates the built renderer and builds it on demand, so `npx netlens serve` works straight after
 * `npm ci` (the first run builds once with electron-vite).
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const rendererDir = join(repoRoot, 'out', 'renderer')

export function rendererBuilt(): boolean {
  return existsSync(join(rendererDir, 'index.html'))
}

export async function buildRenderer(log: (line: string) => void): Promise<void> {
  log('Building the NetLens renderer once (electron-vite build)…')
  const bin = join(repoRoot, 'node_modules', '.bin', 'electron-vite')
  await execa(bin, ['build'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
}
