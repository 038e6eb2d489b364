import { describe, expect, it } from 'vitest'
import { buildConntrack, classifyNat, readCount } from '../../../src/main/model/conntrack'
import { backendFromVersion, buildNat } from '../../../src/main/model/nat'
import { parseIptablesSave } from '../../../src/main/parsers/iptables-save'
import { parseNftJson } from '../../../src/main/parsers/nft-json'
import { cidrTextHolds } from '../../../src/shared/net/ip'
import { buildPublishedPorts, dnatPort } from '../../../src/main/model/ports'
import { parseNatAddress } from '../../../src/shared/netfilter/rule'
import type { NatRule } from '../../../src/shared/snapshot/schema'
import type { ConntrackRecord } from '../../../src/main/parsers/types'

const ctx = {
  dockerBridges: new Set(['docker0', 'br-63226b8903b9']),
  dockerSubnets: ['172.17.0.0/16', '172.24.0.0/16']
}

/** One iptables-save rule line through the parser and the NAT model (owners from `ctx`). */
function rule(raw: string, table = 'nat'): NatRule {
  const save = parseIptablesSave(`*${table}\n${raw}\nCOMMIT\n`).value
  const nat = buildNat({ save, save6: null, list: null, otherSave: null, nft: null, versionText: null, ...ctx })
  expect(nat.rules).toHaveLength(1)
  return nat.rules[0]
}

describe('iptables rule lines', () => {
  it('keep match, target and target args for display, and typed options for everything else', () => {
    const r = rule('[5:300] -A DOCKER ! -i br-x -p tcp -m tcp --dport 18080 -j DNAT --to-destination 10.0.0.2:80')
    expect([r.match, r.target, r.targetArgs]).toEqual([
      '! -i br-x -p tcp -m tcp --dport 18080',
      'DNAT',
      '--to-destination 10.0.0.2:80'
    ])
    expect(r.options).toEqual([
      { option: '-i', negated: true, values: ['br-x'] },
      { option: '-p', negated: false, values: ['tcp'] },
      { option: '-m', negated: false, values: ['tcp'] },
      { option: '--dport', negated: false, values: ['18080'] }
    ])
    expect(r.targetOptions).toEqual([{ option: '--to-destination', values: ['10.0.0.2:80'] }])
    expect(r.inInterface).toEqual({ negated: true, value: 'br-x' })
    const comment = rule('-A X -m comment --comment "a -j b" -j ACCEPT', 'filter')
    expect([comment.target, comment.match]).toEqual(['ACCEPT', '-m comment --comment "a -j b"'])
  })

  it('assigns owners', () => {
    expect(rule('-A DOCKER -i docker0 -j RETURN').owner).toBe('docker')
    expect(rule('-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER').owner).toBe('docker')
    expect(rule('-A POSTROUTING -s 172.24.0.2/32 -d 172.24.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE').owner).toBe(
      'docker'
    )
    expect(rule('-A POSTROUTING -s 10.9.0.0/16 -o eth0 -j MASQUERADE').owner).toBe('user')
    expect(rule('-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', 'filter').owner).toBe(
      'docker'
    )
    expect(rule('-A DOCKER-USER -j RETURN', 'filter').owner).toBe('docker')
    expect(rule('-A DOCKER-USER -s 203.0.113.0/24 -j DROP', 'filter').owner).toBe('user')
    expect(rule('-A KUBE-SERVICES -j KUBE-NODEPORTS').owner).toBe('kube')
    expect(rule('-A PREROUTING -j PREROUTING_direct').owner).toBe('other')
    expect(rule('-A LIBVIRT_PRT -s 192.168.122.0/24 -j MASQUERADE').owner).toBe('other')
    expect(rule('-A POSTROUTING -s 10.88.0.0/16 -j CNI-abc').owner).toBe('other')
  })

  it('contains CIDRs and reads the backend from iptables -V', () => {
    expect(cidrTextHolds('172.24.0.0/16', '172.24.0.2/32')).toBe(true)
    expect(cidrTextHolds('172.24.0.0/16', '172.25.0.0/16')).toBe(false)
    expect(cidrTextHolds('172.24.0.0/16', '172.0.0.0/8')).toBe(false)
    expect(backendFromVersion('iptables v1.8.9 (nf_tables)')).toBe('nf_tables')
    expect(backendFromVersion('iptables v1.8.9 (legacy)')).toBe('legacy')
    expect(backendFromVersion('iptables v1.4.21')).toBeNull()
  })
})

