import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseProcIfInet6 } from '../../../src/main/parsers/proc-if-inet6'
import { FIXTURES_DIR, loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

const LAB = join(FIXTURES_DIR, 'proc/debian-12-lab-netns')

describe('parseProcIfInet6 (/proc/<pid>/net/if_inet6)', () => {
  const pairs = loadFixturePairs('proc-if-inet6')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseProcIfInet6(pair.input)).toEqual(pair.expected)
  })

  it('gives the addresses `ip -j addr` shows in the same namespace (address, prefix, ifindex, device)', () => {
    const { value, warnings } = parseProcIfInet6(
      readFileSync(join(LAB, 'proc-if-inet6--veth-ula-and-global.out'), 'utf8')
    )
    expect(warnings).toEqual([])
    type IpAddr = { ifindex: number; ifname: string; addr_info: { family: string; local: string; prefixlen: number }[] }
    const truth = (JSON.parse(readFileSync(join(LAB, 'ip-j-addr--same-netns.json'), 'utf8')) as IpAddr[]).flatMap(
      (link) =>
        link.addr_info
          .filter((a) => a.family === 'inet6')
          .map((a) => `${link.ifindex} ${link.ifname} ${a.local}/${a.prefixlen}`)
    )
    expect(truth.length).toBeGreaterThan(3)
    expect(value.map((r) => `${r.ifindex} ${r.name} ${r.address}/${r.prefixLength}`).sort()).toEqual(truth.sort())
  })

  it('reads hex fields (ifindex above 9, scope, flags) and warns about lines it does not know', () => {
    const { value, warnings } = parseProcIfInet6(
      'fe800000000000000042acfffe110002 1a 40 20 80     eth0\nnot a line\nfe80000000000000 01 40 20 80 eth1\n'
    )
    expect(value).toEqual([
      {
        address: 'fe80::42:acff:fe11:2',
        ifindex: 26,
        prefixLength: 64,
        scope: 0x20,
        flags: 0x80,
        name: 'eth0',
        raw: 'fe800000000000000042acfffe110002 1a 40 20 80     eth0'
      }
    ])
    expect(warnings).toHaveLength(2)
  })

  fuzzParser(parseProcIfInet6, pairs, 'lines')
})
