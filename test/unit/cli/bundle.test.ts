/**
 * The prebuilt CLI (scripts/build-cli.mjs → out/cli) and how bin/netlens.mjs picks it:
 *   - a bundle built from the current sources answers exactly like the sources do (command
 *     discovery, the package root for the version and resources/, lazy chunks);
 *   - bin/netlens.mjs runs the bundle only while none of its inputs changed since the build, and the
 *     TypeScript sources otherwise, so an edit is never hidden behind an old bundle.
 */
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureFromDir } from '../../support/capture-from-dir'
import { FIXTURES_DIR } from '../../support/fixtures'
import { serializeCapture } from '../../../src/main/capture/capture-file'
import { commandLoaders, main } from '../../../src/main/cli/main'

const run = promisify(execFile)
const ROOT = resolve(__dirname, '../../..')

interface Ran {
  code: number
  stdout: string
  stderr: string
}

async function node(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  try {
    const r = await run(process.execPath, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }
  }
}

/** The sources, in this process (vitest runs them through Vite, like the bundle build). */
async function fromSources(argv: string[]): Promise<Ran> {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, {
    out: (t) => out.push(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => err.push(t.endsWith('\n') ? t : `${t}\n`),
    signal: new AbortController().signal
  })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

describe('the CLI bundle', { timeout: 60_000 }, () => {
  // Inside the package (out/…), where the bundle looks for package.json and resources/.
  const outDir = join(ROOT, 'out', `cli-test-${process.pid}`)
  const work = mkdtempSync(join(tmpdir(), 'netlens-cli-bundle-'))
  const labCapture = join(work, 'lab.cap')
  const bundle = (args: string[]): Promise<Ran> =>
    node([
      '--input-type=module',
      '-e',
      'await (await import(process.argv[1])).runCli()',
      join(outDir, 'netlens.mjs'),
      ...args
    ])

  beforeAll(async () => {
    const built = await node([join(ROOT, 'scripts/build-cli.mjs'), '--out', outDir])
    expect(built.code, built.stderr).toBe(0)
    writeFileSync(labCapture, serializeCapture(captureFromDir(join(FIXTURES_DIR, 'lab/debian-12-docker-20.10'))))
  }, 120_000)
  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true })
    rmSync(work, { recursive: true, force: true })
  })

  it('lists its source files with the time the build started', () => {
    const manifest = JSON.parse(readFileSync(join(outDir, 'inputs.json'), 'utf8')) as {
      builtAt: number
      inputs: string[]
    }
    expect(manifest.builtAt).toBeLessThanOrEqual(Date.now())
    expect(manifest.inputs).toContain('src/main/cli/main.ts')
    expect(manifest.inputs).toContain('src/main/cli/commands/version.ts')
    expect(manifest.inputs).toContain('src/main/model/build-snapshot.ts')
    expect(manifest.inputs).toContain('package.json')
    expect(manifest.inputs.some((f) => f.includes('node_modules'))).toBe(false)
  })

  it.each([
    [['version']],
    [['--version']],
    [['--help']],
    [['inspect', '--help']],
    [['scenarios']],
    [['nosuchcommand']],
    [['inspect', 'sim:bridge-mode']]
  ])('answers %j like the sources', async (argv) => {
    const [fromBundle, sources] = await Promise.all([bundle(argv), fromSources(argv)])
    expect(fromBundle).toEqual(sources)
  })

  it('inspects a capture file (resources and the model from the bundle)', async () => {
    const [fromBundle, sources] = await Promise.all([
      bundle(['inspect', labCapture, '--json']),
      fromSources(['inspect', labCapture, '--json'])
    ])
    expect(fromBundle.code, fromBundle.stderr).toBe(0)
    expect(JSON.parse(fromBundle.stdout)).toEqual(JSON.parse(sources.stdout))
    expect(JSON.parse(fromBundle.stdout).containers.length).toBeGreaterThan(5)
  })

  it('prints the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect((await bundle(['version'])).stdout).toBe(`${pkg.version}\n`)
  })
})

