/**
 * The house rule of issue #14: no source file in src over 800 lines (the locale catalogues aside:
 * they grow with every string and are read as tables, not as code). A file past the limit is split
 * along its seams (CONTRIBUTING.md), not given an exception here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const MAX_LINES = 800
const LOCALE_CATALOGUES = /^src\/renderer\/src\/i18n\/locales\//

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(ts|vue|js|mjs)$/.test(name) ? [path] : []
  })
}

function lineCount(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length
}

describe('source file size', () => {
  const files = sourceFiles(join(ROOT, 'src')).map((path) => relative(ROOT, path).split('\\').join('/'))

  it('walks the source tree (the check is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(200)
    expect(files).toContain('src/main/sim/render.ts')
  })

  it(`keeps every file outside the locale catalogues at ${MAX_LINES} lines or fewer`, () => {
    const tooLong = files
      .filter((file) => !LOCALE_CATALOGUES.test(file))
      .map((file) => ({ file, lines: lineCount(readFileSync(join(ROOT, file), 'utf8')) }))
      .filter(({ lines }) => lines > MAX_LINES)
    expect(tooLong).toEqual([])
  })
})
