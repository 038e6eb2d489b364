/**
 * Turns a folder of section-named outputs (test/fixtures/lab/<env>/) into a Capture.
 * File names encode section names: `/` → `--` and `:` → `-`, so
 *   `ns--pid-123--ip.link.out` ↔ `ns/pid:123/ip.link`, `iptables.save.out` ↔ `iptables.save`.
 * A `<name>.out.stderr` file holds that section's stderr. Files not ending in `.out` are ignored.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Capture, RawSection } from '../../src/main/capture/capture-types'

/** `ns--pid-123--ip.link` → `ns/pid:123/ip.link`; `ns--docker-1-abc--ip.link` → `ns/docker:1-abc/ip.link`. */
export function sectionNameFromFile(file: string): string {
  const base = file.replace(/\.out$/, '')
  const parts = base.split('--')
  if (parts[0] !== 'ns' || parts.length < 3) return base
  const nsid = parts.slice(1, -1).join('--').replace('-', ':')
  return `ns/${nsid}/${parts[parts.length - 1]}`
}

export function fileNameFromSection(name: string): string {
  return `${name.replace(/\//g, '--').replace(/:/g, '-')}.out`
}

export function captureFromDir(dir: string, source = 'file:lab'): Capture {
  if (!existsSync(dir)) throw new Error(`capture folder not found: ${dir}`)
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.out'))
    .sort()
  if (files.length === 0) throw new Error(`no .out files in ${dir}`)
  const sections: RawSection[] = files.map((file) => {
    const stderrPath = join(dir, `${file}.stderr`)
    return {
      name: sectionNameFromFile(file),
      command: sectionNameFromFile(file),
      exitCode: 0,
      ms: 0,
      status: 'ok',
      stderr: existsSync(stderrPath) ? readFileSync(stderrPath, 'utf8') : '',
      stdout: readFileSync(join(dir, file), 'utf8')
    }
  })
  return { formatVersion: 1, source, capturedAt: '2026-11-28T16:09:00.000Z', sections }
}

/** A capture of the given section outputs (each `ok`, exit 0), for tests built from single fixture files. */
export function captureOfSections(
  sections: Record<string, string>,
  source = 'file:public',
  capturedAt = '2026-11-28T00:00:00.000Z'
): Capture {
  return {
    formatVersion: 1,
    source,
    capturedAt,
    sections: Object.entries(sections).map(([name, stdout]) => ({
      name,
      command: name,
      exitCode: 0,
      ms: 0,
      status: 'ok',
      stderr: '',
      stdout
    }))
  }
}
