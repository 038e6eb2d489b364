/**
 * runTcpdump's stop logic with a stand-in for the host side: a script that prints tcpdump's
 * `listening on` line, writes a real lab pcap, and then (like the capture script's watchdog) waits
 * for its stdin to close. Only count, byte cap, duration or cancel can end it, so each test proves
 * that NetLens closed the stream and the process ended. The real script and tcpdump are covered
 * in test/live/packets.test.ts.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readPcap, type PcapRecord } from '../../../src/shared/packets/pcap'
import { runTcpdump, type TcpdumpOptions } from '../../../src/main/packets/run-tcpdump'
import { FIXTURES_DIR } from '../../support/fixtures'
import { labPcap } from './lab-pcaps'

const PCAP = labPcap('wan-veth--snat-dnat-ipv6.pcap')
const RECORDS = readPcap(PCAP.bytes).records

/** Host side stand-in: `cat` the pcap, then hold until stdin closes (as the watchdog does). */
const fakeHost = (pcapPath: string): string =>
  [
    'exec 3<&0 </dev/null',
    "echo 'tcpdump: listening on fake0, link-type EN10MB (Ethernet), snapshot length 262144 bytes' >&2",
    `cat '${pcapPath}'`,
    'while read -r line <&3; do :; done',
    "echo '0 packets captured' >&2",
    "echo '0 packets received by filter' >&2",
    "echo '7 packets dropped by kernel' >&2",
    'exit 0',
    ''
  ].join('\n')

function options(extra: Partial<TcpdumpOptions>): TcpdumpOptions {
  return {
    transport: { kind: 'local' },
    sudo: false,
    iface: 'fake0',
    filter: '',
    count: 10_000,
    durationS: 60,
    maxBytes: 100 * 1024 * 1024,
    netnsPid: 0,
    script: fakeHost(PCAP.path),
    ...extra
  }
}

describe('runTcpdump stops the host side by closing its stdin', () => {
  it('at the packet count: exactly N records, then the process ends', async () => {
    const got: PcapRecord[] = []
    const r = await runTcpdump(options({ count: 5, onRecords: (records) => got.push(...records) }))
    expect(r.ok && r.value).toMatchObject({ packets: 5, stoppedBy: 'count' })
    expect(got).toHaveLength(5)
    expect(got.map((x) => x.tsNsec)).toEqual(RECORDS.slice(0, 5).map((x) => x.tsNsec))
  })

  it('at the byte cap: never more pcap bytes than the cap, and whole records only', async () => {
    const cap = 24 + RECORDS.slice(0, 3).reduce((n, x) => n + 16 + x.data.length, 0) + 10
    const got: PcapRecord[] = []
    const r = await runTcpdump(options({ maxBytes: cap, onRecords: (records) => got.push(...records) }))
    expect(r.ok && r.value).toMatchObject({ packets: 3, stoppedBy: 'bytes' })
    if (r.ok) expect(r.value.bytes).toBeLessThanOrEqual(cap)
    expect(got).toHaveLength(3)
  })

  it('at the duration, when the count is never reached', async () => {
    const r = await runTcpdump(options({ durationS: 0.3 }))
    expect(r.ok && r.value).toMatchObject({ packets: RECORDS.length, stoppedBy: 'duration' })
    // tcpdump's own closing counters are read from its stderr.
    if (r.ok) expect(r.value.kernel).toEqual({ captured: 0, received: 0, dropped: 7 })
  })

  it('on cancel (the AbortSignal), keeping what arrived', async () => {
    const controller = new AbortController()
    let seen = 0
    const r = await runTcpdump(
      options({
        signal: controller.signal,
        onRecords: (records) => {
          seen += records.length
          controller.abort()
        }
      })
    )
    expect(r.ok && r.value.stoppedBy).toBe('cancelled')
    expect(r.ok && r.value.packets).toBe(seen)
  })

  it('an already aborted signal never starts anything', async () => {
    const controller = new AbortController()
    controller.abort()
    const r = await runTcpdump(options({ signal: controller.signal }))
    expect(r).toMatchObject({ ok: false, error: { code: 'cancelled' } })
  })
})

describe('runTcpdump failures come from the host side’s real stderr', () => {
  const STDERR = join(FIXTURES_DIR, 'packets/tcpdump-stderr')
  const failing = (file: string, exit: number): string => `cat '${join(STDERR, file)}' >&2\nexit ${exit}\n`

  it.each([
    ['no-such-device.txt', 1, 'not-found', /no interface "fake0"/],
    ['bad-filter-syntax.txt', 1, 'invalid-argument', /rejected the filter/],
    ['no-permission-nonroot.txt', 1, 'permission-denied', /No permission to capture on fake0/],
    ['missing-tcpdump-dash.txt', 127, 'missing-tool', /tcpdump is not installed/],
    ['nsenter-no-process.txt', 1, 'not-found', /process is gone/]
  ] as const)('%s → %s', async (file, exit, code, message) => {
    const r = await runTcpdump(options({ script: failing(file, exit) }))
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe(code)
    expect(r.error.message).toMatch(message)
    expect(r.error.remedy ?? '').not.toBe('')
    // The real stderr stays available for the details.
    expect(r.error.detail).toContain(readFileSync(join(STDERR, file), 'utf8').split('\n')[0])
  })
})
