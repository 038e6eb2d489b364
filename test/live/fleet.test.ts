/**
 * Fleet against the live lab: several SSH aliases of the lab sshd act as several hosts.
 *   - three aliases captured in parallel: each capture is right (this host's containers), and the
 *     three ran at the same time (their start/end times overlap); the time against one capture
 *     alone is printed (the timed comparison lives in `npm run bench -- fleet`);
 *   - an unreachable alias and one ssh refuses to log in are reported with their class and
 *     remedy, and the others are still captured;
 *   - the Ansible playbook (Debian's ansible) against an inventory of the aliases writes
 *     DEST/<host>.cap that `netlens fleet DEST` summarizes with the right container counts,
 *     leaves nothing on the hosts (no remote temp dir), and keeps host key checking on.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { captureFleet } from '../../src/main/fleet/capture'
import { expandFleetSources } from '../../src/main/fleet/members'
import type { FleetReport } from '../../src/shared/fleet/types'
import { REPO_ROOT } from './support/truth'
import { must, netlens, run } from './support/live'
import { hostBlock } from './support/sshd'
import './support/provided'

const skipReason = inject('liveSkip')
const ssh = inject('labSsh')
const ALIASES = ['nllab-fleet-a', 'nllab-fleet-b', 'nllab-fleet-c']
const DOWN = 'nllab-fleet-down'
const WRONG_KEY = 'nllab-fleet-wrongkey'
const UNKNOWN_KEY = 'nllab-fleet-unknownkey'

async function ansiblePlaybook(): Promise<boolean> {
  const r = await run('sh', ['-c', 'command -v ansible-playbook'])
  if (r.exitCode === 0) return true
  const message = 'ansible-playbook not found (apt-get install ansible): the Ansible fleet test cannot run.'
  if (process.env.NETLENS_REQUIRE_ALL_TIERS === '1') throw new Error(message)
  console.warn(`\n${'!'.repeat(90)}\n!!!! LIVE FLEET/ANSIBLE TEST SKIPPED: ${message}\n${'!'.repeat(90)}\n`)
  return false
}

/** Running and all containers as docker sees them now (names). */
async function dockerContainers(): Promise<{ running: string[]; all: string[] }> {
  const names = async (args: string[]): Promise<string[]> =>
    (await must('docker', ['ps', ...args, '--format', '{{.Names}}'])).split('\n').filter(Boolean).sort()
  return { running: await names([]), all: await names(['-a']) }
}

/**
 * Docker's container counts all the while `work` runs (other people's tests share this machine):
 * the smallest and largest running and total counts seen, sampled every 300 ms.
 */
async function dockerCountsDuring<T>(
  work: Promise<T>
): Promise<{ result: T; running: [number, number]; all: [number, number] }> {
  const running: number[] = []
  const all: number[] = []
  let done = false
  const sampler = (async () => {
    do {
      const now = await dockerContainers()
      running.push(now.running.length)
      all.push(now.all.length)
      await new Promise((r) => setTimeout(r, 300))
    } while (!done)
  })()
  const result = await work
  done = true
  await sampler
  const range = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)]
  return { result, running: range(running), all: range(all) }
}

