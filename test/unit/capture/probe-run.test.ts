/**
 * The real resources/probe.sh, run locally (it is read-only, so running it on the test machine is
 * safe; where docker or iptables are missing their sections just say so):
 *   - with a `hostname` on PATH that hangs (and starts a child of its own), the watchdog must stop
 *     that section at NETLENS_CMD_TIMEOUT, mark it `timeout` with exit 124, kill the processes
 *     below it, and let the rest of the capture finish;
 *   - files it reads with shell builtins instead of cat must come out exactly as cat prints them.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import { alive } from '../../support/processes'

const PROBE = join(__dirname, '../../../resources/probe.sh')

describe.runIf(process.platform === 'linux')('probe.sh watchdog', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nltmp-probe-'))
    writeFileSync(
      join(dir, 'hostname'),
      `#!/bin/sh\necho $$ > "${dir}/hang.pid"\nsleep 300 &\necho $! > "${dir}/child.pid"\nwait\n`
    )
    chmodSync(join(dir, 'hostname'), 0o755)
  })
  afterAll(() => {
    for (const file of ['hang.pid', 'child.pid']) {
      try {
        process.kill(Number(readFileSync(join(dir, file), 'utf8')), 'SIGKILL')
      } catch {
        // already gone, as it should be
      }
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('stops a hanging command at the timeout, kills what it started, and finishes the capture', async () => {
    const started = performance.now()
    const r = await execa('sh', [PROBE, 'nl-watchdog-test'], {
      env: { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`, NETLENS_CMD_TIMEOUT: '1' },
      reject: false,
      timeout: 120_000
    })
    const seconds = (performance.now() - started) / 1000
    expect(r.exitCode).toBe(0)
    const capture = parseCaptureText(r.stdout)
    if (!capture.ok) throw new Error(capture.error.message)
    const hostname = capture.value.sections.find((s) => s.name === 'meta.hostname')
    expect(hostname).toMatchObject({ status: 'timeout', exitCode: 124 })
    expect(hostname?.ms).toBeGreaterThanOrEqual(1000)
    expect(hostname?.ms).toBeLessThan(5000)
    // The rest ran normally after it.
    expect(capture.value.sections.find((s) => s.name === 'meta.kernel')?.status).toBe('ok')
    expect(capture.value.sections.at(-1)?.name).toBeTruthy()
    expect(seconds).toBeLessThan(100)
    const hang = Number(readFileSync(join(dir, 'hang.pid'), 'utf8'))
    const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'))
    // Give init a moment to reap the orphans.
    for (let i = 0; i < 20 && (alive(hang) || alive(child)); i++) await new Promise((done) => setTimeout(done, 100))
    expect(alive(hang)).toBe(false)
    expect(alive(child)).toBe(false)
  }, 150_000)

  it('prints /proc files exactly as cat does (builtin reads included)', async () => {
    const r = await execa('sh', [PROBE, 'nl-read-test1'], { reject: false, timeout: 120_000 })
    const capture = parseCaptureText(r.stdout)
    if (!capture.ok) throw new Error(capture.error.message)
    // Files that do not change between the probe's read and ours.
    const stable = capture.value.sections.filter(
      (s) =>
        s.status === 'ok' &&
        /^cat \/proc\/\S+$/.test(s.command) &&
        /(nf_conntrack_max|\/net\/(igmp|route))$/.test(s.command)
    )
    // nf_conntrack is loaded wherever docker runs (CI starts dockerd before the tests).
    if (existsSync('/proc/sys/net/netfilter/nf_conntrack_max'))
      expect(stable.map((s) => s.name)).toContain('conntrack.max')
    for (const section of stable) {
      const file = section.command.slice(4)
      // A container that stopped since the probe ran has no /proc/<pid> any more.
      if (!existsSync(file)) continue
      expect(section.stdout, section.name).toBe(readFileSync(file, 'utf8'))
    }
  }, 150_000)

  it('leaves no watchdog behind', async () => {
    const r = await execa('sh', [PROBE, 'nl-watchdog-test2'], { reject: false, timeout: 120_000 })
    expect(r.exitCode).toBe(0)
    await new Promise((done) => setTimeout(done, 1500))
    const ps = await execa('ps', ['-eo', 'args'], { reject: false })
    expect(ps.stdout).not.toContain('nl-watchdog-test2')
  }, 150_000)
})
