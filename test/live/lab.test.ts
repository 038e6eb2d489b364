/**
 * The lab itself: is the topology what scripts/lab.sh promises, read independently of NetLens?
 * Other live tests compare NetLens against `lab.sh truth`, so the truth must first be sane.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { execa } from 'execa'
import { lab, LAB_CONTAINERS, readLabTruth, truthContainer, type LabTruth } from './support/truth'
import './support/provided'

const skipReason = inject('liveSkip')

describe.skipIf(skipReason)('live lab topology', () => {
  let truth: LabTruth
  const bridgeOf = (network: string): string => truth.networks.find((n) => n.name === network)!.bridge
  const nonLo = (name: string) => truthContainer(truth, name).interfaces.filter((i) => i.ifname !== 'lo')

  beforeAll(async () => {
    // Fresh conntrack entries for the NAT checks (ICMP entries expire after 30 s).
    const traffic = await lab('traffic')
    expect(traffic.exitCode, traffic.stderr).toBe(0)
    truth = await readLabTruth()
  })

  it('runs every lab container', async () => {
    expect(truth.containers.map((c) => c.name).sort()).toEqual([...LAB_CONTAINERS].sort())
    for (const c of truth.containers) expect(c.pid, c.name).toBeGreaterThan(0)
    const status = await lab('status')
    expect(status.exitCode, status.stdout).toBe(0)
  })

  it('has the two user networks, the back one internal', () => {
    const front = truth.networks.find((n) => n.name === 'nllab-front')!
    const back = truth.networks.find((n) => n.name === 'nllab-back')!
    expect(front).toMatchObject({ driver: 'bridge', internal: false, subnet: '10.203.1.0/24' })
    expect(back).toMatchObject({ driver: 'bridge', internal: true, subnet: '10.203.2.0/24' })
    expect(front.bridge).toMatch(/^br-[0-9a-f]{12}$/)
  })

  it('wires each bridged container to a host veth on the right bridge', async () => {
    expect(nonLo('nllab-default')).toEqual([expect.objectContaining({ ifname: 'eth0', master: 'docker0' })])
    expect(nonLo('nllab-web')).toEqual([expect.objectContaining({ ifname: 'eth0', addresses: ['10.203.1.10/24'], master: bridgeOf('nllab-front') })])
    expect(nonLo('nllab-db')).toEqual([expect.objectContaining({ ifname: 'eth0', addresses: ['10.203.2.10/24'], master: bridgeOf('nllab-back') })])
    const app = nonLo('nllab-app')
    expect(app.map((i) => [i.addresses[0], i.master]).sort()).toEqual(
      [
        ['10.203.1.20/24', bridgeOf('nllab-front')],
        ['10.203.2.20/24', bridgeOf('nllab-back')]
      ].sort()
    )
    // Independently of truth's jq join: the host veth named there has the peer's ifindex and the master.
    for (const name of ['nllab-default', 'nllab-web', 'nllab-db', 'nllab-app']) {
      for (const i of nonLo(name)) {
        expect(i.kind).toBe('veth')
        expect(i.hostVeth, `${name}/${i.ifname}`).toMatch(/^veth/)
        const link = JSON.parse((await execa('ip', ['-j', 'link', 'show', 'dev', i.hostVeth!])).stdout) as { ifindex: number; master?: string }[]
        expect(link[0].ifindex).toBe(i.peerIfindex)
        expect(link[0].master).toBe(i.master)
      }
    }
  })

  it('shares nllab-web’s namespace with the sidecar, the host’s with nllab-hostmode, none with nllab-none', () => {
    const web = truthContainer(truth, 'nllab-web')
    const sidecar = truthContainer(truth, 'nllab-sidecar')
    expect(sidecar.networkMode).toBe('container:nllab-web')
    expect(sidecar.netnsInode).toBe(web.netnsInode)
    expect(sidecar.interfaces).toEqual(web.interfaces)
    const hostmode = truthContainer(truth, 'nllab-hostmode')
    expect(hostmode).toMatchObject({ networkMode: 'host', sharesHostNetns: true })
    expect(hostmode.interfaces.some((i) => i.ifname === truth.wan.hostIf)).toBe(true)
    expect(hostmode.interfaces.every((i) => i.hostVeth === null)).toBe(true)
    const none = truthContainer(truth, 'nllab-none')
    expect(none.networkMode).toBe('none')
    expect(none.interfaces.map((i) => i.ifname)).toEqual(['lo'])
    expect(web.ports).toContainEqual(expect.objectContaining({ container: '80/tcp', hostPort: truth.webPort }))
  })

  it('has a wan namespace inside 198.51.100.0/24 joined to the host by a veth', () => {
    expect(truth.wan.hostIp).toMatch(/^198\.51\.100\.\d+$/)
    const inside = truth.wan.interfaces.find((i) => i.ifname === truth.wan.nsIf)!
    expect(inside.addresses[0]).toMatch(new RegExp(`^${truth.wan.nsIp.replace(/\./g, '\\.')}/`))
    expect(inside.peerIfindex).toBe(truth.wan.hostIfindex)
  })

  it('made real MASQUERADE and DNAT conntrack entries', async () => {
    const masq = await execa('conntrack', ['-L', '-d', truth.wan.nsIp], { reject: false })
    const lines = masq.stdout.split('\n')
    // Reply goes to the host's wan address: the source was masqueraded.
    expect(lines.some((l) => l.includes('src=172.17.') && l.includes(`dst=${truth.wan.hostIp}`))).toBe(true)
    expect(lines.some((l) => l.includes('src=10.203.1.20') && l.includes(`dst=${truth.wan.hostIp}`))).toBe(true)
    const dnat = await execa('conntrack', ['-L', '-p', 'tcp', '--orig-port-dst', String(truth.webPort)], { reject: false })
    expect(dnat.stdout).toMatch(new RegExp(`dport=${truth.webPort} src=10\\.203\\.1\\.10 dst=${truth.wan.nsIp.replace(/\./g, '\\.')} sport=80`))
  })
})
