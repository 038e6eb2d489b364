/**
 * `netlens scenario-from SOURCE -o FILE.yaml`: writes a scenario (0600) that opens as a SOURCE, or
 * YAML on stdout; a name the scenario format refuses is reported with file:line:column (exit 1).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { command } from '../../../src/main/cli/commands/scenario-from'
import type { CliIo } from '../../../src/main/cli/command'
import { snapshotFromSource } from '../../../src/main/sources'
import { HOSTILE_DIR } from '../../support/hostile-corpus'

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    signal: new AbortController().signal
  }
}

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'netlens-scenario-from-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('netlens scenario-from', () => {
  it('writes a scenario file (mode 0600) that opens as a host with the same containers', async () => {
    const file = join(dir, 'incident.yaml')
    const cli = io()
    expect(await command.run(['sim:nat-mode', '-o', file, '--id', 'our-incident'], cli)).toBe(0)
    expect(cli.stdout.join('\n')).toMatch(
      /^Wrote .*incident\.yaml: scenario our-incident, host host1, 1 network\(s\), 2 container\(s\)/
    )
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toMatch(
      /^# NetLens training scenario made by `netlens scenario-from` from sim:nat-mode/
    )
    const opened = await snapshotFromSource(file)
    if (!opened.ok) throw new Error(opened.error.message)
    expect(opened.value.containers.map((c) => c.name).sort()).toEqual(['app', 'web'])
  })

  it('prints the YAML without -o', async () => {
    const cli = io()
    expect(await command.run(['sim:bridge-mode'], cli)).toBe(0)
    expect(cli.stdout.join('')).toMatch(/\nid: from-host1\n/)
  })

  it('reports names the format refuses with file:line:column, and exits 1', async () => {
    const file = join(dir, 'hostile.yaml')
    const cli = io()
    expect(await command.run([join(HOSTILE_DIR, 'names.cap'), '-o', file], cli)).toBe(1)
    const err = cli.stderr.join('\n')
    expect(err).toMatch(/the scenario does not load as written/)
    expect(err).toMatch(/hostile\.yaml:\d+:\d+: hosts\[0\]\.containers\[\d+\]\.name: expected a name/)
  })

  it('refuses a bad --id and a missing SOURCE with usage (exit 2)', async () => {
    expect(await command.run(['sim:nat-mode', '--id', 'Not Valid'], io())).toBe(2)
    expect(await command.run([], io())).toBe(2)
  })
})
