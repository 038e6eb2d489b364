/**
 * The unit tier with the fast-check seed hunt (fast-check-hunt.ts) loaded before every file:
 *   NETLENS_FC_FACTOR=20 npx vitest run --config test/support/vitest-hunt.config.ts test/unit/parsers
 */
import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

const root = resolve(import.meta.dirname, '../..')
const alias = { '@renderer': resolve(root, 'src/renderer/src'), '@shared': resolve(root, 'src/shared') }

export default defineConfig({
  root,
  resolve: { alias },
  test: {
    name: 'unit-hunt',
    environment: 'node',
    include: ['test/unit/**/*.test.ts'],
    setupFiles: [resolve(import.meta.dirname, 'fast-check-hunt.ts')],
    testTimeout: 0
  }
})
