/**
 * The section registry (src/main/capture/section-registry.ts) against what it describes:
 * resources/probe.sh (every section it emits has an entry, with the command probe.sh displays,
 * and every entry is emitted), the fixtures (every glob matches a real file), the parsers (each
 * entry's parser exists and the snapshot model reads it; every parser module is some entry's, so
 * no parser is written, tested and unused) and the diagnose checks' needs (registry names only).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ALL_SECTIONS, HOST_SECTIONS, NS_SECTIONS } from '../../../src/main/capture/section-registry'
import { NS_SECTION, SECTION } from '../../../src/main/capture/sections'
import { NEEDS } from '../../../src/shared/diagnose/coverage'

const ROOT = resolve(import.meta.dirname, '../../..')
const FIXTURES = join(ROOT, 'test/fixtures')
const PARSERS = join(ROOT, 'src/main/parsers')
const MODEL = join(ROOT, 'src/main/model')

/** probe.sh's `nl_run[_kept] NAME 'DISPLAY' …` and `nl_skip NAME 'DISPLAY' …` lines, as [name, display, perNamespace]. */
function probeSections(): { name: string; display: string; perNamespace: boolean }[] {
  const text = readFileSync(join(ROOT, 'resources/probe.sh'), 'utf8')
  const out: { name: string; display: string; perNamespace: boolean }[] = []
  const line = /^\s*nl_(?:run|run_kept|skip) ("[^"]+"|\S+) ('[^']*'|"[^"]*")/gm
  for (const m of text.matchAll(line)) {
    const rawName = m[1].replace(/^"|"$/g, '')
    if (rawName === 'NAME') continue
    const perNamespace = rawName.startsWith('ns/$nl_id/')
    const display = m[2]
      .slice(1, -1)
      .replace(/\$nl_path/g, '<path>')
      .replace(/\$nl_pid/g, '<pid>')
    out.push({ name: perNamespace ? rawName.slice('ns/$nl_id/'.length) : rawName, display, perNamespace })
  }
  return out
}

/** Files under test/fixtures matching a glob whose `*` stands within one path segment. */
function globFixtures(glob: string): string[] {
  let paths = ['']
  for (const part of glob.split('/')) {
    const re = new RegExp(`^${part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
    paths = paths.flatMap((dir) => {
      const abs = join(FIXTURES, dir)
      if (!statSync(abs, { throwIfNoEntry: false })?.isDirectory()) return []
      return readdirSync(abs)
        .filter((n) => re.test(n))
        .map((n) => (dir ? `${dir}/${n}` : n))
    })
  }
  return paths.filter((p) => statSync(join(FIXTURES, p)).isFile())
}

describe('the section registry', () => {
  const emitted = probeSections()

  it('reads probe.sh (guard: the pattern finds its sections)', () => {
    expect(emitted.length).toBeGreaterThan(40)
    expect(emitted.some((s) => s.perNamespace)).toBe(true)
  })

  it('has an entry for every section probe.sh emits, with the command probe.sh displays', () => {
    for (const s of emitted) {
      const entry = ALL_SECTIONS.find((e) => e.name === s.name && e.perNamespace === s.perNamespace)
      expect(entry, `${s.perNamespace ? 'ns/<nsid>/' : ''}${s.name}`).toBeDefined()
    }
    for (const entry of ALL_SECTIONS) {
      const displays = emitted.filter((s) => s.name === entry.name && s.perNamespace === entry.perNamespace).map((s) => s.display)
      expect(displays.length, `${entry.name} is not emitted by probe.sh`).toBeGreaterThan(0)
      // conntrack.list shows its cap as a number: the registry keeps the variable.
      expect(displays.map((d) => d.replace(/\$NL_CAP/g, '$NL_CAP')), entry.name).toContain(entry.argv)
    }
  })

  it('gives every entry fixtures from real hosts, and every fixture glob matches', () => {
    for (const entry of ALL_SECTIONS) {
      expect(entry.fixtures.length, entry.name).toBeGreaterThan(0)
      for (const glob of entry.fixtures) expect(globFixtures(glob).length, `${entry.name}: ${glob}`).toBeGreaterThan(0)
    }
  })

  it("names parsers that exist and the snapshot model reads; every parser module is some entry's", () => {
    const modelText = readdirSync(MODEL)
      .filter((n) => n.endsWith('.ts'))
      .map((n) => readFileSync(join(MODEL, n), 'utf8'))
      .join('\n')
    const used = new Set(ALL_SECTIONS.map((e) => e.parser).filter((p): p is string => p !== null))
    for (const parser of used) {
      expect(statSync(join(PARSERS, `${parser}.ts`), { throwIfNoEntry: false })?.isFile(), parser).toBe(true)
      expect(modelText, `the model never imports parsers/${parser}`).toContain(`from '../parsers/${parser}'`)
    }
    // Helpers and shared types are no section's parser; `<parser>-<part>.ts` is a part of that parser
    // (iptables-save-grammar.ts, conntrack-fast.ts).
    const helpers = new Set(['types', 'link-common', 'nft-match', 'line-rows'])
    const partOfUsed = (module: string): boolean => [...used].some((parser) => module.startsWith(`${parser}-`))
    const modules = readdirSync(PARSERS)
      .filter((n) => n.endsWith('.ts'))
      .map((n) => n.slice(0, -3))
      .filter((n) => !helpers.has(n) && !partOfUsed(n))
    expect(modules.length).toBeGreaterThan(10)
    for (const module of modules) expect(used.has(module), `parsers/${module}.ts reads no registered section`).toBe(true)
  })

  it('points text fallbacks at entries of the same table', () => {
    for (const [table, specs] of [
      ['host', HOST_SECTIONS],
      ['ns', NS_SECTIONS]
    ] as const) {
      for (const [key, spec] of Object.entries(specs)) {
        if (spec.textFallback === null) continue
        expect(Object.keys(specs), `${table}.${key}`).toContain(spec.textFallback)
        expect(specs[spec.textFallback as keyof typeof specs].name, `${table}.${key}`).toMatch(/\.text$/)
      }
    }
  })

  it('is where SECTION and NS_SECTION come from', () => {
    for (const [key, spec] of Object.entries(HOST_SECTIONS)) expect(SECTION[key as keyof typeof SECTION]).toBe(spec.name)
    for (const [key, spec] of Object.entries(NS_SECTIONS)) expect(NS_SECTION[key as keyof typeof NS_SECTION]).toBe(spec.name)
  })

  it("names, in the diagnose checks' needs, host sections of the registry only", () => {
    const names = new Set(Object.values(HOST_SECTIONS).map((e) => e.name))
    const needed = Object.values(NEEDS).flatMap((n) => n.sections)
    expect(needed.length).toBeGreaterThan(10)
    for (const name of needed) expect(names.has(name), name).toBe(true)
  })
})
