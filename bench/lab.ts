/**
 * The live lab (scripts/lab.sh) for benches that measure against it. A lab that is already up is
 * used as it is, read-only (the probe and ssh only read). Otherwise the lab is brought up under the
 * machine-wide lab lock (test/live/support/lab-lock.ts) and taken down again afterwards, also when
 * the bench fails.
 */
import { resolve } from 'node:path'
import { execa } from 'execa'
import { acquireLabLock } from '../test/live/support/lab-lock'
import { labEnv } from '../test/live/support/lab-env'

export const LAB_SCRIPT = resolve(import.meta.dirname, '../scripts/lab.sh')

export const lab = (command: string, env?: NodeJS.ProcessEnv) =>
  execa('bash', [LAB_SCRIPT, command], { reject: false, env })

/** Runs `fn` with the lab up; answers a reason instead when the lab cannot be brought up. */
export async function withLab<T>(fn: () => Promise<T>): Promise<T | { labFailed: string }> {
  if ((await lab('status')).exitCode === 0) return fn()
  const release = await acquireLabLock()
  try {
    // Another run may have brought it up while we waited for the lock.
    const own = (await lab('status')).exitCode !== 0
    if (own) {
      const up = await lab('up', await labEnv())
      if (up.exitCode !== 0) return { labFailed: `lab.sh up failed: ${up.stderr.trim().split('\n').pop() ?? ''}` }
      await lab('traffic')
    }
    try {
      return await fn()
    } finally {
      if (own) await lab('down')
    }
  } finally {
    release()
  }
}

/** Root, sshd and docker, or what is missing. */
export async function labMissing(): Promise<string | null> {
  if (process.platform !== 'linux') return `Linux needed (this is ${process.platform})`
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'root needed (the lab sshd and the probe run as root)'
  const { SSHD_BINARY } = await import('../test/live/support/sshd')
  const { accessSync, constants } = await import('node:fs')
  try {
    accessSync(SSHD_BINARY, constants.X_OK)
  } catch {
    return `${SSHD_BINARY} missing (apt-get install openssh-server)`
  }
  const docker = await execa('docker', ['info'], { reject: false })
  if (docker.exitCode !== 0) return 'docker is not reachable (start dockerd, or run bash scripts/lab.sh up)'
  return null
}

/** A loud SKIPPED row (a bench may skip only loudly; NETLENS_REQUIRE_ALL_TIERS=1 makes it a failure). */
export function skippedRow(
  what: string,
  reason: string
): { name: string; value: number; unit: string; skipped?: boolean; pass?: boolean } {
  const bar = '!'.repeat(90)
  console.warn(`\n${bar}\n!!!! ${what.toUpperCase()} BENCH SKIPPED: ${reason}\n${bar}\n`)
  if (process.env.NETLENS_REQUIRE_ALL_TIERS === '1')
    return { name: `${what}: cannot run: ${reason}`, value: Number.NaN, unit: '', pass: false }
  return { name: `SKIPPED ${what}: ${reason}`, value: Number.NaN, unit: '', skipped: true }
}
