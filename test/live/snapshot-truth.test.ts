/**
 * NetLens's snapshot of the real lab against the truth read from docker and from inside each
 * namespace (`lab.sh truth`, iptables-save, conntrack): every container interface's host veth,
 * bridge and network, the non-bridged modes, the published port and its DNAT rule, MASQUERADE per
 * non-internal network, and conntrack translations attributed to the right containers. Taken
 * locally and through the lab sshd; the two must agree.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest'
import type { Snapshot } from '../../src/shared/snapshot/schema'
import { normaliseRuleText } from '../../src/shared/snapshot/diff'
import { lab, LAB_CONTAINERS, readLabTruth, truthContainer, type LabTruth } from './support/truth'
import { boundedWget, labBridgeNetworks, liveSnapshot, must, run, type Via } from './support/live'
import './support/provided'

const skipReason = inject('liveSkip')
const ssh = inject('labSsh')

const VIAS: Via[] = ['local', 'ssh']
const BRIDGED = ['nllab-default', 'nllab-web', 'nllab-db', 'nllab-app'] as const

/** What must be identical between the local and the SSH snapshot of the same host. */
function projection(s: Snapshot) {
  return {
    containers: s.containers
      .map((c) => ({
        name: c.name,
        id: c.id,
        networkMode: c.networkMode,
        netns: c.netns,
        networks: [...c.networks].sort(),
        interfaces: c.interfaces
          .map((i) => ({ ifname: i.ifname, ifindex: i.ifindex, mac: i.mac, addresses: [...i.addresses].sort(), network: i.network, hostVeth: i.hostVeth, bridge: i.bridge, evidence: i.evidence }))
          .sort((a, b) => a.ifname.localeCompare(b.ifname))
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    veths: s.interfaces
      .filter((i) => i.netns === 'host' && i.kind === 'veth')
      .map((i) => ({ name: i.name, ifindex: i.ifindex, master: i.master, peer: i.peer }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    publishedPorts: s.publishedPorts
      .map((p) => ({ ...p, rule: p.rule ? normaliseRuleText(p.rule) : null }))
      .sort((a, b) => `${a.proto}${a.hostIp}${a.hostPort}`.localeCompare(`${b.proto}${b.hostIp}${b.hostPort}`)),
    natRules: s.nat.rules
      .filter((r) => r.table === 'nat')
      .map((r) => `${r.family} ${r.table} ${r.chain} ${r.position} ${r.owner}: ${normaliseRuleText(r.raw)}`)
      .sort()
  }
}

describe.skipIf(skipReason)('live snapshot vs. lab truth', () => {
  let truth: LabTruth
  const snaps = {} as Record<Via, Snapshot>
  let networks: Awaited<ReturnType<typeof labBridgeNetworks>>
  let iptablesNat: string

  beforeAll(async () => {
    // Fresh translations right before the captures: ICMP entries live 30 s, TCP TIME_WAIT 120 s,
    // so TCP from nllab-app through MASQUERADE too (lab.sh traffic only pings from there).
    const traffic = await lab('traffic')
    expect(traffic.exitCode, traffic.stderr).toBe(0)
    truth = await readLabTruth()
    const app = await run('docker', ['exec', 'nllab-app', ...boundedWget(`http://${truth.wan.nsIp}/`)])
    expect(app.exitCode, app.stderr).toBe(0)
    const [local, viaSsh] = await Promise.all([liveSnapshot('local', ssh), liveSnapshot('ssh', ssh)])
    snaps.local = local
    snaps.ssh = viaSsh
    networks = await labBridgeNetworks()
    iptablesNat = await must('iptables-save', ['-t', 'nat'])
  })

  const networkOfBridge = (bridge: string | null): string | null => networks.find((n) => n.bridge === bridge)?.name ?? null

  it.each(VIAS)('%s: lists every lab container with its network mode and namespace', (via) => {
    const s = snaps[via]
    expect(s.host.privileged).toBe(true)
    for (const name of LAB_CONTAINERS) {
      const c = s.containers.find((x) => x.name === name)
      expect(c, `${via}: ${name} missing`).toBeDefined()
      const t = truthContainer(truth, name)
      expect(c!.id).toBe(t.id)
      expect(c!.pid).toBe(t.pid)
      expect(c!.networkMode, name).toBe(t.networkMode)
      expect(c!.networks.sort(), name).toEqual(t.networkMode.startsWith('container:') ? [] : t.networks.map((n) => n.name).sort())
    }
  })

  it.each(VIAS)('%s: maps every bridged container interface to its host veth (by ifindex), bridge and network', (via) => {
    const s = snaps[via]
    for (const name of BRIDGED) {
      const t = truthContainer(truth, name)
      const c = s.containers.find((x) => x.name === name)!
      const truthIfs = t.interfaces.filter((i) => i.ifname !== 'lo')
      expect(c.interfaces.map((i) => i.ifname).sort(), name).toEqual(truthIfs.map((i) => i.ifname).sort())
      for (const ti of truthIfs) {
        const ci = c.interfaces.find((i) => i.ifname === ti.ifname)!
        const where = `${via}: ${name}/${ti.ifname}`
        expect(ti.hostVeth, `truth ${where}`).not.toBeNull()
        expect(ci.ifindex, where).toBe(ti.ifindex)
        expect(ci.mac, where).toBe(ti.mac)
        expect(ci.addresses.filter((a) => a.includes('.')), where).toEqual(ti.addresses.filter((a) => a.includes('.')))
        expect(ci.hostVeth, where).toBe(ti.hostVeth)
        expect(ci.bridge, where).toBe(ti.master)
        expect(ci.network, where).toBe(networkOfBridge(ti.master))
        expect(ci.evidence, where).toBe('netns-ifindex')
        const hostVeth = s.interfaces.find((i) => i.netns === 'host' && i.name === ti.hostVeth)
        expect(hostVeth, where).toBeDefined()
        expect(hostVeth!.ifindex, where).toBe(ti.hostVethIfindex)
        expect(hostVeth!.kind).toBe('veth')
        expect(hostVeth!.master, where).toBe(ti.master)
        expect(hostVeth!.peer?.ifindex, where).toBe(ti.ifindex)
        const bridge = s.bridges.find((b) => b.netns === 'host' && b.name === ti.master)
        expect(bridge?.ports, where).toContain(ti.hostVeth)
        expect(bridge?.network, where).toBe(networkOfBridge(ti.master))
      }
    }
  })

  it.each(VIAS)('%s: host, none and container: modes have no host veth or bridge of their own', (via) => {
    const s = snaps[via]
    const get = (name: string) => s.containers.find((x) => x.name === name)!
    for (const name of ['nllab-hostmode', 'nllab-none', 'nllab-sidecar']) {
      for (const i of get(name).interfaces) {
        expect(i.hostVeth, `${name}/${i.ifname}`).toBeNull()
        expect(i.bridge, `${name}/${i.ifname}`).toBeNull()
      }
    }
    expect(get('nllab-hostmode').netns).toBe('host')
    expect(get('nllab-none').interfaces.filter((i) => i.ifname !== 'lo')).toEqual([])
    // The sidecar shows nllab-web's interfaces (same namespace), not interfaces of its own.
    const web = get('nllab-web')
    const sidecar = get('nllab-sidecar')
    expect(sidecar.networkMode).toBe('container:nllab-web')
    expect(sidecar.netns).toBe(web.netns)
    const shape = (c: typeof web) => c.interfaces.map((i) => ({ ifname: i.ifname, ifindex: i.ifindex, mac: i.mac, addresses: i.addresses, network: i.network }))
    expect(shape(sidecar)).toEqual(shape(web))
    expect(shape(sidecar).map((i) => i.ifname)).toEqual(truthContainer(truth, 'nllab-sidecar').interfaces.filter((i) => i.ifname !== 'lo').map((i) => i.ifname))
  })

  it.each(VIAS)('%s: the published port with the DNAT rule that implements it', (via) => {
    const s = snaps[via]
    const web = truthContainer(truth, 'nllab-web')
    const webIp = web.networks.find((n) => n.name === 'nllab-front')!.ip
    const port = s.publishedPorts.find((p) => p.hostPort === truth.webPort && p.proto === 'tcp' && p.hostIp === '0.0.0.0')
    expect(port, `${via}: ${truth.webPort}/tcp not in ${JSON.stringify(s.publishedPorts)}`).toBeDefined()
    expect(port).toMatchObject({ container: 'nllab-web', containerPort: 80, containerIp: webIp })
    expect(port!.sources).toEqual(expect.arrayContaining(['docker', 'dnat']))
    expect(port!.rule).toMatch(new RegExp(`--dport ${truth.webPort} -j DNAT --to-destination ${webIp.replace(/\./g, '\\.')}:80$`))
    // The raw line is what iptables-save prints, verbatim, and is one of the snapshot's NAT rules.
    expect(iptablesNat.split('\n')).toContain(port!.rule)
    expect(s.nat.rules.some((r) => r.table === 'nat' && r.target === 'DNAT' && r.raw === port!.rule)).toBe(true)
  })

  it.each(VIAS)('%s: MASQUERADE for each non-internal lab network, none for the internal one', (via) => {
    const s = snaps[via]
    const masq = s.nat.rules.filter((r) => r.table === 'nat' && r.chain === 'POSTROUTING' && r.target === 'MASQUERADE')
    for (const n of networks) {
      const expected = `-A POSTROUTING -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`
      const rule = masq.find((r) => r.raw === expected)
      if (n.internal) {
        expect(masq.filter((r) => r.raw.includes(`-s ${n.subnet} `)), n.name).toEqual([])
      } else {
        expect(rule, `${via}: ${expected}`).toBeDefined()
        expect(rule!.owner).toBe('docker')
        expect(iptablesNat.split('\n')).toContain(expected)
      }
      const snapNet = s.networks.find((x) => x.name === n.name)
      expect(snapNet, n.name).toMatchObject({ internal: n.internal, bridge: n.bridge, subnet: n.subnet })
    }
  })

  it.each(VIAS)('%s: conntrack shows MASQUERADE and DNAT translations attributed to the containers', (via) => {
    const s = snaps[via]
    const { nsIp, hostIp } = truth.wan
    for (const name of ['nllab-default', 'nllab-app']) {
      const ips = truthContainer(truth, name).networks.map((n) => n.ip)
      const snat = s.conntrack.entries.filter(
        (e) => ips.includes(e.original.src) && e.original.dst === nsIp && e.reply.src === nsIp && e.reply.dst === hostIp
      )
      expect(snat.length, `${via}: no SNAT entry ${ips.join('|')} → ${nsIp}`).toBeGreaterThan(0)
      for (const e of snat) {
        expect(e.nat).toBe('SNAT')
        expect(e.containers).toContain(name)
      }
    }
    const webIp = truthContainer(truth, 'nllab-web').networks[0].ip
    const dnat = s.conntrack.entries.filter(
      (e) => e.proto === 'tcp' && e.original.src === nsIp && e.original.dst === hostIp && e.original.dport === truth.webPort
    )
    expect(dnat.length, `${via}: no DNAT entry ${nsIp} → ${hostIp}:${truth.webPort}`).toBeGreaterThan(0)
    for (const e of dnat) {
      expect(e.nat).toBe('DNAT')
      expect(e.reply).toMatchObject({ src: webIp, sport: 80, dst: nsIp })
      expect(e.containers).toContain('nllab-web')
    }
  })

  it('the SSH snapshot equals the local one (containers, veths, published ports, NAT rules)', () => {
    const local = projection(snaps.local)
    const viaSsh = projection(snaps.ssh)
    expect(viaSsh.containers).toEqual(local.containers)
    expect(viaSsh.veths).toEqual(local.veths)
    expect(viaSsh.publishedPorts).toEqual(local.publishedPorts)
    expect(viaSsh.natRules).toEqual(local.natRules)
    expect(snaps.ssh.host.source).toBe(`ssh:${ssh!.aliases.ok}`)
    expect(snaps.local.host.source).toBe('local')
    expect(snaps.ssh.host.hostname).toBe(snaps.local.host.hostname)
  })
})
