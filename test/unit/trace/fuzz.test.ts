import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { traceFlow } from '../../../src/shared/trace'
import { matchRule } from '../../../src/shared/netfilter/ruleset'
import { parseIptablesSave } from '../../../src/main/parsers/iptables-save'
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

  it('rule matching never throws on arbitrary options, and reads the parser output of arbitrary text', () => {
    const option = fc.record({
      option: fc.oneof(
        fc.constantFrom('-s', '-d', '-i', '-o', '-p', '--dport', '--sports', '--ctstate', '--dst-type', '-m', 'nft'),
        fc.string()
      ),
      negated: fc.boolean(),
      values: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 })
    })
    const packet = { src: '1.2.3.4', dst: '5.6.7.8', sport: 1, dport: 2 }
    const context = { proto: 'tcp', inIface: 'eth0', outIface: null, ctstate: 'NEW' as const, isLocal: () => false }
    fc.assert(
      fc.property(fc.array(option, { maxLength: 6 }), fc.string({ maxLength: 80 }), (options, text) => {
        expect(['match', 'no-match', 'unevaluated']).toContain(matchRule({ options }, packet, context))
        for (const rule of typed(text))
          expect(['match', 'no-match', 'unevaluated']).toContain(matchRule(rule, packet, context))
      })
    )
  })
})

/** The parser's typed rules for one `-A X <match> -j ACCEPT` line (none when it does not parse as a rule). */
function typed(match: string): { options: { option: string; negated: boolean; values: string[] }[] }[] {
  return parseIptablesSave(`*filter\n-A X ${match} -j ACCEPT\nCOMMIT\n`).value.tables.flatMap((t) => t.rules)
}

describe("matchRule on the parser's typed options", () => {
  const rule = (match: string) => {
    const [first] = typed(match)
    expect(first, match).toBeDefined()
    return first
  }
  it('reads save syntax, old `-i ! x` syntax and quoted comments starting with "-"', () => {
    expect(rule('! -i docker0 -o docker0 -m comment --comment "-x y" -p tcp').options).toEqual([
      { option: '-i', negated: true, values: ['docker0'] },
      { option: '-o', negated: false, values: ['docker0'] },
      { option: '-m', negated: false, values: ['comment'] },
      { option: '--comment', negated: false, values: ['-x y'] },
      { option: '-p', negated: false, values: ['tcp'] }
    ])
    expect(rule('-i ! docker0').options).toEqual([{ option: '-i', negated: true, values: ['docker0'] }])
  })
  it('matches interface wildcards, negation, port ranges and multiport lists', () => {
    const pkt = { src: '172.17.0.2', dst: '198.51.100.2', sport: 40000, dport: 443 }
    const ctx = { proto: 'tcp', inIface: 'br-abc', outIface: 'eth0', ctstate: 'NEW' as const, isLocal: () => false }
    expect(matchRule(rule('-i br-+ ! -o br-+ -p tcp -m multiport --dports 80,400:500'), pkt, ctx)).toBe('match')
    expect(matchRule(rule('-s 172.17.0.0/16 ! -d 198.51.100.0/24'), pkt, ctx)).toBe('no-match')
    expect(matchRule(rule('--source 172.17.0.0/16 --destination-port 443 -p tcp'), pkt, ctx)).toBe('match')
    expect(matchRule(rule('-m conntrack --ctstate RELATED,ESTABLISHED'), pkt, ctx)).toBe('no-match')
    expect(
      matchRule(rule('-m addrtype --dst-type LOCAL'), pkt, { ...ctx, isLocal: (ip) => ip === '198.51.100.2' })
    ).toBe('match')
    expect(matchRule(rule('-m physdev --physdev-is-bridged'), pkt, ctx)).toBe('unevaluated')
  })
  it('cannot decide an untranslated nft condition or an iptables -L column, even when the rest matches', () => {
    const pkt = { src: '172.17.0.2', dst: '198.51.100.2', sport: 40000, dport: 443 }
    const ctx = { proto: 'tcp', inIface: 'br-abc', outIface: 'eth0', ctstate: 'NEW' as const, isLocal: () => false }
    const nft = { option: 'nft', negated: false, values: ['limit rate 10/second'] }
    expect(matchRule({ options: [{ option: '-i', negated: false, values: ['br-abc'] }, nft] }, pkt, ctx)).toBe(
      'unevaluated'
    )
    const column = { option: 'ADDRTYPE match dst-type LOCAL', negated: false, values: [] }
    expect(matchRule({ options: [column] }, pkt, ctx)).toBe('unevaluated')
    // A condition that already fails decides the rule, whatever the undecidable rest says.
    expect(matchRule({ options: [{ option: '-i', negated: false, values: ['docker0'] }, nft] }, pkt, ctx)).toBe(
      'no-match'
    )
  })
})
