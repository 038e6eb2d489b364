import { describe, expect, it } from 'vitest'
import { parseNetHelpers } from '../../../src/main/parsers/nethelpers'
import { loadFixturePairs } from '../../support/fixtures'
import { fuzzParser } from './link-fuzz'

const ID = '706879a0fb58939110fea0e162eb5e05731ddd523ad5767bd336792962a6b6d2'

describe('parseNetHelpers (proc.nethelpers)', () => {
  it('gives no records and no warnings for empty output', () => {
    expect(parseNetHelpers('')).toEqual({ value: [], warnings: [] })
  })

  const pairs = loadFixturePairs('nethelpers')
  it.each(pairs.map((pair) => [pair.name, pair] as const))('matches %s', (_name, pair) => {
    expect(parseNetHelpers(pair.input)).toEqual(pair.expected)
  })

  it.each([
    [
      'slirp4netns of podman 4 (namespace path)',
      '4674 1 1001 slirp4netns /usr/bin/slirp4netns --mtu=65520 -c -e 3 -r 4 --netns-type=path /tmp/podman-run-1001/netns/netns-86 tap0',
      { netnsPath: '/tmp/podman-run-1001/netns/netns-86', netnsPid: null, tap: 'tap0' }
    ],
    [
      'slirp4netns of podman 3 (namespace pid)',
      '3100 1 1000 slirp4netns /usr/bin/slirp4netns --disable-host-loopback --mtu 65520 -c -e 3 -r 4 3099 tap0',
      { netnsPath: null, netnsPid: 3099, tap: 'tap0' }
    ],
    [
      'pasta with --netns and -I',
      '5000 1 1000 pasta /usr/bin/pasta --config-net -t 8080-8080:80-80 -I eth0 --netns /run/user/1000/netns/netns-1a',
      { netnsPath: '/run/user/1000/netns/netns-1a', tap: 'eth0' }
    ],
    [
      'another user’s conmon',
      `4690 1 1001 conmon /usr/bin/conmon --api-version 1 -c ${ID} -u ${ID} -n nllab-pod-rl --exit-dir /tmp/x`,
      { containerId: ID, containerName: 'nllab-pod-rl', uid: 1001 }
    ],
    [
      'a conmon whose -c is not an id',
      '4691 1 1001 conmon conmon -c ../../etc -n x',
      { containerId: null, containerName: 'x' }
    ],
    [
      'rootlessport without a command line',
      '4676 1 1001 rootlessport',
      { process: 'rootlessport', uid: 1001, tap: null }
    ]
  ])('reads %s', (_case, line, expected) => {
    const { value, warnings } = parseNetHelpers(line)
    expect(warnings).toEqual([])
    expect(value[0]).toMatchObject(expected)
  })

  it('warns about lines that are not helpers', () => {
    const { value, warnings } = parseNetHelpers('x 1 0 conmon\n12 1 0 bash -c evil\n')
    expect(value).toEqual([])
    expect(warnings).toHaveLength(2)
  })

  fuzzParser(parseNetHelpers, pairs, 'lines')
})
