import { describe, expect, it } from 'vitest'
import { classifySectionStatus, classifySshFailure, sectionRemedy } from '../../../src/main/hosts/ssh-errors'

/**
 * Real stderr from OpenSSH_9.2p1 Debian-2+deb12u10, produced against a throwaway sshd on
 * 127.0.0.1 (keys and known_hosts in a mktemp dir, `ssh -F <temp config> -T -o BatchMode=yes`).
 * DNS, timeout and routing failures could not be produced without leaving loopback: those strings
 * are OpenSSH's message formats (ssh.c / sshconnect.c) with documentation addresses.
 */
const REAL = {
  unknownHostKey: 'Host key verification failed.\r\n',
  unknownHostKeyStrict:
    'No ED25519 host key is known for [127.0.0.1]:53367 and you have requested strict checking.\r\nHost key verification failed.\r\n',
  changedHostKey:
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r\nSomeone could be eavesdropping on you right now (man-in-the-middle attack)!\r\nIt is also possible that a host key has just been changed.\r\nThe fingerprint for the ED25519 key sent by the remote host is\nSHA256:RwY1L5ujuS69FBXXvWlppX32ZWJFmzOENxGIuCwTqPE.\r\nPlease contact your system administrator.\r\nAdd correct host key in /tmp/nltmp-ssh.7zSj/changed_known_hosts to get rid of this message.\r\nOffending ED25519 key in /tmp/nltmp-ssh.7zSj/changed_known_hosts:1\r\n  remove with:\r\n  ssh-keygen -f "/tmp/nltmp-ssh.7zSj/changed_known_hosts" -R "[127.0.0.1]:53367"\r\nHost key for [127.0.0.1]:53367 has changed and you have requested strict checking.\r\nHost key verification failed.\r\n',
  authFailed: 'root@127.0.0.1: Permission denied (publickey,password).\r\n',
  refused: 'ssh: connect to host 127.0.0.1 port 1: Connection refused\r\n',
  bannerTimeout: 'Connection timed out during banner exchange\r\nConnection to 127.0.0.1 port 45721 timed out\r\n'
}
const FORMATS = {
  connectTimeout: 'ssh: connect to host 192.0.2.10 port 22: Connection timed out\r\n',
  macTimeout: 'ssh: connect to host 192.0.2.10 port 22: Operation timed out\r\n',
  resolve: 'ssh: Could not resolve hostname nosuch.example.invalid: Name or service not known\r\n',
  noRoute: 'ssh: connect to host 192.0.2.10 port 22: No route to host\r\n',
  netUnreachable: 'ssh: connect to host 2001:db8::1 port 22: Network is unreachable\r\n'
}

const target = { alias: 'lab', hostname: '127.0.0.1', port: 53367 }

describe('classifySshFailure (real OpenSSH stderr)', () => {
  it('unknown host key → review the fingerprint with ssh-keyscan, accept with one ssh', () => {
    for (const stderr of [REAL.unknownHostKey, REAL.unknownHostKeyStrict]) {
      const e = classifySshFailure(255, stderr, target)
      expect(e?.code).toBe('unknown-host-key')
      expect(e?.remedy).toContain('ssh-keyscan -p 53367 127.0.0.1 | ssh-keygen -lf -')
      expect(e?.remedy).toContain('ssh lab')
      expect(e?.remedy).not.toMatch(/StrictHostKeyChecking|known_hosts.*\/dev\/null/)
    }
  })

  it('changed host key → ssh-keygen -R with the known_hosts name, only after verifying', () => {
    const e = classifySshFailure(255, REAL.changedHostKey, target)
    expect(e?.code).toBe('changed-host-key')
    expect(e?.remedy).toContain("ssh-keygen -R '[127.0.0.1]:53367'")
    expect(e?.remedy).toMatch(/^Verify/)
    expect(
      classifySshFailure(255, REAL.changedHostKey, { alias: 'h', hostname: 'h.example', port: 22 })?.remedy
    ).toContain('ssh-keygen -R h.example ')
  })

  it('auth failure, refused, timeouts, unreachable', () => {
    const auth = classifySshFailure(255, REAL.authFailed, target)
    expect(auth?.code).toBe('auth-failed')
    expect(auth?.message).toBe('ssh could not log in to lab: root@127.0.0.1: Permission denied (publickey,password).')
    expect(classifySshFailure(255, REAL.refused, { alias: 'r', hostname: '127.0.0.1', port: 1 })).toMatchObject({
      code: 'connection-refused',
      message: '127.0.0.1 refused the connection on port 1.'
    })
    expect(classifySshFailure(255, REAL.bannerTimeout, target)?.code).toBe('timeout')
    expect(classifySshFailure(255, FORMATS.connectTimeout, target)?.code).toBe('timeout')
    expect(classifySshFailure(255, FORMATS.macTimeout, target)?.code).toBe('timeout')
    expect(classifySshFailure(255, FORMATS.resolve, target)?.code).toBe('unreachable')
    expect(classifySshFailure(255, FORMATS.noRoute, target)?.code).toBe('unreachable')
    expect(classifySshFailure(255, FORMATS.netUnreachable, target)?.code).toBe('unreachable')
  })

  it('keeps stderr as detail and falls back for unknown 255 failures; ignores normal exits', () => {
    expect(classifySshFailure(255, REAL.authFailed, target)?.detail).toBe(REAL.authFailed.trim())
    expect(classifySshFailure(255, 'mux_client_request_session: read from master failed\n', target)?.code).toBe(
      'unreachable'
    )
    expect(classifySshFailure(1, 'sh: 1: something: not found\n', target)).toBeNull()
  })
})

