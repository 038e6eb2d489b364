/**
 * Turns OpenSSH failures (exit code 255 + stderr) and probe section failures into AppErrors with
 * a one-line message and a remedy the user can act on. NetLens never weakens host key checking:
 * the remedies tell the user how to review and accept a key themselves.
 */
import type { AppError } from '../../shared/result'
import type { SectionStatus } from '../../shared/snapshot/schema'
import { shellQuote } from '../../shared/shell'

/**
 * How much of stderr is classified: ssh prints its own error last, and everything before it may
 * come from the peer (a pre-auth banner can be megabytes). Reading only the tail, with patterns that
 * are literal words (no `.*` between them), keeps classification linear in 16 KB, whatever arrives.
 */
export const STDERR_TAIL_CHARS = 16 * 1024

/** The last STDERR_TAIL_CHARS of a text. */
export function stderrTail(stderr: string): string {
  return stderr.length > STDERR_TAIL_CHARS ? stderr.slice(stderr.length - STDERR_TAIL_CHARS) : stderr
}

/** Keeps only the last `limit` characters of a stream (stderr of ssh or a counter loop). */
export class TailBuffer {
  private text = ''
  /** Characters dropped from the front so far. */
  dropped = 0

  constructor(private readonly limit = STDERR_TAIL_CHARS) {}

  push(chunk: string): void {
    this.text += chunk
    if (this.text.length > this.limit * 2) {
      this.dropped += this.text.length - this.limit
      this.text = this.text.slice(this.text.length - this.limit)
    }
  }

  toString(): string {
    return stderrTail(this.text)
  }
}

export interface SshTargetHint {
  /** The alias the user typed (what `ssh ALIAS` needs). */
  alias: string
  /** Effective HostName / Port from `ssh -G`, when known (for ssh-keyscan / ssh-keygen -R). */
  hostname?: string
  port?: number
}

const lastLines = (stderr: string): string =>
  stderrTail(stderr)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(Pseudo-terminal|Warning: Permanently added)/.test(l))
    .slice(-3)
    .join(' ')
    .replace(/\.$/, '')

/** The host as known_hosts names it: `host` for port 22, `[host]:port` otherwise. */
function knownHostsName(hostname: string, port: number | undefined): string {
  return port && port !== 22 ? `[${hostname}]:${port}` : hostname
}

/**
 * Classifies a failed `ssh` run. Returns null when it does not look like an ssh transport error
 * (e.g. the remote command itself failed with a normal exit code).
 */
export function classifySshFailure(
  exitCode: number | null,
  fullStderr: string,
  target: SshTargetHint
): AppError | null {
  const stderr = stderrTail(fullStderr)
  const host = target.hostname ?? target.alias
  const port = target.port ?? 22
  const detail = stderr.trim() || undefined
  const alias = target.alias
  // Shown in commands: quoted, like every other host-derived word (hostname comes from ssh -G).
  const qAlias = shellQuote(alias)
  const qHost = shellQuote(host)
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) {
    return {
      code: 'changed-host-key',
      message: `The host key of ${alias} has CHANGED since you last connected. This can mean an attack, or that the host was reinstalled.`,
      remedy: `Verify the new key with the host's administrator (out of band), then remove the old one: ssh-keygen -R ${shellQuote(knownHostsName(host, port))}  and connect once with: ssh ${qAlias}`,
      detail
    }
  }
  if (
    /Host key verification failed/i.test(stderr) ||
    /No [A-Z0-9-]+ host key is known for/i.test(stderr) ||
    (/authenticity of host /i.test(stderr) && /can't be established/i.test(stderr))
  ) {
    return {
      code: 'unknown-host-key',
      message: `${alias} is not in your known_hosts yet, so ssh will not connect (NetLens never accepts host keys for you).`,
      remedy: `Review the fingerprint: ssh-keyscan -p ${port} ${qHost} | ssh-keygen -lf -   then compare it with the one the host's administrator gives you, and accept it by connecting once in a terminal: ssh ${qAlias}`,
      detail
    }
  }
  if (
    /Permission denied \(/i.test(stderr) ||
    /Too many authentication failures/i.test(stderr) ||
    /no mutual signature algorithm/i.test(stderr)
  ) {
    return {
      code: 'auth-failed',
      message: `ssh could not log in to ${alias}: ${lastLines(stderr) || 'authentication failed'}.`,
      remedy: `NetLens connects non-interactively (BatchMode): load your key into ssh-agent (ssh-add) or set IdentityFile for ${alias} in ~/.ssh/config, and check that \`ssh ${qAlias} true\` works without a password prompt.`,
      detail
    }
  }
  if (/Connection timed out|Operation timed out|Connection timeout|timed out during banner exchange/i.test(stderr)) {
    return {
      code: 'timeout',
      message: `Connecting to ${alias} timed out.`,
      remedy: `Check that ${host} is up and that port ${port} is reachable from here (firewall, VPN, ProxyJump in ~/.ssh/config).`,
      detail
    }
  }
  if (/Connection refused/i.test(stderr)) {
    return {
      code: 'connection-refused',
      message: `${host} refused the connection on port ${port}.`,
      remedy: `Check that sshd runs on ${host} and listens on port ${port} (ssh -G ${qAlias} shows the port ssh uses).`,
      detail
    }
  }
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/i.test(stderr)) {
    return {
      code: 'unreachable',
      message: `The host name of ${alias} (${host}) does not resolve.`,
      remedy: `Check the spelling, the HostName in ~/.ssh/config (ssh -G ${qAlias}) and your DNS.`,
      detail
    }
  }
  if (
    /No route to host|Network is unreachable|Connection closed by|Connection reset by|kex_exchange_identification/i.test(
      stderr
    )
  ) {
    return {
      code: 'unreachable',
      message: `${alias} cannot be reached: ${lastLines(stderr)}.`,
      remedy: `Check the network path to ${host}:${port} (routes, VPN, ProxyJump).`,
      detail
    }
  }
  if (exitCode === 255) {
    return {
      code: 'unreachable',
      message: `ssh to ${alias} failed: ${lastLines(stderr) || 'exit code 255'}.`,
      remedy: `Run \`ssh ${qAlias} true\` in a terminal to see the full error.`,
      detail
    }
  }
  return null
}

/** A section that did not run cleanly: why, and what the user can do about it. */
export function sectionRemedy(name: string, status: SectionStatus): string | null {
  switch (status) {
    case 'ok':
      return null
    case 'permission-denied':
      if (name.startsWith('docker.')) {
        return 'needs root, the docker group, or --sudo'
      }
      return 'needs root or --sudo'
    case 'missing-tool':
      return 'the tool is not installed on the host'
    case 'timeout':
      return 'the command took longer than 20 s and was stopped'
    case 'skipped':
      // The probe's own reason (the section's stderr) says more: inspect prints that instead.
      return 'the probe chose not to run it'
    case 'error':
      return 'the command failed (see the section stderr)'
  }
}

/**
 * Section status from an exit code and stderr, with the same rules as the probe's nl_classify.
 * Used by the simulator and to double-check captures written by older probes.
 */
export function classifySectionStatus(exitCode: number | null, stderr: string, timedOut = false): SectionStatus {
  if (exitCode === 0) return 'ok'
  if (timedOut || exitCode === 124) return 'timeout'
  if (exitCode === 127 || /command not found/.test(stderr)) return 'missing-tool'
  if (
    /ermission denied|Operation not permitted|must be root|must be run as root|a password is required|a terminal is required|not in the sudoers|not allowed to execute|Access denied/.test(
      stderr
    )
  ) {
    return 'permission-denied'
  }
  return 'error'
}
