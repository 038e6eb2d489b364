/**
 * A throwaway sshd on 127.0.0.1 for the live tier and the SSH benchmark. Everything lives in one
 * mktemp directory (keys, authorized_keys, known_hosts, client config); ~/.ssh is never touched.
 *
 * The client config (pass it with `ssh -F`, NetLens's `sshConfigFile`, or env NETLENS_SSH_CONFIG)
 * defines four aliases:
 *   nllab-ssh             works: right identity, host key already in known_hosts
 *   nllab-ssh-unknownkey  empty known_hosts → NetLens must report unknown-host-key with a remedy
 *   nllab-ssh-wrongkey    an identity sshd does not accept → auth-failed
 *   nllab-ssh-stopped     a port nothing listens on → connection-refused
 */
import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises'
import { mkdirSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa, type ResultPromise } from 'execa'

export const SSHD_BINARY = '/usr/sbin/sshd'

export const SSH_ALIASES = {
  ok: 'nllab-ssh',
  unknownKey: 'nllab-ssh-unknownkey',
  wrongKey: 'nllab-ssh-wrongkey',
  stopped: 'nllab-ssh-stopped'
} as const

/** What the live tests need to reach the sshd (serialisable: passed through vitest `provide`). */
export interface LabSshInfo {
  dir: string
  port: number
  closedPort: number
  configFile: string
  aliases: typeof SSH_ALIASES
}

export interface LabSshd extends LabSshInfo {
  pid: number | undefined
  stop(): Promise<void>
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function portAcceptsConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.setTimeout(1000, () => done(false))
  })
}

async function keygen(path: string, comment: string): Promise<void> {
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path])
}

/** One client config block for an alias of the lab sshd (also used by the fleet test's own aliases). */
export function hostBlock(alias: string, port: number, identity: string, knownHosts: string, controlDir: string): string {
  return [
    `Host ${alias}`,
    '  HostName 127.0.0.1',
    `  Port ${port}`,
    '  User root',
    `  IdentityFile ${identity}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${knownHosts}`,
    '  GlobalKnownHostsFile /dev/null',
    '  PasswordAuthentication no',
    '  KbdInteractiveAuthentication no',
    '  GSSAPIAuthentication no',
    // A control path of its own per alias: the failure aliases reach the same root@127.0.0.1:port as
    // nllab-ssh, and a multiplexed master opened for one would otherwise carry the others (skipping
    // their authentication and host key checks). With a ControlPath set, NetLens keeps it.
    `  ControlPath ${controlDir}/cm-%n`,
    '  ControlMaster no',
    ''
  ].join('\n')
}

export async function startLabSshd(): Promise<LabSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'nllab-sshd-'))
  let child: ResultPromise | null = null
  const cleanup = async (): Promise<void> => {
    const proc = child
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      // Wait for the listener to exit, not for its stderr to close: session processes of clients
      // that are still connected keep that pipe open.
      const exited = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000)
        proc.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      proc.kill('SIGTERM')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  }
  try {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
    await chmod(dir, 0o700)
    await keygen(join(dir, 'hostkey'), 'nllab-host')
    await keygen(join(dir, 'client'), 'nllab-client')
    await keygen(join(dir, 'wrong'), 'nllab-wrong')
    await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client.pub'), 'utf8'), { mode: 0o600 })
    const port = await freePort()
    let closedPort = await freePort()
    while (closedPort === port) closedPort = await freePort()
    const hostPub = (await readFile(join(dir, 'hostkey.pub'), 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ')
    await writeFile(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`, { mode: 0o600 })
    await writeFile(join(dir, 'known_hosts_empty'), '', { mode: 0o600 })
    // An own (nearly empty) sshd_config keeps the host's /etc/ssh/sshd_config out of the tests.
    await writeFile(join(dir, 'sshd_config'), 'PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n')
    const configFile = join(dir, 'ssh_config')
    await writeFile(
      configFile,
      [
        hostBlock(SSH_ALIASES.ok, port, join(dir, 'client'), join(dir, 'known_hosts'), dir),
        hostBlock(SSH_ALIASES.unknownKey, port, join(dir, 'client'), join(dir, 'known_hosts_empty'), dir),
        hostBlock(SSH_ALIASES.wrongKey, port, join(dir, 'wrong'), join(dir, 'known_hosts'), dir),
        hostBlock(SSH_ALIASES.stopped, closedPort, join(dir, 'client'), join(dir, 'known_hosts'), dir)
      ].join('\n'),
      { mode: 0o600 }
    )
    child = execa(
      SSHD_BINARY,
      [
        '-D',
        '-e',
        '-f', join(dir, 'sshd_config'),
        '-p', String(port),
        '-o', 'ListenAddress=127.0.0.1',
        '-o', `HostKey=${join(dir, 'hostkey')}`,
        '-o', `AuthorizedKeysFile=${join(dir, 'authorized_keys')}`,
        '-o', `PidFile=${join(dir, 'sshd.pid')}`,
        '-o', 'StrictModes=no',
        '-o', 'UsePAM=no',
        '-o', 'SetEnv=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
      ],
      { reject: false, stdout: 'ignore', stderr: ['pipe'], buffer: false, cleanup: true }
    )
    let log = ''
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      if (log.length < 65_536) log += chunk
    })
    const deadline = Date.now() + 15_000
    while (!(await portAcceptsConnections(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`sshd did not start on 127.0.0.1:${port}: ${log.trim() || 'no output'}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    const started = child
    return {
      dir,
      port,
      closedPort,
      configFile,
      aliases: SSH_ALIASES,
      pid: started.pid,
      stop: cleanup
    }
  } catch (e) {
    await cleanup()
    throw e
  }
}
