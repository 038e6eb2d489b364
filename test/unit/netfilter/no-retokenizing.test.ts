/**
 * Rule text is read once, by the parsers (src/main/parsers): everything downstream uses the typed
 * options of NatRule (src/shared/netfilter/rule.ts) and keeps `match`, `raw` and `targetArgs` for
 * display. This scan fails when code outside the parsers splits or pattern-matches rule text again.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '../../..')
const PARSERS = join('src', 'main', 'parsers')

/** What re-reading rule text looks like. */
const RETOKENIZING: { what: string; pattern: RegExp }[] = [
  { what: 'a rule tokenizer', pattern: /\b(?:splitRuleLine|parseMatch|iptablesWords|tokenize)\s*\(/ },
  {
    what: 'string work on a rule’s match or target text',
    pattern:
      /\.(?:match|targetArgs)\s*\??\.\s*(?:split|match|matchAll|replace|replaceAll|indexOf|includes|startsWith|endsWith|slice|search)\s*\(/
  },
  {
    what: 'a regex over a rule’s match or target text',
    pattern: /\.(?:exec|test)\(\s*[\w.?!]*\.(?:match|targetArgs)\b/
  },
  {
    what: 'string work on a rule’s raw line',
    pattern:
      /\b(?:rule|nat\.rule|step\.rule)\.raw\s*\??\.\s*(?:split|match|matchAll|replace|replaceAll|indexOf|includes|startsWith|search)\s*\(/
  },
  { what: 'a regex over a rule’s raw line', pattern: /\.(?:exec|test)\(\s*(?:rule|nat\.rule|step\.rule)\.raw\b/ }
]

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return path === PARSERS ? [] : sourceFiles(path)
    return /\.(ts|vue)$/.test(entry.name) ? [path] : []
  })
}

function retokenizing(text: string): string[] {
  const hits: string[] = []
  text.split('\n').forEach((line, i) => {
    for (const { what, pattern } of RETOKENIZING) if (pattern.test(line)) hits.push(`${i + 1}: ${what}: ${line.trim()}`)
  })
  return hits
}

describe('rule text is tokenized only by the parsers', () => {
  it('no code outside src/main/parsers splits or pattern-matches rule text', () => {
    const files = sourceFiles('src')
    expect(files.length).toBeGreaterThan(100)
    const hits = files.flatMap((file) =>
      retokenizing(readFileSync(join(ROOT, file), 'utf8')).map((hit) => `${relative(ROOT, join(ROOT, file))}:${hit}`)
    )
    expect(hits).toEqual([])
  })

  it('recognises the re-tokenizers this replaced', () => {
    for (const old of [
      'let tokens = tokenize(raw.trim())',
      'for (const { option, negated, values } of parseMatch(match)) {',
      "const source = parseMatch(rule.match).find((o) => o.option === '-s')",
      'const inIf = /(^|\\s)(!\\s+)?-i\\s+(\\S+)/.exec(r.match)',
      "const dpt = /\\bdpt:(\\d+)\\b/.exec(rule.match + ' ' + rule.raw)",
      'const words = iptablesWords(raw)',
      'for (const raw of rule.raw.split(/[\\s"\'{},]+/)) {',
      'const to = /\\bdnat(?:\\s+ip6?)?\\s+to\\s+(\\S+)/.exec(rule.raw)',
      "const args = r.targetArgs.split(' ')"
    ])
      expect(retokenizing(old), old).not.toEqual([])
    expect(retokenizing('const ok = rule.options.find((o) => o.option === "-s")')).toEqual([])
  })
})
