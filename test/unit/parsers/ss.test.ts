import { describe, expect, it } from 'vitest'
import { parseSs } from '../../../src/main/parsers/ss'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

describe('parseSs (ss -Htulpn)', () => {
  it('gives no records and no warnings for empty output or a header only', () => {
    expect(parseSs('')).toEqual({ value: [], warnings: [] })
    expect(parseSs('Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process')).toEqual({
      value: [],
      warnings: []
    })
  })

  const pairs = loadFixturePairs('ss')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseSs(pair.input)).toEqual(pair.expected)
  })

  it.each([
    [
      'tcp LISTEN 0 4096 0.0.0.0:8080 0.0.0.0:* users:(("docker-proxy",pid=1234,fd=4))',
      ['tcp', 'LISTEN', '0.0.0.0', 8080, '0.0.0.0:*', 'docker-proxy', 1234]
    ],
    [
      'tcp LISTEN 0 4096 [::]:8080 [::]:* users:(("docker-proxy",pid=1240,fd=4))',
      ['tcp', 'LISTEN', '::', 8080, '[::]:*', 'docker-proxy', 1240]
    ],
    [
      'tcp LISTEN 0 511 *:8080 *:* users:(("node",pid=77,fd=20),("node",pid=78,fd=20))',
      ['tcp', 'LISTEN', '*', 8080, '*:*', 'node', 77]
    ],
    [
      'udp UNCONN 0 0 127.0.0.53%lo:53 0.0.0.0:* users:(("systemd-resolve",pid=500,fd=13))',
      ['udp', 'UNCONN', '127.0.0.53%lo', 53, '0.0.0.0:*', 'systemd-resolve', 500]
    ],
    ['udp UNCONN 0 0 [fe80::1%eth0]:546 [::]:*', ['udp', 'UNCONN', 'fe80::1%eth0', 546, '[::]:*', null, null]],
    ['tcp LISTEN 0 128 0.0.0.0:2024 0.0.0.0:*', ['tcp', 'LISTEN', '0.0.0.0', 2024, '0.0.0.0:*', null, null]]
  ])('%s', (line, fields) => {
    const { value, warnings } = parseSs(line)
    expect(warnings).toEqual([])
    expect(value.map((r) => [r.proto, r.state, r.localAddress, r.port, r.peer, r.process, r.pid])).toEqual([fields])
  })

  it.each([
    ['a service name instead of a port', 'tcp LISTEN 0 128 0.0.0.0:ssh 0.0.0.0:*'],
    ['an unknown netid', 'LISTEN 0 128 0.0.0.0:22 0.0.0.0:*'],
    ['a short line', 'tcp LISTEN 0']
  ])('warns about %s', (_case, line) => {
    expect(parseSs(line)).toMatchObject({ value: [], warnings: [expect.any(String)] })
  })

  fuzzParser(parseSs, pairs, 'lines')
})
