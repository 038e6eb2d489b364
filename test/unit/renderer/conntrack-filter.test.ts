import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  buildConntrackIndex,
  CONNTRACK_SORT_COLUMNS,
  conntrackProtoName,
  filterConntrack,
  isHostLocalFlow,
  sortConntrackRows,
  translatedTuple
} from '../../../src/shared/conntrack-filter'
import { parseConntrack } from '../../../src/main/parsers/conntrack'
import type { ConntrackEntry } from '../../../src/shared/snapshot/schema'
import { readFixture } from '../../support/fixtures'
import { generateSnapshot } from './support/generate-snapshot'

const snap = generateSnapshot({ containers: 10, conntrack: 300 })
const entries = snap.conntrack.entries
const index = buildConntrackIndex(entries)

describe('conntrack filter', () => {
  it('returns everything without criteria', () => {
    expect(filterConntrack(index, {}).length).toBe(300)
  })

  it('filters by container, protocol, state and NAT kind like a naive filter', () => {
    const props = fc.record({
      container: fc.option(fc.constantFrom('app-0000', 'app-0003', 'nobody'), { nil: null }),
      proto: fc.option(fc.constantFrom('tcp', 'udp', 'icmp', 'sctp'), { nil: null }),
      state: fc.option(fc.constantFrom('ESTABLISHED', 'TIME_WAIT', 'SYN_SENT'), { nil: null }),
      nat: fc.constantFrom('any', 'SNAT', 'DNAT', 'none', 'translated') as fc.Arbitrary<
        'any' | 'SNAT' | 'DNAT' | 'none' | 'translated'
      >,
      text: fc.constantFrom('', '8080', '203.0.113', ':443')
    })
    fc.assert(
      fc.property(props, (f) => {
        const got = [...filterConntrack(index, f)]
        const want = entries
          .map((e, i) => ({ e, i }))
          .filter(({ e }) => !f.container || e.containers.includes(f.container))
          .filter(({ e }) => !f.proto || e.proto === f.proto)
          .filter(({ e }) => !f.state || e.state === f.state)
          .filter(({ e }) => f.nat === 'any' || (f.nat === 'translated' ? e.nat !== 'none' : e.nat === f.nat))
          .filter(({ i }) => !f.text || index.text[i].includes(f.text))
          .map(({ i }) => i)
        expect(got).toEqual(want)
      }),
      { numRuns: 200 }
    )
  })

  it('marks the rewritten address: DNAT rewrites the destination, SNAT the source', () => {
    const dnat = translatedTuple(entries[0])
    expect(entries[0].nat).toBe('DNAT')
    expect(dnat.dstChanged).toBe(true)
    expect(dnat.srcChanged).toBe(false)
    expect(dnat.dport).toBe(80)
    const snat = translatedTuple(entries[1])
    expect(snat.srcChanged).toBe(true)
    expect(snat.dstChanged).toBe(false)
    expect(snat.src).toBe('192.0.2.10')
    const none = translatedTuple(entries[2])
    expect(none.srcChanged || none.dstChanged).toBe(false)
  })

  it('indexes 262,144 rows', () => {
    const big = generateSnapshot({ containers: 100, conntrack: 262_144 })
    const idx = buildConntrackIndex(big.conntrack.entries)
    expect(idx.size).toBe(262_144)
    expect(filterConntrack(idx, { proto: 'tcp', nat: 'DNAT' }).length).toBeGreaterThan(0)
  }, 60_000)
})

/** Entries as the model builds them, from a real `conntrack -L -o extended` of a Docker host. */
function realEntries(): ConntrackEntry[] {
  const text = readFixture('conntrack-tools/debian-12-docker-20.10/conntrack--extended-docker-nat.out')
  return parseConntrack(text).value.map((r) => ({
    proto: r.proto,
    state: r.state,
    original: r.original,
    reply: r.reply,
    nat: 'none',
    containers: [],
    flags: r.flags,
    timeout: r.timeout,
    mark: r.mark,
    zone: r.zone,
    raw: r.raw
  }))
}

