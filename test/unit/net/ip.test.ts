import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  broadcastOf,
  cidrContains,
  cidrTextHolds,
  cidrsOverlap,
  formatCidr,
  formatIp,
  formatIpCidr,
  formatIpv4,
  formatIpv6,
  inCidr,
  ipCidrHolds,
  longestPrefixMatch,
  maskOf,
  parseCidr,
  parseIp,
  parseIpCidr,
  parseIpv4,
  parseIpv6,
  prefixFromMask,
  subnetText
} from '../../../src/shared/net/ip'

const u32 = fc.integer({ min: 0, max: 0xffffffff })
const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n })
/** IPv6 values with many zero groups, so `::` placement (runs, ties, edges) is exercised, not only random bits. */
const sparse128 = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => groups.reduce((value, g) => (value << 16n) | BigInt(g), 0n))
const any128 = fc.oneof(u128, sparse128)

/** Every group written out, four digits each, upper case: the least canonical text of a value. */
const longForm = (value: bigint): string =>
  Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16).padStart(4, '0'))
    .join(':')
    .toUpperCase()
const isV4Mapped = (value: bigint): boolean => value >> 32n === 0xffffn

const topBits = (value: number, prefix: number): number => Math.floor(value / 2 ** (32 - prefix))
const topBits6 = (value: bigint, prefix: number): bigint => value >> BigInt(128 - prefix)

describe('IPv4 text', () => {
  it('parse(format(v)) = v for every 32-bit value', () => {
    fc.assert(fc.property(u32, (v) => parseIpv4(formatIpv4(v)) === v))
  })

  it('format(parse(text)) = text for dotted quads without leading zeros', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), (octets) => {
        const text = octets.join('.')
        return formatIpv4(parseIpv4(text)!) === text
      })
    )
  })

  it('refuses what is not an address', () => {
    for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', '1.2.3.4/8', '01234.1.1.1', 'a.b.c.d', '', '::1', '1..2.3'])
      expect(parseIpv4(bad), bad).toBeNull()
  })

  it('masks and prefix lengths are inverse, and only contiguous masks have a prefix', () => {
    for (let prefix = 0; prefix <= 32; prefix++) expect(prefixFromMask(maskOf(prefix))).toBe(prefix)
    expect(formatIpv4(maskOf(20))).toBe('255.255.240.0')
    expect(prefixFromMask(parseIpv4('255.0.255.0')!)).toBeNull()
    expect(prefixFromMask(parseIpv4('0.0.0.255')!)).toBeNull()
  })
})

describe('IPv4 blocks', () => {
  it('a block holds exactly the addresses that share its top prefix bits', () => {
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 32 }), (a, b, prefix) => {
        const cidr = parseCidr(`${formatIpv4(a)}/${prefix}`)!
        expect(cidrContains(cidr, a)).toBe(true)
        expect(cidrContains(cidr, b)).toBe(topBits(a, prefix) === topBits(b, prefix))
        expect(inCidr(formatIpv4(b), formatCidr(cidr))).toBe(topBits(a, prefix) === topBits(b, prefix))
        expect(cidr.network).toBeLessThanOrEqual(a)
        expect(broadcastOf(cidr)).toBeGreaterThanOrEqual(a)
        expect(broadcastOf(cidr) - cidr.network + 1).toBe(2 ** (32 - prefix))
      })
    )
  })

  it('parse(format(cidr)) = cidr, and two blocks overlap exactly when one holds the other', () => {
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 }), (a, b, pa, pb) => {
        const x = parseCidr(`${formatIpv4(a)}/${pa}`)!
        const y = parseCidr(`${formatIpv4(b)}/${pb}`)!
        expect(parseCidr(formatCidr(x))).toEqual(x)
        const holds = (outer: typeof x, inner: typeof x): boolean =>
          inner.prefix >= outer.prefix && cidrContains(outer, inner.network)
        expect(cidrsOverlap(x, y)).toBe(holds(x, y) || holds(y, x))
        expect(cidrsOverlap(x, y)).toBe(cidrsOverlap(y, x))
        expect(cidrTextHolds(formatCidr(x), formatCidr(y))).toBe(holds(x, y))
      })
    )
  })

  it('reads default routes, bare addresses and refuses bad prefixes', () => {
    expect(parseCidr('default')).toEqual({ network: 0, prefix: 0 })
    expect(parseCidr('10.1.2.3')).toEqual({ network: parseIpv4('10.1.2.3'), prefix: 32 })
    expect(formatCidr(parseCidr('172.17.0.1/16')!)).toBe('172.17.0.0/16')
    for (const bad of ['10.0.0.0/33', '10.0.0.0/032', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/-1', 'fd00::/64'])
      expect(parseCidr(bad), bad).toBeNull()
  })

  it('longest prefix wins, the lower metric breaks ties', () => {
    const routes = [
      { dst: 'default', metric: 0 },
      { dst: '10.0.0.0/8', metric: 5 },
      { dst: '10.1.0.0/16', metric: 9 },
      { dst: '10.1.0.0/16', metric: 1 }
    ]
    const pick = (ip: string) =>
      longestPrefixMatch(
        ip,
        routes,
        (r) => r.dst,
        (r) => r.metric
      )
    expect(pick('10.1.2.3')).toBe(routes[3])
    expect(pick('10.2.0.1')).toBe(routes[1])
    expect(pick('192.0.2.1')).toBe(routes[0])
    expect(pick('not an address')).toBeNull()
  })
})

