import { describe, expect, it } from 'vitest'
import { parseProcIgmp } from '../../../src/main/parsers/proc-igmp'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseProcIgmp (/proc/<pid>/net/igmp)', () => {
  it('gives no records and no warnings for empty output or the header only', () => {
    expect(parseProcIgmp('')).toEqual({ value: [], warnings: [] })
    expect(parseProcIgmp('Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n')).toEqual({
      value: [],
      warnings: []
    })
  })

  const pairs = loadFixturePairs('proc-igmp')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseProcIgmp(pair.input)).toEqual(pair.expected)
  })

  it('reads device lines and keeps their group lines in raw', () => {
    const text = [
      'Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter',
      '1\tlo        :     1      V3',
      '\t\t\t\t010000E0     1 0:00000000\t\t0',
      '36\teth0      :     2      V2',
      '\t\t\t\t010000E0     1 0:00000000\t\t0',
      '\t\t\t\tFB0000E0     1 0:00000000\t\t0',
      '1234\tveryveryverylong:     1      V3'
    ].join('\n')
    const { value, warnings } = parseProcIgmp(text)
    expect(warnings).toEqual([])
    expect(value.map((r) => [r.ifindex, r.name, r.raw.split('\n').length])).toEqual([
      [1, 'lo', 2],
      [36, 'eth0', 3],
      [1234, 'veryveryverylong', 1]
    ])
  })

  it('warns about group lines without a device and unknown lines', () => {
    expect(parseProcIgmp('\t\t\t\t010000E0     1 0:00000000\t\t0\nnonsense').warnings).toHaveLength(2)
  })

  fuzzParser(parseProcIgmp, pairs, 'lines')
})
