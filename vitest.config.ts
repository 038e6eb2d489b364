import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

const alias = { '@renderer': resolve(import.meta.dirname, 'src/renderer/src'), '@shared': resolve(import.meta.dirname, 'src/shared') }

// Tests never read the developer's own training scenarios (~/.config/netlens/scenarios): every tier,
// and every server a test starts, sees an empty scenario folder unless a test points elsewhere.
process.env.NETLENS_SCENARIOS_DIR = resolve(import.meta.dirname, 'test-output', 'no-user-scenarios')

// Four tiers; scripts/test.mjs runs them one after another (npm test).
export default defineConfig({
  test: {
    projects: [
      // A test fails on a real hang, not because the shared build machine is busy: fuzz properties
      // of 100 runs take well under a second alone and over 5 s (vitest's default) under load.
      {
        resolve: { alias },
        test: { name: 'unit', environment: 'node', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000 }
      },
      {
        plugins: [vue()],
        resolve: { alias },
        test: { name: 'dom', environment: 'happy-dom', include: ['test/dom/**/*.test.ts'], testTimeout: 60_000 }
      },
      {
        resolve: { alias },
        test: {
          name: 'live',
          environment: 'node',
          include: ['test/live/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
          globalSetup: ['test/live/global-setup.ts'],
          setupFiles: ['test/e2e/support/console-guard.ts']
        }
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/e2e/support/console-guard.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000
        }
      }
    ]
  }
})
