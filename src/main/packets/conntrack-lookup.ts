/**
 * Fresh conntrack entries for flows that started after the snapshot (a ping begun after the
 * capture started has no entry in it), so a packet on the uplink can still name the container
 * behind a MASQUERADE. Read-only: `conntrack -L -o extended` with address filters
 * (-s/-d original, -r/-q reply), both ways round, batched: the flows that arrive within 150 ms
 * share one command (one ssh round trip). Addresses come from our own decoder and are checked
 * again here before they are put into the command. Needs root (or sudo -n); the first denial
 * turns lookups off for the rest of the capture.
 */
import { execa } from 'execa'
import type { ConntrackEntry } from '../../shared/snapshot/schema'
import { parseConntrack } from '../parsers/conntrack'
import { buildConntrack } from '../model/conntrack'
import { sshCommand } from '../capture/run-probe'
import type { CaptureTransport } from './run-tcpdump'
import { isIpv4 } from '../../shared/net/ip'

export interface LookupFlow {
  proto: 'tcp' | 'udp' | 'icmp'
  a: string
  b: string
}

/** Runs a read-only shell command line on the capture's host; answers stdout/stderr/exit. */
export type HostRunner = (commandLine: string) => Promise<{ stdout: string; stderr: string; exitCode: number | null }>

const BATCH_MS = 150
/** Beyond this many flows a capture stops asking (a busy uplink would otherwise mean endless lookups). */
export const MAX_LOOKUPS = 400
const MAX_FLOWS_PER_BATCH = 24
const MAX_RETRIES = 3

export function lookupCommandLine(flows: LookupFlow[], sudo: boolean): string {
  const conntrack = sudo ? 'sudo -n conntrack' : 'conntrack'
  const parts: string[] = []
  for (const f of flows) {
    if (!isIpv4(f.a) || !isIpv4(f.b) || !['tcp', 'udp', 'icmp'].includes(f.proto)) continue
    for (const [x, y] of [
      [f.a, f.b],
      [f.b, f.a]
    ]) {
      parts.push(
        `${conntrack} -L -o extended -p ${f.proto} -s ${x} -d ${y}`,
        `${conntrack} -L -o extended -p ${f.proto} -r ${x} -q ${y}`
      )
    }
  }
  // `;` not `&&`: an empty result (exit 1 on some versions) must not stop the other queries.
  return parts.join('; ')
}

export function hostRunner(transport: CaptureTransport): HostRunner {
  return async (line) => {
    let file = 'sh'
    let args = ['-c', line]
    if (transport.kind === 'ssh') {
      const ssh = await sshCommand(transport.alias, transport.sshConfigFile, line)
      if (!ssh.ok) return { stdout: '', stderr: ssh.error.message, exitCode: null }
      file = ssh.value.file
      args = ssh.value.args
    }
    const r = await execa(file, args, { reject: false, timeout: 15_000, env: { LC_ALL: 'C' }, stdin: 'ignore' })
    return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? null }
  }
}

const key = (f: LookupFlow): string => `${f.proto} ${[f.a, f.b].sort().join(' ')}`

export class ConntrackLookup {
  private readonly done = new Map<string, Promise<ConntrackEntry[]>>()
  private readonly retries = new Map<string, number>()
  private pending: { flow: LookupFlow; resolve: (e: ConntrackEntry[]) => void }[] = []
  private timer: NodeJS.Timeout | null = null
  private lookups = 0
  /** Set when the host refused (no root): no more lookups, and the reason for a warning. */
  disabledBecause: string | null = null

  constructor(
    private readonly run: HostRunner,
    private readonly sudo: boolean
  ) {}

  /** Entries for the flow between two addresses, any ports; cached per address pair and protocol. */
  lookup(flow: LookupFlow): Promise<ConntrackEntry[]> {
    if (this.disabledBecause !== null) return Promise.resolve([])
    const k = key(flow)
    const known = this.done.get(k)
    if (known) return known
    if (this.lookups >= MAX_LOOKUPS) return Promise.resolve([])
    this.lookups++
    const promise = new Promise<ConntrackEntry[]>((resolve) => {
      this.pending.push({ flow, resolve })
      if (this.pending.length >= MAX_FLOWS_PER_BATCH) this.flush()
      else this.timer ??= setTimeout(() => this.flush(), BATCH_MS)
    })
    this.done.set(k, promise)
    return promise
  }

  /**
   * After `answer` (a promise lookup() returned) did not explain a packet: let the next packet of
   * the pair ask again (a new connection, or an entry confirmed just after its first packet), up
   * to MAX_RETRIES times per pair. Many packets may wait on one answer: only the first retires it.
   */
  retryLater(flow: LookupFlow, answer: Promise<ConntrackEntry[]>): void {
    const k = key(flow)
    if (this.done.get(k) !== answer) return
    const retries = this.retries.get(k) ?? 0
    if (retries >= MAX_RETRIES) return
    this.retries.set(k, retries + 1)
    this.done.delete(k)
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const batch = this.pending
    this.pending = []
    if (!batch.length) return
    const line = lookupCommandLine(
      batch.map((b) => b.flow),
      this.sudo
    )
    void this.run(line)
      .then((r) => {
        if (
          /Operation not permitted|Permission denied|a password is required|must be root|conntrack: (command )?not found/.test(
            r.stderr
          )
        )
          this.disabledBecause = r.stderr.trim().split('\n')[0]
        const parsed = parseConntrack(r.stdout).value
        const entries = buildConntrack(parsed, null, null, new Map()).entries
        for (const b of batch) {
          const pair = new Set([b.flow.a, b.flow.b])
          b.resolve(
            entries.filter(
              (e) =>
                e.proto === b.flow.proto &&
                ((pair.has(e.original.src) && pair.has(e.original.dst)) ||
                  (pair.has(e.reply.src) && pair.has(e.reply.dst)))
            )
          )
        }
      })
      .catch(() => batch.forEach((b) => b.resolve([])))
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    for (const b of this.pending) b.resolve([])
    this.pending = []
  }
}
