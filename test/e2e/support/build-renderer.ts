/**
 * Builds only the renderer (out/renderer) with Vite, the same settings as the renderer entry of
 * electron.vite.config.ts. Used by the e2e tier and the UI bench so they test the current sources
 * even while the main-process bundle is being worked on.
 */
import { resolve } from 'node:path'
import { build } from 'vite'
import vue from '@vitejs/plugin-vue'

export const repoRoot = resolve(import.meta.dirname, '../../..')
export const rendererOut = resolve(repoRoot, 'out/renderer')

export async function buildRendererOnly(): Promise<string> {
  await build({
    configFile: false,
    root: resolve(repoRoot, 'src/renderer'),
    base: './',
    logLevel: 'warn',
    resolve: {
      alias: { '@renderer': resolve(repoRoot, 'src/renderer/src'), '@shared': resolve(repoRoot, 'src/shared') }
    },
    plugins: [vue()],
    build: {
      outDir: rendererOut,
      emptyOutDir: true,
      rollupOptions: { input: { index: resolve(repoRoot, 'src/renderer/index.html') } }
    }
  })
  return rendererOut
}
