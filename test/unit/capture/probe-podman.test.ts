/**
 * The probe's podman block, run for real as an unprivileged user (`setpriv` to nobody, with a HOME
 * and XDG_RUNTIME_DIR of the test's own) and a fake `podman` on PATH that logs every call. Any
 * podman command creates a never-used user's storage and leaves a pause process behind, so the
 * probe must not run podman at all unless the storage, podman's "alive" marker and its pause
 * process all exist; when they do, it runs only the listing commands and reads the container pids.
 * Needs root (to switch to nobody): without it the test skips loudly, and fails under
 * NETLENS_REQUIRE_ALL_TIERS=1.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import type { Capture } from '../../../src/main/capture/capture-types'
import { FIXTURES_DIR } from '../../support/fixtures'

const PROBE = join(__dirname, '../../../resources/probe.sh')
const NOBODY = 65534
const ROOTLESS = join(FIXTURES_DIR, 'podman/debian-12-podman-4.3/podman-container--rootless.out')
const NETWORKS = join(FIXTURES_DIR, 'podman/debian-12-podman-4.3/podman-network--rootless.out')

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const canRun = process.platform === 'linux' && isRoot
if (!canRun) {
  const reason = 'probe-podman: needs Linux and root (to run the probe as nobody)'
  if (process.env.NETLENS_REQUIRE_ALL_TIERS === '1') throw new Error(`${reason} (NETLENS_REQUIRE_ALL_TIERS=1)`)
  console.warn(`\n!!!! SKIPPED ${reason}\n`)
}

describe.runIf(canRun)('probe.sh podman block (rootless, fake podman)', () => {
  let dir: string
  const home = (): string => join(dir, 'home')
  const runtime = (): string => join(dir, 'run')
  const log = (): string => join(dir, 'podman.log')

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nltmp-probe-podman-'))
    mkdirSync(join(dir, 'bin'))
    mkdirSync(home())
    mkdirSync(runtime())
    writeFileSync(
      join(dir, 'bin/podman'),
      `#!/bin/sh
echo "$*" >>"${log()}"
case "$*" in
  'version --format {{.Client.Version}}') echo 4.3.1 ;;
  'network ls -q') echo podman ;;
  'network inspect podman') cat "${NETWORKS}" ;;
  'network ls --format json') cat "${NETWORKS}" ;;
  'ps -aq') echo 706879a0fb58 ;;
  'container inspect 706879a0fb58') cat "${ROOTLESS}" ;;
  'pod ps --format json') echo '[]' ;;
  *) echo "unexpected podman call: $*" >&2; exit 125 ;;
esac
`
    )
    chmodSync(join(dir, 'bin/podman'), 0o755)
    for (const d of [dir, home(), runtime()]) chmodSync(d, 0o777)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  async function probeAsNobody(): Promise<{ capture: Capture; calls: string[] }> {
    rmSync(log(), { force: true })
    const r = await execa(
      'setpriv',
      ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'sh', PROBE, 'nl-podman-block-test'],
      {
        env: {
          PATH: `${join(dir, 'bin')}:/usr/sbin:/usr/bin:/sbin:/bin`,
          HOME: home(),
          XDG_RUNTIME_DIR: runtime(),
          NETLENS_CMD_TIMEOUT: '10'
        },
        extendEnv: false,
        reject: false,
        timeout: 120_000
      }
    )
    expect(r.exitCode).toBe(0)
    const parsed = parseCaptureText(r.stdout)
    if (!parsed.ok) throw new Error(parsed.error.message)
    const calls = existsSync(log()) ? readFileSync(log(), 'utf8').trim().split('\n').filter(Boolean) : []
    return { capture: parsed.value, calls }
  }
  const section = (c: Capture, name: string) => c.sections.find((s) => s.name === name)

  it('never runs podman for a user who never used it (no storage)', async () => {
    const { capture, calls } = await probeAsNobody()
    expect(calls).toEqual([])
    for (const name of ['podman.version', 'podman.networks', 'podman.containers', 'podman.pods'])
      expect(section(capture, name)).toMatchObject({ status: 'skipped' })
    expect(section(capture, 'podman.version')?.stderr).toMatch(/never used by uid 65534.*would create its storage/)
    expect(existsSync(join(home(), '.local'))).toBe(false)
  }, 150_000)

  it('does not run podman when it has not run since boot (no alive marker)', async () => {
    mkdirSync(join(home(), '.local/share/containers/storage'), { recursive: true })
    const { capture, calls } = await probeAsNobody()
    expect(calls).toEqual([])
    expect(section(capture, 'podman.containers')?.stderr).toMatch(/has not run since boot/)
  }, 150_000)

  it('does not run podman when its rootless pause process is gone (it would start one)', async () => {
    mkdirSync(join(runtime(), 'libpod/tmp'), { recursive: true })
    writeFileSync(join(runtime(), 'libpod/tmp/alive'), '')
    writeFileSync(join(runtime(), 'libpod/tmp/pause.pid'), '999999999')
    const { capture, calls } = await probeAsNobody()
    expect(calls).toEqual([])
    expect(section(capture, 'podman.version')?.stderr).toMatch(/pause process for uid 65534 is not running/)
  }, 150_000)

  it('with storage, alive marker and pause process: only the listing commands, and the container pids', async () => {
    writeFileSync(join(runtime(), 'libpod/tmp/pause.pid'), String(process.pid))
    const { capture, calls } = await probeAsNobody()
    // Podman 4 (the fake says 4.3.1) lists its networks whole in one call. The containers and pods
    // are listed while podman answers `version` (concurrent jobs): only the calls that depend on
    // an answer have an order.
    expect([...calls].sort()).toEqual(
      [
        'version --format {{.Client.Version}}',
        'network ls --format json',
        'ps -aq',
        'container inspect 706879a0fb58',
        'pod ps --format json'
      ].sort()
    )
    expect(calls.indexOf('network ls --format json')).toBeGreaterThan(
      calls.indexOf('version --format {{.Client.Version}}')
    )
    expect(calls.indexOf('container inspect 706879a0fb58')).toBeGreaterThan(calls.indexOf('ps -aq'))
    for (const name of ['podman.version', 'podman.networks', 'podman.containers', 'podman.pods'])
      expect(section(capture, name)?.status, name).toBe('ok')
    expect(section(capture, 'podman.containers')?.stdout).toBe(readFileSync(ROOTLESS, 'utf8'))
    expect(section(capture, 'podman.networks')).toMatchObject({
      command: 'podman network ls --format json',
      stdout: readFileSync(NETWORKS, 'utf8')
    })
    // The container's pid and id, read back from podman's indented JSON, reach the namespace list.
    expect(section(capture, 'netns.map')?.stdout).toMatch(
      /^pid:4705 \S+ 706879a0fb58939110fea0e162eb5e05731ddd523ad5767bd336792962a6b6d2$/m
    )
  }, 150_000)
})
