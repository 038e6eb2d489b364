/**
 * Locates the built renderer and builds it on demand, so `npx netlens serve` works straight after
 * `npm ci` (the first run builds once with electron-vite).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { packageRoot } from '../package-root'

export const repoRoot = packageRoot()
export const rendererDir = join(repoRoot, 'out', 'renderer')

export function rendererBuilt(): boolean {
  return existsSync(join(rendererDir, 'index.html'))
}

export async function buildRenderer(log: (line: string) => void): Promise<void> {
  log('Building the NetLens renderer once (electron-vite build)…')
  const bin = join(repoRoot, 'node_modules', '.bin', 'electron-vite')
  await execa(bin, ['build'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
}