describe('conntrack protocols by name', () => {
  it('names conntrack’s `unknown 2` lines igmp, and keeps the names conntrack prints', () => {
    const entries = realEntries()
    const igmp = entries.filter((e) => e.proto === 'unknown')
    expect(igmp.length).toBeGreaterThan(0)
    for (const e of igmp) expect(conntrackProtoName(e)).toBe('igmp')
    expect(buildConntrackIndex(entries).protos).toContain('igmp')
    expect(buildConntrackIndex(entries).protos).not.toContain('unknown')
    expect(conntrackProtoName({ proto: 'tcp', raw: '' })).toBe('tcp')
    expect(conntrackProtoName({ proto: 'unknown', raw: 'ipv4     2 unknown  253 30 src=1.2.3.4 dst=5.6.7.8' })).toBe(
      'proto 253'
    )
    expect(conntrackProtoName({ proto: 'unknown', raw: 'unknown  47 30 src=1.2.3.4 dst=5.6.7.8' })).toBe('gre')
  })
})

describe('on-host flows', () => {
  const host = new Set(['192.0.2.10', '172.17.0.1', '172.18.0.1', '172.19.0.1'])
  const flow = (src: string, dst: string): boolean =>
    isHostLocalFlow({ original: { src, dst, sport: null, dport: null } }, host)

  it('are loopback, the host to itself and link-local multicast from the host', () => {
    expect(flow('127.0.0.1', '127.0.0.1')).toBe(true)
    expect(flow('::1', '::1')).toBe(true)
    expect(flow('192.0.2.10', '192.0.2.10')).toBe(true)
    expect(flow('172.18.0.1', '224.0.0.22')).toBe(true)
    // Containers, the outside and routed multicast are not on-host.
    expect(flow('172.17.0.2', '172.17.0.1')).toBe(false)
    expect(flow('192.0.2.10', '203.0.113.5')).toBe(false)
    expect(flow('198.51.100.2', '192.0.2.10')).toBe(false)
    expect(flow('192.0.2.10', '239.1.1.1')).toBe(false)
  })

  it('are hidden by the filter on request, and counted', () => {
    const entries = realEntries()
    const index = buildConntrackIndex(entries, host)
    const hidden = filterConntrack(index, { hideLocal: true })
    const all = filterConntrack(index, {})
    expect(index.localCount).toBeGreaterThan(0)
    expect(hidden.length).toBe(all.length - index.localCount)
    for (const i of hidden) expect(isHostLocalFlow(entries[i], host)).toBe(false)
  })
})

describe('sorting', () => {
  const sortKey = (e: ConntrackEntry, column: (typeof CONNTRACK_SORT_COLUMNS)[number]): string | number => {
    const ip = (a: string): string => a.split('.').map((o) => o.padStart(3, '0')).join('.')
    if (column === 'original') return `${ip(e.original.src)}:${String(e.original.sport ?? '').padStart(5, '0')}`
    if (column === 'timeout') return e.timeout ?? Infinity
    return ''
  }
  it('orders by a column and back, ties in capture order, on every filter result', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CONNTRACK_SORT_COLUMNS),
        fc.boolean(),
        fc.constantFrom('any', 'DNAT', 'translated') as fc.Arbitrary<'any' | 'DNAT' | 'translated'>,
        (column, descending, nat) => {
          const rows = filterConntrack(index, { nat })
          const sorted = sortConntrackRows(index, entries, rows, column, descending)
          expect([...sorted].sort((a, b) => a - b)).toEqual([...rows])
          const again = sortConntrackRows(index, entries, rows, column, !descending)
          expect([...again].reverse()).toEqual([...sorted])
          if (column === 'original' || column === 'timeout') {
            const keys = [...sorted].map((i) => sortKey(entries[i], column))
            for (let k = 1; k < keys.length; k++)
              if (descending) expect(keys[k - 1] >= keys[k]).toBe(true)
              else expect(keys[k - 1] <= keys[k]).toBe(true)
          }
        }
      ),
      { numRuns: 60 }
    )
  })

  it('sorts addresses numerically, not as text', () => {
    const mk = (src: string): ConntrackEntry => ({
      proto: 'tcp',
      state: 'ESTABLISHED',
      original: { src, dst: '10.0.0.1', sport: 1, dport: 80 },
      reply: { src: '10.0.0.1', dst: src, sport: 80, dport: 1 },
      nat: 'none',
      containers: [],
      flags: [],
      timeout: 1,
      mark: null,
      zone: null,
      raw: ''
    })
    const list = ['10.0.0.10', '10.0.0.9', '9.1.1.1', '10.0.0.100'].map(mk)
    const idx = buildConntrackIndex(list)
    const out = sortConntrackRows(idx, list, filterConntrack(idx, {}), 'original')
    expect([...out].map((i) => list[i].original.src)).toEqual(['9.1.1.1', '10.0.0.9', '10.0.0.10', '10.0.0.100'])
  })
})
