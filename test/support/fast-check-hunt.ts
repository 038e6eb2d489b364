/**
 * Seed hunt for every fast-check property in the unit tier: a vitest setup file that runs each
 * `fc.assert` with NETLENS_FC_FACTOR times its numRuns (default 20×) and a fresh random seed.
 * A property must hold for every seed, so run this before landing a new one:
 *
 *   NETLENS_FC_FACTOR=20 npx vitest run --config test/support/vitest-hunt.config.ts test/unit/parsers
 *
 * A failure prints the seed and counterexample as usual; add it as a fixed case, then fix the code.
 */
import { vi } from 'vitest'

vi.mock('fast-check', async (importOriginal) => {
  const fc = await importOriginal<typeof import('fast-check')>()
  const factor = Number(process.env.NETLENS_FC_FACTOR ?? 20)
  const assert = ((property: Parameters<typeof fc.assert>[0], params: Parameters<typeof fc.assert>[1] = {}) =>
    fc.assert(property, { ...params, numRuns: (params.numRuns ?? 100) * factor })) as typeof fc.assert
  return { ...fc, assert, default: { ...fc, assert } }
})
