/** The real Podman lab captures (test/fixtures/capture/debian-12-podman-4.3), and edits of their sections. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCaptureText } from '../../src/main/capture/capture-file'
import type { Capture } from '../../src/main/capture/capture-types'
import { FIXTURES_DIR } from './fixtures'

const DIR = join(FIXTURES_DIR, 'capture/debian-12-podman-4.3')

export function podmanCapture(file: 'probe--rootful-with-docker.cap' | 'probe--rootless-user.cap'): Capture {
  const parsed = parseCaptureText(readFileSync(join(DIR, file), 'utf8'))
  if (!parsed.ok) throw new Error(`fixture does not parse: ${parsed.error.message}`)
  return parsed.value
}

/** The capture with one section's stdout changed (a real host with one thing different). */
export function editSection(capture: Capture, name: string, edit: (stdout: string) => string): Capture {
  if (!capture.sections.some((s) => s.name === name)) throw new Error(`no section ${name}`)
  return { ...capture, sections: capture.sections.map((s) => (s.name === name ? { ...s, stdout: edit(s.stdout) } : s)) }
}
