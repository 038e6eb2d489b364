#!/usr/bin/env node
// Builds the prebuilt CLI that bin/netlens.mjs runs with plain `node` (no TypeScript at run time):
// src/main/cli/main.ts and everything it imports, dependencies included, bundled by Vite (Rolldown)
// into out/cli/netlens.mjs plus one chunk per command (a command loads only what it needs).
//
// `npm run build:cli` runs it; so does `npm install`/`npm ci` (the `prepare` script), so a fresh
// clone has the bundle before the first `npx netlens`. out/cli/inputs.json lists the source files
// that went into the bundle and when the build started: bin/netlens.mjs runs the sources through
// tsx instead whenever one of them (or its folder) changed after that, so an edit is never hidden
// behind an old bundle.
//
//   node scripts/build-cli.mjs [--out DIR] [--if-possible]
//     --out DIR       build there instead of out/cli (tests)
//     --if-possible   a failed build warns and exits 0 (npm install must not fail over it: the bin
//                     then runs the sources)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const outAt = args.indexOf('--out')
const outDir = resolve(outAt === -1 ? join(root, 'out', 'cli') : args[outAt + 1])
const ifPossible = args.includes('--if-possible')

/** The manifest bin/netlens.mjs reads (keep the two in step). */
export const MANIFEST = 'inputs.json'
export const ENTRY = 'netlens.mjs'

async function buildCli() {
  const startedAt = Date.now()
  const { build } = await import('vite')
  rmSync(outDir, { recursive: true, force: true })
  const result = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    publicDir: false,
    // Everything into the bundle: resolving packages in node_modules at start-up costs more than
    // reading a few hundred kilobytes more.
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: join(root, 'src/main/cli/main.ts'),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      sourcemap: false,
      reportCompressedSize: false,
      rolldownOptions: {
        output: {
          format: 'es',
          entryFileNames: ENTRY,
          chunkFileNames: 'chunks/[name]-[hash].mjs'
        }
      }
    }
  })
  const outputs = Array.isArray(result) ? result : [result]
  const inputs = new Set()
  for (const output of outputs) {
    for (const item of output.output ?? []) {
      for (const id of item.moduleIds ?? Object.keys(item.modules ?? {})) {
        const file = id.split('?')[0]
        if (!file.startsWith(root + sep) || file.includes(`${sep}node_modules${sep}`)) continue
        inputs.add(relative(root, file))
      }
    }
  }
  if (inputs.size === 0) throw new Error('the build reported no source files')
  // package.json: the version, and dependencies the bundle holds copies of.
  inputs.add('package.json')
  mkdirSync(outDir, { recursive: true })
  writeFileSync(
    join(outDir, MANIFEST),
    JSON.stringify({ builtAt: startedAt, inputs: [...inputs].sort() }, null, 1) + '\n'
  )
  return inputs.size
}

try {
  const count = await buildCli()
  console.log(`netlens: built the CLI into ${relative(root, outDir) || outDir} (${count} source files)`)
} catch (error) {
  const message = error instanceof Error ? error.message : String(error)
  if (!ifPossible) {
    console.error(`netlens: building the CLI failed: ${message}`)
    process.exit(1)
  }
  rmSync(outDir, { recursive: true, force: true })
  console.warn(`netlens: could not build the CLI bundle (${message}); \`npx netlens\` runs from the sources instead`)
}
