import { describe, expect, it } from 'vitest'
import { parseCounter, parseIptablesList } from '../../../src/main/parsers/iptables-list'
import { loadFixturePairs } from '../../support/fixtures'
import { netfilterProperties, rawComesFromInput } from './netfilter-properties'

const HEADER = 'Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\n'
const rulesOf = (text: string) => parseIptablesList(text).value.chains.flatMap((c) => c.rules)

describe('parseIptablesList (iptables -L [-n] [-v] [-x] [--line-numbers])', () => {
  it('gives no chains and no warnings for no output', () => {
    expect(parseIptablesList('')).toEqual({ value: { chains: [], legacyTablesPresent: false }, warnings: [] })
    expect(parseIptablesList('\n\n')).toEqual({ value: { chains: [], legacyTablesPresent: false }, warnings: [] })
  })

  const pairs = loadFixturePairs('iptables-list')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseIptablesList(pair.input)).toEqual(pair.expected)
  })

  it('reads chain headers: policy with and without counters, references', () => {
    const { value } = parseIptablesList(
      'Chain INPUT (policy DROP 2617K packets, 1183M bytes)\nChain OUTPUT (policy ACCEPT)\nChain DOCKER (2 references)\nChain X (1 reference)\n'
    )
    expect(value.chains.map((c) => [c.name, c.policy, c.packets, c.bytes, c.references])).toEqual([
      ['INPUT', 'DROP', 2_617_000, 1_183_000_000, null],
      ['OUTPUT', 'ACCEPT', null, null, null],
      ['DOCKER', null, null, null, 2],
      ['X', null, null, null, 1]
    ])
  })

  it.each([
    ['0', 0],
    ['99999', 99999],
    ['1130K', 1_130_000],
    ['573M', 573_000_000],
    ['12G', 12_000_000_000],
    ['3T', 3_000_000_000_000],
    ['x', null],
    ['', null]
  ])('reads the counter %s', (text, count) => {
    expect(parseCounter(text)).toBe(count)
  })

  it('tells an empty target column from a target by the opt column', () => {
    const [noJump, jump] = rulesOf(
      `${HEADER}           udp  --  anywhere             anywhere\nACCEPT     udp  --  anywhere             anywhere\n`
    )
    expect([noJump.target, noJump.prot, noJump.opt]).toEqual([null, 'udp', '--'])
    expect([jump.target, jump.prot, jump.opt]).toEqual(['ACCEPT', 'udp', '--'])
    const collapsed = rulesOf(
      'Chain INPUT (policy ACCEPT)\nnum target prot opt source destination\n1 udp -- 0.0.0.0/0 0.0.0.0/0 udp dpt:53\n'
    )
    expect([collapsed[0].num, collapsed[0].target, collapsed[0].prot, collapsed[0].extra]).toEqual([
      1,
      null,
      'udp',
      'udp dpt:53'
    ])
  })

  it('reads collapsed whitespace (the seed) like aligned columns', () => {
    const aligned = rulesOf(
      'Chain OUTPUT (policy ACCEPT)\nnum  target     prot opt source               destination\n1    DOCKER     all  --  0.0.0.0/0           !127.0.0.0/8          ADDRTYPE match dst-type LOCAL\n'
    )
    const collapsed = rulesOf(
      'Chain OUTPUT (policy ACCEPT)\nnum target prot opt source destination\n1 DOCKER all -- 0.0.0.0/0 !127.0.0.0/8 ADDRTYPE match dst-type LOCAL\n'
    )
    expect(collapsed.map(({ raw: _raw, ...rule }) => rule)).toEqual(aligned.map(({ raw: _raw, ...rule }) => rule))
  })

  it('reads -v columns with numeric protocols, negated interfaces and the free text', () => {
    const [rule] = rulesOf(
      'Chain DOCKER (2 references)\nnum   pkts bytes target     prot opt in     out     source               destination\n4        2   120 DNAT       6    --  !br-6322 *       0.0.0.0/0            0.0.0.0/0            tcp dpt:8080 to:172.24.0.2:80\n'
    )
    expect(rule).toMatchObject({
      num: 4,
      packets: 2,
      bytes: 120,
      target: 'DNAT',
      prot: '6',
      in: '!br-6322',
      out: '*',
      extra: 'tcp dpt:8080 to:172.24.0.2:80'
    })
  })

  it('reads ip6tables rows with a blank opt column', () => {
    const [rule, noTarget] = rulesOf(
      'Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\nACCEPT     all      ::/0                 ::/0\n           tcp      ::/0                 ::/0                 tcp dpt:22\n'
    )
    expect([rule.target, rule.prot, rule.opt, rule.source]).toEqual(['ACCEPT', 'all', '', '::/0'])
    expect([noTarget.target, noTarget.prot, noTarget.extra]).toEqual([null, 'tcp', 'tcp dpt:22'])
  })

  it('warns when a line fits two readings or none', () => {
    const ambiguous = parseIptablesList(`${HEADER}all        tcp      ::/0                 ::/0\n`)
    expect(ambiguous.warnings).toEqual([expect.stringContaining('line 3: ambiguous columns')])
    const broken = parseIptablesList(`${HEADER}ACCEPT     all  --  anywhere\n`)
    expect(broken.warnings).toEqual([expect.stringContaining('line 3: too few columns')])
    const stray = parseIptablesList('1 ACCEPT all -- 0.0.0.0/0 0.0.0.0/0\n')
    expect(stray.warnings).toEqual([expect.stringContaining('line 1: text outside a chain')])
    const noCounters = parseIptablesList(
      'Chain INPUT (policy ACCEPT)\n pkts bytes target prot opt in out source destination\n x y ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0\n'
    )
    expect(noCounters.warnings).toEqual([expect.stringContaining('line 3: no packet and byte counters')])
  })

  it('records the legacy-tables warning, also when it was printed inside a line', () => {
    const own = parseIptablesList(
      '# Warning: iptables-legacy tables present, use iptables-legacy to see them\nChain INPUT (policy ACCEPT)\n'
    )
    expect(own.value.legacyTablesPresent).toBe(true)
    expect(own.warnings).toEqual([])
    const spliced = parseIptablesList(
      `${HEADER}ACCEPT     all  --  anywhere # Warning: iptables-legacy tables present, use iptables-legacy to see them\n            anywhere\nDROP       all  --  anywhere             anywhere\n`
    )
    expect(spliced.value.legacyTablesPresent).toBe(true)
    expect(spliced.value.chains[0].rules.map((r) => [r.target, r.destination])).toEqual([
      ['ACCEPT', 'anywhere'],
      ['DROP', 'anywhere']
    ])
    expect(spliced.warnings).toEqual([expect.stringContaining('line 3:')])
  })

  netfilterProperties(parseIptablesList, pairs, (result, input) => {
    expect(Array.isArray(result.value.chains)).toBe(true)
    const spliced = result.warnings.some((w) => w.includes('cut out'))
    for (const chain of result.value.chains) {
      for (const rule of chain.rules) {
        if (!spliced) rawComesFromInput(rule.raw, input)
        expect(typeof rule.source).toBe('string')
      }
    }
  })
})