describe('published ports', () => {
  it('reads DNAT rules (iptables and nft) and to-destination forms', () => {
    expect(
      dnatPort(rule('-A DOCKER ! -i br-63226b8903b9 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.24.0.2:80'))
    ).toMatchObject({
      proto: 'tcp',
      hostIp: '0.0.0.0',
      hostPort: 8080,
      containerIp: '172.24.0.2',
      containerPort: 80
    })
    expect(
      dnatPort(
        rule('-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p udp -m udp --dport 53 -j DNAT --to-destination 172.17.0.5:5353')
      )
    ).toMatchObject({
      proto: 'udp',
      hostIp: '127.0.0.1',
      hostPort: 53,
      containerPort: 5353
    })
    // iifname != "br-dummy" tcp dport 8080 counter packets 0 bytes 0 dnat to 192.168.0.2:80
    const nftText = JSON.stringify({
      nftables: [
        {
          rule: {
            family: 'ip',
            table: 'docker-bridges',
            chain: 'dnat-ports',
            handle: 3,
            expr: [
              { match: { op: '!=', left: { meta: { key: 'iifname' } }, right: 'br-dummy' } },
              { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 8080 } },
              { counter: { packets: 0, bytes: 0 } },
              { dnat: { addr: '192.168.0.2', port: 80 } }
            ]
          }
        }
      ]
    })
    const nft = buildNat({
      save: null,
      save6: null,
      list: null,
      otherSave: null,
      nft: parseNftJson(nftText).value,
      versionText: null,
      ...ctx
    })
    expect(nft.rules[0].family).toBe('nft')
    expect(dnatPort(nft.rules[0])).toMatchObject({
      proto: 'tcp',
      hostPort: 8080,
      containerIp: '192.168.0.2',
      containerPort: 80
    })
    expect(parseNatAddress('[fd00::2]:80')).toEqual({ ip: 'fd00::2', port: 80 })
    expect(parseNatAddress('10.0.0.2')).toEqual({ ip: '10.0.0.2', port: null })
    expect(parseNatAddress('10.0.0.2-10.0.0.9:80-90')).toEqual({ ip: '10.0.0.2', port: 80 })
  })

  it('merges docker bindings, DNAT rules and docker-proxy listeners per host address and port', () => {
    const ports = buildPublishedPorts({
      docker: [
        {
          id: 'a'.repeat(64),
          name: 'web',
          image: 'i',
          state: 'running',
          running: true,
          pid: 1,
          networkMode: 'app',
          sandboxKey: null,
          networks: [
            {
              name: 'app',
              networkId: null,
              endpointId: null,
              ipAddress: '172.24.0.2',
              prefixLen: 16,
              gateway: '172.24.0.1',
              mac: null,
              ipv6: null
            }
          ],
          portBindings: [
            { containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 },
            { containerPort: 80, proto: 'tcp', hostIp: '::', hostPort: 8080 }
          ],
          configuredPortBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 8080 }],
          raw: ''
        }
      ],
      rules: [
        rule('-A DOCKER ! -i br-63226b8903b9 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.24.0.2:80'),
        rule('-A DOCKER ! -i docker0 -p tcp -m tcp --dport 9000 -j DNAT --to-destination 172.17.0.9:9000')
      ],
      listeners: [
        {
          proto: 'tcp',
          state: 'LISTEN',
          localAddress: '0.0.0.0',
          port: 8080,
          peer: null,
          process: 'docker-proxy',
          pid: 9888,
          raw: ''
        },
        {
          proto: 'tcp',
          state: 'LISTEN',
          localAddress: '::',
          port: 8080,
          peer: null,
          process: 'docker-proxy',
          pid: 9893,
          raw: ''
        },
        {
          proto: 'tcp',
          state: 'LISTEN',
          localAddress: '0.0.0.0',
          port: 22,
          peer: null,
          process: 'sshd',
          pid: 1,
          raw: ''
        }
      ],
      addressIndex: new Map([['172.17.0.9', ['portainer']]])
    })
    expect(ports.map((p) => [p.hostIp, p.hostPort, p.container, p.containerIp, p.sources, p.proxy])).toEqual([
      ['0.0.0.0', 8080, 'web', '172.24.0.2', ['docker', 'dnat', 'proxy'], 'docker-proxy pid=9888 0.0.0.0:8080'],
      ['::', 8080, 'web', null, ['docker', 'proxy'], 'docker-proxy pid=9893 [::]:8080'],
      ['0.0.0.0', 9000, 'portainer', '172.17.0.9', ['dnat'], null]
    ])
  })
})

