/**
 * The import graph of src/main and src/shared, walked by hand (no dependency): no import cycle
 * among the modules' load-time imports, and the folder rules inside the layers:
 *   - parsers are leaves: src/main/parsers imports only other parsers and src/shared;
 *   - model and traffic never import sim, service or cli;
 *   - the domain in src/shared (snapshot, diagnose, trace, traffic, fleet, …) never imports the API
 *     contract (src/shared/api): its types live beside their producers and api/types re-exports them.
 * The same rules are lint rules (netlens/folder-layers, tested in folder-layers.test.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

interface Edge {
  to: string
  /** `import type` / `export type`: erased, never loaded. */
  typeOnly: boolean
  /** `import('…')`: loaded when called, not when the module loads. */
  dynamic: boolean
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return tsFiles(path)
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : []
  })
}

/** `./x` from a file → the repo-relative .ts file it names (x.ts or x/index.ts), or null (a package). */
function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null
  const base = resolve(dirname(from), spec)
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')])
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(ROOT, candidate)
  return null
}

function importsOf(file: string): Edge[] {
  // Comments would hide or fake imports: drop them first (strings holding `//` are rare in imports).
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
  const edges: Edge[] = []
  const statics = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm
  for (const m of text.matchAll(statics)) {
    const to = resolveImport(file, m[3])
    // `import { type A, type B } from` is erased as well.
    const named = /\{([^}]*)\}/.exec(m[0])?.[1]
    const allTypes = named !== undefined && named.split(',').every((n) => !n.trim() || /^type\s/.test(n.trim()))
    if (to) edges.push({ to, typeOnly: Boolean(m[2]) || allTypes, dynamic: false })
  }
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const to = resolveImport(file, m[1])
    if (to) edges.push({ to, typeOnly: false, dynamic: true })
  }
  return edges
}

const files = [...tsFiles(join(ROOT, 'src/main')), ...tsFiles(join(ROOT, 'src/shared'))]
const graph = new Map(files.map((f) => [relative(ROOT, f), importsOf(f)]))

/** Every cycle of load-time (static, non-type) imports, each as its list of files. */
function loadTimeCycles(): string[][] {
  const cycles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (file: string): void => {
    state.set(file, 'open')
    stack.push(file)
    for (const edge of graph.get(file) ?? []) {
      if (edge.typeOnly || edge.dynamic || !graph.has(edge.to)) continue
      const s = state.get(edge.to)
      if (s === 'open') cycles.push([...stack.slice(stack.indexOf(edge.to)), edge.to])
      else if (s === undefined) visit(edge.to)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) visit(file)
  return cycles
}

const inFolder = (file: string, folder: string): boolean => file.startsWith(`${folder}/`)

function violations(fromFolder: string, allowed: (to: string) => boolean): string[] {
  return [...graph]
    .filter(([file]) => inFolder(file, fromFolder))
    .flatMap(([file, edges]) => edges.filter((e) => !allowed(e.to)).map((e) => `${file} → ${e.to}`))
}

describe('import graph of src/main and src/shared', () => {
  it('reads the imports (guard: the walk sees the modules and their edges)', () => {
    expect(graph.size).toBeGreaterThan(150)
    expect(graph.get('src/main/sources/index.ts')?.some((e) => e.to === 'src/main/sources/ref.ts')).toBe(true)
    expect(importsOf(join(ROOT, 'src/main/sources/index.ts')).some((e) => e.dynamic)).toBe(true)
  })

  it('has no cycle of load-time imports', () => {
    expect(loadTimeCycles().map((c) => c.join(' → '))).toEqual([])
  })

  it('finds a cycle when there is one (the walk itself is checked)', () => {
    graph.set('src/main/zz-a.ts', [{ to: 'src/main/zz-b.ts', typeOnly: false, dynamic: false }])
    graph.set('src/main/zz-b.ts', [{ to: 'src/main/zz-a.ts', typeOnly: false, dynamic: false }])
    try {
      expect(loadTimeCycles().map((c) => c.join(' → '))).toEqual(['src/main/zz-a.ts → src/main/zz-b.ts → src/main/zz-a.ts'])
    } finally {
      graph.delete('src/main/zz-a.ts')
      graph.delete('src/main/zz-b.ts')
    }
  })

  it('keeps parsers leaves: they import only parsers and src/shared', () => {
    expect(violations('src/main/parsers', (to) => inFolder(to, 'src/main/parsers') || inFolder(to, 'src/shared'))).toEqual([])
  })

  it('keeps model and traffic from importing sim, service or cli', () => {
    const upward = (to: string): boolean => ['sim', 'service', 'cli'].some((f) => inFolder(to, `src/main/${f}`))
    expect([...violations('src/main/model', (to) => !upward(to)), ...violations('src/main/traffic', (to) => !upward(to))]).toEqual([])
  })

  it('keeps the domain (snapshot, diagnose, trace, traffic, fleet, …) from importing the API contract', () => {
    const domain = [...new Set([...graph.keys()].filter((f) => inFolder(f, 'src/shared') && !inFolder(f, 'src/shared/api')))]
    expect(domain.length).toBeGreaterThan(40)
    expect(domain.flatMap((file) => (graph.get(file) ?? []).filter((e) => inFolder(e.to, 'src/shared/api')).map((e) => `${file} → ${e.to}`))).toEqual([])
  })
})
