/**
 * `netlens scenario-from` on the real lab (#19 item 2, live tier): the lab captured with its NAT
 * traffic running, turned into a scenario by the CLI (plain and --anonymize), rendered through the
 * simulator and compared in structure with the capture it came from (test/support/scenario-structure.ts):
 * the same nat-table rule lines in the same order (bridge ids aside), the same container modes,
 * attachments and addresses, published ports, docker networks and kinds of conntrack translation.
 * The global setup holds the lab lock and brings the lab up; this file only reads it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { serializeCapture } from '../../src/main/capture/capture-file'
import type { Snapshot } from '../../src/shared/snapshot/schema'
import { compareStructure, renderScenarioYaml, structureOf } from '../support/scenario-structure'
import { lab } from './support/truth'
import { buildSnapshot, liveCapture, netlens } from './support/live'
import './support/provided'

const skipReason = inject('liveSkip')

describe.skipIf(skipReason)('scenario-from on a real lab capture', () => {
  let dir = ''
  let capturePath = ''
  let source: Snapshot

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nllab-scenario-from-'))
    // NAT traffic first, so conntrack holds translated entries to compare.
    await lab('traffic')
    const capture = await liveCapture('local', null)
    source = buildSnapshot(capture)
    capturePath = join(dir, 'lab.cap')
    await writeFile(capturePath, serializeCapture(capture), { mode: 0o600 })
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('the CLI writes a scenario that renders back to the lab structure, every part compared', async () => {
    const out = join(dir, 'lab.yaml')
    const r = await netlens(['scenario-from', capturePath, '-o', out])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^Wrote .*lab\.yaml: scenario from-/)
    const { differences, compared } = compareStructure(source, renderScenarioYaml(await readFile(out, 'utf8')))
    expect(differences).toEqual([])
    expect(compared).toEqual(['natRules', 'containers', 'ports', 'networks', 'conntrackKinds'])
    // The lab's own networks and containers are in it (a comparison of two empty hosts proves nothing).
    expect(source.networks.map((n) => n.name)).toEqual(expect.arrayContaining(['nllab-front', 'nllab-back']))
    expect(source.containers.map((c) => c.name)).toEqual(expect.arrayContaining(['nllab-web', 'nllab-app']))
  })

  it('--anonymize: none of the lab names, the same structure once names are aside', async () => {
    const out = join(dir, 'lab-anon.yaml')
    const r = await netlens(['scenario-from', capturePath, '--anonymize', '-o', out])
    expect(r.exitCode, r.stderr).toBe(0)
    const text = await readFile(out, 'utf8')
    for (const name of ['nllab-front', 'nllab-back', 'nllab-web', 'nllab-app', 'nllab-db', source.host.hostname])
      expect(text).not.toContain(name)
    // Names and addresses are stand-ins: the same NAT lines in order and the same kinds of
    // translation with addresses aside, as many containers and networks.
    const a = structureOf(source)
    const b = structureOf(renderScenarioYaml(text))
    const ipsAside = (lines: string[]): string[] => lines.map((l) => l.replace(/\d+\.\d+\.\d+\.\d+/g, 'IP'))
    expect(ipsAside(b.natRules)).toEqual(ipsAside(a.natRules))
    expect(b.conntrackKinds).toEqual(a.conntrackKinds)
    expect(b.containers.length).toBe(a.containers.length)
    expect(b.networks.length).toBe(a.networks.length)
    expect(b.ports.length).toBe(a.ports.length)
  })
})
