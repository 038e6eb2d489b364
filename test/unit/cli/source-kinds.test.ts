/**
 * Every CLI command accepts every SOURCE kind its usage documents, through the one Source module:
 * training hosts (sim:<id>, a scenario .yaml), files (capture, snapshot, pcap, a folder for fleet)
 * run to the end; ssh aliases (bare and ssh:<alias>) reach ssh, here a closed port on loopback
 * (127.0.0.1:1, refused at once), so the error is ssh's and never a SOURCE refusal. `local` runs
 * the probe on this machine: test/live/cli.test.ts covers it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serializeCapture } from '../../../src/main/capture/capture-file'
import { main } from '../../../src/main/cli/main'
import { saveSnapshot } from '../../../src/main/model/snapshot-file'
import { sourceFromRef } from '../../../src/main/sources/index'

const ROOT = resolve(import.meta.dirname, '../../..')
const dir = mkdtempSync(join(tmpdir(), 'nltmp-source-kinds-'))
const paths = {
  capture: join(dir, 'host.cap'),
  noExtension: join(dir, 'host-capture'),
  snapshot: join(dir, 'snap.json'),
  scenario: join(dir, 'my lab.yaml'),
  pcap: join(ROOT, 'test/fixtures/packets/debian-12-lab/app-veth--nano.pcap'),
  folder: join(dir, 'fleet'),
  sshConfig: join(dir, 'ssh_config')
}
let savedSshConfig: string | undefined

beforeAll(async () => {
  const capture = await sourceFromRef({ kind: 'sim', scenario: 'nat-mode', host: null }).capture()
  if (!capture.ok || !capture.value.capture) throw new Error('sim:nat-mode did not render')
  const text = serializeCapture(capture.value.capture)
  writeFileSync(paths.capture, text)
  writeFileSync(paths.noExtension, text)
  const snapshot = await sourceFromRef({ kind: 'sim', scenario: 'nat-mode', host: null }).snapshot()
  if (!snapshot.ok) throw new Error(snapshot.error.message)
  await saveSnapshot(snapshot.value, paths.snapshot)
  copyFileSync(join(ROOT, 'resources/scenarios/nat-mode.yaml'), paths.scenario)
  mkdirSync(paths.folder)
  writeFileSync(join(paths.folder, 'a.cap'), text)
  writeFileSync(join(paths.folder, 'b.cap'), text)
  // Loopback, port 1: nothing listens, ssh is refused at once. No other host is ever contacted.
  writeFileSync(paths.sshConfig, 'Host nlrefused\n  HostName 127.0.0.1\n  Port 1\n  BatchMode yes\n')
  savedSshConfig = process.env.NETLENS_SSH_CONFIG
  process.env.NETLENS_SSH_CONFIG = paths.sshConfig
})
afterAll(() => {
  if (savedSshConfig === undefined) delete process.env.NETLENS_SSH_CONFIG
  else process.env.NETLENS_SSH_CONFIG = savedSshConfig
  rmSync(dir, { recursive: true, force: true })
})

async function run(argv: string[]): Promise<{ code: number; text: string }> {
  const out: string[] = []
  const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), signal: new AbortController().signal }
  const code = await main(argv, io)
  return { code, text: out.join('\n') }
}

type Case = [string, () => string[]]

// What each command's usage says SOURCE may be, one case per kind (local: the live tier).
const RUNS_TO_THE_END: Case[] = [
  ['inspect sim:<id>', () => ['inspect', 'sim:nat-mode']],
  ['inspect a scenario file', () => ['inspect', paths.scenario]],
  ['inspect a capture file', () => ['inspect', paths.capture]],
  ['inspect a capture file without extension', () => ['inspect', paths.noExtension]],
  ['inspect file:<capture>', () => ['inspect', `file:${paths.capture}`]],
  ['inspect a snapshot file', () => ['inspect', paths.snapshot]],
  ['diagnose sim:<id>', () => ['diagnose', 'sim:nat-mode']],
  ['diagnose a scenario file', () => ['diagnose', paths.scenario]],
  ['diagnose a capture file', () => ['diagnose', paths.capture]],
  ['diagnose a snapshot file', () => ['diagnose', paths.snapshot]],
  ['trace sim:<id>', () => ['trace', 'sim:nat-mode', '--from', 'app', '--to', 'web:80/tcp']],
  ['trace a scenario file', () => ['trace', paths.scenario, '--from', 'app', '--to', 'web:80/tcp']],
  ['trace a capture file', () => ['trace', paths.capture, '--from', 'app', '--to', 'web:80/tcp']],
  ['trace a snapshot file', () => ['trace', paths.snapshot, '--from', 'app', '--to', 'web:80/tcp']],
  ['diff a capture file and a snapshot file', () => ['diff', paths.capture, paths.snapshot]],
  ['diff sim:<id> and a scenario file', () => ['diff', 'sim:nat-mode', paths.scenario]],
  ['watch sim:<id>', () => ['watch', 'sim:nat-mode', '--count', '1', '--interval', '0.5', '--json']],
  ['watch a scenario file', () => ['watch', paths.scenario, '--count', '1', '--interval', '0.5', '--json']],
  ['packets sim:<id>', () => ['packets', 'sim:nat-mode', '--container', 'web', '--count', '2']],
  ['packets a scenario file', () => ['packets', paths.scenario, '--container', 'web', '--count', '2']],
  ['packets a pcap file', () => ['packets', paths.pcap, '--count', '2']],
  ['fleet sim:<id>', () => ['fleet', 'sim:overlay-fleet']],
  ['fleet a folder and a capture file', () => ['fleet', paths.folder, paths.capture]],
  ['fleet a scenario file', () => ['fleet', paths.scenario]],
  ['scenario-from sim:<id>', () => ['scenario-from', 'sim:nat-mode']],
  ['scenario-from a capture file', () => ['scenario-from', paths.capture]],
  ['scenario-from a snapshot file', () => ['scenario-from', paths.snapshot]]
]

const REACHES_SSH: Case[] = [
  ['inspect <alias>', () => ['inspect', 'nlrefused']],
  ['diagnose ssh:<alias>', () => ['diagnose', 'ssh:nlrefused']],
  ['trace <alias>', () => ['trace', 'nlrefused', '--from', 'a', '--to', 'b']],
  ['diff ssh:<alias> and a file', () => ['diff', 'ssh:nlrefused', paths.capture]],
  ['watch <alias>', () => ['watch', 'nlrefused', '--count', '1']],
  ['packets ssh:<alias>', () => ['packets', 'ssh:nlrefused', '--iface', 'eth0']],
  ['fleet <alias>', () => ['fleet', 'nlrefused']],
  ['capture ssh:<alias>', () => ['capture', 'ssh:nlrefused', '--quiet']],
  ['scenario-from <alias>', () => ['scenario-from', 'nlrefused']]
]

// Several commands per file, each reading or rendering a host: slow on a busy machine.
describe('every command takes every SOURCE kind it documents', { timeout: 60_000 }, () => {
  it.each(RUNS_TO_THE_END)('%s', async (_name, argv) => {
    const r = await run(argv())
    expect(r.text).not.toMatch(/no such file|not a valid ssh host alias|neither a NetLens/i)
    expect(r.code, r.text).toBe(0)
  })

  it.each(REACHES_SSH)('%s reaches ssh (refused on loopback), never a SOURCE refusal', async (_name, argv) => {
    const r = await run(argv())
    expect(r.text).toMatch(/127\.0\.0\.1 refused the connection on port 1/)
    expect(r.text).not.toMatch(/no such file|not a valid ssh host alias/i)
    expect(r.code).not.toBe(0)
  })

  it('refuses what a command does not take, with the one message per kind', async () => {
    const watchFile = await run(['watch', paths.capture])
    expect(watchFile.code).toBe(2)
    expect(watchFile.text).toMatch(/is a file: watch needs a live source/)
    const packetsCapture = await run(['packets', paths.capture, '--iface', 'eth0'])
    expect(packetsCapture.code).toBe(1)
    expect(packetsCapture.text).toMatch(/is a file but not a pcap/)
    const captureSim = await run(['capture', 'sim:nat-mode'])
    expect(captureSim.code).toBe(2)
    expect(captureSim.text).toMatch(/not a live host/)
    // (A word starting with `-` is an option to the flag parser: these reach the SOURCE parser.)
    for (const command of ['inspect', 'diagnose', 'watch', 'packets', 'capture', 'fleet'])
      for (const source of ['ssh:user@-oProxyCommand=x', 'a;b']) {
        const bad = await run([command, source, ...(command === 'packets' ? ['--iface', 'eth0'] : [])])
        expect(bad.code, `${command} ${source}`).not.toBe(0)
        expect(bad.text, `${command} ${source}`).toMatch(/not a valid ssh host alias/i)
      }
  })
})
