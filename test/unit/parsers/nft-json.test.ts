import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseNftJson } from '../../../src/main/parsers/nft-json'
import { loadFixturePairs } from '../../support/fixtures'
import { netfilterProperties } from './netfilter-properties'

const EMPTY = { version: null, tables: [], chains: [], rules: [] }

/** A ruleset with one rule in `ip t c` made of these expressions. */
function ruleOf(expr: unknown[], extra: Record<string, unknown> = {}) {
  const text = JSON.stringify({
    nftables: [{ rule: { family: 'ip', table: 't', chain: 'c', handle: 3, expr, ...extra } }]
  })
  const { value, warnings } = parseNftJson(text)
  expect(warnings).toEqual([])
  return value.rules[0]
}

const match = (left: unknown, right: unknown, op = '==') => ({ match: { op, left, right } })
const meta = (key: string) => ({ meta: { key } })
const payload = (protocol: string, field: string) => ({ payload: { protocol, field } })

describe('parseNftJson (nft -j list ruleset)', () => {
  it('gives an empty ruleset and no warnings for no output', () => {
    expect(parseNftJson('')).toEqual({ value: EMPTY, warnings: [] })
    expect(
      parseNftJson(
        '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}]}'
      )
    ).toEqual({
      value: { ...EMPTY, version: '1.0.6' },
      warnings: []
    })
  })

  const pairs = loadFixturePairs('nft-json')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseNftJson(pair.input)).toEqual(pair.expected)
  })

  it('warns about text that is not nft JSON', () => {
    expect(parseNftJson('Error: Could not process rule: Operation not permitted').warnings).toEqual([
      expect.stringContaining('not JSON')
    ])
    expect(parseNftJson('{"foo": 1}').warnings).toEqual([expect.stringContaining('no "nftables" array')])
    expect(parseNftJson('{"nftables": [1, {"table": 2}, {"wat": {}}]}').warnings).toEqual([
      expect.stringContaining('nftables[0] is not an object'),
      expect.stringContaining('nftables[1].table is not an object'),
      expect.stringContaining('unknown object "wat"')
    ])
  })

  it('skips sets, maps and other objects that are not tables, chains or rules', () => {
    const text = JSON.stringify({
      nftables: [
        { set: { family: 'inet', name: 's', table: 't', type: 'ipv4_addr' } },
        { map: {} },
        { flowtable: {} },
        { counter: {} }
      ]
    })
    expect(parseNftJson(text)).toEqual({ value: EMPTY, warnings: [] })
  })

  it.each([
    [100, 'ip', 100],
    ['srcnat', 'ip', 100],
    ['dstnat', 'ip', -100],
    ['filter', 'inet', 0],
    ['raw', 'ip', -300],
    ['mangle - 5', 'ip', -155],
    ['filter + 10', 'inet', 10],
    ['dstnat', 'bridge', -300],
    ['out', 'bridge', 100],
    ['-150', 'ip', -150],
    ['weird', 'ip', null]
  ])('reads chain priority %j in family %s', (prio, family, priority) => {
    const text = JSON.stringify({
      nftables: [
        { chain: { family, table: 't', name: 'c', handle: 1, type: 'filter', hook: 'input', prio, policy: 'accept' } }
      ]
    })
    expect(parseNftJson(text).value.chains[0]).toEqual({
      family,
      table: 't',
      name: 'c',
      type: 'filter',
      hook: 'input',
      priority,
      policy: 'accept'
    })
  })

  it.each([
    ['interface names in quotes', [match(meta('iifname'), 'docker0', '!=')], 'iifname != "docker0"'],
    [
      'a prefix',
      [match(payload('ip', 'saddr'), { prefix: { addr: '172.17.0.0', len: 16 } })],
      'ip saddr 172.17.0.0/16'
    ],
    ['a range', [match(payload('tcp', 'dport'), { range: [1024, 2048] })], 'tcp dport 1024-2048'],
    ['an anonymous set', [match(payload('tcp', 'dport'), { set: [80, 443] })], 'tcp dport { 80, 443 }'],
    ['a named set', [match(payload('tcp', 'dport'), '@allowed')], 'tcp dport @allowed'],
    [
      'ct state flags',
      [match({ ct: { key: 'state' } }, ['established', 'related'], 'in')],
      'ct state established,related'
    ],
    [
      'ct original direction',
      [match({ ct: { key: 'saddr', dir: 'original' } }, '10.0.0.1')],
      'ct original saddr 10.0.0.1'
    ],
    ['a qualified meta key', [match(meta('l4proto'), 'tcp')], 'meta l4proto tcp'],
    ['fib', [match({ fib: { result: 'type', flags: ['daddr'] } }, 'local')], 'fib daddr type local'],
    [
      'a bitwise mark in hex',
      [match({ '&': [meta('mark'), 16384] }, 16384, '!=')],
      'meta mark & 0x00004000 != 0x00004000'
    ],
    ['a raw payload', [match({ payload: { base: 'th', offset: 16, len: 16 } }, 53)], '@th,16,16 53'],
    [
      'a concatenation',
      [match({ concat: [payload('ip', 'saddr'), payload('tcp', 'dport')] }, '@pairs')],
      'ip saddr . tcp dport @pairs'
    ],
    ['a comparison', [match(payload('tcp', 'dport'), 1024, '<')], 'tcp dport < 1024']
  ])('renders %s', (_case, expr, text) => {
    expect(ruleOf(expr).text).toBe(text)
  })

  it.each([
    ['accept', [{ accept: null }], 'accept', 'accept', null],
    ['jump', [{ jump: { target: 'DOCKER' } }], 'jump DOCKER', 'jump DOCKER', null],
    ['goto', [{ goto: { target: 'leaf' } }], 'goto leaf', 'goto leaf', null],
    ['masquerade', [{ masquerade: null }], 'masquerade', 'masquerade', { kind: 'masquerade', addr: null, port: null }],
    [
      'masquerade with ports',
      [{ masquerade: { port: { range: [30000, 30100] }, flags: 'random' } }],
      'masquerade to :30000-30100 random',
      'masquerade',
      { kind: 'masquerade', addr: null, port: '30000-30100' }
    ],
    [
      'dnat',
      [{ dnat: { addr: '172.17.0.2', port: 80 } }],
      'dnat to 172.17.0.2:80',
      'dnat',
      { kind: 'dnat', addr: '172.17.0.2', port: '80' }
    ],
    [
      'dnat ip6',
      [{ dnat: { family: 'ip6', addr: 'fd00::2', port: 80 } }],
      'dnat ip6 to [fd00::2]:80',
      'dnat',
      { kind: 'dnat', addr: 'fd00::2', port: '80' }
    ],
    [
      'dnat through a map',
      [{ dnat: { addr: { map: { key: payload('tcp', 'dport'), data: '@backends' } } } }],
      'dnat to tcp dport map @backends',
      'dnat',
      { kind: 'dnat', addr: 'tcp dport map @backends', port: null }
    ],
    [
      'snat',
      [{ snat: { addr: '198.51.100.1' } }],
      'snat to 198.51.100.1',
      'snat',
      { kind: 'snat', addr: '198.51.100.1', port: null }
    ],
    [
      'redirect',
      [{ redirect: { port: 3128 } }],
      'redirect to :3128',
      'redirect',
      { kind: 'redirect', addr: null, port: '3128' }
    ],
    [
      'iptables-nft DNAT',
      [{ xt: { type: 'target', name: 'DNAT' } }],
      'xt target "DNAT"',
      'dnat',
      { kind: 'dnat', addr: null, port: null }
    ],
    ['iptables-nft REJECT', [{ xt: { type: 'target', name: 'REJECT' } }], 'xt target "REJECT"', 'reject', null],
    ['iptables-nft MARK', [{ xt: { type: 'target', name: 'MARK' } }], 'xt target "MARK"', null, null],
    [
      'reject with icmp',
      [{ reject: { type: 'icmp', expr: 'port-unreachable' } }],
      'reject with icmp port-unreachable',
      'reject',
      null
    ],
    [
      'a verdict map',
      [
        {
          vmap: {
            key: payload('tcp', 'dport'),
            data: {
              set: [
                [9998, { jump: { target: 'extra' } }],
                [9999, { drop: null }]
              ]
            }
          }
        }
      ],
      'tcp dport vmap { 9998 : jump extra, 9999 : drop }',
      'vmap',
      null
    ]
  ])('reads the %s statement', (_case, expr, text, verdict, nat) => {
    const rule = ruleOf(expr)
    expect([rule.text, rule.verdict, rule.nat]).toEqual([text, verdict, nat])
  })

  it('reads counters, comments, handles and positions', () => {
    const text = JSON.stringify({
      nftables: [
        {
          rule: {
            family: 'ip',
            table: 'nat',
            chain: 'POSTROUTING',
            handle: 7,
            comment: 'masq',
            expr: [{ counter: { packets: 5, bytes: 348 } }, { masquerade: null }]
          }
        },
        {
          rule: {
            family: 'ip',
            table: 'nat',
            chain: 'POSTROUTING',
            handle: 9,
            expr: [{ counter: null }, { counter: 'named' }, { accept: null }]
          }
        },
        { rule: { family: 'ip6', table: 'nat', chain: 'POSTROUTING', expr: [] } }
      ]
    })
    const rules = parseNftJson(text).value.rules
    expect(rules.map((r) => [r.family, r.position, r.handle, r.comment, r.packets, r.bytes, r.text])).toEqual([
      ['ip', 1, 7, 'masq', 5, 348, 'counter packets 5 bytes 348 masquerade'],
      ['ip', 2, 9, null, null, null, 'counter counter name "named" accept'],
      ['ip6', 1, null, null, null, null, '']
    ])
    expect(JSON.parse(rules[0].raw)).toEqual(JSON.parse(text).nftables[0])
  })

  it('renders statements, limits, logs and mangles', () => {
    expect(ruleOf([{ mangle: { key: meta('mark'), value: 16 } }]).text).toBe('meta mark set 0x00000010')
    expect(ruleOf([{ mangle: { key: { ct: { key: 'zone' } }, value: 3 } }]).text).toBe('ct zone set 3')
    expect(ruleOf([{ limit: { rate: 10, per: 'second', burst: 5 } }]).text).toBe('limit rate 10/second burst 5 packets')
    expect(ruleOf([{ log: { prefix: 'drop: ', level: 'warn' } }]).text).toBe('log prefix "drop: " level "warn"')
    expect(ruleOf([{ notrack: null }]).text).toBe('notrack')
    expect(ruleOf([{ set: { op: 'add', elem: payload('ip', 'saddr'), set: '@seen' } }]).text).toBe(
      'add @seen { ip saddr }'
    )
  })

  it('renders unknown expressions as compact JSON and never throws on odd shapes', () => {
    expect(ruleOf([{ frobnicate: { level: 11 } }]).text).toBe('{"frobnicate":{"level":11}}')
    expect(ruleOf([match({ wat: 1 }, { x: [1, 2] })]).text).toBe('{"wat":1} {"x":[1,2]}')
    expect(ruleOf([{ a: 1, b: 2 }, 'accept', 7]).text).toBe('{"a":1,"b":2} "accept" 7')
    let deep: unknown = 'x'
    for (let i = 0; i < 200; i++) deep = { set: [deep] }
    expect(() => ruleOf([match(meta('mark'), deep)])).not.toThrow()
  })

  netfilterProperties(parseNftJson, pairs, (result) => {
    for (const rule of result.value.rules) {
      expect(() => JSON.parse(rule.raw)).not.toThrow()
      expect(typeof rule.text).toBe('string')
    }
  })

  it('never throws on random JSON rulesets', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 6 }), { maxLength: 8 }), (items) => {
        const result = parseNftJson(
          JSON.stringify({ nftables: items.map((expr) => ({ rule: { family: 'ip', expr: [expr] } })) })
        )
        expect(result.value.rules).toHaveLength(items.length)
      }),
      { numRuns: 300 }
    )
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        parseNftJson(JSON.stringify({ nftables: [value] }))
      }),
      { numRuns: 300 }
    )
  })
})
