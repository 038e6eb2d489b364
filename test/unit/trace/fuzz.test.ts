import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { traceFlow } from '../../../src/shared/trace'
import { matchRule, parseMatch } from '../../../src/shared/trace/netfilter'
import { endpointArbitrary, snapshotArbitrary } from '../../support/snapshot-arbitrary'

describe('traceFlow fuzzing', () => {
  it('never throws and always answers a well-formed result', () => {
    fc.assert(
      fc.property(snapshotArbitrary, endpointArbitrary, endpointArbitrary, (snapshot, from, to) => {
        const r = traceFlow(snapshot, from, to)
        expect(['delivered', 'dropped', 'no-route', 'unknown']).toContain(r.verdict)
        expect(typeof r.reason.en).toBe('string')
        expect(typeof r.reason['zh-CN']).toBe('string')
        if (r.verdict === 'dropped') expect(r.droppedBy).toBeTruthy()
        else expect(r.droppedBy).toBeNull()
        r.hops.forEach((h, i) => expect(h.step).toBe(i + 1))
      }),
      { numRuns: 300 }
    )
  })

  it('rule matching never throws on arbitrary match text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        parseMatch(text)
        const outcome = matchRule(
          text,
          { src: '1.2.3.4', dst: '5.6.7.8', sport: 1, dport: 2 },
          { proto: 'tcp', inIface: 'eth0', outIface: null, ctstate: 'NEW', isLocal: () => false }
        )
        expect(['match', 'no-match', 'unevaluated']).toContain(outcome)
      })
    )
  })
})

describe('parseMatch', () => {
  it('reads save syntax, old `-i ! x` syntax and quoted comments starting with "-"', () => {
    expect(parseMatch('! -i docker0 -o docker0 -m comment --comment "-x y" -p tcp')).toEqual([
      { option: '-i', negated: true, values: ['docker0'] },
      { option: '-o', negated: false, values: ['docker0'] },
      { option: '-m', negated: false, values: ['comment'] },
      { option: '--comment', negated: false, values: ['-x y'] },
      { option: '-p', negated: false, values: ['tcp'] }
    ])
    expect(parseMatch('-i ! docker0')).toEqual([{ option: '-i', negated: true, values: ['docker0'] }])
  })
  it('matches interface wildcards, negation, port ranges and multiport lists', () => {
    const pkt = { src: '172.17.0.2', dst: '198.51.100.2', sport: 40000, dport: 443 }
    const ctx = { proto: 'tcp', inIface: 'br-abc', outIface: 'eth0', ctstate: 'NEW' as const, isLocal: () => false }
    expect(matchRule('-i br-+ ! -o br-+ -p tcp -m multiport --dports 80,400:500', pkt, ctx)).toBe('match')
    expect(matchRule('-s 172.17.0.0/16 ! -d 198.51.100.0/24', pkt, ctx)).toBe('no-match')
    expect(matchRule('-m conntrack --ctstate RELATED,ESTABLISHED', pkt, ctx)).toBe('no-match')
    expect(matchRule('-m addrtype --dst-type LOCAL', pkt, { ...ctx, isLocal: (ip) => ip === '198.51.100.2' })).toBe(
      'match'
    )
    expect(matchRule('-m physdev --physdev-is-bridged', pkt, ctx)).toBe('unevaluated')
  })
})
