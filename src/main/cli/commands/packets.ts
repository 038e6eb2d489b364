/**
 * `netlens packets SOURCE (--container NAME[:IFNAME] | --iface IF)`: the packets on a container's
 * veth (or any host interface), NAT-aware, without changing the host: tcpdump -p (never
 * promiscuous), stopped at a count, a duration or a byte cap, or Ctrl-C. One summary line per
 * packet naming the containers and the SNAT/DNAT that explains it; --json for one packet object
 * per line; -o FILE.pcap for Wireshark/tshark.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { execa } from 'execa'
import type { CliCommand, CliIo } from '../command'
import { parseFlags, stringFlag, usageFailure } from '../command'
import { formatPacketLimits, formatPacketsStart, formatPacketsSummary } from '../format/packets'
import { clean, cleanLines as terminalSafe, formatCliError, type CliErrorText } from '../format/terminal'
import { formatPacketLine, type CapturedPacket } from '../../../shared/packets/format'
import { pcapHeaderBytes, pcapRecordBytes } from '../../../shared/packets/pcap'
import { parseContainerSpec, type PacketTargetSpec } from '../../../shared/packets/target'
import { shellQuote } from '../../../shared/shell'
import { PACKET_DEFAULTS } from '../../packets/packets-from-source'
import { openSource } from '../../sources/index'

const USAGE = [
  'Usage: netlens packets SOURCE (--container NAME[:IFNAME] | --iface IF) [--inside] [--count N]',
  '                       [--duration S] [--filter BPF] [-o FILE.pcap] [--json] [--sudo] [-F SSH_CONFIG]',
  '',
  'The packets on a container’s veth or a host interface, with the containers and the NAT',
  '(SNAT/MASQUERADE, DNAT of published ports) that explain each one. Read-only: tcpdump -p',
  '(never promiscuous) on the host, locally or over ssh; nothing is left running afterwards.',
  '  SOURCE               local | <ssh host alias> | ssh:<alias> | sim:<scenario> | FILE.pcap',
  '  --container NAME[:IF] the host end (veth) of that container interface (default: its first)',
  '  --inside             capture IF inside the container’s namespace instead (nsenter; root)',
  '  --iface IF           a host interface (docker0, br-…, eth0, a veth, any)',
  `  --count N            stop after N packets (default ${PACKET_DEFAULTS.count.toLocaleString('en')})`,
  `  --duration S         stop after S seconds (default ${PACKET_DEFAULTS.durationS})`,
  `  --max-bytes N        stop after N bytes of pcap (default ${PACKET_DEFAULTS.maxBytes / 1024 / 1024} MB)`,
  "  --filter BPF         tcpdump filter, e.g. 'icmp', 'tcp port 80', 'host 10.0.0.2'",
  '  -o, --output FILE    write the packets to FILE as pcap (mode 0600) instead of printing them',
  '  --json               one JSON packet per line (with -o: as well as the file)',
  '  --sudo               run tcpdump and the snapshot through `sudo -n` (never prompts)',
  '  -F, --ssh-config F   use this ssh config file (ssh -F); default: env NETLENS_SSH_CONFIG',
  '',
  'Ctrl-C stops the capture (what was captured is kept). Full dissection of a saved file:',
  'tshark -r FILE.pcap -V, or open it in Wireshark.'
].join('\n')

function positiveNumber(text: string | boolean | undefined, integer: boolean): number | null | undefined {
  if (text === undefined) return undefined
  if (typeof text !== 'string' || !(integer ? /^\d+$/ : /^\d+(\.\d+)?$/).test(text) || Number(text) <= 0) return null
  return Number(text)
}

function reportError(io: CliIo, e: CliErrorText): void {
  io.err(formatCliError('packets', e))
}

async function tsharkInstalled(): Promise<boolean> {
  const r = await execa('tshark', ['--version'], { reject: false, timeout: 5000, stdin: 'ignore' })
  return r.exitCode === 0
}

export const command: CliCommand = {
  name: 'packets',
  summary: 'Capture packets on a container’s veth or an interface, NAT-aware (tcpdump -p, read-only)',
  usage: USAGE,
  async run(argv, io) {
    const { flags, positionals, errors } = parseFlags(argv, {
      boolean: ['json', 'sudo', 'inside'],
      string: ['container', 'iface', 'count', 'duration', 'max-bytes', 'filter', 'output', 'ssh-config'],
      alias: { o: 'output', F: 'ssh-config', c: 'count', i: 'iface' }
    })
    const fail = (message: string): number => usageFailure(io, command, [message])
    if (errors.length) return fail(errors.join('; '))
    if (positionals.length !== 1) return fail('needs exactly one SOURCE')
    const source = positionals[0]
    const isPcapFile = /\.pcap$/i.test(source)
    const container = stringFlag(flags, 'container')
    const iface = stringFlag(flags, 'iface')
    if (!isPcapFile && (container === undefined) === (iface === undefined))
      return fail('give --container NAME[:IFNAME] or --iface IF (one of them)')
    if (flags.inside && container === undefined) return fail('--inside goes with --container')
    const count = positiveNumber(flags.count, true)
    const durationS = positiveNumber(flags.duration, false)
    const maxBytes = positiveNumber(flags['max-bytes'], true)
    if (count === null) return fail('--count needs a positive integer')
    if (durationS === null) return fail('--duration needs a positive number of seconds')
    if (maxBytes === null) return fail('--max-bytes needs a positive integer')
    const spec = container !== undefined ? parseContainerSpec(container) : null
    const target: PacketTargetSpec = spec
      ? { container: spec.container, ...(spec.ifname ? { ifname: spec.ifname } : {}), inside: flags.inside === true }
      : iface !== undefined
        ? { iface }
        : {}
    const output = stringFlag(flags, 'output')
    const json = flags.json === true

    const opened = openSource(source)
    if (!opened.ok) {
      reportError(io, opened.error)
      return 1
    }
    let file: FileHandle | null = null
    if (output) {
      try {
        file = await open(output, 'w', 0o600)
        // An existing file keeps its mode on open: make it private like a new one.
        await file.chmod(0o600)
      } catch (e) {
        io.err(`netlens packets: cannot write ${output}: ${(e as Error).message}`)
        return 1
      }
    }
    let writes: Promise<unknown> = Promise.resolve()
    const write = (bytes: Uint8Array): void => {
      const f = file
      if (f) writes = writes.then(() => f.write(bytes))
    }
    let ifaceLabel = ''
    let nanos = false
    let headerWritten = false
    const r = await opened.value.packets({
      target,
      filter: stringFlag(flags, 'filter'),
      count: count ?? undefined,
      durationS: durationS ?? undefined,
      maxBytes: maxBytes ?? undefined,
      sudo: flags.sudo === true,
      sshConfigFile: stringFlag(flags, 'ssh-config'),
      signal: io.signal,
      onStart(start) {
        ifaceLabel = terminalSafe(start.target.iface)
        const limits = formatPacketLimits(
          count ?? PACKET_DEFAULTS.count,
          durationS ?? PACKET_DEFAULTS.durationS,
          maxBytes ?? PACKET_DEFAULTS.maxBytes
        )
        io.err(formatPacketsStart(start, limits))
      },
      onPcap(part) {
        if ('header' in part) {
          nanos = part.header.nanos
          headerWritten = true
          write(pcapHeaderBytes(part.header.linktype, part.header.snaplen, nanos))
        } else for (const record of part.records) write(pcapRecordBytes(record, nanos))
      },
      onPackets(packets: CapturedPacket[]) {
        for (const p of packets) {
          if (json) io.out(terminalSafe(JSON.stringify(p)))
          else if (!file) io.out(clean(formatPacketLine(p, ifaceLabel)))
        }
      }
    })
    // No packet and no header from tcpdump (e.g. the connection dropped): still a valid, empty pcap.
    if (r.ok && !headerWritten) write(pcapHeaderBytes(r.value.linktype ?? 1))
    await writes
    await file?.close()
    if (!r.ok) {
      if (r.error.code === 'cancelled') return 130
      reportError(io, r.error)
      return 1
    }
    const s = r.value
    io.err(formatPacketsSummary(s, output))
    for (const w of s.warnings) io.err(`netlens packets: warning: ${terminalSafe(w)}`)
    if (output && (await tsharkInstalled()))
      io.err(`netlens packets: full dissection: tshark -r ${terminalSafe(shellQuote(output))} -V`)
    return 0
  }
}
