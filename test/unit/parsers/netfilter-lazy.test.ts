/**
 * The iptables-save and conntrack records build their rarely used fields on first access (and the
 * parse takes a fast path for lines in the common shape). Their values must be exactly what the
 * eager parsers gave: those are kept in test/support as the reference, and every fixture, every
 * fixture line and random soups of fixture lines (fast-check) are compared field by field.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseConntrack } from '../../../src/main/parsers/conntrack'
import { parseIptablesSave } from '../../../src/main/parsers/iptables-save'
import { parseConntrack as eagerConntrack } from '../../support/eager-conntrack'
import { parseIptablesSave as eagerIptablesSave } from '../../support/eager-iptables-save'
import { loadFixturePairs } from '../../support/fixtures'
import { lineSoup } from '../../support/line-soup'

const RULE_FIELDS = [
  'table',
  'chain',
  'position',
  'source',
  'destination',
  'protocol',
  'inInterface',
  'outInterface',
  'matchModules',
  'options',
  'target',
  'goto',
  'targetArgs',
  'comment',
  'packets',
  'bytes',
  'raw',
  'line'
] as const
const CHAIN_FIELDS = ['table', 'name', 'policy', 'packets', 'bytes', 'raw'] as const
const ENTRY_FIELDS = [
  'l3proto',
  'proto',
  'protoNum',
  'timeout',
  'state',
  'original',
  'reply',
  'flags',
  'mark',
  'zone',
  'use',
  'secctx',
  'deltaTime',
  'raw',
  'extra'
] as const

function sameIptables(text: string): void {
  const eager = eagerIptablesSave(text)
  const lazy = parseIptablesSave(text)
  expect(lazy.warnings).toEqual(eager.warnings)
  expect(lazy.value.tables.length).toBe(eager.value.tables.length)
  for (const key of ['generatedBy', 'backend', 'legacyTablesPresent'] as const) {
    expect(lazy.value[key]).toBe(eager.value[key])
  }
  eager.value.tables.forEach((table, t) => {
    const other = lazy.value.tables[t]
    expect(other.name).toBe(table.name)
    expect(other.rules.length).toBe(table.rules.length)
    expect(other.chains.length).toBe(table.chains.length)
    table.chains.forEach((chain, c) => {
      for (const key of CHAIN_FIELDS) expect(other.chains[c][key]).toStrictEqual(chain[key])
      expect(JSON.parse(JSON.stringify(other.chains[c]))).toStrictEqual(JSON.parse(JSON.stringify(chain)))
    })
    table.rules.forEach((rule, r) => {
      // Fields read one by one (each getter on its own), then the whole record as JSON.
      for (const key of RULE_FIELDS) expect(other.rules[r][key]).toStrictEqual(rule[key])
      expect(JSON.stringify(other.rules[r])).toBe(JSON.stringify(rule))
    })
  })
}

function sameConntrack(text: string): void {
  const eager = eagerConntrack(text)
  const lazy = parseConntrack(text)
  expect(lazy.warnings).toEqual(eager.warnings)
  expect(lazy.value.length).toBe(eager.value.length)
  eager.value.forEach((entry, i) => {
    for (const key of ENTRY_FIELDS) expect(lazy.value[i][key]).toStrictEqual(entry[key])
    expect(JSON.stringify(lazy.value[i])).toBe(JSON.stringify(entry))
  })
}

describe.each([['iptables-save', sameIptables] as const, ['conntrack', sameConntrack] as const])(
  'lazily built %s records equal the eager parser',
  (tool, same) => {
    const pairs = loadFixturePairs(tool)
    const lines = [...new Set(pairs.flatMap((pair) => pair.input.split('\n')))]

    it.each(pairs.map((pair) => [pair.name, pair] as const))('on %s', (_name, pair) => {
      same(pair.input)
      same(pair.input.replace(/\n/g, '\r\n'))
    })

    it('on every fixture line alone and inside a table', () => {
      for (const line of lines) {
        same(line)
        same(`*filter\n:INPUT ACCEPT [0:0]\n${line}\nCOMMIT\n`)
      }
    })

    it('on a chain declared after its rules (fast-check seed 880191935)', () => {
      const counterexample = [
        '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
        '-A DOCKER-ISOLATION-STAGE-2 -o br-866d3805cfd2 -j DROP',
        ':FORWARD ACCEPT [0:0]',
        '[1:60] -A FORWARD -i br-4b36919713a7 -o br-4b36919713a7 -j ACCEPT'
      ].join('\n')
      same(counterexample)
      same(`*nat\n:X - [0:0]\n${counterexample}\nCOMMIT\n`)
      // The second FORWARD rule is the chain's second, declaration or not.
      const forward = parseIptablesSave(`*nat\n:X - [0:0]\n${counterexample}\nCOMMIT\n`).value.tables[0].rules.filter((r) => r.chain === 'FORWARD')
      expect(forward.map((r) => r.position)).toEqual([1, 2])
    })

    it('on soups of fixture lines and their pieces', () => {
      fc.assert(
        fc.property(
          lineSoup(lines, ['!', '"', '-j', '-A', 'X', '\t', '[1:2]'], 12),
          (picked) => {
            same(picked.join('\n'))
            same(`*nat\n:X - [0:0]\n${picked.join('\n')}\nCOMMIT\n`)
          }
        ),
        { numRuns: 300 }
      )
    })
  }
)

it('on a chain declared after rules that named it (seed 1206131187): its rules count on', () => {
  const soup = [
    '[28:2193] -A FORWARD -o br-63226b8903b9 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    ':FORWARD DROP [0:0]',
    '-A DOCKER-ISOLATION-STAGE-2 -j RETURN',
    '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
    ':FORWARD DROP [0:0]',
    '-A FORWARD -j DROP'
  ].join('\n')
  sameIptables(soup)
  sameIptables(`*nat\n:X - [0:0]\n${soup}\nCOMMIT\n`)
  const forward = parseIptablesSave(`*nat\n${soup}\nCOMMIT\n`).value.tables[0].rules.filter(
    (r) => r.chain === 'FORWARD'
  )
  expect(forward.map((r) => r.position)).toEqual([1, 2, 3])
})
