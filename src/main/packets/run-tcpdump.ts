/**
 * Runs the capture script (capture-script.ts) locally (`sh -s`, execa, argv arrays) or on an ssh
 * host (the probe's ssh argv, run-probe.ts sshCommand), reads the pcap stream, and stops it at the
 * packet count, the duration, the byte cap or on cancel: always by closing the script's stdin,
 * which makes the host-side watchdog stop tcpdump and exit; the local process is only killed when
 * it has not ended a few seconds after that.
 */
import { execa, type ResultPromise } from 'execa'
import { fail, ok, type Result } from '../../shared/result'
import {
  PcapStreamReader,
  PCAP_HEADER_BYTES,
  RECORD_HEADER_BYTES,
  type PcapHeader,
  type PcapRecord
} from '../../shared/packets/pcap'
import { sshCommand } from '../capture/run-probe'
import { classifySshFailure, type SshTargetHint } from '../hosts/ssh-errors'
import { PACKET_SCRIPT, scriptArgs } from './capture-script'
import { classifyCaptureFailure, tcpdumpCounters } from './tcpdump-errors'

export type CaptureTransport = { kind: 'local' } | { kind: 'ssh'; alias: string; sshConfigFile?: string }

export type StopReason = 'count' | 'duration' | 'bytes' | 'cancelled' | 'ended'

export interface TcpdumpOptions {
  transport: CaptureTransport
  sudo: boolean
  iface: string
  filter: string
  count: number
  durationS: number
  maxBytes: number
  /** nsenter -t PID -n (capture inside a container), or 0. */
  netnsPid: number
  signal?: AbortSignal
  /** tcpdump is capturing (its `listening on IFACE, link-type NAME` line): the duration starts now. */
  onListening?(linktypeName: string): void
  /** Called once when the pcap header arrived (tcpdump flushes it with the first packet, or at the end). */
  onHeader?(header: PcapHeader): void
  /** Complete records as they arrive, never past count or byte cap. */
  onRecords?(records: PcapRecord[]): void
  /** Script text to run instead of the capture script (tests). */
  script?: string
}

export interface TcpdumpResult {
  header: PcapHeader | null
  packets: number
  /** Bytes of pcap delivered (header + records). */
  bytes: number
  stoppedBy: StopReason
  /** The link type tcpdump announced (`listening on …, link-type EN10MB`), as a pcap number. */
  listeningLinktype: number | null
  /** tcpdump's own closing counters, when it printed them. */
  kernel: { captured: number; received: number; dropped: number } | null
  warnings: string[]
}

/** tcpdump's link-type names (pcap-linktype(7)) for the ones a Linux host shows. */
const LINKTYPE_NAMES: Record<string, number> = {
  EN10MB: 1,
  LINUX_SLL: 113,
  LINUX_SLL2: 276,
  RAW: 101,
  NULL: 0,
  IPV4: 228,
  IPV6: 229
}

/** How long the host gets to stop tcpdump after its stdin closed, before the process is killed. */
const STOP_GRACE_MS = 4000
/** The host-side duration watchdog fires this much after the local one: it is the backstop. */
const HOST_DURATION_MARGIN_S = 5

async function command(
  t: CaptureTransport,
  sudo: boolean,
  args: string[]
): Promise<Result<{ file: string; args: string[]; hint: SshTargetHint | null }>> {
  const shell = sudo ? ['sudo', '-n', 'sh', '-s', '--', ...args] : ['sh', '-s', '--', ...args]
  if (t.kind === 'local') return ok({ file: shell[0], args: shell.slice(1), hint: null })
  const ssh = await sshCommand(t.alias, t.sshConfigFile, shell.join(' '))
  return ssh.ok ? ok(ssh.value) : ssh
}

