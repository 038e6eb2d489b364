/**
 * `netlens packets` against the real lab, locally and through the lab sshd: captures on lab veths
 * and the lab wan veth only, traffic only between lab containers and the lab wan namespace.
 * Proves: the pcap tcpdump -r reads back, container + SNAT on the uplink (a flow newer than the
 * snapshot: the conntrack lookup names it), DNAT to the published port, no PROMISC change before,
 * during or after, and no tcpdump (nor the script's shell) left after count, duration, Ctrl-C and
 * a killed ssh. Errors (no tcpdump on PATH, not root, a bad filter, an unknown container) come
 * from the tools' real stderr.
 */
import { mkdtemp, readFile, rm, chmod, mkdir, symlink, readdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa, type ResultPromise } from 'execa'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { CapturedPacket } from '../../src/shared/packets/format'
import { octalArg } from '../../src/main/packets/capture-script'
import { readLabTruth, REPO_ROOT, truthContainer, type LabTruth } from './support/truth'
import { NETLENS_BIN, must, run, until } from './support/live'
import './support/provided'

const skipReason = inject('liveSkip')
const ssh = inject('labSsh')

interface Cli {
  child: ResultPromise
  stderr: () => string
  stdout: () => string
}

/** `netlens packets …` in the background, its output collected as it comes. */
function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Cli {
  let out = ''
  let err = ''
  const child = execa(process.execPath, [NETLENS_BIN, 'packets', ...args], {
    cwd: REPO_ROOT,
    reject: false,
    buffer: false,
    env: { NETLENS_SSH_CONFIG: ssh?.configFile ?? '', ...env },
    timeout: 150_000
  })
  child.stdout?.setEncoding('utf8')
  child.stderr?.setEncoding('utf8')
  child.stdout?.on('data', (c: string) => (out += c))
  child.stderr?.on('data', (c: string) => (err += c))
  return { child, stderr: () => err, stdout: () => out }
}

/** tcpdump is listening: the CLI says so on stderr (`… stops after …`). */
const listening = (cli: Cli): Promise<boolean> =>
  until('tcpdump listening', async () => /stops after/.test(cli.stderr()) || cli.child.exitCode !== null, 60_000, 100)

async function finished(cli: Cli): Promise<{ exitCode: number | undefined; out: string; err: string }> {
  const r = await cli.child
  return { exitCode: r.exitCode, out: cli.stdout(), err: cli.stderr() }
}

/** Processes still running for a capture on IFACE: tcpdump itself or the capture script's shell. */
async function leftovers(iface: string): Promise<string[]> {
  const ps = await run('ps', ['-eo', 'pid=,args='])
  const script = `sh -s -- ${octalArg(iface)} `
  return ps.stdout
    .split('\n')
    .filter((l) => (l.includes('tcpdump') && new RegExp(`-i ${iface}( |$)`).test(l)) || l.includes(script))
    .map((l) => l.trim())
}
const noLeftovers = (iface: string): Promise<boolean> =>
  until(`no capture processes left on ${iface}`, async () => (await leftovers(iface)).length === 0, 15_000, 200)

async function linkFlags(iface: string): Promise<{ flags: string[]; promiscuity: number }> {
  const [link] = JSON.parse(await must('ip', ['-d', '-j', 'link', 'show', 'dev', iface])) as {
    flags: string[]
    promiscuity: number
  }[]
  return { flags: link.flags, promiscuity: link.promiscuity }
}

const ping = (container: string, ip: string, count = 3): Promise<string> =>
  must('docker', ['exec', container, '/bin/busybox', 'ping', '-c', String(count), '-i', '0.2', '-W', '2', ip])

const jsonPackets = (out: string): CapturedPacket[] =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CapturedPacket)