describe('section statuses', () => {
  /** Real stderr from resources/probe.sh run as an unprivileged user (useradd, not in the docker group). */
  const real = {
    iptables:
      'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n',
    ip6tables:
      'ip6tables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n',
    legacy: 'Failed to list table names in /proc/net/ip_tables_names: Permission denied\n',
    docker:
      'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/version": dial unix /var/run/docker.sock: connect: permission denied\n',
    nft: 'Operation not permitted (you must be root)\nnetlink: Error: cache initialization failed: Operation not permitted\n',
    conntrack:
      'conntrack v1.4.7 (conntrack-tools): Operation failed: sorry, you must be root or get CAP_NET_ADMIN capability to do this\n',
    /** Format of older docker CLIs and of sudo -n, for the same rule. */
    dockerOld:
      'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock\n',
    sudo: 'sudo: a password is required\n'
  }
  it('classifies like the probe does', () => {
    for (const s of Object.values(real)) expect(classifySectionStatus(1, s)).toBe('permission-denied')
    expect(classifySectionStatus(0, real.iptables)).toBe('ok')
    expect(classifySectionStatus(127, 'brctl: not found\n')).toBe('missing-tool')
    expect(classifySectionStatus(1, 'sudo: nft: command not found\n')).toBe('missing-tool')
    expect(classifySectionStatus(124, '')).toBe('timeout')
    expect(classifySectionStatus(2, 'Error: something else\n')).toBe('error')
  })
  it('gives a remedy per status', () => {
    expect(sectionRemedy('iptables.save', 'permission-denied')).toBe('needs root or --sudo')
    expect(sectionRemedy('docker.networks', 'permission-denied')).toMatch(/docker group/)
    expect(sectionRemedy('x', 'ok')).toBeNull()
  })
})

describe('classifySshFailure against a hostile peer', () => {
  const target = { alias: 'prod-1', hostname: 'prod-1.example', port: 22 }

  it('reads only the last 16 KB: an error before megabytes of banner is not seen, one after it is', async () => {
    const { STDERR_TAIL_CHARS } = await import('../../../src/main/hosts/ssh-errors')
    const banner = 'Welcome to a very chatty host\n'.repeat(40_000)
    expect(banner.length).toBeGreaterThan(STDERR_TAIL_CHARS * 50)
    const after = classifySshFailure(255, banner + REAL.unknownHostKey, target)
    expect(after?.code).toBe('unknown-host-key')
    expect(after?.detail?.length).toBeLessThanOrEqual(STDERR_TAIL_CHARS)
    const before = classifySshFailure(255, 'Permission denied (publickey).\n' + banner, target)
    expect(before?.code).toBe('unreachable')
  })

  it('classifies 1 MB of adversarial stderr for the old `authenticity of host .*` pattern like its tail', () => {
    // The old unbounded pattern took quadratic time on this shape (31 s for 800 KB).
    const adversarial = 'authenticity of host '.repeat(50_000)
    const tail = adversarial.slice(-16 * 1024)
    expect(classifySshFailure(255, adversarial, target)).toEqual(classifySshFailure(255, tail, target))
  })

  it('quotes the host and alias in remedy commands', () => {
    const hostile = { alias: 'prod-1', hostname: 'evil;reboot', port: 2222 }
    const changed = classifySshFailure(255, REAL.changedHostKey, hostile)
    expect(changed?.remedy).toContain("ssh-keygen -R '[evil;reboot]:2222'")
    const unknown = classifySshFailure(255, REAL.unknownHostKey, hostile)
    expect(unknown?.remedy).toContain("ssh-keyscan -p 2222 'evil;reboot' |")
  })
})

describe('TailBuffer', () => {
  it('keeps the last 16 KB of a stream of any length', async () => {
    const { TailBuffer, STDERR_TAIL_CHARS } = await import('../../../src/main/hosts/ssh-errors')
    const tail = new TailBuffer()
    let all = ''
    for (let i = 0; i < 5000; i++) {
      const chunk = `line ${i} ${'x'.repeat(i % 50)}\n`
      tail.push(chunk)
      all += chunk
    }
    expect(tail.toString()).toBe(all.slice(-STDERR_TAIL_CHARS))
  })
})