describe('command discovery', () => {
  it('finds every command under the name of its file, loading it only on demand', async () => {
    const loaders = commandLoaders()
    expect([...loaders.keys()].sort()).toEqual(
      [
        'capture',
        'diagnose',
        'diff',
        'fleet',
        'inspect',
        'packets',
        'scenario-from',
        'scenarios',
        'serve',
        'trace',
        'version',
        'watch'
      ].sort()
    )
    for (const [name, load] of loaders) expect((await load()).command?.name).toBe(name)
  })

  it('reads the commands folder when run from the sources by tsx (no import.meta.glob there)', async () => {
    const tsx = await node([join(ROOT, 'bin/netlens.mjs'), '--help'], { NETLENS_CLI: 'source' })
    expect(tsx).toEqual(await fromSources(['--help']))
  }, 60_000)
})

// Each case starts node (and tsx for the sources) a few times: slow on a busy machine.
describe('bin/netlens.mjs: bundle or sources', { timeout: 60_000 }, () => {
  // A package of its own: the real bin, a fake bundle and fake sources that say which one ran.
  const pkg = mkdtempSync(join(tmpdir(), 'netlens-bin-'))
  const source = join(pkg, 'src/main/cli/main.ts')
  const at = (seconds: number): Date => new Date(Date.UTC(2026, 0, 1) + seconds * 1000)
  const builtAt = at(100).getTime()
  const which = async (env: NodeJS.ProcessEnv = {}): Promise<string> => {
    const r = await node([join(pkg, 'bin/netlens.mjs'), 'a', 'b'], { NETLENS_CLI: '', ...env })
    expect(r.stderr).toBe('')
    return r.stdout.trim()
  }
  const writeManifest = (inputs: string[]): void =>
    writeFileSync(join(pkg, 'out/cli/inputs.json'), JSON.stringify({ builtAt, inputs }))

  beforeAll(() => {
    mkdirSync(join(pkg, 'bin'))
    mkdirSync(join(pkg, 'src/main/cli'), { recursive: true })
    mkdirSync(join(pkg, 'out/cli'), { recursive: true })
    cpSync(join(ROOT, 'bin/netlens.mjs'), join(pkg, 'bin/netlens.mjs'))
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'))
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'netlens', type: 'module' }))
    const says = (what: string): string =>
      `export async function runCli(): Promise<void> { console.log('${what} ' + process.argv.slice(2).join(' ')) }\n`
    writeFileSync(source, says('sources'))
    writeFileSync(join(pkg, 'out/cli/netlens.mjs'), says('bundle').replace(': Promise<void>', ''))
  })
  afterAll(() => rmSync(pkg, { recursive: true, force: true }))

  function sourcesAt(seconds: number): void {
    for (const path of [source, join(pkg, 'src/main/cli'), join(pkg, 'src/main'), join(pkg, 'package.json')])
      utimesSync(path, at(seconds), at(seconds))
  }

  it('runs the bundle while its inputs are older than the build, with the arguments', async () => {
    writeManifest(['package.json', 'src/main/cli/main.ts'])
    sourcesAt(50)
    expect(await which()).toBe('bundle a b')
  })

  it('runs the sources when an input changed after the build', async () => {
    writeManifest(['package.json', 'src/main/cli/main.ts'])
    sourcesAt(50)
    utimesSync(source, at(150), at(150))
    expect(await which()).toBe('sources a b')
  })

  it('runs the sources when a file was added to an input folder (a new command)', async () => {
    writeManifest(['package.json', 'src/main/cli/main.ts'])
    sourcesAt(50)
    utimesSync(join(pkg, 'src/main/cli'), at(150), at(150))
    expect(await which()).toBe('sources a b')
  })

  it('runs the sources when an input is gone, the manifest is missing or damaged', async () => {
    sourcesAt(50)
    writeManifest(['package.json', 'src/main/cli/main.ts', 'src/main/cli/removed.ts'])
    expect(await which()).toBe('sources a b')
    writeFileSync(join(pkg, 'out/cli/inputs.json'), '{"builtAt": "soon"')
    expect(await which()).toBe('sources a b')
    rmSync(join(pkg, 'out/cli/inputs.json'))
    expect(await which()).toBe('sources a b')
  })

  it('follows NETLENS_CLI=source and NETLENS_CLI=bundle', async () => {
    writeManifest(['package.json', 'src/main/cli/main.ts'])
    sourcesAt(50)
    expect(await which({ NETLENS_CLI: 'source' })).toBe('sources a b')
    utimesSync(source, at(150), at(150))
    expect(await which({ NETLENS_CLI: 'bundle' })).toBe('bundle a b')
  })
})
