/**
 * Helpers shared by the live tests that compare NetLens with the real lab: snapshots and captures
 * (locally and through the lab sshd), the CLI as a child process, docker's own view of a network,
 * and polling with a deadline instead of sleeps.
 */
import { resolve } from 'node:path'
import { execa } from 'execa'
import { runProbe } from '../../../src/main/capture/run-probe'
import type { Capture } from '../../../src/main/capture/capture-types'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { snapshotFromSource } from '../../../src/main/sources'
import type { Snapshot } from '../../../src/shared/snapshot/schema'
import type { LabSshInfo } from './sshd'
import { REPO_ROOT } from './truth'

export type Via = 'local' | 'ssh'

/** NetLens's snapshot of this host, locally or through the lab sshd; throws on any error. */
export async function liveSnapshot(via: Via, ssh: LabSshInfo | null): Promise<Snapshot> {
  const r =
    via === 'local'
      ? await snapshotFromSource('local')
      : await snapshotFromSource(`ssh:${ssh!.aliases.ok}`, { sshConfigFile: ssh!.configFile })
  if (!r.ok) throw new Error(`snapshot ${via} failed: ${r.error.code}: ${r.error.message}\n${r.error.detail ?? ''}`)
  return r.value
}

/** A raw capture (the probe's output) of this host; throws on any error. */
export async function liveCapture(via: Via, ssh: LabSshInfo | null): Promise<Capture> {
  const r =
    via === 'local'
      ? await runProbe({ kind: 'local' })
      : await runProbe({ kind: 'ssh', alias: ssh!.aliases.ok }, { sshConfigFile: ssh!.configFile })
  if (!r.ok) throw new Error(`capture ${via} failed: ${r.error.code}: ${r.error.message}\n${r.error.detail ?? ''}`)
  return r.value
}

export { buildSnapshot }

export const NETLENS_BIN = resolve(REPO_ROOT, 'bin/netlens.mjs')

/** Options the live helpers pass on to execa. */
export interface RunOptions {
  env?: NodeJS.ProcessEnv
  extendEnv?: boolean
  timeout?: number
  cwd?: string
}

export interface RunResult {
  exitCode: number | undefined
  stdout: string
  stderr: string
}

/** A command that may fail; the result carries exitCode/stdout/stderr (text). */
export async function run(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const r = await execa(cmd, args, { reject: false, timeout: 60_000, ...options })
  return { exitCode: r.exitCode, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') }
}

/** `netlens ARGS…` as a child process (what `npx netlens` runs), never rejecting. */
export function netlens(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run('node', [NETLENS_BIN, ...args], { cwd: REPO_ROOT, timeout: 150_000, ...options })
}

/** A command that must succeed. */
export async function must(cmd: string, args: string[]): Promise<string> {
  const r = await execa(cmd, args, { reject: false, timeout: 60_000 })
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.exitCode}): ${r.stderr}`)
  return r.stdout
}

/** Polls `probe` until it returns something truthy, or fails after `timeoutMs` naming `what`. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, stepMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, stepMs))
  }
}

/** Docker's own view of a network: its v4 subnet, host bridge device and internal flag. */
export async function dockerNetwork(name: string): Promise<{ name: string; subnet: string; bridge: string; internal: boolean }> {
  const raw = JSON.parse(await must('docker', ['network', 'inspect', name])) as {
    Name: string
    Id: string
    Internal: boolean
    IPAM: { Config: { Subnet: string }[] | null }
    Options: Record<string, string> | null
  }[]
  const n = raw[0]
  const subnet = (n.IPAM.Config ?? []).map((c) => c.Subnet).find((s) => s.includes('.'))
  if (!subnet) throw new Error(`docker network ${name} has no IPv4 subnet`)
  return { name: n.Name, subnet, bridge: n.Options?.['com.docker.network.bridge.name'] ?? `br-${n.Id.slice(0, 12)}`, internal: n.Internal }
}

/** Lab networks plus Docker's default `bridge` (docker0), as docker reports them. */
export async function labBridgeNetworks(): Promise<{ name: string; subnet: string; bridge: string; internal: boolean }[]> {
  return Promise.all(['bridge', 'nllab-front', 'nllab-back'].map(dockerNetwork))
}

export const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * `wget -qO- URL` bounded by busybox `timeout` (busybox 1.35's own `wget -T` segfaults): argv for
 * `docker exec <c> …` or `ip netns exec <ns> …` (busybox is /bin/busybox in both).
 */
export const boundedWget = (url: string, seconds = 5): string[] => ['/bin/busybox', 'timeout', String(seconds), '/bin/busybox', 'wget', '-qO-', url]