describe.skipIf(skipReason)('netlens packets on the live lab', () => {
  let truth: LabTruth
  let dir = ''
  let defaultVeth = ''
  let defaultIp = ''
  let webIp = ''

  beforeAll(async () => {
    truth = await readLabTruth()
    dir = await mkdtemp(join(tmpdir(), 'nllab-packets-'))
    await chmod(dir, 0o1777)
    const d = truthContainer(truth, 'nllab-default').interfaces.find((i) => i.ifname === 'eth0')!
    defaultVeth = d.hostVeth!
    defaultIp = d.addresses.find((a) => a.includes('.'))!.split('/')[0]
    webIp = truthContainer(truth, 'nllab-web')
      .interfaces.find((i) => i.ifname === 'eth0')!
      .addresses.find((a) => a.includes('.'))!
      .split('/')[0]
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const sources = (): [string, string][] => [
    ['local', 'local'],
    ['ssh', ssh ? `ssh:${ssh.aliases.ok}` : 'ssh:missing']
  ]

  describe.each(['local', 'ssh'] as const)('%s', (via) => {
    const source = (): string => sources().find(([v]) => v === via)![1]

    it('a ping from nllab-default to the wan, captured by --container into a pcap tcpdump -r reads with the expected count; PROMISC never set', async () => {
      const file = join(dir, `ping-${via}.pcap`)
      const before = await linkFlags(defaultVeth)
      const cli = startCli([source(), '--container', 'nllab-default', '--filter', 'icmp', '--count', '6', '-o', file])
      await listening(cli)
      expect(cli.stderr()).toContain(`${defaultVeth} (host end of nllab-default eth0)`)
      const during = await linkFlags(defaultVeth)
      await ping('nllab-default', truth.wan.nsIp, 3)
      const r = await finished(cli)
      expect(r.exitCode, r.err).toBe(0)
      expect(r.err).toMatch(/6 packets \(\d+ bytes of pcap\), stopped by the packet count/)
      const after = await linkFlags(defaultVeth)
      for (const f of [before, during, after]) expect(f.flags).not.toContain('PROMISC')
      expect(during).toEqual(before)
      expect(after).toEqual(before)
      expect((await stat(file)).mode & 0o777).toBe(0o600)
      const read = await run('tcpdump', ['-r', file, '-n'])
      expect(read.exitCode, read.stderr).toBe(0)
      const lines = read.stdout.split('\n').filter((l) => /^\d\d:/.test(l))
      expect(lines).toHaveLength(6)
      expect(lines.filter((l) => l.includes(`${defaultIp} > ${truth.wan.nsIp}: ICMP echo request`))).toHaveLength(3)
      expect(lines.filter((l) => l.includes(`${truth.wan.nsIp} > ${defaultIp}: ICMP echo reply`))).toHaveLength(3)
      await noLeftovers(defaultVeth)
    })

    it('on the uplink, a flow newer than the snapshot: each echo request names nllab-default and the MASQUERADE', async () => {
      const cli = startCli([
        source(),
        '--iface',
        truth.wan.hostIf,
        '--filter',
        `icmp and host ${truth.wan.nsIp}`,
        '--count',
        '4',
        '--json'
      ])
      await listening(cli)
      const wanBefore = await linkFlags(truth.wan.hostIf)
      await ping('nllab-default', truth.wan.nsIp, 2)
      const r = await finished(cli)
      expect(r.exitCode, r.err).toBe(0)
      const packets = jsonPackets(r.out)
      expect(packets).toHaveLength(4)
      const requests = packets.filter((p) => p.summary.icmp?.type === 8)
      expect(requests).toHaveLength(2)
      for (const p of requests) {
        expect(p.summary.src).toBe(truth.wan.hostIp)
        expect(p.annotation.nat[0]).toMatchObject({
          kind: 'SNAT',
          side: 'after',
          container: 'nllab-default',
          inner: { ip: defaultIp },
          target: 'MASQUERADE',
          evidence: 'conntrack'
        })
        expect(p.annotation.nat[0].rule).toMatch(/-A POSTROUTING -s 172\.17\.0\.0\/16 ! -o docker0 -j MASQUERADE/)
      }
      expect(await linkFlags(truth.wan.hostIf)).toEqual(wanBefore)
      await noLeftovers(truth.wan.hostIf)
    })

    it('a request to the published port: DNAT to nllab-web on the uplink, and from :port on its veth', async () => {
      const webVeth = truthContainer(truth, 'nllab-web').interfaces.find((i) => i.ifname === 'eth0')!.hostVeth!
      const uplink = startCli([
        source(),
        '--iface',
        truth.wan.hostIf,
        '--filter',
        `tcp dst port ${truth.webPort}`,
        '--count',
        '1',
        '--json'
      ])
      const veth = startCli([
        source(),
        '--container',
        'nllab-web',
        '--filter',
        'tcp dst port 80 and tcp[tcpflags] & tcp-syn != 0',
        '--count',
        '1',
        '--json'
      ])
      await Promise.all([listening(uplink), listening(veth)])
      await must('ip', [
        'netns',
        'exec',
        truth.wan.netns,
        '/bin/busybox',
        'timeout',
        '5',
        '/bin/busybox',
        'wget',
        '-qO-',
        `http://${truth.wan.hostIp}:${truth.webPort}/`
      ])
      const [u, v] = await Promise.all([finished(uplink), finished(veth)])
      expect(u.exitCode, u.err).toBe(0)
      expect(v.exitCode, v.err).toBe(0)
      const [onUplink] = jsonPackets(u.out)
      const [onVeth] = jsonPackets(v.out)
      expect(onUplink.annotation.nat[0]).toMatchObject({
        kind: 'DNAT',
        side: 'before',
        container: 'nllab-web',
        inner: { ip: webIp, port: 80 },
        outer: { port: truth.webPort }
      })
      expect(onUplink.annotation.nat[0].rule).toMatch(
        new RegExp(`--dport ${truth.webPort} -j DNAT --to-destination ${webIp.replace(/\./g, '\\.')}:80`)
      )
      expect(onVeth.summary.dst).toBe(webIp)
      expect(onVeth.annotation.dstName).toBe('nllab-web')
      expect(onVeth.annotation.nat[0]).toMatchObject({
        kind: 'DNAT',
        side: 'after',
        outer: { ip: truth.wan.hostIp, port: truth.webPort }
      })
      await Promise.all([noLeftovers(truth.wan.hostIf), noLeftovers(webVeth)])
    })

    it('stops at the duration with nothing captured, and leaves nothing running', async () => {
      const cli = startCli([source(), '--container', 'nllab-default', '--filter', 'udp port 9', '--duration', '2'])
      await listening(cli)
      expect(await leftovers(defaultVeth)).not.toEqual([])
      const r = await finished(cli)
      expect(r.exitCode, r.err).toBe(0)
      expect(r.err).toMatch(/0 packets \(24 bytes of pcap\), stopped by the duration/)
      await noLeftovers(defaultVeth)
    })

    it('stops at the byte cap: the pcap holds only whole packets within the cap, nothing is left running', async () => {
      const file = join(dir, `byte-cap-${via}.pcap`)
      // 24 bytes of pcap header + 16 per record header + a 98-byte echo frame (busybox ping's 56
      // data bytes): three packets fit in 400 bytes, the fourth would not.
      const cli = startCli([
        source(),
        '--container',
        'nllab-default',
        '--filter',
        'icmp',
        '--max-bytes',
        '400',
        '-o',
        file
      ])
      await listening(cli)
      await ping('nllab-default', truth.wan.nsIp, 3)
      const r = await finished(cli)
      expect(r.exitCode, r.err).toBe(0)
      expect(r.err).toMatch(/3 packets \(366 bytes of pcap\), stopped by the byte cap/)
      expect((await stat(file)).size).toBe(366)
      const read = await run('tcpdump', ['-r', file, '-n'])
      expect(read.exitCode, read.stderr).toBe(0)
      expect(read.stdout.split('\n').filter((l) => /^\d\d:/.test(l))).toHaveLength(3)
      await noLeftovers(defaultVeth)
    })

    it('Ctrl-C (SIGINT to the CLI) stops it: what was captured is kept, nothing is left running', async () => {
      const file = join(dir, `sigint-${via}.pcap`)
      const cli = startCli([source(), '--container', 'nllab-default', '--filter', 'icmp', '-o', file])
      await listening(cli)
      await ping('nllab-default', truth.wan.nsIp, 1)
      await until('the ping captured', async () => (await stat(file)).size > 24, 20_000, 100)
      cli.child.kill('SIGINT')
      const r = await finished(cli)
      expect(r.exitCode, r.err).toBe(0)
      expect(r.err).toMatch(/2 packets \(\d+ bytes of pcap\), stopped by Ctrl-C/)
      const read = await run('tcpdump', ['-r', file, '-n'])
      expect(read.stdout.split('\n').filter((l) => /^\d\d:/.test(l))).toHaveLength(2)
      await noLeftovers(defaultVeth)
    })

    it('a bad BPF filter: tcpdump’s own message, with the syntax help', async () => {
      const r = await finished(startCli([source(), '--container', 'nllab-default', '--filter', 'tcp port 80 and (']))
      expect(r.exitCode).toBe(1)
      expect(r.err).toMatch(
        /tcpdump rejected the filter "tcp port 80 and \(": can't parse filter expression: syntax error/
      )
      expect(r.err).toMatch(/man pcap-filter/)
      await noLeftovers(defaultVeth)
    })
  })

  it('ssh: killing the ssh client (a dropped connection) stops tcpdump on the host', async () => {
    const cli = startCli([`ssh:${ssh!.aliases.ok}`, '--container', 'nllab-default', '--duration', '120'])
    await listening(cli)
    expect(await leftovers(defaultVeth)).not.toEqual([])
    const children = await run('pgrep', ['-P', String(cli.child.pid), '-x', 'ssh'])
    const sshPid = Number(children.stdout.trim().split('\n')[0])
    expect(sshPid).toBeGreaterThan(0)
    process.kill(sshPid, 'SIGKILL')
    await noLeftovers(defaultVeth)
    const r = await finished(cli)
    expect(r.err).toMatch(/stopped by the end of the capture/)
    expect(r.err).toMatch(new RegExp(`the ssh connection to ${ssh!.aliases.ok} ended \\(SIGKILL\\)`))
  })

  it('--inside: the container’s own eth0 through nsenter', async () => {
    const r1 = startCli(['local', '--container', 'nllab-web', '--inside', '--filter', 'icmp', '--count', '2', '--json'])
    await listening(r1)
    await ping('nllab-app', webIp, 1)
    const r = await finished(r1)
    expect(r.exitCode, r.err).toBe(0)
    expect(r.err).toMatch(/eth0 inside nllab-web/)
    const packets = jsonPackets(r.out)
    expect(packets.map((p) => [p.annotation.srcName, p.annotation.dstName])).toEqual([
      ['nllab-app', 'nllab-web'],
      ['nllab-web', 'nllab-app']
    ])
  })

  it('an unknown container or interface: the containers or interfaces there are', async () => {
    const c = await finished(startCli(['local', '--container', 'nllab-nope']))
    expect(c.exitCode).toBe(1)
    expect(c.err).toMatch(/no container "nllab-nope"/)
    expect(c.err).toMatch(/nllab-web/)
    const i = await finished(startCli(['local', '--iface', 'nlnosuch0']))
    expect(i.exitCode).toBe(1)
    expect(i.err).toMatch(/no interface "nlnosuch0"/)
    expect(i.err).toMatch(new RegExp(truth.wan.hostIf))
  })

  it('no tcpdump on the host’s PATH: says so, with how to install it', async () => {
    // Every tool of /usr/bin but tcpdump (the script adds the sbin directories itself).
    const bin = join(dir, 'bin-without-tcpdump')
    await mkdir(bin)
    for (const name of await readdir('/usr/bin'))
      if (name !== 'tcpdump') await symlink(join('/usr/bin', name), join(bin, name))
    const r = await finished(startCli(['local', '--iface', truth.wan.hostIf, '--duration', '5'], { PATH: bin }))
    expect(r.exitCode).toBe(1)
    expect(r.err).toMatch(/tcpdump is not installed on this host \(or not on its PATH\)/)
    expect(r.err).toMatch(/apt-get install tcpdump/)
    expect(r.err).toMatch(/tcpdump: not found/)
  })

  describe('as a user who is not root', () => {
    const USER = 'nllabpkt'
    const removeUser = async (): Promise<void> => {
      if ((await run('id', ['-u', USER])).exitCode === 0) await run('userdel', [USER])
    }
    beforeAll(async () => {
      await removeUser()
      const add = await run('useradd', [
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        USER
      ])
      expect(add.exitCode, add.stderr).toBe(0)
    })
    afterAll(removeUser)

    it('no permission: tcpdump’s message and the way out (--sudo, root, or a capability)', async () => {
      const cmd = `cd ${REPO_ROOT} && exec ${process.execPath} ${NETLENS_BIN} packets local --iface ${truth.wan.hostIf} --duration 5`
      const r = await run('su', [USER, '-s', '/bin/sh', '-c', cmd], { timeout: 150_000 })
      expect(r.exitCode).toBe(1)
      expect(r.stderr).toMatch(
        /No permission to capture on nllabwan0 on this host: tcpdump: nllabwan0: You don't have permission to perform this capture on that device/
      )
      expect(r.stderr).toMatch(/--sudo/)
      await noLeftovers(truth.wan.hostIf)
    })
  })

  it('the capture files in this test were never readable by others', async () => {
    for (const name of await readdir(dir))
      if (name.endsWith('.pcap')) expect((await stat(join(dir, name))).mode & 0o077, name).toBe(0)
    expect(await readFile(join(dir, 'ping-local.pcap'))).toBeDefined()
  })
})
