/**
 * Podman next to the Docker lab (issue #20), against reality. This file builds the Podman part of
 * the lab itself (`scripts/lab-podman.sh up` and `up-rootless`: a netavark network, nllab-pod-web
 * publishing 8090, nllab-pod-app, a pod of two containers, container:, host and none modes, and a
 * rootless container of a test user behind slirp4netns) and removes it in afterAll. The live tier's
 * globalSetup holds the lab lock the whole run: creating the test user, making /dev/net/tun 0666
 * for slirp4netns (it is 0600 on these machines; `down` restores it) and deleting a Docker
 * MASQUERADE rule (restored in `finally`) are machine-wide changes.
 *
 * - every Podman attachment equals the truth read inside each namespace; runtime labelled; the 8090
 *   DNAT rule found; Docker's containers unchanged;
 * - with Podman there, a deleted Docker MASQUERADE is still reported, Podman's own published port
 *   raises no port conflict, and each rule is shown with its real chain;
 * - a real wget to 8090 (from the lab wan namespace, and from a Docker container) matches trace;
 * - the rootless container, inspected by NetLens run as its user (the CLI), with its slirp4netns path.
 * Without podman (and netavark, slirp4netns, uidmap) it skips loudly, and fails under
 * NETLENS_REQUIRE_ALL_TIERS=1.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { execa } from 'execa'
import { resolve } from 'node:path'
import { diagnose } from '../../src/shared/diagnose/index'
import { traceFlow } from '../../src/shared/trace/index'
import type { Finding, TraceResult } from '../../src/shared/api/types'
import type { Container, Snapshot } from '../../src/shared/snapshot/schema'
import { readLabTruth, REPO_ROOT, type LabTruth, type LabTruthContainer } from './support/truth'
import { boundedWget, dockerNetwork, liveSnapshot, must, netlens, run } from './support/live'
import './support/provided'

const LAB_PODMAN = resolve(REPO_ROOT, 'scripts/lab-podman.sh')
const liveSkip = inject('liveSkip')

interface PodmanTruthContainer extends LabTruthContainer {
  runtime: 'podman'
  user: string
  pod: string | null
  isInfra: boolean
  sandboxKey: string | null
}
interface PodmanTruth {
  port: number
  rootlessPort: number
  rootlessUser: string
  pod: string
  networks: { name: string; internal: boolean; dnsEnabled: boolean; subnet: string; gateway: string; bridge: string }[]
  forwarders: { pid: number; process: string; servesSandbox: boolean }[]
  containers: PodmanTruthContainer[]
}

const labPodman = (command: string) =>
  execa('bash', [LAB_PODMAN, command], { reject: false, cwd: REPO_ROOT, timeout: 300_000 })

async function missingPodmanTools(): Promise<string[]> {
  const missing: string[] = []
  for (const [bin, pkg] of [
    ['podman', 'podman'],
    ['runc', 'runc'],
    ['slirp4netns', 'slirp4netns'],
    ['newuidmap', 'uidmap']
  ]) {
    const r = await execa('sh', ['-c', 'command -v "$1"', 'sh', bin], { reject: false })
    if (r.exitCode !== 0) missing.push(`${bin} (apt-get install ${pkg})`)
  }
  const netavark = await execa('sh', ['-c', 'ls /usr/lib/podman/netavark /usr/libexec/podman/netavark'], {
    reject: false
  })
  if (!/netavark/.test(netavark.stdout)) missing.push('netavark (apt-get install netavark aardvark-dns)')
  return missing
}

const podmanSkip: string | null = liveSkip
  ? liveSkip
  : await (async () => {
      const missing = await missingPodmanTools()
      if (!missing.length) return null
      const reason = `podman live tests need ${missing.join('; ')}`
      if (process.env.NETLENS_REQUIRE_ALL_TIERS === '1') throw new Error(`${reason} (NETLENS_REQUIRE_ALL_TIERS=1)`)
      console.warn(`\n${'!'.repeat(100)}\n!!!! PODMAN LIVE TESTS SKIPPED: ${reason}\n${'!'.repeat(100)}\n`)
      return reason
    })()

const describeTrace = (t: TraceResult): string => `${t.from} → ${t.to}: ${t.verdict} (${t.reason.en})`
const findings = (s: Snapshot, id: string): Finding[] => diagnose(s).filter((f) => f.id === id)

describe.skipIf(podmanSkip)('Podman next to the Docker lab', () => {
  let podman: PodmanTruth
  let docker: LabTruth
  let snapshot: Snapshot

  beforeAll(async () => {
    for (const command of ['down', 'up', 'up-rootless', 'traffic']) {
      const r = await labPodman(command)
      if (r.exitCode !== 0) throw new Error(`lab-podman.sh ${command} failed (exit ${r.exitCode}):\n${r.stderr}`)
    }
    const truth = await labPodman('truth')
    if (truth.exitCode !== 0) throw new Error(`lab-podman.sh truth failed: ${truth.stderr}`)
    podman = JSON.parse(truth.stdout) as PodmanTruth
    docker = await readLabTruth()
    snapshot = await liveSnapshot('local', null)
  })
  afterAll(async () => {
    const r = await labPodman('down')
    if (r.exitCode !== 0) console.warn(`live: lab-podman.sh down failed: ${r.stderr}`)
  })

  const named = (s: Snapshot, name: string): Container => {
    const c = s.containers.find((x) => x.name === name)
    if (!c) throw new Error(`NetLens has no container ${name}: ${s.containers.map((x) => x.name).join(', ')}`)
    return c
  }
  /** Attachments as the namespace itself reports them (truth) and as NetLens joined them. */
  const truthAttachments = (c: LabTruthContainer) =>
    c.interfaces
      .filter((i) => i.ifname !== 'lo')
      .map((i) => ({
        ifname: i.ifname,
        hostVeth: i.hostVeth,
        bridge: i.master,
        v4: i.addresses.filter((a) => a.includes('.'))
      }))
  const netlensAttachments = (c: Container) =>
    c.interfaces.map((i) => ({
      ifname: i.ifname,
      hostVeth: i.hostVeth,
      bridge: i.bridge,
      v4: i.addresses.filter((a) => a.includes('.'))
    }))

  it('joins every rootful Podman container exactly as its namespace says, and labels its runtime', () => {
    const rootful = podman.containers.filter((c) => c.user === 'root')
    expect(rootful.length).toBe(8)
    for (const t of rootful) {
      const c = named(snapshot, t.name)
      expect(c.runtime, t.name).toBe('podman')
      expect(c.networkMode, t.name).toBe(t.networkMode)
      // container: members and pod members show their owner's interfaces; the owner has the veth.
      const owner = t.networkMode.startsWith('container:')
        ? podman.containers.find((o) => `container:${o.name}` === t.networkMode)!
        : t
      if (t.networkMode === 'host') expect(c.interfaces, t.name).toEqual([])
      else if (t.networkMode.startsWith('container:'))
        expect(netlensAttachments(named(snapshot, owner.name)), t.name).toEqual(truthAttachments(owner))
      else expect(netlensAttachments(c), t.name).toEqual(truthAttachments(t))
    }
    const web = podman.containers.find((c) => c.name === 'nllab-pod-web')!
    expect(truthAttachments(web)[0].bridge).toMatch(/^podman\d+$/)
    expect(truthAttachments(web)[0].hostVeth).toMatch(/^veth\d+$/)
    for (const member of ['nllab-pod-pa', 'nllab-pod-pb']) expect(named(snapshot, member).pod).toBe(podman.pod)
    const net = podman.networks[0]
    expect(snapshot.networks.find((n) => n.runtime === 'podman' && n.name === net.name)).toMatchObject({
      bridge: net.bridge,
      subnet: net.subnet,
      gateway: net.gateway,
      internal: net.internal,
      dns: net.dnsEnabled
    })
  })

  it('finds the 8090 DNAT rule in netavark’s chain, held by conmon', () => {
    const port = snapshot.publishedPorts.find((p) => p.hostPort === podman.port && p.proto === 'tcp')
    const web = podman.containers.find((c) => c.name === 'nllab-pod-web')!
    expect(port).toMatchObject({
      container: 'nllab-pod-web',
      runtime: 'podman',
      containerIp: web.networks[0].ip,
      containerPort: 80
    })
    expect(port?.rule).toMatch(
      new RegExp(
        `^-A NETAVARK-DN-\\S+ -p tcp -m tcp --dport ${podman.port} -j DNAT --to-destination ${web.networks[0].ip.replace(/\./g, '\\.')}:80$`
      )
    )
    expect(snapshot.nat.rules.find((r) => r.raw === port?.rule)?.owner).toBe('podman')
    expect(port?.proxy).toMatch(/^conmon pid=\d+ /)
  })

  it('leaves Docker’s containers as they were', () => {
    for (const t of docker.containers) {
      const c = named(snapshot, t.name)
      expect(c.runtime, t.name).toBe('docker')
      expect(c.networkMode, t.name).toBe(t.networkMode)
      if (!t.networkMode.startsWith('container:') && t.networkMode !== 'host')
        expect(netlensAttachments(c), t.name).toEqual(truthAttachments(t))
    }
  })

  it('raises no port conflict for Podman’s own ports, and no missing MASQUERADE on the healthy lab', () => {
    const conflicts = findings(snapshot, 'port-conflict')
    expect(
      conflicts.filter((f) =>
        f.objects.some((o) => o.id === `${podman.port}/tcp` || o.id === `${podman.rootlessPort}/tcp`)
      )
    ).toEqual([])
    expect(findings(snapshot, 'missing-masquerade')).toEqual([])
  })

  it('still reports a deleted Docker MASQUERADE with Podman’s conditional one in POSTROUTING (restored afterwards)', async () => {
    const front = await dockerNetwork('nllab-front')
    const spec = ['-s', front.subnet, '!', '-o', front.bridge, '-j', 'MASQUERADE']
    const line = `-A POSTROUTING ${spec.join(' ')}`
    const listing = async () =>
      (await must('iptables', ['-t', 'nat', '-S', 'POSTROUTING'])).split('\n').filter((l) => l.startsWith('-A '))
    const before = await listing()
    const position = before.indexOf(line) + 1
    expect(position, `${line} not in ${before.join(' | ')}`).toBeGreaterThan(0)
    expect(before.some((l) => /NETAVARK-HOSTPORT-MASQ/.test(l))).toBe(true)
    await must('iptables', ['-t', 'nat', '-D', 'POSTROUTING', ...spec])
    try {
      const s = await liveSnapshot('local', null)
      const f = findings(s, 'missing-masquerade')
      expect(f.map((x) => x.title.en)).toEqual([`No MASQUERADE for network nllab-front (${front.subnet})`])
      // Every rule is shown with its own chain.
      for (const e of f[0].evidence) {
        const rule = s.nat.rules.find((r) => r.raw === e.raw)
        expect(e.label, e.raw).toBe(`nat ${rule?.chain}`)
      }
      expect(f[0].evidence.map((e) => e.label)).toContain('nat NETAVARK-HOSTPORT-MASQ')
    } finally {
      if (!(await listing()).includes(line))
        await must('iptables', ['-t', 'nat', '-I', 'POSTROUTING', String(position), ...spec])
    }
    expect(await listing()).toEqual(before)
  })

  it('a real wget to 8090 matches trace: dropped from the wan (Docker’s FORWARD policy), delivered from a Docker container', async () => {
    const url = `http://${docker.wan.hostIp}:${podman.port}/`
    const fromWan = traceFlow(snapshot, docker.wan.nsIp, `${docker.wan.hostIp}:${podman.port}`)
    const wan = await run('ip', ['netns', 'exec', docker.wan.netns, ...boundedWget(url, 4)], { timeout: 20_000 })
    expect({ trace: fromWan.verdict, wget: wan.exitCode === 0 }, describeTrace(fromWan)).toEqual({
      trace: 'dropped',
      wget: false
    })
    expect(fromWan.droppedBy).toBe('policy DROP of filter FORWARD')
    expect(findings(snapshot, 'port-forward-blocked').map((f) => f.title.en)).toContain(
      `Published port ${podman.port}/tcp never reaches nllab-pod-web: filter FORWARD drops it`
    )

    const fromApp = traceFlow(snapshot, 'nllab-app', `${docker.wan.hostIp}:${podman.port}`)
    let app = await run('docker', ['exec', 'nllab-app', ...boundedWget(url)], { timeout: 20_000 })
    if (app.exitCode !== 0) app = await run('docker', ['exec', 'nllab-app', ...boundedWget(url)], { timeout: 20_000 })
    expect({ trace: fromApp.verdict, wget: app.exitCode === 0 }, describeTrace(fromApp)).toEqual({
      trace: 'delivered',
      wget: true
    })
    expect(app.stdout).toContain('netlens podman lab')
    expect(fromApp.hops.map((h) => h.where)).toEqual(expect.arrayContaining(['nat NETAVARK-HOSTPORT-DNAT']))
  })

  it('the rootless port: rootlessport forwards a real wget from the wan, as trace says', async () => {
    const t = traceFlow(snapshot, docker.wan.nsIp, `${docker.wan.hostIp}:${podman.rootlessPort}`)
    const r = await run(
      'ip',
      ['netns', 'exec', docker.wan.netns, ...boundedWget(`http://${docker.wan.hostIp}:${podman.rootlessPort}/`, 5)],
      { timeout: 20_000 }
    )
    expect({ trace: t.verdict, wget: r.exitCode === 0 }, describeTrace(t)).toEqual({ trace: 'delivered', wget: true })
    expect(t.hops.find((h) => h.kind === 'proxy')?.description.en).toContain('nllab-pod-rl')
  })

  it('NetLens run as the rootless user (the CLI) shows its container with user, tap and slirp4netns path', async () => {
    const user = podman.rootlessUser
    const r = await execa(
      'su',
      [user, '-s', '/bin/sh', '-c', `cd ${REPO_ROOT} && node bin/netlens.mjs inspect local --json`],
      {
        reject: false,
        timeout: 240_000
      }
    )
    expect(r.exitCode, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout) as Snapshot
    expect(s.host.privileged).toBe(false)
    const truth = podman.containers.find((c) => c.user === user)!
    const rl = named(s, truth.name)
    const tap = truth.interfaces.find((i) => i.kind === 'tun')!
    expect(rl).toMatchObject({ runtime: 'podman', networkMode: 'slirp4netns' })
    expect(rl.rootless).toMatchObject({ user, network: 'slirp4netns', tap: tap.ifname })
    const slirp = podman.forwarders.find((f) => f.process === 'slirp4netns' && f.servesSandbox)!
    const rootlessport = podman.forwarders.find((f) => f.process === 'rootlessport')!
    expect(rl.rootless!.forwarders.find((f) => f.process === 'slirp4netns')).toMatchObject({
      pid: slirp.pid,
      detail: `slirp4netns pid=${slirp.pid} serves ${truth.sandboxKey} (${tap.ifname})`
    })
    expect(rl.rootless!.forwarders.find((f) => f.process === 'rootlessport')?.pid).toBe(rootlessport.pid)
    // No veth on any host bridge: its only interface is the tap inside its namespace.
    expect(rl.interfaces.map((i) => [i.ifname, i.hostVeth, i.bridge])).toEqual([[tap.ifname, null, null]])
    expect(s.publishedPorts.find((p) => p.hostPort === podman.rootlessPort)).toMatchObject({
      container: truth.name,
      runtime: 'podman'
    })
    // Root sees it too, through its conmon.
    expect(named(snapshot, truth.name).rootless).toMatchObject({ uid: expect.any(Number), tap: tap.ifname })
    // The text summary (what `netlens inspect` prints) names it and its mode.
    const text = await netlens(['inspect', 'local'])
    expect(text.stdout).toContain(truth.name)
  })
})
