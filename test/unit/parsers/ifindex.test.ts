/** Interface indexes from a forged or broken capture: only kernel indexes (1 … 2^31−1) are kept. */
import { describe, expect, it } from 'vitest'
import { parseIpLinkJson } from '../../../src/main/parsers/ip-link'
import { parseIpAddrJson } from '../../../src/main/parsers/ip-addr'
import { parseBridgeLinkJson } from '../../../src/main/parsers/bridge-link'

const BAD = [-5, 0, 1.5, 2 ** 31, -1e300, '7']

describe.each([
  ['ip link', parseIpLinkJson],
  ['ip addr', parseIpAddrJson],
  ['bridge link', parseBridgeLinkJson]
] as const)('%s JSON', (what, parse) => {
  it.each(BAD)('skips an entry with ifindex %j, with a warning', (bad) => {
    const text = JSON.stringify([
      { ifindex: bad, ifname: 'evil0' },
      { ifindex: 3, ifname: 'eth0' }
    ])
    const { value, warnings } = parse(text)
    expect(value.map((r) => r.name)).toEqual(['eth0'])
    expect(warnings).toContainEqual(
      expect.stringMatching(new RegExp(`^${what}: skipped an entry whose ifindex .* is not a positive integer`))
    )
  })
})

describe('ip link JSON peer index', () => {
  it('drops a link_index that is not a kernel index', () => {
    const { value } = parseIpLinkJson(
      JSON.stringify([
        { ifindex: 9, ifname: 'veth0', link_index: -2 },
        { ifindex: 10, ifname: 'veth1', link_index: 4 }
      ])
    )
    expect(value.map((r) => r.linkIndex)).toEqual([null, 4])
  })
})
