/**
 * The probe's concurrent sections (resources/probe.sh, nl_early: docker and podman listed as
 * background jobs, their output held and printed in section order), run for real with a fake
 * `docker` on PATH that answers with the lab's own docker output (test/fixtures/lab) or hangs:
 *   - with and without a temp dir (without one there are no jobs) the same sections come out, in
 *     the same order, with docker's bytes intact;
 *   - a job whose command hangs is stopped at NETLENS_CMD_TIMEOUT like any section (timeout, 124),
 *     with what it started, and the rest of the capture is there;
 *   - a probe stopped (SIGTERM) while a job still runs leaves no process and no temp file behind.
 * The probe is read-only, so running it on the test machine is safe.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import type { Capture } from '../../../src/main/capture/capture-types'
import { alive } from '../../support/processes'
import { FIXTURES_DIR } from '../../support/fixtures'

const PROBE = join(__dirname, '../../../resources/probe.sh')
const LAB = join(FIXTURES_DIR, 'lab/debian-12-docker-20.10')
const fixture = (name: string): string => readFileSync(join(LAB, `${name}.out`), 'utf8')

/** A `docker` that answers like the lab's (its recorded output), or hangs in `version` with a child. */
function fakeDocker(dir: string, hang: boolean): void {
  const version = hang
    ? `echo $$ > "${dir}/hang.pid"; sleep 300 & echo $! > "${dir}/child.pid"; wait`
    : `cat "${join(LAB, 'docker.version.out')}"`
  writeFileSync(
    join(dir, 'bin/docker'),
    `#!/bin/sh
case "$1 $2" in
  'version --format') ${version} ;;
  'network ls') echo 3f1e ;;
  'network inspect') cat "${join(LAB, 'docker.networks.out')}" ;;
  'ps -aq') echo 9c2a ;;
  'container inspect') cat "${join(LAB, 'docker.containers.out')}" ;;
  *) echo "unexpected docker call: $*" >&2; exit 1 ;;
esac
`
  )
  chmodSync(join(dir, 'bin/docker'), 0o755)
}

