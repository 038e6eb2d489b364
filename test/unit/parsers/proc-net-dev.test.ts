import { describe, expect, it } from 'vitest'
import { parseProcNetDev } from '../../../src/main/parsers/proc-net-dev'
import { loadFixturePairs } from '../../support/fixtures'
import fc from 'fast-check'
import { fuzzParser } from './link-fuzz'
import { parseProcNetDev as regexParseProcNetDev } from '../../support/regex-proc-net-dev'

const HEADER =
  'Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n'

describe('parseProcNetDev (/proc/net/dev)', () => {
  it('gives no records and no warnings for empty output or headers only', () => {
    expect(parseProcNetDev('')).toEqual({ value: [], warnings: [] })
    expect(parseProcNetDev(HEADER)).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('proc-net-dev')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseProcNetDev(pair.input)).toEqual(pair.expected)
  })

  it.each([
    [
      'plain',
      '  eth0:    1655      18    1    2    0     0          0         0      652       8    3    4    0     0       0          0',
      'eth0',
      [1655, 18, 1, 2, 652, 8, 3, 4]
    ],
    [
      'no space after the colon',
      '  eth0:68210035552 520993275    0    0    0     0          0         0 9315587528 43451486    0    0    0     0       0          0',
      'eth0',
      [68210035552, 520993275, 0, 0, 9315587528, 43451486, 0, 0]
    ],
    [
      'colon inside the name',
      'ibr10:30:       5       1    0    0    0     0          0         0        7       2    0    0    0     0       0          0',
      'ibr10:30',
      [5, 1, 0, 0, 7, 2, 0, 0]
    ],
    ['colon inside, touching counter', 'a:b:c:9 1 0 0 0 0 0 0 7 2 0 0 0 0 0 0', 'a:b:c', [9, 1, 0, 0, 7, 2, 0, 0]],
    [
      'emoji',
      ' 💩0: 57750104  105557    0    0    0     0          0        72 404570255  304261    0    0    0     0       0          0',
      '💩0',
      [57750104, 105557, 0, 0, 404570255, 304261, 0, 0]
    ]
  ])('%s', (_case, line, iface, counters) => {
    const { value, warnings } = parseProcNetDev(HEADER + line)
    expect(warnings).toEqual([])
    expect(
      value.map((r) => [
        r.iface,
        [r.rxBytes, r.rxPackets, r.rxErrors, r.rxDropped, r.txBytes, r.txPackets, r.txErrors, r.txDropped],
        r.raw
      ])
    ).toEqual([[iface, counters, line]])
  })

  it.each([
    ['too few counters', 'eth0: 1 2 3'],
    ['no colon', 'eth0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16'],
    ['no name', ': 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16']
  ])('warns about %s', (_case, line) => {
    expect(parseProcNetDev(line)).toMatchObject({ value: [], warnings: [expect.any(String)] })
  })

  fuzzParser(parseProcNetDev, pairs, 'lines')

  it('reads every line exactly as the regular-expression parser did (fixtures, soups, odd characters)', () => {
    const lines = [...new Set(pairs.flatMap((pair) => pair.input.split('\n')))]
    const same = (text: string): void => {
      expect(parseProcNetDev(text)).toEqual(regexParseProcNetDev(text))
    }
    for (const pair of pairs) same(pair.input)
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(...lines),
            fc
              .array(fc.constantFrom(...' \t:0123456789\r\nab|Inter-face💩\u2028\u00a0\f\v'.split('')), {
                maxLength: 80
              })
              .map((c) => c.join(''))
          ),
          { maxLength: 30 }
        ),
        fc.constantFrom('\n', '\r\n', '\r'),
        (picked, eol) => {
          same(picked.join(eol))
        }
      ),
      { numRuns: 400 }
    )
  })
})
