/**
 * Optional tools on the desktop (never on the host, never required): tshark for the full
 * dissection of one packet, Wireshark to open a capture. NetLens offers them when they are on
 * the PATH. The pcap goes to a private temp file (0700 directory, 0600 file); tshark's is removed
 * when it is done, Wireshark's stays for Wireshark to read.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import type { PacketTools } from '../../shared/packets/tools'
import { fail, ok, type Result } from '../../shared/result'

const MAX_DISSECTION = 1024 * 1024

async function onPath(tool: string): Promise<boolean> {
  const r = await execa('sh', ['-c', 'command -v "$1"', 'sh', tool], { reject: false, stdin: 'ignore' })
  return r.exitCode === 0
}

export async function packetTools(): Promise<PacketTools> {
  const [tshark, wireshark] = await Promise.all([onPath('tshark'), onPath('wireshark')])
  return { tshark, wireshark }
}

async function privateFile(pcap: Uint8Array, name: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'netlens-pcap-'))
  // Only word characters, dots and dashes, and no leading dot: '..' must not name the parent.
  const file = join(dir, name.replace(/[^\w.-]/g, '_').replace(/^\.+/, '') || 'capture.pcap')
  await writeFile(file, pcap, { mode: 0o600 })
  return { dir, file }
}

export async function dissectPacket(pcap: Uint8Array, number: number): Promise<Result<string>> {
  if (!Number.isSafeInteger(number) || number < 1) return fail('invalid-argument', `No packet number ${number}.`)
  if (!(await onPath('tshark')))
    return fail('missing-tool', 'tshark is not installed on this computer.', {
      remedy:
        'Install it for the full dissection (apt-get install tshark, or Wireshark for your OS), or save the .pcap and open it in Wireshark.'
    })
  const { dir, file } = await privateFile(pcap, 'capture.pcap')
  try {
    const r = await execa('tshark', ['-n', '-r', file, '-V', '-Y', `frame.number == ${number}`], {
      reject: false,
      stdin: 'ignore',
      timeout: 30_000,
      maxBuffer: MAX_DISSECTION,
      env: { LC_ALL: 'C' }
    })
    if (r.exitCode !== 0)
      return fail('internal', `tshark failed (exit ${String(r.exitCode)}).`, { detail: String(r.stderr ?? '') })
    const text = String(r.stdout ?? '')
    return text.trim() ? ok(text) : fail('not-found', `tshark shows no packet number ${number} in this capture.`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export async function openInWireshark(pcap: Uint8Array, fileName: string): Promise<Result<boolean>> {
  if (!(await onPath('wireshark')))
    return fail('missing-tool', 'Wireshark is not installed on this computer.', {
      remedy: 'Install Wireshark, or save the .pcap and open it elsewhere.'
    })
  const { file } = await privateFile(pcap, fileName)
  const child = execa('wireshark', ['-r', file], { detached: true, stdio: 'ignore', reject: false, cleanup: false })
  child.unref()
  return ok(true)
}
