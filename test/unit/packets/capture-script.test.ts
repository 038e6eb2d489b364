import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { octalArg, PACKET_SCRIPT, scriptArgs } from '../../../src/main/packets/capture-script'
import { lookupCommandLine } from '../../../src/main/packets/conntrack-lookup'
import { ConntrackLookup } from '../../../src/main/packets/conntrack-lookup'
import { FIXTURES_DIR } from '../../support/fixtures'

/** The script's own nl_dec function, run by the system sh (dash on Debian), on one encoded word. */
function decodeWithSh(encoded: string): string {
  const fn = PACKET_SCRIPT.slice(PACKET_SCRIPT.indexOf('nl_dec() {'), PACKET_SCRIPT.indexOf('nl_main() {'))
  return execFileSync('sh', ['-c', `${fn}\nnl_dec "$1"`, 'sh', encoded], { encoding: 'utf8' })
}

describe('the capture script’s arguments', () => {
  it('are digits only, whatever the interface name or filter holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 16 }), fc.string({ unit: 'binary-ascii', maxLength: 100 }), (iface, filter) => {
        for (const a of scriptArgs({ iface, filter, count: 5, durationS: 65, netnsPid: 0 })) expect(a).toMatch(/^\d+$/)
      })
    )
  })

  it('decode back to the same bytes in sh: quotes, $(…), backticks, newlines, non-ASCII', () => {
    const words = [
      '',
      'eth0',
      "a'b",
      'x$(touch /tmp/nl-pwned)y',
      '`id`',
      'tcp port 80 and (host 10.0.0.1 or host 10.0.0.2)',
      '-x',
      'ünïcode 网卡',
      'a\\nb',
      'tab\there'
    ]
    for (const w of words) expect(decodeWithSh(octalArg(w))).toBe(w.replace(/\n+$/, ''))
  })

  it('decode back in sh for random strings (fast-check, 40 runs: each run starts a shell)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !s.includes('\0')),
        (w) => {
          // Command substitution drops trailing newlines: the script never depends on them.
          expect(decodeWithSh(octalArg(w))).toBe(w.replace(/\n+$/, ''))
        }
      ),
      { numRuns: 40 }
    )
  })

  it('the script itself is valid sh', () => {
    const r = spawnSync('sh', ['-n'], { input: PACKET_SCRIPT, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
  })
})

describe('conntrack lookups for flows newer than the snapshot', () => {
  it('put only checked IPv4 addresses and protocol names into the command', () => {
    const line = lookupCommandLine(
      [
        { proto: 'icmp', a: '172.17.0.2', b: '198.51.100.2' },
        { proto: 'tcp', a: '1.2.3.4; rm -rf /', b: '5.6.7.8' },
        { proto: 'udp' as 'tcp', a: '$(id)', b: '5.6.7.8' }
      ],
      false
    )
    expect(line).toBe(
      [
        'conntrack -L -o extended -p icmp -s 172.17.0.2 -d 198.51.100.2',
        'conntrack -L -o extended -p icmp -r 172.17.0.2 -q 198.51.100.2',
        'conntrack -L -o extended -p icmp -s 198.51.100.2 -d 172.17.0.2',
        'conntrack -L -o extended -p icmp -r 198.51.100.2 -q 172.17.0.2'
      ].join('; ')
    )
    expect(lookupCommandLine([{ proto: 'tcp', a: '10.0.0.1', b: '10.0.0.2' }], true)).toMatch(/^sudo -n conntrack -L/)
  })

  it('batch the flows that arrive together into one command, cache per address pair, and read real conntrack output', async () => {
    const lines: string[] = []
    const entry =
      'ipv4     2 icmp     1 29 src=172.17.0.2 dst=198.51.100.2 type=8 code=0 id=29 src=198.51.100.2 dst=198.51.100.1 type=0 code=0 id=29 mark=0 use=1'
    const lookup = new ConntrackLookup(async (line) => {
      lines.push(line)
      return {
        stdout: `${entry}\n`,
        stderr: 'conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n',
        exitCode: 0
      }
    }, false)
    const [a, b] = await Promise.all([
      lookup.lookup({ proto: 'icmp', a: '198.51.100.1', b: '198.51.100.2' }),
      lookup.lookup({ proto: 'tcp', a: '172.17.0.3', b: '198.51.100.2' })
    ])
    expect(lines).toHaveLength(1)
    expect(a.map((e) => e.nat)).toEqual(['SNAT'])
    expect(b).toEqual([])
    await lookup.lookup({ proto: 'icmp', a: '198.51.100.2', b: '198.51.100.1' })
    expect(lines).toHaveLength(1)
  })

  it('turn themselves off after the host refuses (no root), with the reason', async () => {
    let calls = 0
    const stderr = readFileSync(join(FIXTURES_DIR, 'packets/tcpdump-stderr/conntrack-nonroot.txt'), 'utf8')
    const lookup = new ConntrackLookup(async () => {
      calls++
      return { stdout: '', stderr, exitCode: 1 }
    }, false)
    expect(await lookup.lookup({ proto: 'icmp', a: '10.0.0.1', b: '10.0.0.2' })).toEqual([])
    expect(lookup.disabledBecause).toMatch(/must be root/)
    expect(await lookup.lookup({ proto: 'icmp', a: '10.0.0.3', b: '10.0.0.4' })).toEqual([])
    expect(calls).toBe(1)
  })
})
