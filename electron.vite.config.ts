import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// Three entries: the thin Electron app shell, one self-contained preload (sandbox: true needs a single
// bundle with no externals), and the Vue renderer. The renderer build is also what browser mode serves.
export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/main/app-shell/index.ts') } }
    }
  },
  preload: {
    build: {
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') }, output: { format: 'cjs' } }
    }
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    resolve: {
      alias: { '@renderer': resolve(import.meta.dirname, 'src/renderer/src'), '@shared': resolve(import.meta.dirname, 'src/shared') }
    },
    plugins: [vue()],
    build: { rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } } }
  }
})
