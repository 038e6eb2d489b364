import { describe, expect, it } from 'vitest'
import { bitsPerS, formatSampleTable, humanSI, perS } from '../../../src/main/cli/format/traffic'
import { main } from '../../../src/main/cli/main'
import { listScenarios } from '../../../src/main/sim/index'
import type { InterfaceRate } from '../../../src/shared/api/types'

const rate = (iface: string, rx: number, tx: number, container: string | null = null): InterfaceRate => ({
  iface,
  netns: 'host',
  container,
  rxBytesPerS: rx,
  txBytesPerS: tx,
  rxPacketsPerS: 3.5,
  txPacketsPerS: 0,
  rxErrorsPerS: 0,
  txErrorsPerS: 1,
  rxDropsPerS: 2,
  txDropsPerS: 0
})

function io(signal = new AbortController().signal) {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), signal } }
}

describe('watch formatting', () => {
  it('prints human SI units', () => {
    expect(humanSI(0)).toBe('0 ')
    expect(humanSI(999)).toBe('999 ')
    expect(humanSI(1234567)).toBe('1.23 M')
    expect(humanSI(Number.NaN)).toBe('0 ')
    expect(bitsPerS(1500)).toBe('12.0 kb/s')
    expect(perS(0)).toBe('0/s')
    expect(perS(3.5)).toBe('3.5/s')
  })

  it('sorts by total throughput and neutralises control characters in names', () => {
    const text = formatSampleTable({
      hostId: 'local',
      t: Date.UTC(2024, 0, 2, 3, 4, 5),
      intervalS: 1,
      gapBefore: true,
      rates: [rate('lo', 10, 10), rate('veth1', 1_000_000, 5, 'evil\u001b[2Jname'), rate('eth0', 500, 600)]
    })
    const lines = text.split('\n')
    expect(lines[0]).toBe('local  2024-01-02 03:04:05Z  interval 1.00 s  (reconnected: gap before this sample)')
    expect(lines[1]).toMatch(/^IFACE\s+NETNS\s+CONTAINER\s+RX\s+TX\s+RX PKT\s+TX PKT\s+ERRS\s+DROPS$/)
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual(['veth1', 'eth0', 'lo'])
    expect(lines[2]).toContain('evil\\u001B[2Jname')
    expect(lines[2]).toContain('8.00 Mb/s')
    expect(text).not.toContain('\u001b')
  })
})

describe('watch command', () => {

  it('rejects bad options and file sources with usage errors', async () => {
    for (const argv of [['watch'], ['watch', 'local', '--interval', '0.1'], ['watch', 'local', '--count', 'x'], ['watch', 'package.json']]) {
      const t = io()
      expect(await main(argv, t.io)).toBe(2)
      expect(t.err.join('\n')).toMatch(/netlens watch: /)
    }
  })

  it('streams a training scenario as JSON lines and stops after --count', async () => {
    const list = listScenarios()
    expect(list.length).toBeGreaterThan(0)
    const t = io()
    const code = await main(['watch', `sim:${list[0].id}`, '--interval', '0.5', '--count', '2', '--json'], t.io)
    expect(t.err).toEqual([])
    expect(code).toBe(0)
    expect(t.out).toHaveLength(2)
    const samples = t.out.map((l) => JSON.parse(l))
    expect(samples[0]).toMatchObject({ hostId: `sim:${list[0].id}`, gapBefore: false })
    expect(samples[0].rates.length).toBeGreaterThan(0)
  })
})