describe('IPv6 text', () => {
  it('parse(format(v)) = v for every 128-bit value', () => {
    fc.assert(fc.property(any128, (v) => parseIpv6(formatIpv6(v)) === v))
  })

  it('every RFC 4291 spelling of a value parses to it (full, upper case, leading zeros)', () => {
    fc.assert(fc.property(any128, (v) => parseIpv6(longForm(v)) === v))
  })

  it('formats as RFC 5952 (the WHATWG URL host serializer agrees outside IPv4-mapped addresses)', () => {
    fc.assert(
      fc.property(any128, (v) => {
        fc.pre(!isV4Mapped(v))
        expect(formatIpv6(v)).toBe(new URL(`http://[${longForm(v)}]/`).hostname.slice(1, -1))
      })
    )
  })

  it('writes IPv4-mapped addresses with the IPv4 tail, as iproute2 does, and reads it back', () => {
    fc.assert(
      fc.property(u32, (v4) => {
        const text = `::ffff:${formatIpv4(v4)}`
        expect(formatIpv6(parseIpv6(text)!)).toBe(text)
        expect(parseIpv6(text)).toBe((0xffffn << 32n) | BigInt(v4))
      })
    )
  })

  it('known spellings', () => {
    expect(formatIpv6(0n)).toBe('::')
    expect(formatIpv6(1n)).toBe('::1')
    expect(formatIpv6(parseIpv6('2001:DB8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1')
    expect(formatIpv6(parseIpv6('2001:db8:0:1:1:1:1:1')!)).toBe('2001:db8:0:1:1:1:1:1')
    expect(formatIpv6(parseIpv6('fe80:0000::0001')!)).toBe('fe80::1')
    expect(parseIpv6('::1.2.3.4')).toBe(0x01020304n)
  })

  it('refuses what is not an address', () => {
    for (const bad of [
      '',
      ':',
      ':::',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7::8',
      '12345::',
      'fe80::1%eth0',
      '::ffff:1.2.3.256',
      '1.2.3.4::',
      'g::1',
      '10.0.0.1'
    ])
      expect(parseIpv6(bad), bad).toBeNull()
  })
})

describe('either family', () => {
  it('a block holds exactly the same-family addresses sharing its top prefix bits', () => {
    fc.assert(
      fc.property(any128, any128, fc.integer({ min: 0, max: 128 }), (a, b, prefix) => {
        const cidr = parseIpCidr(`${formatIpv6(a)}/${prefix}`)!
        expect(ipCidrHolds(cidr, { family: 6, value: a })).toBe(true)
        expect(ipCidrHolds(cidr, { family: 6, value: b })).toBe(topBits6(a, prefix) === topBits6(b, prefix))
        expect(parseIpCidr(formatIpCidr(cidr))).toEqual(cidr)
        expect(ipCidrHolds(cidr, { family: 4, value: a & 0xffffffffn })).toBe(false)
      })
    )
  })

  it('parse(format(address)) = address for both families', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          u32.map((v) => ({ family: 4 as const, value: BigInt(v) })),
          any128.map((value) => ({ family: 6 as const, value }))
        ),
        (address) => {
          expect(parseIp(formatIp(address))).toEqual(address)
        }
      )
    )
  })

  it('subnets of interface addresses, and containment by text', () => {
    expect(subnetText('172.17.0.1/16')).toBe('172.17.0.0/16')
    expect(subnetText('fd00:1:2::5/64')).toBe('fd00:1:2::/64')
    expect(subnetText('172.17.0.1')).toBe('172.17.0.1/32')
    expect(subnetText('nonsense/16')).toBeNull()
    expect(cidrTextHolds('fd00::/16', 'fd00:1::2')).toBe(true)
    expect(cidrTextHolds('fd00::/16', 'fd01::/64')).toBe(false)
    expect(cidrTextHolds('fd00::/64', 'fd00::/16')).toBe(false)
    expect(cidrTextHolds('0.0.0.0/0', '::1')).toBe(false)
  })
})
