import { describe, expect, it } from 'vitest'
import { parseIpLinkJson, parseIpLinkText, splitLinkName } from '../../../src/main/parsers/ip-link'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseIpLinkJson (ip -j -d link show)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseIpLinkJson('')).toEqual({ value: [], warnings: [] })
    expect(parseIpLinkJson('[]')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('ip-link-json')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseIpLinkJson(pair.input)).toEqual(pair.expected)
  })

  it('reads veth peers, bridges, vxlan and macvlan parents', () => {
    const text = JSON.stringify([
      {
        ifindex: 5,
        ifname: 'docker0',
        flags: ['UP'],
        mtu: 1500,
        operstate: 'UP',
        address: '02:42:00:00:00:01',
        linkinfo: { info_kind: 'bridge', info_data: { stp_state: 1 } }
      },
      {
        ifindex: 7,
        ifname: 'veth1',
        link_index: 6,
        link_netnsid: 2,
        master: 'docker0',
        operstate: 'UP',
        linkinfo: { info_kind: 'veth', info_slave_kind: 'bridge' }
      },
      { ifindex: 8, ifname: 'vxlan0', operstate: 'UNKNOWN', linkinfo: { info_kind: 'vxlan', info_data: { id: 4097 } } },
      {
        ifindex: 9,
        ifname: 'mv0',
        link: 'eth0',
        operstate: 'UP',
        linkinfo: { info_kind: 'macvlan', info_data: { mode: 'bridge' } }
      },
      { ifindex: 10, ifname: 'dummy0', link: null }
    ])
    const { value, warnings } = parseIpLinkJson(text)
    expect(warnings).toEqual([])
    expect(
      value.map((r) => [r.name, r.kind, r.linkIndex, r.linkName, r.linkNetnsId, r.master, r.vxlanId, r.bridgeStp])
    ).toEqual([
      ['docker0', 'bridge', null, null, null, null, null, true],
      ['veth1', 'veth', 6, null, 2, 'docker0', null, null],
      ['vxlan0', 'vxlan', null, null, null, null, 4097, null],
      ['mv0', 'macvlan', null, 'eth0', null, null, null, null],
      ['dummy0', null, null, null, null, null, null, null]
    ])
    expect(value[4].operstate).toBe('UNKNOWN')
    expect(JSON.parse(value[1].raw)).toMatchObject({ ifname: 'veth1' })
  })

  it.each([
    ['not JSON', 'Cannot open netlink socket', 1],
    ['an entry without ifname', '[{"ifindex": 3}]', 1],
    ['a number in the array', '[1, {"ifindex": 1, "ifname": "lo"}]', 1],
    ['a truncated array', '[{"ifindex": 1, "ifname": "lo"}, {"ifin', 1]
  ])('warns about %s', (_case, text, warnings) => {
    expect(parseIpLinkJson(text).warnings).toHaveLength(warnings)
  })

  fuzzParser(parseIpLinkJson, pairs, 'json')
})

describe('parseIpLinkText (ip link show / ip -d link show)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseIpLinkText('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('ip-link-text')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseIpLinkText(pair.input)).toEqual(pair.expected)
  })

  it('reads the seed CentOS 7 veth line without indentation', () => {
    const text = [
      '6: veth7c1728b@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP mode DEFAULT group default',
      'link/ether 9a:be:3b:60:d7:2e brd ff:ff:ff:ff:ff:ff link-netnsid 0'
    ].join('\n')
    expect(parseIpLinkText(text)).toEqual({
      value: [
        {
          ifindex: 6,
          name: 'veth7c1728b',
          flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
          mtu: 1500,
          operstate: 'UP',
          mac: '9a:be:3b:60:d7:2e',
          master: 'docker0',
          kind: null,
          linkIndex: 5,
          linkName: null,
          linkNetnsId: 0,
          vxlanId: null,
          bridgeStp: null,
          raw: text
        }
      ],
      warnings: []
    })
  })

  it.each([
    ['veth', '    veth \n    bridge_slave state forwarding priority 32', 'veth', null, null],
    [
      'bridge with stp',
      '    bridge forward_delay 1500 hello_time 200 stp_state 1 priority 32768',
      'bridge',
      null,
      true
    ],
    ['bridge without stp', '    bridge forward_delay 1500 stp_state 0', 'bridge', null, false],
    ['vxlan', '    vxlan id 4097 remote 10.0.0.2 dev eth0 srcport 0 0 dstport 4789', 'vxlan', 4097, null],
    ['macvlan', '    macvlan mode bridge ', 'macvlan', null, null],
    ['physical (no kind)', '    altname enp0s3', null, null, null]
  ])('finds the -d kind line: %s', (_case, detail, kind, vxlanId, bridgeStp) => {
    const text = `9: x0: <UP> mtu 1500 state UP\n    link/ether 02:00:00:00:00:09 brd ff:ff:ff:ff:ff:ff promiscuity 0\n${detail}`
    const [record] = parseIpLinkText(text).value
    expect([record.kind, record.vxlanId, record.bridgeStp]).toEqual([kind, vxlanId, bridgeStp])
  })

  it('skips "..." elisions and stray lines with warnings', () => {
    const { value, warnings } = parseIpLinkText('garbage first\n1: lo: <LOOPBACK> mtu 65536 state UNKNOWN\n...\n')
    expect(value.map((r) => r.name)).toEqual(['lo'])
    expect(warnings).toHaveLength(2)
  })

  fuzzParser(parseIpLinkText, pairs, 'lines')
})

describe('splitLinkName', () => {
  it.each([
    ['veth7c1728b@if5', 'veth7c1728b', 5, null],
    ['macvlan0@eth0', 'macvlan0', null, 'eth0'],
    ['eth0.10@eth0', 'eth0.10', null, 'eth0'],
    ['gre0@NONE', 'gre0', null, null],
    ['docker0', 'docker0', null, null]
  ])('%s', (full, name, linkIndex, linkName) => {
    expect(splitLinkName(full)).toEqual({ name, linkIndex, linkName })
  })
})
