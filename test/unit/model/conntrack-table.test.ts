/**
 * The snapshot's compact conntrack entries (model/conntrack-table.ts, read from the text by
 * parsers/conntrack scanConntrackRows) must be exactly the entries the model made from the eager
 * reference parser as plain objects: every fixture, every fixture line, and random soups of fixture
 * lines and their pieces, field by field through the getters and as JSON. Also: entries can be
 * assigned, and a snapshot crosses structured clone (Electron IPC) through plainSnapshot().
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildConntrack, conntrackTableFromText } from '../../../src/main/model/conntrack'
import { ConntrackEntryView, plainSnapshot } from '../../../src/main/model/conntrack-table'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import type { ConntrackEntry } from '../../../src/shared/snapshot/schema'
import { parseConntrack as eagerConntrack } from '../../support/eager-conntrack'
import { captureFromDir } from '../../support/capture-from-dir'
import { FIXTURES_DIR, loadFixturePairs } from '../../support/fixtures'
import { lineSoup } from '../../support/line-soup'

const FIELDS = [
  'proto',
  'state',
  'original',
  'reply',
  'nat',
  'containers',
  'flags',
  'timeout',
  'mark',
  'zone',
  'raw'
] as const

/** What the model made of each eager entry before entries were compact (the snapshot schema's fields). */
function referenceEntries(text: string, addressIndex: Map<string, string[]>): ConntrackEntry[] {
  return eagerConntrack(text).value.map((r) => {
    const owners = new Set([
      ...(addressIndex.get(r.original.src) ?? []),
      ...(addressIndex.get(r.original.dst) ?? []),
      ...(addressIndex.get(r.reply.src) ?? [])
    ])
    const dnat = r.reply.src !== r.original.dst
    const snat = r.reply.dst !== r.original.src
    const tuple = (t: typeof r.original) => ({ src: t.src, dst: t.dst, sport: t.sport, dport: t.dport })
    return {
      proto: r.proto,
      state: r.state,
      original: tuple(r.original),
      reply: tuple(r.reply),
      nat: dnat && snat ? 'SNAT+DNAT' : dnat ? 'DNAT' : snat ? 'SNAT' : 'none',
      containers: [...owners].sort(),
      flags: r.flags,
      timeout: r.timeout,
      mark: r.mark,
      zone: r.zone,
      raw: r.raw
    }
  })
}

/** Every other address of the text belongs to a container; every third to two (a shared namespace). */
function indexFor(text: string): Map<string, string[]> {
  const addresses = [...new Set(text.match(/(?<=(?:src|dst)=)[^ \r\n]+/g) ?? [])].sort()
  const index = new Map<string, string[]>()
  addresses.forEach((address, i) => {
    if (i % 2 === 0) index.set(address, i % 3 === 0 ? [`web-${i}`, `sidecar-${i}`] : [`app-${i}`])
  })
  return index
}

function sameAsReference(text: string): void {
  const index = indexFor(text)
  const expected = referenceEntries(text, index)
  const table = conntrackTableFromText(text, index)
  expect(table.warnings).toEqual(eagerConntrack(text).warnings)
  const entries = table.value.views()
  expect(entries.length).toBe(expected.length)
  expected.forEach((entry, i) => {
    for (const key of FIELDS) expect(entries[i][key], key).toStrictEqual(entry[key])
    expect(JSON.parse(JSON.stringify(entries[i]))).toStrictEqual(JSON.parse(JSON.stringify(entry)))
  })
  // The same rows built from parsed records.
  const fromRecords = buildConntrack(eagerConntrack(text).value, null, null, index).entries
  expect(JSON.stringify(fromRecords)).toBe(JSON.stringify(expected))
}

describe('compact conntrack entries equal the plain entries of the eager parser', () => {
  const pairs = loadFixturePairs('conntrack')
  const lines = [...new Set(pairs.flatMap((pair) => pair.input.split('\n')))]

  it.each(pairs.map((pair) => [pair.name, pair] as const))('on %s', (_name, pair) => {
    sameAsReference(pair.input)
    sameAsReference(pair.input.replace(/\n/g, '\r\n'))
  })

  it('on every fixture line alone', () => {
    for (const line of lines) sameAsReference(line)
  })

  it('on soups of fixture lines and their pieces', () => {
    fc.assert(
      fc.property(lineSoup(lines, ['', ' ', '[ASSURED]', 'src=1.2.3.4', 'sport=9', '\t'], 14), (picked) =>
        sameAsReference(picked.join('\n'))
      ),
      { numRuns: 300 }
    )
  })
})

describe('compact conntrack entries in a snapshot', () => {
  const snapshot = buildSnapshot(captureFromDir(`${FIXTURES_DIR}/lab/debian-12-docker-20.10`))
  const entries = snapshot.conntrack.entries

  it('are views, and their flag and container lists are shared and frozen', () => {
    expect(entries.length).toBeGreaterThan(3)
    expect(entries.every((e) => e instanceof ConntrackEntryView)).toBe(true)
    const withContainers = entries.filter((e) => e.containers.length > 0)
    expect(withContainers.length).toBeGreaterThan(0)
    expect(Object.isFrozen(withContainers[0].containers)).toBe(true)
    expect(() => withContainers[0].containers.push('x')).toThrow()
  })

  it('take assignments: the view keeps its own copy', () => {
    const view = buildSnapshot(captureFromDir(`${FIXTURES_DIR}/lab/debian-12-docker-20.10`)).conntrack.entries[0]
    const before = JSON.parse(JSON.stringify(view)) as ConntrackEntry
    view.nat = 'SNAT+DNAT'
    view.original = { src: '192.0.2.1', dst: '192.0.2.2', sport: 1, dport: 2 }
    expect(view.nat).toBe('SNAT+DNAT')
    expect(view.original).toEqual({ src: '192.0.2.1', dst: '192.0.2.2', sport: 1, dport: 2 })
    expect(view.raw).toBe(before.raw)
    expect(JSON.parse(JSON.stringify(view))).toEqual({ ...before, nat: 'SNAT+DNAT', original: view.original })
  })

  it('cross structured clone (Electron IPC) as plain entries through plainSnapshot', () => {
    // A view alone clones to an empty object: that is why IPC results go through plainSnapshot.
    expect(structuredClone(entries[0])).toEqual({})
    const cloned = structuredClone(plainSnapshot(snapshot))
    expect(cloned).toEqual(JSON.parse(JSON.stringify(snapshot)))
    expect(cloned.conntrack.entries[0].original.src).toBe(entries[0].original.src)
    // Anything else goes through unchanged.
    const other = { hostId: 'x', conntrack: 1 }
    expect(plainSnapshot(other)).toBe(other)
    expect(plainSnapshot(null)).toBe(null)
  })
})
