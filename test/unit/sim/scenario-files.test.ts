/**
 * Scenario files from anywhere (#19 item 1): `sim:<path>`, a bare *.yaml SOURCE, and the user's
 * scenario folder, with file:line:column errors and edits picked up without a restart.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { listAllScenarios, loadScenario, renderScenarioCapture } from '../../../src/main/sim/index'
import { scenariosDir } from '../../../src/main/sim/load'
import { openSource, parseSource, snapshotFromSource } from '../../../src/main/sources/index'
import { command as scenariosCommand } from '../../../src/main/cli/commands/scenarios'
import { command as diagnoseCommand } from '../../../src/main/cli/commands/diagnose'
import { createBackend } from '../../../src/main/service/backend'
import { createDefaultDeps } from '../../../src/main/service/default-deps'

const builtinBridge = readFileSync(join(scenariosDir(), 'bridge-mode.yaml'), 'utf8')

/** The shipped bridge-mode scenario under another id and title: what an instructor starts from. */
const exercise = (id: string, title = 'Our incident'): string =>
  builtinBridge
    .replace(/^id: bridge-mode$/m, `id: ${id}`)
    .replace(/^lesson: bridge-mode$/m, 'lesson: null')
    .replace(/^( {2}en: )"Bridge mode[^\n]*$/m, `$1"${title}"`)

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-scenarios-'))
  vi.stubEnv('NETLENS_SCENARIOS_DIR', join(dir, 'folder'))
})
afterEach(() => {
  vi.unstubAllEnvs()
  rmSync(dir, { recursive: true, force: true })
})

