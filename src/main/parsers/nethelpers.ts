/**
 * Parser for the probe's `proc.nethelpers` section: one line per network helper process of a
 * container runtime, `<pid> <ppid> <uid> <comm> [<command line>]` (read from /proc; fixtures:
 * Debian 12 with podman 4.3.1, slirp4netns 1.2.0, seen by root and by the rootless user).
 *
 * - slirp4netns `[options] PID|PATH [TAP]` (podman 4: `--netns-type=path PATH tap0`): the
 *   namespace it serves and its tap device inside it;
 * - pasta `[options] --netns PATH|PID` (`-I IFNAME` names the interface inside);
 * - conmon `… -c <container id> … -n <name> …` (only other users' conmons carry a command line);
 * - rootlessport, rootlessport-child, aardvark-dns: pid, parent and owner only.
 * Command lines are attacker-controlled text (any process may call itself conmon): ids must be
 * 64 hex digits, and everything else is kept as plain strings.
 */
import type { NetHelperRecord, ParseResult } from './types'
import { lines, snippet } from './link-common'

const KNOWN = /^(slirp4netns|pasta|pasta\.avx2|rootlessport.*|conmon|aardvark-dns)$/

function valueOf(args: string[], ...names: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    for (const name of names) {
      if (args[i] === name && i + 1 < args.length) return args[i + 1]
      if (name.startsWith('--') && args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1)
    }
  }
  return null
}

/** slirp4netns's two positional arguments: the namespace (pid or path) and the tap name. */
function slirpTarget(args: string[]): { target: string | null; tap: string | null } {
  const tail = args.slice(1)
  const last = tail[tail.length - 1]
  const before = tail[tail.length - 2]
  if (last === undefined || last.startsWith('-')) return { target: null, tap: null }
  if (before !== undefined && !before.startsWith('-') && !/^-[er]$/.test(tail[tail.length - 3] ?? ''))
    return { target: before, tap: last }
  return { target: last, tap: 'tap0' }
}

export function parseNetHelpers(text: string): ParseResult<NetHelperRecord[]> {
  const value: NetHelperRecord[] = []
  const warnings: string[] = []
  for (const line of lines(text)) {
    if (line.trim() === '') continue
    const words = line.trim().split(/\s+/)
    const [pidText, ppidText, uidText, process, ...args] = words
    const pid = /^\d+$/.test(pidText ?? '') ? Number(pidText) : null
    if (pid === null || !process || !KNOWN.test(process)) {
      warnings.push(`ignored line: ${snippet(line)}`)
      continue
    }
    const record: NetHelperRecord = {
      pid,
      ppid: /^\d+$/.test(ppidText ?? '') ? Number(ppidText) : null,
      uid: /^\d+$/.test(uidText ?? '') ? Number(uidText) : null,
      process,
      netnsPath: null,
      netnsPid: null,
      tap: null,
      containerId: null,
      containerName: null,
      raw: line
    }
    if (process === 'slirp4netns' && args.length) {
      const { target, tap } = slirpTarget(args)
      if (target && /^\d+$/.test(target)) record.netnsPid = Number(target)
      else if (target?.startsWith('/')) record.netnsPath = target
      record.tap = tap
    } else if (process.startsWith('pasta') && args.length) {
      const target = valueOf(args, '--netns')
      if (target && /^\d+$/.test(target)) record.netnsPid = Number(target)
      else if (target?.startsWith('/')) record.netnsPath = target
      record.tap = valueOf(args, '-I', '--ns-ifname')
    } else if (process === 'conmon' && args.length) {
      const id = valueOf(args, '-c', '--cid')
      record.containerId = id && /^[0-9a-f]{64}$/.test(id) ? id : null
      record.containerName = valueOf(args, '-n', '--name')
    }
    value.push(record)
  }
  return { value, warnings }
}