describe.skipIf(skipReason)('fleet against the lab sshd', () => {
  let dir = ''
  let config = ''

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nllab-fleet-'))
    config = join(dir, 'ssh_config')
    // Like the lab's own aliases: no shared ssh master (each alias checks its own key and identity).
    const block = (alias: string, port: number, identity: string, knownHosts: string): string =>
      hostBlock(alias, port, identity, knownHosts, dir)
    const s = ssh!
    await writeFile(
      config,
      [
        ...ALIASES.map((a) => block(a, s.port, join(s.dir, 'client'), join(s.dir, 'known_hosts'))),
        block(DOWN, s.closedPort, join(s.dir, 'client'), join(s.dir, 'known_hosts')),
        block(WRONG_KEY, s.port, join(s.dir, 'wrong'), join(s.dir, 'known_hosts')),
        block(UNKNOWN_KEY, s.port, join(s.dir, 'client'), join(s.dir, 'known_hosts_empty'))
      ].join('\n'),
      { mode: 0o600 }
    )
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('captures three aliases in parallel: each capture is right, and they overlap in time', async () => {
    const before = await dockerContainers()
    const hostname = (await must('hostname', [])).trim()
    const { members, problems } = await expandFleetSources(ALIASES)
    expect(problems).toEqual([])

    const one = await captureFleet(members.slice(0, 1), { sshConfigFile: config })
    expect(one[0].error).toBeNull()
    const results = await captureFleet(members, { sshConfigFile: config, parallel: 3 })
    const after = await dockerContainers()

    for (const r of results) {
      expect(r.error, `${r.member.label}: ${JSON.stringify(r.error)}`).toBeNull()
      expect(r.snapshot!.host.source).toBe(`ssh:${r.member.label}`)
      expect(r.snapshot!.host.hostname).toBe(hostname)
      expect(r.snapshot!.host.privileged).toBe(true)
      const running = r.snapshot!.containers.filter((c) => c.state === 'running').map((c) => c.name)
      // The lab's containers are all there; the rest of the machine may change while we look.
      for (const name of before.running.filter((n) => n.startsWith('nllab-') && after.running.includes(n)))
        expect(running).toContain(name)
    }
    // Concurrent: every capture started before any of them ended.
    const lastStart = Math.max(...results.map((r) => r.startedAt))
    const firstEnd = Math.min(...results.map((r) => r.endedAt))
    expect(lastStart).toBeLessThan(firstEnd)
    const wall = Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))
    console.log(
      `[fleet] three aliases in parallel: ${wall} ms wall; one alone: ${one[0].captureMs} ms (${(wall / one[0].captureMs).toFixed(2)}×; timed in npm run bench -- fleet)`
    )
  })

  it('reports an unreachable alias and a refused login with class and remedy, and captures the others', async () => {
    const r = await netlens(['fleet', ALIASES[0], DOWN, WRONG_KEY, ALIASES[1], '-F', config, '--json', '--quiet'])
    expect(r.exitCode, r.stderr).toBe(1)
    const report = JSON.parse(r.stdout) as FleetReport
    expect(report.hosts.map((h) => [h.label, h.state, h.error?.code ?? null])).toEqual([
      [ALIASES[0], 'ok', null],
      [DOWN, 'unreachable', 'connection-refused'],
      [WRONG_KEY, 'auth', 'auth-failed'],
      [ALIASES[1], 'ok', null]
    ])
    const down = report.hosts[1]
    expect(down.error!.message).toContain(String(ssh!.closedPort))
    expect(down.error!.remedy).toMatch(/sshd/)
    expect(report.hosts[2].error!.remedy).toMatch(/ssh-agent|IdentityFile/)
    expect(report.hosts[0].containersRunning).toBeGreaterThan(0)

    const table = await netlens(['fleet', ALIASES[0], DOWN, '-F', config, '--quiet'])
    expect(table.stdout).toMatch(new RegExp(`^${DOWN}\\s+unreachable\\s`, 'm'))
    expect(table.stdout).toContain(`${DOWN}: unreachable (connection-refused)`)
  })

  it('runs the Ansible playbook on an inventory of the aliases, and netlens fleet DEST summarizes it', async (ctx) => {
    if (!(await ansiblePlaybook())) return ctx.skip()
    const dest = join(dir, 'captures')
    const remoteTmp = join(dir, 'remote-tmp')
    const inventory = join(dir, 'inventory.ini')
    await writeFile(
      inventory,
      [
        '[lab]',
        ...ALIASES,
        UNKNOWN_KEY,
        '',
        '[lab:vars]',
        `ansible_ssh_common_args='-F ${config}'`,
        // Where Ansible would put module or script copies on these hosts: it must stay absent.
        `ansible_remote_tmp=${remoteTmp}`,
        ''
      ].join('\n')
    )
    const {
      result: play,
      running,
      all
    } = await dockerCountsDuring(
      run(
        'ansible-playbook',
        ['-i', inventory, join(REPO_ROOT, 'resources/ansible/netlens-capture.yml'), '-e', `dest=${dest}`, '-f', '4'],
        {
          timeout: 300_000,
          env: {
            ...process.env,
            ANSIBLE_LOCAL_TEMP: join(dir, 'local-tmp'),
            ANSIBLE_NOCOLOR: '1',
            ANSIBLE_RETRY_FILES_ENABLED: '0',
            // No ansible.cfg of the machine or the user: the playbook's own settings only.
            ANSIBLE_CONFIG: join(dir, 'no-ansible.cfg'),
            // No ssh master left running after the test (Ansible's default persists one for 60 s).
            ANSIBLE_SSH_ARGS: '-o ControlMaster=no',
            ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, 'ansible-cp')
          }
        }
      )
    )
    // The host with an unknown key is refused (host key checking stays on): Ansible says unreachable.
    expect(play.exitCode, play.stdout + play.stderr).toBe(4)
    expect(play.stdout).toMatch(new RegExp(`${UNKNOWN_KEY}\\s*:\\s*ok=0\\s+changed=0\\s+unreachable=1`))
    expect(play.stdout + play.stderr).toMatch(/Host key verification\s+failed/)
    for (const a of ALIASES)
      expect(play.stdout).toMatch(new RegExp(`${a}\\s*:\\s*ok=\\d+\\s+changed=\\d+\\s+unreachable=0\\s+failed=0`))

    expect((await readdir(dest)).sort()).toEqual(ALIASES.map((a) => `${a}.cap`))
    for (const a of ALIASES) expect((await stat(join(dest, `${a}.cap`))).mode & 0o777).toBe(0o600)
    expect(existsSync(remoteTmp)).toBe(false)

    const r = await netlens(['fleet', dest, '--json', '--quiet'])
    expect(r.exitCode, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as FleetReport
    expect(report.hosts.map((h) => [h.label, h.state])).toEqual(ALIASES.map((a) => [a, 'ok']))
    // The counts docker gave while the playbook ran (exact when nothing else changed meanwhile).
    if (running[0] !== running[1] || all[0] !== all[1])
      console.warn(
        `[fleet] docker containers changed during the playbook run: running ${running.join('–')}, all ${all.join('–')}`
      )
    for (const h of report.hosts) {
      expect(h.containersRunning, h.label).toBeGreaterThanOrEqual(running[0])
      expect(h.containersRunning, h.label).toBeLessThanOrEqual(running[1])
      expect(h.containersTotal, h.label).toBeGreaterThanOrEqual(all[0])
      expect(h.containersTotal, h.label).toBeLessThanOrEqual(all[1])
    }
    expect(report.hosts.every((h) => h.dockerVersion && h.iptablesBackend)).toBe(true)
  })
})
