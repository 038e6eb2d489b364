import { describe, expect, it } from 'vitest'
import { parseDockerNetworkLs } from '../../../src/main/parsers/docker-network-ls'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseDockerNetworkLs (docker network ls)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseDockerNetworkLs('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('docker-network-ls')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseDockerNetworkLs(pair.input)).toEqual(pair.expected)
  })

  it('reads the real column layout and warns about other lines', () => {
    const text =
      'NETWORK ID     NAME            DRIVER    SCOPE\n814407ccaae8   bridge          bridge    local\n08358af093c8   nltmp-ll-net1   bridge    local\nCannot connect to the Docker daemon'
    const { value, warnings } = parseDockerNetworkLs(text)
    expect(value.map((r) => [r.id, r.name, r.driver, r.scope])).toEqual([
      ['814407ccaae8', 'bridge', 'bridge', 'local'],
      ['08358af093c8', 'nltmp-ll-net1', 'bridge', 'local']
    ])
    expect(warnings).toHaveLength(1)
  })

  fuzzParser(parseDockerNetworkLs, pairs, 'lines')
})
