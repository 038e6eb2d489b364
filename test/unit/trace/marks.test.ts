/**
 * The netfilter evaluator honours packet and connection marks: `-m mark --mark` / `-m connmark
 * --mark` match against what MARK / CONNMARK targets set earlier in the walk, and a mark match on a
 * packet whose mark is not known stays unevaluated (never taken as matching or as not matching).
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { ChainInfo, NatRule } from '../../../src/shared/snapshot/schema'
import { Ruleset, matchRule, parseMarkSpec, type MatchContext } from '../../../src/shared/trace/netfilter'

const packet = { src: '10.88.0.2', dst: '198.51.100.2', sport: 40000, dport: 443 }
const base: MatchContext = { proto: 'tcp', inIface: null, outIface: 'eth0', ctstate: 'NEW', isLocal: () => false }

function rule(table: string, chain: string, position: number, line: string): NatRule {
  const m = /^-A \S+ (.*?)\s*-j (\S+)\s*(.*)$/.exec(line)!
  return {
    table,
    chain,
    position,
    target: m[2],
    match: m[1],
    raw: line,
    owner: 'other',
    targetArgs: m[3],
    packets: null,
    bytes: null,
    family: 'iptables'
  }
}
const chain = (table: string, name: string, policy: string | null = null): ChainInfo => ({
  table,
  chain: name,
  policy,
  family: 'iptables'
})

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
  const masq = '-m comment --comment "netavark portfw masq mark" -m mark --mark 0x2000/0x2000'
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
    expect(matchRule('-m mark ! --mark 0x4000/0x4000', packet, { ...base, mark: 0 })).toBe('match')
    expect(matchRule('-m connmark --mark 0x1', packet, { ...base, mark: 1, ctmark: 0 })).toBe('no-match')
    expect(matchRule('-m connmark --mark 0x1', packet, { ...base, mark: 0, ctmark: 1 })).toBe('match')
    expect(matchRule('-m connmark --mark 0x1', packet, { ...base, mark: 0 })).toBe('unevaluated')
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
          expect(matchRule(`-m mark --mark ${spec}`, packet, { ...base, mark })).toBe(expected)
        }
      )
    )
  })
})

describe('Ruleset.walk follows MARK and CONNMARK', () => {
  // netavark's port forwarding: hairpin and localhost connections are marked in nat PREROUTING,
  // and only marked packets are masqueraded by NETAVARK-HOSTPORT-MASQ in nat POSTROUTING.
  const rules = [
    rule('nat', 'PREROUTING', 1, '-A PREROUTING -s 10.88.0.0/16 -j NETAVARK-HOSTPORT-SETMARK'),
    rule('nat', 'NETAVARK-HOSTPORT-SETMARK', 1, '-A NETAVARK-HOSTPORT-SETMARK -j MARK --set-xmark 0x2000/0x2000'),
    rule('nat', 'POSTROUTING', 1, '-A POSTROUTING -j NETAVARK-HOSTPORT-MASQ'),
    rule('nat', 'NETAVARK-HOSTPORT-MASQ', 1, '-A NETAVARK-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE'),
    rule('mangle', 'PREROUTING', 1, '-A PREROUTING -j CONNMARK --save-mark'),
    rule('mangle', 'PREROUTING', 2, '-A PREROUTING -j MARK --or-mark 0x1'),
    rule('mangle', 'PREROUTING', 3, '-A PREROUTING -m connmark --mark 0x2000/0x2000 -j MARK --and-mark 0xff'),
    rule('mangle', 'PREROUTING', 4, '-A PREROUTING -j MARK --xor-mark 0x10')
  ]
  const chains = [
    chain('nat', 'PREROUTING', 'ACCEPT'),
    chain('nat', 'POSTROUTING', 'ACCEPT'),
    chain('nat', 'NETAVARK-HOSTPORT-SETMARK'),
    chain('nat', 'NETAVARK-HOSTPORT-MASQ'),
    chain('mangle', 'PREROUTING', 'ACCEPT')
  ]
  const rs = new Ruleset(rules, chains)

  it('sets the mark with --set-xmark and masquerades only the marked packet', () => {
    const pre = rs.walk('nat', 'PREROUTING', packet, { ...base, mark: 0, ctmark: 0 })
    expect(pre.mark).toBe(0x2000)
    expect(rs.walk('nat', 'POSTROUTING', packet, { ...base, mark: pre.mark, ctmark: 0 }).nat?.target).toBe('MASQUERADE')
    const other = { ...packet, src: '172.17.0.2' }
    const unmarked = rs.walk('nat', 'PREROUTING', other, { ...base, mark: 0, ctmark: 0 })
    expect(unmarked.mark).toBe(0)
    const post = rs.walk('nat', 'POSTROUTING', other, { ...base, mark: unmarked.mark, ctmark: 0 })
    expect(post.nat).toBeNull()
    expect(post.unevaluated).toEqual([])
  })

  it('leaves the masquerade undecided when the mark is unknown', () => {
    const post = rs.walk('nat', 'POSTROUTING', packet, base)
    expect(post.nat).toBeNull()
    expect(post.unevaluated.map((r) => r.chain)).toEqual(['NETAVARK-HOSTPORT-MASQ'])
  })

  it('applies --save-mark, --or-mark, connmark matches, --and-mark and --xor-mark in order', () => {
    const walk = rs.walk('mangle', 'PREROUTING', packet, { ...base, mark: 0x2000, ctmark: 0 })
    // ctmark := 0x2000; mark := 0x2001; connmark 0x2000 matches → mark &= 0xff → 0x1; mark ^= 0x10 → 0x11
    expect(walk.ctmark).toBe(0x2000)
    expect(walk.mark).toBe(0x11)
    // An unknown mark stays unknown through the targets.
    expect(rs.walk('mangle', 'PREROUTING', packet, { ...base, ctmark: 0 }).mark).toBeNull()
  })
})