describe('conntrack', () => {
  const tuple = (src: string, dst: string, sport: number, dport: number) => ({ src, dst, sport, dport })
  const record = (o: ReturnType<typeof tuple>, r: ReturnType<typeof tuple>): ConntrackRecord => ({
    l3proto: 'ipv4',
    proto: 'tcp',
    timeout: 100,
    state: 'ESTABLISHED',
    original: o,
    reply: r,
    flags: ['ASSURED'],
    mark: 0,
    zone: null,
    use: 1,
    raw: ''
  })

  it('classifies by comparing the tuples', () => {
    expect(classifyNat({ src: 'a', dst: 'b' }, { src: 'b', dst: 'a' })).toBe('none')
    expect(classifyNat({ src: '198.51.100.2', dst: '198.51.100.1' }, { src: '172.17.0.2', dst: '198.51.100.2' })).toBe(
      'DNAT'
    )
    expect(classifyNat({ src: '172.17.0.2', dst: '198.51.100.2' }, { src: '198.51.100.2', dst: '198.51.100.1' })).toBe(
      'SNAT'
    )
    expect(classifyNat({ src: '172.17.0.3', dst: '10.0.0.1' }, { src: '172.17.0.2', dst: '10.0.0.1' })).toBe(
      'SNAT+DNAT'
    )
  })

  it('attributes entries to containers by original src/dst and reply src, and honours the cap', () => {
    const index = new Map([
      ['172.17.0.2', ['web']],
      ['172.17.0.3', ['client', 'sidecar']]
    ])
    const ct = buildConntrack(
      [
        record(tuple('198.51.100.2', '198.51.100.1', 4000, 8080), tuple('172.17.0.2', '198.51.100.2', 80, 4000)),
        record(tuple('172.17.0.3', '172.17.0.2', 5000, 80), tuple('172.17.0.2', '172.17.0.3', 80, 5000)),
        record(tuple('127.0.0.1', '127.0.0.1', 1, 2), tuple('127.0.0.1', '127.0.0.1', 2, 1))
      ],
      10,
      262144,
      index
    )
    expect(ct.entries.map((e) => [e.nat, e.containers])).toEqual([
      ['DNAT', ['web']],
      ['none', ['client', 'sidecar', 'web']],
      ['none', []]
    ])
    expect(ct).toMatchObject({ total: 10, max: 262144, truncated: true })
    expect(buildConntrack([], 0, null, index).truncated).toBe(false)
    expect(buildConntrack(null, null, null, index)).toEqual({ total: null, max: null, truncated: false, entries: [] })
    expect(readCount('27\n')).toBe(27)
    expect(readCount('cat: no such file')).toBeNull()
  })
})
