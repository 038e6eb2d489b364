/**
 * Why a capture failed, from tcpdump's, nsenter's, sudo's and sh's own stderr, as an AppError with
 * a remedy. Each pattern is a message these tools really print (tcpdump 4.99 / libpcap 1.10,
 * util-linux nsenter, sudo, dash and bash); the live tests produce every one of them.
 */
import type { AppError } from '../../shared/result'
import { shellQuote } from '../../shared/shell'

export interface FailureContext {
  /** `local` or the ssh alias, for messages. */
  where: string
  iface: string
  /** Captured inside a container's namespace (nsenter). */
  inside: boolean
  sudo: boolean
  filter: string
}

const INSTALL =
  'Install tcpdump on that host: apt-get install tcpdump (Debian/Ubuntu), dnf install tcpdump (RHEL/Fedora), apk add tcpdump (Alpine).'

/** The interesting lines of stderr (our own markers and tcpdump's end-of-capture counters dropped). */
export function relevantStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter(
      (l) =>
        l.trim() &&
        !/^netlens-packets: |^\d+ packets? (captured|received by filter|dropped by kernel)|^tcpdump: listening on /.test(
          l
        )
    )
    .join('\n')
}

export function classifyCaptureFailure(exitCode: number | null, stderr: string, c: FailureContext): AppError {
  const detail = relevantStderr(stderr) || stderr.trim() || undefined
  const firstLine = (detail ?? '').split('\n')[0]
  if (
    /\btcpdump: (command )?not found|tcpdump: No such file or directory/.test(stderr) ||
    (exitCode === 127 && !/nsenter/.test(stderr))
  ) {
    return {
      code: 'missing-tool',
      message: `tcpdump is not installed on ${c.where} (or not on its PATH).`,
      remedy: INSTALL,
      detail
    }
  }
  if (/\bnsenter: (command )?not found/.test(stderr)) {
    return {
      code: 'missing-tool',
      message: `nsenter is not installed on ${c.where}: it is needed to capture inside a container.`,
      remedy: 'Install util-linux on that host, or capture on the container’s host veth instead (without --inside).',
      detail
    }
  }
  if (
    /a password is required|a terminal is required|is not in the sudoers|not allowed to execute|sudo: .*command not found/.test(
      stderr
    )
  ) {
    return {
      code: 'permission-denied',
      message: `sudo -n on ${c.where} cannot run the capture without a password.`,
      remedy: 'Allow passwordless sudo for this user (at least for sh and tcpdump), or connect as root.',
      detail
    }
  }
  if (/nsenter: cannot open \/proc\/\d+\/ns\/net: No such file or directory|nsenter: .*No such process/.test(stderr)) {
    return {
      code: 'not-found',
      message: `The container's process is gone on ${c.where} (the container stopped or restarted since the snapshot).`,
      remedy: 'Refresh the host and try again.',
      detail
    }
  }
  if (/You don't have permission to capture|Operation not permitted|Permission denied|must be root/.test(stderr)) {
    const fix = c.sudo
      ? 'Connect as root, or make sure sudo -n works for this user.'
      : `Run NetLens as root, add --sudo (runs it through sudo -n, which never prompts), or give tcpdump the capability: setcap cap_net_raw,cap_net_admin=eip "$(command -v tcpdump)"${c.inside ? ' (capturing inside a container needs root: nsenter)' : ''}.`
    return {
      code: 'permission-denied',
      message: `No permission to capture on ${c.iface} on ${c.where}: ${firstLine}`,
      remedy: fix,
      detail
    }
  }
  if (
    /No such device exists|SIOCGIFHWADDR: No such device|No such device\b|doesn't exist|that device doesn't support|not a valid device/i.test(
      stderr
    )
  ) {
    return {
      code: 'not-found',
      message: `There is no interface ${JSON.stringify(c.iface)} ${c.inside ? 'inside that container' : 'on'} ${c.where}.`,
      remedy: c.inside
        ? 'List the container’s interfaces: netlens inspect SOURCE (or: nsenter -t PID -n ip -br link).'
        : `List the interfaces: ip -br link (on ${c.where}), or netlens inspect; then: netlens packets … --iface NAME. You asked for ${shellQuote(c.iface)}.`,
      detail
    }
  }
  if (
    /can't parse filter expression|syntax error in filter expression|syntax error|illegal|unknown (host|port|protocol|ether)|expression rejects all packets/.test(
      stderr
    )
  ) {
    return {
      code: 'invalid-argument',
      message: `tcpdump rejected the filter ${JSON.stringify(c.filter)}: ${firstLine.replace(/^tcpdump: /, '')}`,
      remedy:
        "The filter is BPF (man pcap-filter), e.g. 'icmp', 'tcp port 80', 'host 10.0.0.2 and not arp', 'udp and dst port 53'.",
      detail
    }
  }
  return {
    code: 'internal',
    message: `The capture on ${c.where} failed (exit ${exitCode ?? 'unknown'}): ${firstLine || 'no error output'}`,
    detail
  }
}

/** tcpdump's closing counters: `N packets captured`, `N packets received by filter`, `N packets dropped by kernel`. */
export function tcpdumpCounters(stderr: string): { captured: number; received: number; dropped: number } | null {
  const get = (what: string): number | null => {
    const m = new RegExp(`^(\\d+) packets? ${what}$`, 'm').exec(stderr)
    return m ? Number(m[1]) : null
  }
  const captured = get('captured')
  const received = get('received by filter')
  const dropped = get('dropped by kernel')
  if (captured === null || received === null || dropped === null) return null
  return { captured, received, dropped }
}
