/**
 * traceFlow on the lab snapshot (Docker 20.10 rules from the real lab capture): allowed paths
 * deliver with the right NAT, isolation drops at DOCKER-ISOLATION-STAGE-2, an internal network
 * cannot leave, missing routes give no-route, and unknowable cases say `unknown`.
 */
import { describe, expect, it } from 'vitest'
import type { TraceHop, TraceResult } from '../../../src/shared/api/types'
import type { SnapshotInput } from '../../../src/shared/snapshot/schema'
import { traceFlow, OUTSIDE_PROBE } from '../../../src/shared/trace'
import { bridgeNodeId, containerNodeId, ifaceNodeId, parseNodeId, uplinkNodeId } from '../../../src/shared/topology/ids'
import { addRule, healthySnapshot, inputIface, removeRules, snapshotWith } from '../../support/snapshot-builder'

const allNodes = (hops: TraceHop[]): string[] => hops.flatMap((h) => h.nodes)
const natHop = (r: TraceResult, kind: string): TraceHop | undefined =>
  r.hops.find((h) => h.description.en.startsWith(kind))

function addInternalOnly(s: SnapshotInput, withDefaultRoute: boolean): void {
  s.interfaces.push({
    name: 'veth1a2b3c4',
    ifindex: 75,
    netns: 'host',
    kind: 'veth',
    state: 'UP',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1500,
    mac: '3a:11:22:33:44:55',
    addresses: [],
    master: 'br-4fab1ca54d77',
    peer: { ifindex: 74, netns: 'pid:20001', name: 'eth0' }
  })
  s.containers.push({
    name: 'intonly',
    id: 'c0ffee0000000000000000000000000000000000000000000000000000000001',
    image: 'lab/busybox:1',
    state: 'running',
    pid: 20001,
    networkMode: 'nltmp-ll-int',
    netns: 'pid:20001',
    networks: ['nltmp-ll-int'],
    defaultGateway: withDefaultRoute ? '172.29.0.1' : null,
    interfaces: [
      {
        ifname: 'eth0',
        ifindex: 74,
        mac: '02:42:ac:1d:00:03',
        addresses: ['172.29.0.3/16'],
        network: 'nltmp-ll-int',
        hostVeth: 'veth1a2b3c4',
        bridge: 'br-4fab1ca54d77',
        evidence: 'netns-ifindex'
      }
    ],
    routes: [
      {
        netns: 'pid:20001',
        table: 'main',
        dst: '172.29.0.0/16',
        gateway: null,
        dev: 'eth0',
        protocol: 'kernel',
        scope: 'link',
        prefsrc: '172.29.0.3',
        metric: null,
        raw: '172.29.0.0/16 dev eth0 proto kernel scope link src 172.29.0.3'
      },
      ...(withDefaultRoute
        ? [
            {
              netns: 'pid:20001',
              table: 'main',
              dst: 'default',
              gateway: '172.29.0.1',
              dev: 'eth0',
              protocol: null,
              scope: null,
              prefsrc: null,
              metric: null,
              raw: 'default via 172.29.0.1 dev eth0'
            }
          ]
        : [])
    ]
  })
}