describe('a scenario file as SOURCE', () => {
  it('sim:<absolute path>, sim:<relative path> and a bare .yaml path render the same host', async () => {
    const file = join(dir, 'incident.yaml')
    writeFileSync(file, exercise('incident-42'))
    const absolute = await snapshotFromSource(`sim:${file}`)
    const rel = relative(process.cwd(), file)
    const relativeRef = await snapshotFromSource(`sim:${rel}`)
    const bare = await snapshotFromSource(file)
    for (const r of [absolute, relativeRef, bare]) {
      expect(r.ok).toBe(true)
      if (!r.ok) continue
      expect(r.value.host.hostname).toBe('host1')
      expect(r.value.containers.map((c) => c.name)).toEqual(['vh2'])
    }
    const source = openSource(file)
    expect(source.ok && source.value.ref.kind).toBe('sim')
    const resolved = source.ok ? await source.value.capture() : source
    expect(resolved.ok && resolved.value.capture?.source).toBe(`sim:${file}`)
  })

  it('does not need the file name to match the id (any file is a host)', () => {
    const file = join(dir, 'Last week (prod).yml')
    writeFileSync(file, exercise('prod-outage'))
    const r = loadScenario(file)
    expect(r.ok && r.value.id).toBe('prod-outage')
  })

  it('keeps file:line:column in its errors', async () => {
    const file = join(dir, 'broken.yaml')
    writeFileSync(file, exercise('broken').replace('image: busybox', 'image: busybox\n        colour: red'))
    const r = await snapshotFromSource(`sim:${file}`)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('parse-error')
    expect(r.error.detail).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: .*colour`))
  })

  it('the CLI prints those errors under the message, one cleaned line each', async () => {
    const file = join(dir, 'broken.yaml')
    writeFileSync(file, 'id: broken\nhosts:\n  - name: h\n    colour: red\n')
    let err = ''
    const io = { out: () => undefined, err: (t: string) => (err += t + '\n'), signal: new AbortController().signal }
    expect(await diagnoseCommand.run([`sim:${file}`], io)).toBe(1)
    expect(err).toContain(`netlens diagnose: scenario ${file} is invalid`)
    expect(err).toContain(`  | ${file}:4:5: hosts[0].colour: Unrecognized key: "colour"`)
  })

  it('refuses what is not a regular file, and a missing file, without reading it', () => {
    const notFile = loadScenario('/dev/zero')
    expect(notFile.ok).toBe(false)
    expect(!notFile.ok && notFile.error.detail).toContain('not a regular file')
    const missing = loadScenario(join(dir, 'nope.yaml'))
    expect(!missing.ok && missing.error.code).toBe('not-found')
  })

  it('picks up an edited file on the next capture (authors edit and reload)', () => {
    const file = join(dir, 'draft.yaml')
    writeFileSync(file, exercise('draft', 'First draft'))
    const first = loadScenario(file)
    expect(first.ok && first.value.title.en).toBe('First draft')
    writeFileSync(file, exercise('draft', 'Second draft, a longer title'))
    const second = loadScenario(file)
    expect(second.ok && second.value.title.en).toBe('Second draft, a longer title')
  })

  it('is a training source for packets too, given as sim:<path> or as the bare path', async () => {
    const file = join(dir, 'incident.yaml')
    writeFileSync(file, exercise('incident-42'))
    for (const source of [file, `sim:${file}`]) {
      const seen: string[] = []
      const opened = openSource(source)
      if (!opened.ok) throw new Error(opened.error.message)
      const r = await opened.value.packets({
        target: { container: 'vh2' },
        count: 2,
        onPackets: (p) => seen.push(...p.map((x) => x.summary.src ?? '-'))
      })
      expect(r.ok && r.value.packets).toBe(2)
      expect(seen).toContain('172.17.0.2')
    }
  })

  it('is a live training source for watch (simulated counters), not a capture file', () => {
    const file = join(dir, 'incident.yaml')
    writeFileSync(file, exercise('incident-42'))
    expect(parseSource(file)).toEqual({ ok: true, value: { kind: 'sim', scenario: file, host: null } })
    expect(parseSource(`sim:${file}`)).toEqual({ ok: true, value: { kind: 'sim', scenario: file, host: null } })
    const source = openSource(file)
    expect(source.ok && source.value.counters({ intervalS: 1, pids: [] }).ok).toBe(true)
  })
})

describe("the user's scenario folder", () => {
  const folder = (): string => join(dir, 'folder')
  const put = (name: string, text: string): string => {
    const path = join(folder(), name)
    writeFileSync(path, text)
    return path
  }
  beforeEach(() => {
    rmSync(folder(), { recursive: true, force: true })
    mkdirSync(folder(), { recursive: true })
  })

  it('lists built-ins, then the folder: by id when the file is named after it, else by path; invalid files apart', () => {
    put('incident-42.yaml', exercise('incident-42'))
    const renamed = put('friday.yaml', exercise('friday-outage'))
    const shadowing = put('bridge-mode.yaml', exercise('bridge-mode', 'My own bridge mode'))
    const broken = put('broken.yaml', 'id: broken\nhosts: 3\n')
    const { scenarios, invalid } = listAllScenarios()
    const builtin = scenarios.filter((s) => s.origin === 'builtin')
    expect(builtin.map((s) => s.source)).toContain('sim:bridge-mode')
    const user = scenarios.filter((s) => s.origin === 'user')
    expect(user.map((s) => [s.id, s.source]).sort()).toEqual(
      [
        ['bridge-mode', `sim:${shadowing}`],
        ['friday-outage', `sim:${renamed}`],
        ['incident-42', 'sim:incident-42']
      ].sort()
    )
    expect(invalid.map((i) => i.file)).toEqual([broken])
    expect(invalid[0].detail).toMatch(/broken\.yaml:\d+:\d+: /)
    // Each listed source renders the file it names (the shadowing one is not the built-in).
    for (const s of user) {
      const capture = renderScenarioCapture(s.source.slice(4))
      expect(capture.ok).toBe(true)
    }
    const own = loadScenario(`sim:${shadowing}`.slice(4))
    expect(own.ok && own.value.title.en).toBe('My own bridge mode')
    const shipped = loadScenario('bridge-mode')
    expect(shipped.ok && shipped.value.title.en).not.toBe('My own bridge mode')
  })

  it('sim:<id> finds a folder scenario by id', async () => {
    put('incident-42.yaml', exercise('incident-42'))
    const r = await snapshotFromSource('sim:incident-42')
    expect(r.ok && r.value.host.source).toBe('sim:incident-42')
  })

  it('netlens scenarios shows both origins and reports an invalid file on stderr', async () => {
    put('incident-42.yaml', exercise('incident-42', 'Our incident'))
    put('broken.yaml', 'id: broken\nhosts: 3\n')
    let out = ''
    let err = ''
    const io = { out: (t: string) => (out += t + '\n'), err: (t: string) => (err += t + '\n'), signal: new AbortController().signal }
    expect(await scenariosCommand.run([], io)).toBe(0)
    expect(out).toMatch(/^SOURCE\s+LESSON\s+ORIGIN\s+TITLE/)
    expect(out).toMatch(/sim:incident-42\s+-\s+yours\s+Our incident/)
    expect(out).toMatch(/sim:bridge-mode\s+bridge-mode\s+built-in/)
    expect(out).toContain(`Your scenario folder: ${folder()} (1 loaded, 1 invalid)`)
    expect(err).toMatch(/broken\.yaml:\d+:\d+: hosts/)
    out = ''
    expect(await scenariosCommand.run(['--json'], io)).toBe(0)
    const json = JSON.parse(out) as { source: string; origin: string; file?: string }[]
    expect(json.find((s) => s.source === 'sim:incident-42')).toMatchObject({ origin: 'user', file: join(folder(), 'incident-42.yaml') })
  })
})

describe('the app: training list and File → Open', () => {
  it('lists a folder scenario as a training host, captures it, and opens a scenario file by its content', async () => {
    mkdirSync(join(dir, 'folder'), { recursive: true })
    writeFileSync(join(dir, 'folder', 'incident-42.yaml'), exercise('incident-42', 'Our incident'))
    const backend = createBackend(createDefaultDeps({ stateFile: null }), 'browser')
    const hosts = await backend.call('listHosts', {})
    expect(hosts.ok).toBe(true)
    if (!hosts.ok) return
    const mine = hosts.value.find((h) => h.id === 'sim:incident-42')
    expect(mine).toMatchObject({ kind: 'training', label: 'Our incident' })
    const captured = await backend.call('captureHost', { hostId: 'sim:incident-42' })
    expect(captured.ok && captured.value.containers.map((c) => c.name)).toEqual(['vh2'])

    const opened = await backend.call('openFile', { name: 'friday.yaml', content: exercise('friday', 'Friday') })
    expect(opened.ok && opened.value).toMatchObject({ kind: 'file', label: 'friday.yaml' })
    const snapshot = opened.ok ? await backend.call('getSnapshot', { hostId: opened.value.id }) : null
    expect(snapshot?.ok && snapshot.value?.host.hostname).toBe('host1')
    const broken = await backend.call('openFile', { name: 'broken.yaml', content: 'id: broken\nhosts: 3\n' })
    expect(broken.ok).toBe(false)
    expect(!broken.ok && broken.error.detail).toMatch(/^broken\.yaml:2:\d+: hosts/m)
  })
})
