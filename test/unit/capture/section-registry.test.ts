/**
 * The section registry (src/main/capture/section-registry.ts) against what it describes:
 * resources/probe.sh (every section it emits has an entry, with the command probe.sh displays,
 * and every entry is emitted), the fixtures (every glob matches a real file), the parsers (each
 * entry's parser is an export of its module and the snapshot model reads it through the registry,
 * never importing a parser; every parser module is some entry's, so no parser is written, tested
 * and unused) and the diagnose checks' needs (registry names only).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ALL_SECTIONS,
  HOST_SECTIONS,
  NS_SECTIONS,
  type SectionSpec
} from '../../../src/main/capture/section-registry'
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

  it("names parsers that exist, each entry's function an export of its module; every parser module is some entry's", async () => {
    const withParser = ALL_SECTIONS.filter((e) => e.parser !== null)
    expect(withParser.length).toBeGreaterThan(25)
    for (const entry of ALL_SECTIONS) expect(entry.parse === null, entry.name).toBe(entry.parser === null)
    for (const entry of withParser) {
      expect(statSync(join(PARSERS, `${entry.parser}.ts`), { throwIfNoEntry: false })?.isFile(), entry.parser!).toBe(true)
      const module: Record<string, unknown> = await import(`../../../src/main/parsers/${entry.parser}.ts`)
      expect(Object.values(module), `${entry.name}: its parse is no export of parsers/${entry.parser}`).toContain(entry.parse)
    }
    const used = new Set(withParser.map((e) => e.parser!))
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

  it('points text fallbacks at text entries of the same table, read by the same parser module', () => {
    let fallbacks = 0
    for (const [table, specs] of [
      ['host', HOST_SECTIONS],
      ['ns', NS_SECTIONS]
    ] as const) {
      for (const [key, spec] of Object.entries(specs) as [string, SectionSpec][]) {
        if (spec.textFallback === null) continue
        fallbacks++
        expect(Object.values(specs), `${table}.${key}`).toContain(spec.textFallback)
        expect(spec.textFallback.name, `${table}.${key}`).toBe(`${spec.name}.text`)
        if (spec.textFallback.parser !== null) expect(spec.textFallback.parser, `${table}.${key}`).toBe(spec.parser)
      }
    }
    expect(fallbacks).toBeGreaterThan(6)
  })

  it('is what the snapshot model reads its parsed sections through: build-snapshot.ts imports no parser', () => {
    const builder = readFileSync(join(MODEL, 'build-snapshot.ts'), 'utf8')
    const parserImports = [...builder.matchAll(/from '\.\.\/parsers\/([^']+)'/g)].map((m) => m[1])
    expect(parserImports.filter((module) => module !== 'types')).toEqual([])
    // Every parsed row is read by its registry row (HOST.<key> / NS.<key>), its text form through the
    // JSON row's fallback. conntrack.list is streamed into a compact table (model/conntrack.ts, with
    // the conntrack module's row scanner) rather than parsed into records first.
    const textForms = new Set(ALL_SECTIONS.map((e) => e.textFallback).filter((e) => e !== null))
    const streamed = new Set(['conntrack'])
    for (const [table, specs] of [
      ['HOST', HOST_SECTIONS],
      ['NS', NS_SECTIONS]
    ] as const) {
      for (const [key, spec] of Object.entries(specs) as [string, SectionSpec][]) {
        if (spec.parse === null || textForms.has(spec) || (table === 'HOST' && streamed.has(key))) continue
        expect(builder, `build-snapshot.ts never reads ${table}.${key}`).toMatch(new RegExp(`\\b${table}\\.${key}\\b`))
      }
    }
    expect(builder).toContain('SECTION.conntrack')
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
