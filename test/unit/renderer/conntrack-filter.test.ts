import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { buildConntrackIndex, filterConntrack, translatedTuple } from '../../../src/shared/conntrack-filter'
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
