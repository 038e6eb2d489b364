/**
 * The netfilter evaluator honours packet and connection marks: `-m mark --mark` / `-m connmark
 * --mark` match against what MARK / CONNMARK targets set earlier in the walk, and a mark match on a
 * packet whose mark is not known stays unevaluated (never taken as matching or as not matching).
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Ruleset, matchRule, parseMarkSpec, type MatchContext } from '../../../src/shared/netfilter/ruleset'
import { natFromIptablesSave } from '../../support/snapshot-builder'

const packet = { src: '10.88.0.2', dst: '198.51.100.2', sport: 40000, dport: 443 }
const base: MatchContext = { proto: 'tcp', inIface: null, outIface: 'eth0', ctstate: 'NEW', isLocal: () => false }

/** iptables-save text of one table → its rules and chains, read by the real parser (typed options). */
function ruleset(table: string, chains: string[], lines: string[]): Ruleset {
  const text = [
    `*${table}`,
    ...chains.map((c) => `:${c} ${/^[A-Z]+ING$|^FORWARD$|^INPUT$|^OUTPUT$/.test(c) ? 'ACCEPT' : '-'} [0:0]`),
    ...lines,
    'COMMIT',
    ''
  ].join('\n')
  const { rules, chains: info } = natFromIptablesSave(text)
  return new Ruleset(rules, info)
}

/** One rule with this match, as the parser reads it. */
function ruleWithMatch(match: string) {
  const rs = ruleset('filter', ['FORWARD'], [`-A FORWARD ${match} -j ACCEPT`])
  const [rule] = rs.rules('filter', 'FORWARD')
  expect(rule).toBeDefined()
  return rule
}

describe('parseMarkSpec', () => {
  it.each([
    ['0x2000/0x2000', { value: 0x2000, mask: 0x2000 }],
    ['0x1', { value: 1, mask: 0xffffffff }],
    ['8192', { value: 8192, mask: 0xffffffff }],
    ['0x4000/0x4000', { value: 0x4000, mask: 0x4000 }]
  ])('reads %s', (text, expected) => expect(parseMarkSpec(text)).toEqual(expected))
  it.each(['', 'x', '0x1/', '0x1ffffffff', '-1'])('refuses %j', (text) => expect(parseMarkSpec(text)).toBeNull())
})

describe('matchRule with marks', () => {
  const masq = ruleWithMatch('-m comment --comment "netavark portfw masq mark" -m mark --mark 0x2000/0x2000')
  it('matches netavark’s mark only when the bits are set', () => {
    expect(matchRule(masq, packet, { ...base, mark: 0x2000 })).toBe('match')
    expect(matchRule(masq, packet, { ...base, mark: 0x2001 })).toBe('match')
    expect(matchRule(masq, packet, { ...base, mark: 0 })).toBe('no-match')
  })
  it('cannot decide when the packet’s mark is unknown (never treats the rule as unconditional)', () => {
    expect(matchRule(masq, packet, base)).toBe('unevaluated')
    expect(matchRule(masq, packet, { ...base, mark: null })).toBe('unevaluated')
  })
  it('honours `!` and tells the packet mark from the connection mark', () => {
    expect(matchRule(ruleWithMatch('-m mark ! --mark 0x4000/0x4000'), packet, { ...base, mark: 0 })).toBe('match')
    expect(matchRule(ruleWithMatch('-m connmark --mark 0x1'), packet, { ...base, mark: 1, ctmark: 0 })).toBe('no-match')
    expect(matchRule(ruleWithMatch('-m connmark --mark 0x1'), packet, { ...base, mark: 0, ctmark: 1 })).toBe('match')
    expect(matchRule(ruleWithMatch('-m connmark --mark 0x1'), packet, { ...base, mark: 0 })).toBe('unevaluated')
  })
  it('holds for any mark: a masked match is the masked comparison', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        (mark, value, mask) => {
          const spec = `0x${value.toString(16)}/0x${mask.toString(16)}`
          const expected = (mark & mask) >>> 0 === (value & mask) >>> 0 ? 'match' : 'no-match'
          expect(matchRule(ruleWithMatch(`-m mark --mark ${spec}`), packet, { ...base, mark })).toBe(expected)
        }
      )
    )
  })
})