export async function runTcpdump(o: TcpdumpOptions): Promise<Result<TcpdumpResult>> {
  if (o.signal?.aborted) return fail('cancelled', 'Packet capture cancelled.')
  const args = scriptArgs({
    iface: o.iface,
    filter: o.filter,
    count: o.count,
    durationS: o.durationS + HOST_DURATION_MARGIN_S,
    netnsPid: o.netnsPid
  })
  const cmd = await command(o.transport, o.sudo, args)
  if (!cmd.ok) return cmd
  const where = o.transport.kind === 'local' ? 'this host' : o.transport.alias

  const reader = new PcapStreamReader()
  let packets = 0
  let bytes = 0
  let stoppedBy: StopReason | null = null
  let stderr = ''
  let child: ResultPromise | null = null
  let killTimer: NodeJS.Timeout | null = null
  let durationTimer: NodeJS.Timeout | null = null

  const stop = (reason: StopReason): void => {
    if (stoppedBy !== null) return
    stoppedBy = reason
    child?.stdin?.end()
    killTimer = setTimeout(() => child?.kill('SIGTERM'), STOP_GRACE_MS)
  }
  const onAbort = (): void => stop('cancelled')

  child = execa(cmd.value.file, cmd.value.args, {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    env: { LC_ALL: 'C' },
    forceKillAfterDelay: 2000
  })
  // The script; stdin then stays open: closing it is how the capture is stopped.
  child.stdin?.write(o.script ?? PACKET_SCRIPT)
  child.stdin?.on('error', () => {
    /* the host side ended first (EPIPE): the exit status says why */
  })
  o.signal?.addEventListener('abort', onAbort)
  child.stderr?.setEncoding('utf8')
  let listening = false
  let listeningLinktype: number | null = null
  child.stderr?.on('data', (chunk: string) => {
    if (stderr.length < 65_536) stderr += chunk
    const m = listening ? null : /listening on .*, link-type (\S+)/.exec(stderr)
    if (m) {
      listening = true
      listeningLinktype = LINKTYPE_NAMES[m[1]] ?? null
      durationTimer = setTimeout(() => stop('duration'), o.durationS * 1000)
      o.onListening?.(m[1])
    }
  })
  child.stdout?.on('data', (chunk: Buffer) => {
    if (stoppedBy === 'count' || stoppedBy === 'bytes') return
    const hadHeader = reader.header !== null
    const records = reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    if (!hadHeader && reader.header) {
      bytes += PCAP_HEADER_BYTES
      o.onHeader?.(reader.header)
    }
    if (reader.error) {
      stop('ended')
      return
    }
    const accepted: PcapRecord[] = []
    for (const record of records) {
      const size = RECORD_HEADER_BYTES + record.data.length
      if (bytes + size > o.maxBytes) {
        stop('bytes')
        break
      }
      bytes += size
      packets++
      accepted.push(record)
      if (packets >= o.count) {
        stop('count')
        break
      }
    }
    if (accepted.length) o.onRecords?.(accepted)
  })

  const r = await child
  o.signal?.removeEventListener('abort', onAbort)
  if (killTimer) clearTimeout(killTimer)
  if (durationTimer) clearTimeout(durationTimer)
  if ((r as { code?: string }).code === 'ENOENT')
    return fail('missing-tool', `${cmd.value.file} is not installed on this machine.`, {
      remedy:
        cmd.value.file === 'ssh'
          ? 'Install OpenSSH (openssh-client).'
          : cmd.value.file === 'sudo'
            ? 'Install sudo, or run as root.'
            : undefined
    })
  const warnings = [...reader.finish()]
  if (reader.error) warnings.push(reader.error)
  if (!listening && reader.header === null) {
    if (stoppedBy === 'cancelled') return fail('cancelled', 'Packet capture cancelled.')
    if (cmd.value.hint && r.exitCode === 255) {
      const e = classifySshFailure(255, stderr, cmd.value.hint)
      if (e) return { ok: false, error: e }
    }
    return {
      ok: false,
      error: classifyCaptureFailure(r.exitCode ?? null, stderr, {
        where,
        iface: o.iface,
        inside: o.netnsPid > 0,
        sudo: o.sudo,
        filter: o.filter
      })
    }
  }
  if (stoppedBy === null && o.transport.kind === 'ssh' && (r.exitCode === 255 || r.signal))
    warnings.push(
      `the ssh connection to ${o.transport.alias} ended (${r.signal ?? (stderr.trim().split('\n').pop() || 'exit 255')}): the capture stopped there`
    )
  return ok({
    header: reader.header,
    packets,
    bytes,
    stoppedBy: stoppedBy ?? (packets >= o.count ? 'count' : 'ended'),
    listeningLinktype,
    kernel: tcpdumpCounters(stderr),
    warnings
  })
}