describe.runIf(process.platform === 'linux')('probe.sh concurrent sections', () => {
  let dir: string
  const env = (extra: Record<string, string> = {}) => ({
    PATH: `${join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    TMPDIR: join(dir, 'tmp'),
    ...extra
  })
  const parse = (stdout: string): Capture => {
    const parsed = parseCaptureText(stdout)
    if (!parsed.ok) throw new Error(parsed.error.message)
    return parsed.value
  }
  const section = (c: Capture, name: string) => c.sections.find((s) => s.name === name)

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nltmp-probe-jobs-'))
    mkdirSync(join(dir, 'bin'))
    mkdirSync(join(dir, 'tmp'))
  })
  afterEach(() => {
    for (const file of ['hang.pid', 'child.pid']) {
      const path = join(dir, file)
      if (!existsSync(path)) continue
      try {
        process.kill(Number(readFileSync(path, 'utf8')), 'SIGKILL')
      } catch {
        // already gone, as it should be
      }
      rmSync(path)
    }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('prints the same sections in the same order with and without a temp dir, docker bytes intact', async () => {
    fakeDocker(dir, false)
    const withJobs = await execa('sh', [PROBE, 'nl-jobs-test-1'], { env: env(), reject: false, timeout: 120_000 })
    // mktemp -d fails under a TMPDIR that does not exist: no temp dir, so no jobs.
    const inPlace = await execa('sh', [PROBE, 'nl-jobs-test-2'], {
      env: env({ TMPDIR: join(dir, 'missing') }),
      reject: false,
      timeout: 120_000
    })
    expect(withJobs.exitCode).toBe(0)
    expect(inPlace.exitCode).toBe(0)
    const jobs = parse(withJobs.stdout)
    const serial = parse(inPlace.stdout)
    expect(serial.sections.find((s) => s.stderr.includes('no writable temp dir'))).toBeDefined()
    // The host's topology sections, up to the namespace map (after it, a probe without a temp dir
    // differs anyway: it cannot read pids back from docker's output nor iptables' backend).
    const topology = (c: Capture) => {
      const names = c.sections.map((s) => s.name)
      return names.slice(0, names.indexOf('netns.map') + 1)
    }
    expect(topology(jobs)).toEqual(topology(serial))
    expect(topology(jobs).length).toBeGreaterThan(15)
    for (const capture of [jobs, serial]) {
      for (const name of ['docker.version', 'docker.networks', 'docker.containers'])
        expect(section(capture, name), name).toMatchObject({ status: 'ok', stdout: fixture(name) })
      expect(section(capture, 'ip.link')?.status).toBe('ok')
    }
    // The containers' pids, read back from the held docker output, reach the namespace list.
    expect(section(jobs, 'netns.map')?.stdout).toMatch(/^pid:\d+ \S+ [0-9a-f]{64}$/m)
    expect(readdirSync(join(dir, 'tmp'))).toEqual([])
  }, 250_000)

  it('stops a job that hangs at the timeout, with what it started, and finishes the capture', async () => {
    fakeDocker(dir, true)
    const r = await execa('sh', [PROBE, 'nl-jobs-test-3'], {
      env: env({ NETLENS_CMD_TIMEOUT: '1' }),
      reject: false,
      timeout: 120_000
    })
    expect(r.exitCode).toBe(0)
    const capture = parse(r.stdout)
    expect(section(capture, 'docker.version')).toMatchObject({ status: 'timeout', exitCode: 124 })
    expect(section(capture, 'docker.version')?.ms).toBeGreaterThanOrEqual(1000)
    for (const name of ['docker.networks', 'docker.containers'])
      expect(section(capture, name), name).toMatchObject({
        status: 'skipped',
        stderr: 'docker version failed (timeout)'
      })
    // The sections that ran in the probe's own shell meanwhile were not stopped with it.
    for (const name of ['meta.user', 'ip.link', 'sys.brif']) expect(section(capture, name)?.status, name).toBe('ok')
    expect(capture.sections.at(-1)?.name).toBeTruthy()
    const hang = Number(readFileSync(join(dir, 'hang.pid'), 'utf8'))
    const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'))
    for (let i = 0; i < 20 && (alive(hang) || alive(child)); i++) await new Promise((done) => setTimeout(done, 100))
    expect(alive(hang)).toBe(false)
    expect(alive(child)).toBe(false)
    expect(readdirSync(join(dir, 'tmp'))).toEqual([])
  }, 150_000)

  it('leaves no process and no temp file behind when stopped while a job runs', async () => {
    fakeDocker(dir, true)
    const probe = execa('sh', [PROBE, 'nl-jobs-test-4'], {
      env: env({ NETLENS_CMD_TIMEOUT: '600' }),
      reject: false,
      timeout: 120_000
    })
    for (let i = 0; i < 600 && !existsSync(join(dir, 'child.pid')); i++)
      await new Promise((done) => setTimeout(done, 100))
    expect(existsSync(join(dir, 'child.pid'))).toBe(true)
    // Give the probe's own shell time to reach its wait for the hanging job.
    await new Promise((done) => setTimeout(done, 500))
    probe.kill('SIGTERM')
    const r = await probe
    expect(r.exitCode).toBe(130)
    const hang = Number(readFileSync(join(dir, 'hang.pid'), 'utf8'))
    const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'))
    for (let i = 0; i < 20 && (alive(hang) || alive(child)); i++) await new Promise((done) => setTimeout(done, 100))
    expect(alive(hang)).toBe(false)
    expect(alive(child)).toBe(false)
    const ps = await execa('ps', ['-eo', 'args'], { reject: false })
    expect(ps.stdout).not.toContain('nl-jobs-test-4')
    expect(readdirSync(join(dir, 'tmp'))).toEqual([])
  }, 150_000)
})