describe('Ruleset.walk follows MARK and CONNMARK', () => {
  // netavark's port forwarding: hairpin and localhost connections are marked in nat PREROUTING,
  // and only marked packets are masqueraded by NETAVARK-HOSTPORT-MASQ in nat POSTROUTING.
  const nat = ruleset(
    'nat',
    ['PREROUTING', 'POSTROUTING', 'NETAVARK-HOSTPORT-SETMARK', 'NETAVARK-HOSTPORT-MASQ'],
    [
      '-A PREROUTING -s 10.88.0.0/16 -j NETAVARK-HOSTPORT-SETMARK',
      '-A POSTROUTING -j NETAVARK-HOSTPORT-MASQ',
      '-A NETAVARK-HOSTPORT-MASQ -m comment --comment "netavark portfw masq mark" -m mark --mark 0x2000/0x2000 -j MASQUERADE',
      '-A NETAVARK-HOSTPORT-SETMARK -j MARK --set-xmark 0x2000/0x2000'
    ]
  )
  const mangle = ruleset(
    'mangle',
    ['PREROUTING'],
    [
      '-A PREROUTING -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff',
      '-A PREROUTING -j MARK --or-mark 0x1',
      '-A PREROUTING -m connmark --mark 0x2000/0x2000 -j MARK --and-mark 0xff',
      '-A PREROUTING -j MARK --xor-mark 0x10'
    ]
  )

  it('sets the mark with --set-xmark and masquerades only the marked packet', () => {
    const pre = nat.walk('nat', 'PREROUTING', packet, { ...base, mark: 0, ctmark: 0 })
    expect(pre.mark).toBe(0x2000)
    expect(nat.walk('nat', 'POSTROUTING', packet, { ...base, mark: pre.mark, ctmark: 0 }).nat?.target).toBe(
      'MASQUERADE'
    )
    const other = { ...packet, src: '172.17.0.2' }
    const unmarked = nat.walk('nat', 'PREROUTING', other, { ...base, mark: 0, ctmark: 0 })
    expect(unmarked.mark).toBe(0)
    const post = nat.walk('nat', 'POSTROUTING', other, { ...base, mark: unmarked.mark, ctmark: 0 })
    expect(post.nat).toBeNull()
    expect(post.unevaluated).toEqual([])
  })

  it('leaves the masquerade undecided when the mark is unknown', () => {
    const post = nat.walk('nat', 'POSTROUTING', packet, base)
    expect(post.nat).toBeNull()
    expect(post.unevaluated.map((r) => r.chain)).toEqual(['NETAVARK-HOSTPORT-MASQ'])
  })

  it('applies --save-mark, --or-mark, connmark matches, --and-mark and --xor-mark in order', () => {
    const walk = mangle.walk('mangle', 'PREROUTING', packet, { ...base, mark: 0x2000, ctmark: 0 })
    // ctmark := 0x2000; mark := 0x2001; connmark 0x2000 matches → mark &= 0xff → 0x1; mark ^= 0x10 → 0x11
    expect(walk.ctmark).toBe(0x2000)
    expect(walk.mark).toBe(0x11)
    // An unknown mark stays unknown through the targets.
    expect(mangle.walk('mangle', 'PREROUTING', packet, { ...base, ctmark: 0 }).mark).toBeNull()
  })

  it('does not follow --save-mark with a partial mask: the connection mark becomes unknown', () => {
    const partial = ruleset(
      'mangle',
      ['PREROUTING'],
      ['-A PREROUTING -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff']
    )
    expect(partial.walk('mangle', 'PREROUTING', packet, { ...base, mark: 0x2000, ctmark: 0 }).ctmark).toBeNull()
  })
})
