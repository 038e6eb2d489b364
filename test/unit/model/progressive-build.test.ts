/**
 * The snapshot in stages (buildSnapshotInStages) and snapshotFromSource's onTopology: for a capture
 * with a large conntrack table the topology is handed over before the table is read, and the whole
 * snapshot is the same as buildSnapshot's. Order of events only, no timing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { generateCapture } from '../../../bench/model-capture'
import { serializeCapture } from '../../../src/main/capture/capture-file'
import { buildSnapshot, buildSnapshotInStages } from '../../../src/main/model/build-snapshot'
import { PROGRESSIVE_CONNTRACK_CHARS, snapshotFromSource } from '../../../src/main/sources'
import type { Snapshot } from '../../../src/shared/snapshot/schema'

const events: string[] = []
vi.mock('../../../src/main/model/conntrack', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/main/model/conntrack')>()
  return {
    ...actual,
    conntrackTableFromText: (...args: Parameters<typeof actual.conntrackTableFromText>) => {
      events.push('conntrack read')
      return actual.conntrackTableFromText(...args)
    }
  }
})

const dir = mkdtempSync(join(tmpdir(), 'netlens-progressive-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function captureFile(conntrack: number): string {
  const path = join(dir, `host-${conntrack}.cap`)
  writeFileSync(path, serializeCapture(generateCapture({ containers: 30, bridges: 2, conntrack })))
  return path
}

const withoutConntrack = (s: Snapshot): unknown => JSON.parse(JSON.stringify({ ...s, conntrack: null, warnings: null }))

describe('progressive snapshots', () => {
  it('hands over the topology before a large conntrack table is read', async () => {
    const big = generateCapture({ containers: 30, bridges: 2, conntrack: 20_000 })
    expect(big.sections.find((s) => s.name === 'conntrack.list')!.stdout.length).toBeGreaterThan(
      PROGRESSIVE_CONNTRACK_CHARS
    )
    const file = captureFile(20_000)
    events.length = 0
    let topology: Snapshot | null = null
    const result = await snapshotFromSource(file, {
      onTopology: (snapshot) => {
        events.push('topology')
        topology = snapshot
      }
    })
    events.push('answered')
    expect(events).toEqual(['topology', 'conntrack read', 'answered'])
    expect(result.ok).toBe(true)
    const whole = (result as { ok: true; value: Snapshot }).value
    expect(topology!.conntrack).toEqual({ total: 20_000, max: 262144, truncated: false, entries: [] })
    expect(whole.conntrack.entries).toHaveLength(20_000)
    expect(topology!.containers).toHaveLength(30)
    expect(withoutConntrack(topology!)).toEqual(withoutConntrack(whole))
  })

  it('builds a small table in one go (no topology first)', async () => {
    const file = captureFile(50)
    events.length = 0
    const result = await snapshotFromSource(file, { onTopology: () => events.push('topology') })
    expect(result.ok && result.value.conntrack.entries.length).toBe(50)
    expect(events).toEqual(['conntrack read'])
  })

  it('gives the same whole snapshot in stages as in one go, and reads the table once', () => {
    const capture = generateCapture({ containers: 10, bridges: 2, conntrack: 300 })
    events.length = 0
    const stages = buildSnapshotInStages(capture)
    expect(events).toEqual([])
    expect(stages.topology.conntrack.entries).toEqual([])
    const whole = stages.complete()
    expect(stages.complete()).toBe(whole)
    expect(events).toEqual(['conntrack read'])
    expect(JSON.stringify(whole)).toBe(JSON.stringify(buildSnapshot(capture)))
  })
})
