/**
 * `netlens packets` on sources that need no host: a training scenario and a lab pcap file. The
 * live lab (tcpdump locally and over ssh) is test/live/packets.test.ts.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { command } from '../../../src/main/cli/commands/packets'
import type { CapturedPacket } from '../../../src/shared/packets/format'
import { readPcap } from '../../../src/shared/packets/pcap'
import { scenariosDir } from '../../../src/main/sim/load'
import { labPcap } from './lab-pcaps'

async function run(
  argv: string[],
  signal = new AbortController().signal
): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await command.run(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), signal })
  return { code, out, err }
}

describe('netlens packets', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nl-packets-cli-'))
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('prints one line per packet with the container and the SNAT (training host)', async () => {
    const r = await run(['sim:nat-mode', '--iface', 'ens33', '--count', '3'])
    expect(r.code, r.err).toBe(0)
    const lines = r.out.trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{6} ens33 10\.10\.0\.11:\d+ \(host\) → 203\.0\.113\.10:443 TCP \[S\] .*\(SNAT by MASQUERADE of app 172\.17\.0\.2:\d+, rule -A POSTROUTING -s 172\.17\.0\.0\/16 ! -o docker0 -j MASQUERADE\)$/
    )
    expect(r.err).toMatch(/ens33 on sim:nat-mode; stops after 3 packets \/ 60 s \/ 100 MB or Ctrl-C/)
    expect(r.err).toMatch(/3 packets \(\d+ bytes of pcap\), stopped by the packet count/)
  })

  it('a scenario file given as SOURCE (bare .yaml path or sim:<path>) is its training host, not a non-pcap file', async () => {
    const file = join(dir, 'my-nat.yaml')
    await writeFile(file, await readFile(join(scenariosDir(), 'nat-mode.yaml'), 'utf8'))
    for (const source of [file, `sim:${file}`]) {
      const r = await run([source, '--iface', 'ens33', '--count', '2'])
      expect(r.code, r.err).toBe(0)
      expect(r.out.trim().split('\n')).toHaveLength(2)
      expect(r.out).toMatch(/\(SNAT by MASQUERADE of app 172\.17\.0\.2:\d+/)
    }
  })

  it('--json: one CapturedPacket per line', async () => {
    const r = await run(['sim:nat-mode', '--container', 'web', '--json'])
    expect(r.code, r.err).toBe(0)
    const packets = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CapturedPacket)
    expect(packets.length).toBeGreaterThan(0)
    expect(packets.map((p) => p.number)).toEqual(packets.map((_, i) => i + 1))
    expect(
      packets.some((p) =>
        p.annotation.nat.some((n) => n.kind === 'DNAT' && n.side === 'after' && n.container === 'web')
      )
    ).toBe(true)
  })

  it('-o FILE: a pcap tcpdump-compatible readers read, mode 0600 even over an existing file, nothing on stdout', async () => {
    const file = join(dir, 'out.pcap')
    await writeFile(file, 'old content', { mode: 0o644 })
    const r = await run(['sim:nat-mode', '--container', 'app', '-o', file])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toBe('')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const pcap = readPcap(new Uint8Array(await readFile(file)))
    expect(pcap.warnings).toEqual([])
    expect(pcap.records.length).toBe(Number(/(\d+) packets? \(\d+ bytes of pcap\)/.exec(r.err)![1]))
  })

  it('reads a pcap file as its SOURCE', async () => {
    const pcap = labPcap('vxlan-underlay.pcap')
    const r = await run([pcap.path])
    expect(r.code, r.err).toBe(0)
    expect(r.out.trim().split('\n')).toHaveLength(pcap.tcpdumpCount)
    expect(r.out).toMatch(
      /198\.51\.100\.20\d:\d+ → 198\.51\.100\.20\d:4789 VXLAN vni 4242: 10\.203\.99\.1 → 10\.203\.99\.2 ICMP echo request/
    )
  })

  it('strips terminal control and bidi characters from host-derived text', async () => {
    // A crafted pcap file name is host-derived text here: it is printed in the status line.
    const evil = join(dir, 'a\u001b[31m\u202eb.pcap')
    await writeFile(evil, labPcap('default-veth--ping-wget-wan.pcap').bytes)
    const r = await run([evil, '-o', join(dir, 'copy.pcap')])
    expect(r.code, r.err).toBe(0)
    expect(r.err).not.toMatch(/[\u001b\u202e]/)
  })

  it('refuses bad arguments with the usage (exit 2)', async () => {
    for (const argv of [
      ['local'],
      ['local', '--iface', 'eth0', '--container', 'web'],
      ['local', '--iface', 'eth0', '--inside'],
      ['local', '--iface', 'eth0', '--count', '0'],
      ['local', '--iface', 'eth0', '--duration', 'soon'],
      ['local', '--iface', 'eth0', '--bogus']
    ]) {
      const r = await run(argv)
      expect(r.code, argv.join(' ')).toBe(2)
      expect(r.err).toMatch(/Usage: netlens packets SOURCE/)
    }
  })

  it('an unknown container on a training host: exit 1, the message and the list of containers', async () => {
    const r = await run(['sim:nat-mode', '--container', 'nope'])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/no container "nope"/)
    expect(r.err).toMatch(/Containers: app, web/)
  })

  it('--help says the defaults', () => {
    expect(command.usage).toMatch(/default 10,000\)/)
    expect(command.usage).toMatch(/default 60\)/)
    expect(command.usage).toMatch(/default 100 MB\)/)
  })
})
