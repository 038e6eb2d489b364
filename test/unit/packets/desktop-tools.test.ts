/**
 * Opening a capture in the desktop's Wireshark (Electron only; browser mode downloads instead).
 * A stand-in `wireshark` on PATH records what it was given, so the test sees exactly what the real
 * one would: `-r FILE` with the capture's bytes in a private file (0600 in a 0700 directory) whose
 * name is made safe whatever the host called the interface. Without Wireshark on PATH the answer is
 * missing-tool with a remedy, never a thrown error.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chmod, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { openInWireshark, packetTools } from '../../../src/main/packets/desktop-tools'
import { labPcaps } from './lab-pcaps'

const until = async (what: string, check: () => Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 600; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('open in Wireshark (desktop tool)', () => {
  let bin = ''
  let record = ''
  const savedPath = process.env.PATH
  const opened: string[] = []

  beforeEach(async () => {
    bin = await mkdtemp(join(tmpdir(), 'netlens-fake-wireshark-'))
    record = join(bin, 'record.txt')
    // Only `sh` (which desktop-tools uses to look tools up) and, per test, the stand-in are on PATH,
    // so a Wireshark installed on the developer's machine cannot change the outcome.
    await symlink('/bin/sh', join(bin, 'sh'))
    process.env.PATH = bin
  })
  afterEach(async () => {
    process.env.PATH = savedPath
    for (const dir of opened.splice(0)) await rm(dir, { recursive: true, force: true })
    await rm(bin, { recursive: true, force: true })
  })

  async function installFakeWireshark(): Promise<void> {
    const script = join(bin, 'wireshark')
    // Writes its arguments, then the file's mode and its directory's mode, then marks itself done.
    await writeFile(
      script,
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${record}.tmp"\n` +
        `/usr/bin/stat -c %a "$2" >> "${record}.tmp"\n/usr/bin/stat -c %a "$(/usr/bin/dirname "$2")" >> "${record}.tmp"\n` +
        `/bin/mv "${record}.tmp" "${record}"\n`
    )
    await chmod(script, 0o755)
  }

  it('offers Wireshark only when it is on PATH', async () => {
    expect((await packetTools()).wireshark).toBe(false)
    await installFakeWireshark()
    expect((await packetTools()).wireshark).toBe(true)
  })

  it('hands Wireshark the capture as -r FILE: the same bytes, 0600 in a 0700 directory, a safe name', async () => {
    await installFakeWireshark()
    const pcap = labPcaps()[0]
    const r = await openInWireshark(pcap.bytes, 'veth$(reboot)/../../evil name.pcap')
    expect(r).toEqual({ ok: true, value: true })
    await until('the stand-in wireshark ran', async () =>
      stat(record).then(
        () => true,
        () => false
      )
    )
    const [flag, file, fileMode, dirMode] = (await readFile(record, 'utf8')).trim().split('\n')
    opened.push(dirname(file))
    expect(flag).toBe('-r')
    expect(basename(file)).toBe('veth__reboot__.._.._evil_name.pcap')
    expect(dirname(file).startsWith(join(tmpdir(), 'netlens-pcap-'))).toBe(true)
    expect(fileMode).toBe('600')
    expect(dirMode).toBe('700')
    expect(new Uint8Array(await readFile(file))).toEqual(pcap.bytes)
  })

  it('a name of dots never points outside the private directory', async () => {
    await installFakeWireshark()
    expect(await openInWireshark(labPcaps()[0].bytes, '..')).toEqual({ ok: true, value: true })
    await until('the stand-in wireshark ran', async () =>
      stat(record).then(
        () => true,
        () => false
      )
    )
    const file = (await readFile(record, 'utf8')).split('\n')[1]
    opened.push(dirname(file))
    expect(basename(file)).toBe('capture.pcap')
    expect(dirname(file).startsWith(join(tmpdir(), 'netlens-pcap-'))).toBe(true)
  })

  it('without Wireshark: missing-tool with the way out, nothing written', async () => {
    const r = await openInWireshark(labPcaps()[0].bytes, 'capture.pcap')
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'missing-tool', message: 'Wireshark is not installed on this computer.' }
    })
    expect(!r.ok && r.error.remedy).toMatch(/save the \.pcap/)
  })
})