describe('allowed paths', () => {
  it('container → outside: delivered through MASQUERADE to the egress address, reply un-NATed', () => {
    const r = traceFlow(healthySnapshot(), 'nltmp-ll-multi', 'outside')
    expect(r.verdict).toBe('delivered')
    expect(r.proto).toBe('icmp')
    const masq = natHop(r, 'MASQUERADE')!
    expect(masq.rule).toBe('-A POSTROUTING -s 172.28.0.0/16 ! -o br-08358af093c8 -j MASQUERADE')
    expect(masq.packetBefore.src).toBe('172.28.0.3')
    expect(masq.packetAfter).toEqual({ src: '198.51.100.1', dst: OUTSIDE_PROBE, sport: null, dport: null })
    expect(r.hops.find((h) => h.where === 'filter FORWARD' && h.rule?.endsWith('-j ACCEPT'))?.rule).toBe(
      '-A FORWARD -i br-08358af093c8 ! -o br-08358af093c8 -j ACCEPT'
    )
    expect(allNodes(r.hops)).toEqual(
      expect.arrayContaining([
        containerNodeId('nltmp-ll-multi'),
        ifaceNodeId('pid:19445', 'eth0'),
        ifaceNodeId('host', 'vethc8ca41f'),
        bridgeNodeId('host', 'br-08358af093c8'),
        uplinkNodeId('nlpw0')
      ])
    )
    const back = r.reply.find((h) => h.description.en.startsWith('conntrack reverses MASQUERADE'))!
    expect(back.packetBefore.dst).toBe('198.51.100.1')
    expect(back.packetAfter.dst).toBe('172.28.0.3')
    expect(r.reply.find((h) => h.where === 'filter FORWARD' && h.rule?.includes('ESTABLISHED'))?.rule).toBe(
      '-A FORWARD -o br-08358af093c8 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'
    )
    expect(r.reply.at(-1)!.nodes).toContain(containerNodeId('nltmp-ll-multi'))
    expect(r.hops.map((h) => h.step)).toEqual(r.hops.map((_, i) => i + 1))
  })

  it('outside → published port: DNAT to the right container, reply source restored', () => {
    const r = traceFlow(healthySnapshot(), 'outside', '192.0.2.2:18080/tcp')
    expect(r.verdict).toBe('delivered')
    expect(r.proto).toBe('tcp')
    const dnat = natHop(r, 'DNAT')!
    expect(dnat.rule).toBe(
      '-A DOCKER ! -i br-08358af093c8 -p tcp -m tcp --dport 18080 -j DNAT --to-destination 172.28.0.2:80'
    )
    expect(dnat.where).toBe('nat DOCKER')
    expect(dnat.packetBefore).toMatchObject({ dst: '192.0.2.2', dport: 18080 })
    expect(dnat.packetAfter).toMatchObject({ dst: '172.28.0.2', dport: 80 })
    expect(r.hops.find((h) => h.where === 'filter DOCKER')?.rule).toBe(
      '-A DOCKER -d 172.28.0.2/32 ! -i br-08358af093c8 -o br-08358af093c8 -p tcp -m tcp --dport 80 -j ACCEPT'
    )
    expect(r.hops.at(-1)!.nodes).toEqual([containerNodeId('nltmp-ll-web'), ifaceNodeId('pid:19363', 'eth0')])
    const undo = r.reply.find((h) => h.description.en.startsWith('conntrack reverses DNAT'))!
    expect(undo.packetBefore.src).toBe('172.28.0.2')
    expect(undo.packetAfter).toMatchObject({ src: '192.0.2.2', sport: 18080, dst: OUTSIDE_PROBE })
  })

  it('two containers on one bridge: switched, FORWARD -i br -o br ACCEPT', () => {
    const r = traceFlow(healthySnapshot(), 'nltmp-ll-multi', 'nltmp-ll-web:80/tcp')
    expect(r.verdict).toBe('delivered')
    expect(r.hops.some((h) => h.rule === '-A FORWARD -i br-08358af093c8 -o br-08358af093c8 -j ACCEPT')).toBe(true)
    expect(r.hops.some((h) => h.description.en.startsWith('MASQUERADE'))).toBe(false)
  })

  it('a container-mode container uses the namespace it shares', () => {
    const r = traceFlow(healthySnapshot(), 'nltmp-ll-shared', 'outside')
    expect(r.verdict).toBe('delivered')
    expect(natHop(r, 'MASQUERADE')!.packetBefore.src).toBe('172.17.0.3')
  })

  it('a container calling the host published port reaches docker-proxy (userland proxy)', () => {
    const r = traceFlow(healthySnapshot(), 'nltmp-ll-def', '192.0.2.2:18080/tcp')
    expect(r.verdict).toBe('delivered')
    expect(r.hops.some((h) => h.rule === '-A DOCKER -i docker0 -j RETURN')).toBe(true)
    const proxy = r.hops.find((h) => h.kind === 'proxy')!
    expect(proxy.rule).toMatch(/docker-proxy",pid=19321/)
    expect(proxy.nodes).toEqual([containerNodeId('nltmp-ll-web')])
  })

  it('a host-network container sends as the host; its reply is checked in filter INPUT', () => {
    const s = snapshotWith((x) => {
      for (const c of x.nat.chains!) if (c.table === 'filter' && c.chain === 'FORWARD') c.policy = 'DROP'
      addRule(x, 'filter', '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT')
    })
    const r = traceFlow(s, 'nltmp-ll-host', 'outside')
    expect(r.verdict).toBe('delivered')
    expect(r.hops[0].packetBefore.src).toBe('198.51.100.1')
    expect(r.reply.find((h) => h.where === 'filter INPUT')?.rule).toBe(
      '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'
    )
    expect(r.reply.some((h) => h.where === 'filter FORWARD')).toBe(false)
  })

  it('containers sharing one namespace reach each other locally', () => {
    const r = traceFlow(healthySnapshot(), 'nltmp-ll-def', 'nltmp-ll-shared:80/tcp')
    expect(r.verdict).toBe('delivered')
    expect(r.reason.en).toBe('Delivered to nltmp-ll-shared.')
    expect(r.hops).toHaveLength(1)
    expect(r.reply.map((h) => h.kind)).toEqual(['deliver'])
  })

  it('nobody reaches a none-mode container', () => {
    expect(traceFlow(healthySnapshot(), 'nltmp-ll-web', 'nltmp-ll-none:80/tcp').verdict).toBe('no-route')
  })

  it('a host-network container as destination is the host itself', () => {
    const r = traceFlow(healthySnapshot(), 'nltmp-ll-multi', 'nltmp-ll-host')
    expect(r.verdict).toBe('delivered')
    expect(r.hops.some((h) => h.description.en.includes('local address of the host'))).toBe(true)
  })

  it('accepts an IP source and a host veth as the source', () => {
    expect(traceFlow(healthySnapshot(), '172.28.0.3', OUTSIDE_PROBE).verdict).toBe('delivered')
    expect(traceFlow(healthySnapshot(), 'vethc8ca41f', 'outside').hops[0].where).toBe('nltmp-ll-multi routing table')
  })
})

describe('blocked paths', () => {
  it('isolation between two bridge networks drops at DOCKER-ISOLATION-STAGE-2', () => {
    const r = traceFlow(healthySnapshot(), 'nltmp-ll-def', 'nltmp-ll-web:80/tcp')
    expect(r.verdict).toBe('dropped')
    expect(r.droppedBy).toBe('-A DOCKER-ISOLATION-STAGE-2 -o br-08358af093c8 -j DROP')
    expect(r.hops.at(-1)!.where).toBe('filter DOCKER-ISOLATION-STAGE-2')
    expect(r.reply).toEqual([])
  })

  it('a container only on an internal network has no route out', () => {
    const r = traceFlow(
      snapshotWith((s) => addInternalOnly(s, false)),
      'intonly',
      'outside'
    )
    expect(r.verdict).toBe('no-route')
    expect(r.reason.en).toContain('no default gateway')
  })

  it('even with a default route, the internal network is dropped by DOCKER-ISOLATION-STAGE-1', () => {
    const r = traceFlow(
      snapshotWith((s) => addInternalOnly(s, true)),
      'intonly',
      'outside'
    )
    expect(r.verdict).toBe('dropped')
    expect(r.droppedBy).toBe('-A DOCKER-ISOLATION-STAGE-1 ! -d 172.29.0.0/16 -i br-4fab1ca54d77 -j DROP')
  })

  it('no host route: no-route', () => {
    const s = snapshotWith((x) => void (x.routes = x.routes!.filter((r) => r.dst !== 'default')))
    const r = traceFlow(s, 'nltmp-ll-multi', '203.0.113.10')
    expect(r.verdict).toBe('no-route')
    expect(r.hops.at(-1)!.kind).toBe('route')
  })

  it('missing MASQUERADE: the request leaves, the reply has no route back (the seed lesson)', () => {
    const s = snapshotWith(
      (x) => void removeRules(x, (r) => r.raw === '-A POSTROUTING -s 172.28.0.0/16 ! -o br-08358af093c8 -j MASQUERADE')
    )
    const r = traceFlow(s, 'nltmp-ll-multi', 'outside')
    expect(r.verdict).toBe('no-route')
    expect(r.hops.at(-1)!.packetAfter.src).toBe('172.28.0.3')
    expect(r.reason.en).toMatch(/reply/)
    expect(r.reason['zh-CN']).toMatch(/回包/)
  })

  it('FORWARD policy DROP without accept rules: dropped by the policy', () => {
    const s = snapshotWith(
      (x) =>
        void removeRules(
          x,
          (r) =>
            r.table === 'filter' &&
            r.chain === 'FORWARD' &&
            r.target === 'ACCEPT' &&
            r.match.includes('br-08358af093c8')
        )
    )
    const r = traceFlow(s, 'nltmp-ll-multi', 'outside')
    expect(r.verdict).toBe('dropped')
    expect(r.droppedBy).toBe('policy DROP of filter FORWARD')
  })

  it('a DOCKER-USER DROP stops traffic to the published port', () => {
    const s = snapshotWith((x) => addRule(x, 'filter', '-A DOCKER-USER -s 198.51.100.0/24 -j DROP', 'first'))
    const r = traceFlow(s, 'outside', '192.0.2.2:18080/tcp')
    expect(r.verdict).toBe('dropped')
    expect(r.droppedBy).toBe('-A DOCKER-USER -s 198.51.100.0/24 -j DROP')
  })

  it('ip_forward off drops forwarded traffic', () => {
    const r = traceFlow(
      snapshotWith((x) => void (x.host.sysctls!['net.ipv4.ip_forward'] = '0')),
      'nltmp-ll-multi',
      'outside'
    )
    expect(r.verdict).toBe('dropped')
    expect(r.droppedBy).toBe('net.ipv4.ip_forward = 0')
  })

  it('a veth attached to no bridge drops at the veth', () => {
    const r = traceFlow(
      snapshotWith((x) => void (inputIface(x, 'vethc8ca41f').master = null)),
      'nltmp-ll-multi',
      'outside'
    )
    expect(r.verdict).toBe('dropped')
    expect(r.droppedBy).toMatch(/^71: vethc8ca41f@if70/)
  })

  it('icc=false DROP between containers on one bridge applies only while bridge-nf-call-iptables is 1', () => {
    const icc = (x: SnapshotInput): void =>
      addRule(x, 'filter', '-A FORWARD -i br-08358af093c8 -o br-08358af093c8 -j DROP', 'first')
    const on = traceFlow(snapshotWith(icc), 'nltmp-ll-multi', 'nltmp-ll-web:80/tcp')
    expect(on.verdict).toBe('dropped')
    expect(on.droppedBy).toBe('-A FORWARD -i br-08358af093c8 -o br-08358af093c8 -j DROP')
    const off = traceFlow(
      snapshotWith((x) => {
        icc(x)
        x.host.sysctls!['net.bridge.bridge-nf-call-iptables'] = '0'
      }),
      'nltmp-ll-multi',
      'nltmp-ll-web:80/tcp'
    )
    expect(off.verdict).toBe('delivered')
    expect([...off.hops, ...off.reply].some((h) => h.kind === 'netfilter')).toBe(false)
  })

  it('a none-mode container cannot send', () => {
    expect(traceFlow(healthySnapshot(), 'nltmp-ll-none', 'outside').verdict).toBe('no-route')
  })
})

describe('unknown', () => {
  it('rules only from the nft-native backend are not evaluated', () => {
    const s = snapshotWith((x) => {
      x.nat.rules = [
        {
          table: 'ip docker-bridges',
          chain: 'filter-FORWARD',
          position: 1,
          target: 'ACCEPT',
          match: 'oifname "br-x" ct state established,related',
          raw: 'oifname "br-x" ct state established,related accept',
          owner: 'docker',
          family: 'nft'
        }
      ]
      x.nat.chains = []
      x.nat.backendsPresent = ['nft-native']
    })
    const r = traceFlow(s, 'nltmp-ll-multi', 'outside')
    expect(r.verdict).toBe('unknown')
    expect(r.reason.en).toMatch(/nftables/)
  })

  it('a rule with matches NetLens cannot evaluate makes the verdict unknown', () => {
    const line = '-A DOCKER-USER -m set --match-set blocked src -j DROP'
    const r = traceFlow(
      snapshotWith((x) => addRule(x, 'filter', line, 'first')),
      'nltmp-ll-multi',
      'outside'
    )
    expect(r.verdict).toBe('unknown')
    expect(r.reason.en).toContain(line)
  })

  it('an unknown source or destination', () => {
    expect(traceFlow(healthySnapshot(), 'no-such-thing', 'outside').verdict).toBe('unknown')
    expect(traceFlow(healthySnapshot(), 'nltmp-ll-web', 'no-such-thing:80/tcp').verdict).toBe('unknown')
  })
})

describe('topology ids', () => {
  it('round-trip, including netns ids that contain ":"', () => {
    expect(parseNodeId(ifaceNodeId('pid:19445', 'eth0'))).toEqual({ kind: 'iface', netns: 'pid:19445', name: 'eth0' })
    expect(parseNodeId(bridgeNodeId('docker-netns:1-abc', 'br0'))).toEqual({
      kind: 'bridge',
      netns: 'docker-netns:1-abc',
      name: 'br0'
    })
    expect(parseNodeId(containerNodeId('web'))).toEqual({ kind: 'container', netns: null, name: 'web' })
    expect(parseNodeId(uplinkNodeId('eth0'))).toEqual({ kind: 'uplink', netns: 'host', name: 'eth0' })
    expect(parseNodeId('nonsense')).toBeNull()
  })
})
