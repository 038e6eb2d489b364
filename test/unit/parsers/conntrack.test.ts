import { describe, expect, it } from 'vitest'
import { parseConntrack, type ConntrackEntry } from '../../../src/main/parsers/conntrack'
import { loadFixturePairs } from '../../support/fixtures'
import { plain } from '../../support/plain'
import { netfilterProperties, rawComesFromInput } from './netfilter-properties'

function one(line: string): ConntrackEntry {
  const { value, warnings } = parseConntrack(line)
  expect(warnings).toEqual([])
  expect(value).toHaveLength(1)
  return value[0]
}

describe('parseConntrack (conntrack -L [-o extended], /proc/net/nf_conntrack)', () => {
  it('gives no entries and no warnings for an empty table', () => {
    expect(parseConntrack('')).toEqual({ value: [], warnings: [] })
    expect(parseConntrack('conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n')).toEqual({
      value: [],
      warnings: []
    })
  })

  const pairs = loadFixturePairs('conntrack')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    // Entries build their tuples lazily (class instances): compare their plain JSON form.
    expect(plain(parseConntrack(pair.input))).toEqual(pair.expected)
  })

  it('reads the same entry from extended, plain and /proc output', () => {
    const tail =
      'tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.96.0.1 sport=40000 dport=443 src=10.244.1.5 dst=10.0.0.1 sport=6443 dport=40000 [ASSURED] mark=0 use=1'
    const extended = one(`ipv4     2 ${tail}`)
    const plain = one(tail)
    const proc = one(`ipv4     2 ${tail.replace('use=1', 'zone=0 use=2')}`)
    expect(extended).toMatchObject({
      l3proto: 'ipv4',
      proto: 'tcp',
      protoNum: 6,
      timeout: 431999,
      state: 'ESTABLISHED'
    })
    expect(plain.l3proto).toBeNull()
    expect(proc.zone).toBe(0)
    for (const entry of [extended, plain, proc]) {
      expect(entry.original).toEqual({ src: '10.0.0.1', dst: '10.96.0.1', sport: 40000, dport: 443 })
      expect(entry.reply).toEqual({ src: '10.244.1.5', dst: '10.0.0.1', sport: 6443, dport: 40000 })
      expect(entry.flags).toEqual(['ASSURED'])
    }
  })

  it.each([
    [
      'icmp',
      'ipv4     2 icmp     1 29 src=172.17.0.2 dst=198.51.100.2 type=8 code=0 id=47 src=198.51.100.2 dst=198.51.100.1 type=0 code=0 id=47 mark=0 use=1',
      { src: '172.17.0.2', dst: '198.51.100.2', sport: null, dport: null, type: 8, code: 0, id: 47 },
      { src: '198.51.100.2', dst: '198.51.100.1', sport: null, dport: null, type: 0, code: 0, id: 47 }
    ],
    [
      'icmpv6',
      'ipv6     10 icmpv6   58 29 src=fd00::2 dst=fd00::1 type=128 code=0 id=7 src=fd00::1 dst=fd00::2 type=129 code=0 id=7 mark=0 use=1',
      { src: 'fd00::2', dst: 'fd00::1', sport: null, dport: null, type: 128, code: 0, id: 7 },
      { src: 'fd00::1', dst: 'fd00::2', sport: null, dport: null, type: 129, code: 0, id: 7 }
    ],
    [
      'gre',
      'ipv4     2 gre      47 179 src=10.0.0.1 dst=10.0.0.2 srckey=0x0 dstkey=0x0 src=10.0.0.2 dst=10.0.0.1 srckey=0x0 dstkey=0x0 [ASSURED] mark=0 use=1',
      { src: '10.0.0.1', dst: '10.0.0.2', sport: null, dport: null, srckey: '0x0', dstkey: '0x0' },
      { src: '10.0.0.2', dst: '10.0.0.1', sport: null, dport: null, srckey: '0x0', dstkey: '0x0' }
    ],
    [
      'udp with accounting',
      'ipv4     2 udp      17 27 src=198.51.100.1 dst=198.51.100.2 sport=46887 dport=15353 packets=1 bytes=35 src=198.51.100.2 dst=198.51.100.1 sport=15353 dport=46887 packets=1 bytes=35 mark=42 zone=3 delta-time=3 use=1',
      { src: '198.51.100.1', dst: '198.51.100.2', sport: 46887, dport: 15353, packets: 1, bytes: 35 },
      { src: '198.51.100.2', dst: '198.51.100.1', sport: 15353, dport: 46887, packets: 1, bytes: 35 }
    ]
  ])('reads %s tuples', (_case, line, original, reply) => {
    const entry = one(line)
    expect(entry.original).toEqual(original)
    expect(entry.reply).toEqual(reply)
  })

  it.each([
    [
      'sctp',
      'ipv4     2 sctp     132 210 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=36412 src=10.0.0.2 dst=10.0.0.1 sport=36412 dport=5000 [ASSURED] mark=0 use=1',
      'sctp',
      132,
      'ESTABLISHED'
    ],
    [
      'dccp',
      'ipv4     2 dccp     33 43200 OPEN src=10.0.0.1 dst=10.0.0.2 sport=5001 dport=5002 src=10.0.0.2 dst=10.0.0.1 sport=5002 dport=5001 [ASSURED] mark=0 use=1',
      'dccp',
      33,
      'OPEN'
    ],
    [
      'unknown protocol',
      'ipv4     2 unknown  2 477 src=172.17.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.17.0.1 mark=0 use=1',
      'unknown',
      2,
      null
    ],
    [
      'udplite',
      'ipv4     2 udplite  136 29 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 use=1',
      'udplite',
      136,
      null
    ]
  ])('reads the %s protocol', (_case, line, proto, protoNum, state) => {
    const entry = one(line)
    expect([entry.proto, entry.protoNum, entry.state]).toEqual([proto, protoNum, state])
  })

  it('collects flags, secctx, zone, mark, delta-time and unmodelled fields', () => {
    const entry = one(
      'ipv4     2 tcp      6 86399 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [ASSURED] [OFFLOAD] [HW_OFFLOAD] mark=4096 secctx=system_u:object_r:unlabeled_t:s0 zone=7 delta-time=12 labels=0x1 use=2 id=3405691582'
    )
    expect(entry.flags).toEqual(['ASSURED', 'OFFLOAD', 'HW_OFFLOAD'])
    expect([entry.mark, entry.secctx, entry.zone, entry.deltaTime, entry.use]).toEqual([
      4096,
      'system_u:object_r:unlabeled_t:s0',
      7,
      12,
      2
    ])
    expect(entry.extra).toEqual({ labels: '0x1', id: '3405691582' })
    const unreplied = one(
      'udp      17 29 src=10.0.0.1 dst=10.0.0.53 sport=5353 dport=53 [UNREPLIED] src=10.0.0.53 dst=10.0.0.1 sport=53 dport=5353 mark=0 use=1'
    )
    expect(unreplied.flags).toEqual(['UNREPLIED'])
  })

  it('reads ktimestamp brackets that hold blanks', () => {
    const entry = one(
      'ipv4     2 tcp      6 119 TIME_WAIT src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 dst=1.1.1.1 sport=2 dport=1 [ASSURED] mark=0 delta-time=1 [start=Sat Nov 28 16:11:20 2026] [stop=Sat Nov 28 16:11:21 2026] use=1'
    )
    expect(entry.extra).toEqual({ start: 'Sat Nov 28 16:11:20 2026', stop: 'Sat Nov 28 16:11:21 2026' })
    expect(entry.use).toBe(1)
  })

  it('skips the summary line and cuts it out of an entry when 2>&1 spliced it in', () => {
    const text =
      'ipv4     2 icmp     1 29 src=1.1.1.1 dst=2.2.2.2 type=8 code=0 id=1 src=2.2.2.2 dst=1.1.1.1 type=0 code=0 id=1 mark=0 use=1\n' +
      'ipv4     2 udp      17 20 srconntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.\n' +
      'c=3.3.3.3 dst=4.4.4.4 sport=1 dport=2 src=4.4.4.4 dst=3.3.3.3 sport=2 dport=1 mark=0 use=1\n'
    const { value, warnings } = parseConntrack(text)
    expect(value.map((e) => e.original.src)).toEqual(['1.1.1.1', '3.3.3.3'])
    expect(warnings).toEqual([expect.stringContaining('line 2:')])
  })

  it('warns about conntrack errors and broken lines, with line numbers', () => {
    const { value, warnings } = parseConntrack(
      'conntrack v1.4.7 (conntrack-tools): Operation failed: Permission denied\n' +
        'ipv4     2 tcp      6 10 ESTABLISHED src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2\n' +
        'garbage\n' +
        'tcp 6 x ESTABLISHED src=1.1.1.1 dst=2.2.2.2 src=2.2.2.2 dst=1.1.1.1\n'
    )
    expect(value).toEqual([])
    expect(warnings).toEqual([
      expect.stringContaining('line 1: conntrack said'),
      expect.stringContaining('line 2: incomplete entry'),
      expect.stringContaining('line 3: not a conntrack entry'),
      expect.stringContaining('line 4: bad protocol number or timeout')
    ])
  })

  netfilterProperties(parseConntrack, pairs, (result, input) => {
    expect(Array.isArray(result.value)).toBe(true)
    const spliced = result.warnings.some((w) => w.includes('cut out'))
    for (const entry of result.value) {
      if (!spliced) rawComesFromInput(entry.raw, input)
      expect(typeof entry.original.src).toBe('string')
      expect(typeof entry.reply.dst).toBe('string')
    }
  })
})
