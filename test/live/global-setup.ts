/**
 * globalSetup of the `live` project: a real dockerd, the lab topology (scripts/lab.sh) with real
 * NAT traffic, and a throwaway sshd on 127.0.0.1.
 *
 * When something is missing the tier is skipped with a loud banner (test files use
 * `describe.skipIf(inject('liveSkip'))`), except under NETLENS_REQUIRE_ALL_TIERS=1, where it fails
 * naming what is missing. Everything started here is torn down again, also when setup fails.
 */
import { accessSync, constants } from 'node:fs'
import type { TestProject } from 'vitest/node'
import { execa } from 'execa'
import { lab } from './support/truth'
import { labEnv } from './support/lab-env'
import { SSHD_BINARY, startLabSshd, type LabSshd } from './support/sshd'
import { acquireLabLock } from './support/lab-lock'
import './support/provided'

const TOOLS: { bin: string; how: string }[] = [
  { bin: 'docker', how: 'apt-get install docker.io' },
  { bin: 'ip', how: 'apt-get install iproute2' },
  { bin: 'nsenter', how: 'apt-get install util-linux' },
  { bin: 'conntrack', how: 'apt-get install conntrack' },
  { bin: 'iptables', how: 'apt-get install iptables' },
  { bin: 'jq', how: 'apt-get install jq' },
  { bin: 'ssh', how: 'apt-get install openssh-client' },
  { bin: 'ssh-keygen', how: 'apt-get install openssh-client' }
]

async function which(bin: string): Promise<boolean> {
  const r = await execa('sh', ['-c', 'command -v "$1"', 'sh', bin], { reject: false })
  return r.exitCode === 0
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Everything the tier needs; returns what is missing and how to provide it. */
async function missingRequirements(): Promise<string[]> {
  const missing: string[] = []
  if (process.platform !== 'linux') return [`Linux (this is ${process.platform})`]
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    missing.push('root: the lab creates namespaces, veths and docker networks (run the live tier as root)')
  }
  for (const tool of TOOLS) if (!(await which(tool.bin))) missing.push(`${tool.bin} (${tool.how})`)
  if (!executable(SSHD_BINARY)) missing.push(`${SSHD_BINARY} (apt-get install openssh-server)`)
  if (!executable('/bin/busybox')) missing.push('/bin/busybox (apt-get install busybox-static)')
  if (missing.length === 0) {
    const info = await execa('docker', ['info'], { reject: false })
    if (info.exitCode !== 0 && !(await which('dockerd'))) missing.push('a reachable docker daemon, or dockerd to start one (apt-get install docker.io)')
  }
  return missing
}

function skip(project: TestProject, reason: string): void {
  if (process.env.NETLENS_REQUIRE_ALL_TIERS === '1') {
    throw new Error(`LIVE TIER CANNOT RUN (NETLENS_REQUIRE_ALL_TIERS=1): ${reason}`)
  }
  const bar = '!'.repeat(100)
  console.warn(`\n${bar}\n!!!! LIVE TIER SKIPPED: ${reason}\n!!!! Set NETLENS_REQUIRE_ALL_TIERS=1 to make this an error.\n${bar}\n`)
  process.env.NETLENS_LIVE_SKIP = reason
  project.provide('liveSkip', reason)
  project.provide('labSsh', null)
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const missing = await missingRequirements()
  if (missing.length) {
    skip(project, `missing ${missing.join('; ')}`)
    return undefined
  }

  const releaseLock = await acquireLabLock()
  let sshd: LabSshd | null = null
  const teardown = async (): Promise<void> => {
    await sshd?.stop().catch((e: unknown) => console.warn(`live: stopping sshd failed: ${String(e)}`))
    sshd = null
    const down = await lab('down')
    if (down.exitCode !== 0) console.warn(`live: lab.sh down failed: ${down.stderr}`)
    releaseLock()
  }

  try {
    // Start from a clean lab: leftovers of a crashed run may carry other settings.
    await lab('down')
    const env = await labEnv()
    const up = await lab('up', env)
    if (up.exitCode !== 0) throw new Error(`lab.sh up failed (exit ${up.exitCode}):\n${up.stderr}`)
    const traffic = await lab('traffic')
    if (traffic.exitCode !== 0) throw new Error(`lab.sh traffic failed (exit ${traffic.exitCode}):\n${traffic.stderr}`)
    sshd = await startLabSshd()
    process.env.NETLENS_SSH_CONFIG = sshd.configFile
    project.provide('liveSkip', null)
    project.provide('labSsh', {
      dir: sshd.dir,
      port: sshd.port,
      closedPort: sshd.closedPort,
      configFile: sshd.configFile,
      aliases: sshd.aliases
    })
  } catch (e) {
    await teardown()
    throw e
  }
  return teardown
}
