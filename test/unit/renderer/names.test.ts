/**
 * Names beside ids (issue 15, items 2 and 8) on the lab-mirror scenario through the real pipeline:
 * bridges as `network (br-6573…)`, interfaces by container, NAT rules labelled with the networks
 * and containers they name, and the IPv6 docker-proxy side of a published port.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { renderScenarioCapture } from '../../../src/main/sim/index'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import {
  bridgeDisplayName,
  buildNameBook,
  interfaceDisplayName,
  ruleSubjects,
  shortBridgeId
} from '../../../src/shared/snapshot/names'
import { hostEndpoint, publishedPortView } from '../../../src/shared/snapshot/published-port-view'
import type { PublishedPort, Snapshot } from '../../../src/shared/snapshot/schema'
import { parseNftJson } from '../../../src/main/parsers/nft-json'
import { natFromIptablesSave } from '../../support/snapshot-builder'

function scenario(id: string): Snapshot {
  const capture = renderScenarioCapture(id)
  if (!capture.ok) throw new Error(capture.error.message)
  return buildSnapshot(capture.value)
}
const lab = scenario('lab-mirror')

describe('bridge names', () => {
  it('shortens only Docker’s own bridge ids and puts the network first', () => {
    expect(shortBridgeId('br-6573db8dd672')).toBe('br-6573…')
    expect(shortBridgeId('docker0')).toBe('docker0')
    expect(shortBridgeId('br-lan')).toBe('br-lan')
    expect(bridgeDisplayName('br-6573db8dd672', 'nllab-front')).toBe('nllab-front (br-6573…)')
    expect(bridgeDisplayName('docker0', 'bridge')).toBe('bridge (docker0)')
    expect(bridgeDisplayName('br0', null)).toBe('br0')
  })

  it('never loses the bridge name, whatever the names', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string(), { nil: null }), (bridge, network) => {
        const shown = bridgeDisplayName(bridge, network)
        expect(shown.startsWith(network || bridge)).toBe(true)
        if (network && network !== bridge) expect(shown).toContain(shortBridgeId(bridge))
      })
    )
  })
})

describe('the name book', () => {
  const book = buildNameBook(lab)
  it('names every lab bridge by its network and every veth by its container', () => {
    expect(interfaceDisplayName(book, 'host', 'br-6573db8dd672')).toBe('nllab-front (br-6573…)')
    expect(interfaceDisplayName(book, 'host', 'docker0')).toBe('bridge (docker0)')
    const web = lab.containers.find((c) => c.name === 'nllab-web')!
    const veth = web.interfaces[0].hostVeth!
    expect(interfaceDisplayName(book, 'host', veth)).toBe(`nllab-web · host end ${veth}`)
    expect(interfaceDisplayName(book, web.netns!, 'eth0')).toBe('nllab-web · eth0')
    expect(book.get(`host/${veth}`)?.peer).toEqual({ netns: web.netns, iface: 'eth0' })
    expect(book.get(`${web.netns}/eth0`)?.network).toBe('nllab-front')
    expect(interfaceDisplayName(book, 'host', 'eth0')).toBe('eth0')
  })

  it('keeps the owner of a shared namespace (nllab-sidecar joins nllab-web)', () => {
    const web = lab.containers.find((c) => c.name === 'nllab-web')!
    expect(book.get(`${web.netns}/eth0`)?.container).toBe('nllab-web')
  })
})

describe('NAT rule subjects', () => {
  const rule = (line: string): ReturnType<typeof ruleSubjects> => {
    const table = /-j (DNAT|MASQUERADE)|-A (OUTPUT|POSTROUTING) /.test(line) ? 'nat' : 'filter'
    return ruleSubjects(natFromIptablesSave(`*${table}\n${line}\nCOMMIT\n`).rules[0], lab)
  }
  it('finds networks by bridge and subnet, containers by address', () => {
    expect(rule('-A POSTROUTING -s 10.203.1.0/24 ! -o br-6573db8dd672 -j MASQUERADE')).toEqual({
      networks: ['nllab-front'],
      containers: []
    })
    expect(
      rule('-A DOCKER ! -i br-6573db8dd672 -p tcp -m tcp --dport 18080 -j DNAT --to-destination 10.203.1.10:80')
    ).toEqual({ networks: ['nllab-front'], containers: ['nllab-web'] })
    expect(rule('-A POSTROUTING -s 10.203.1.10/32 -d 10.203.1.10/32 -p tcp -m tcp --dport 80 -j MASQUERADE')).toEqual({
      networks: [],
      containers: ['nllab-web']
    })
    expect(rule('-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER')).toEqual({
      networks: [],
      containers: []
    })
  })
  it('reads nft syntax too', () => {
    // iifname != "br-6573db8dd672" tcp dport 18080 dnat ip to 10.203.1.10:80
    const json = JSON.stringify({
      nftables: [
        {
          rule: {
            family: 'ip',
            table: 'nat',
            chain: 'DOCKER',
            handle: 7,
            expr: [
              { match: { op: '!=', left: { meta: { key: 'iifname' } }, right: 'br-6573db8dd672' } },
              { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 18080 } },
              { dnat: { family: 'ip', addr: '10.203.1.10', port: 80 } }
            ]
          }
        }
      ]
    })
    const [nftRule] = parseNftJson(json).value.rules
    expect(nftRule.text).toBe('iifname != "br-6573db8dd672" tcp dport 18080 dnat ip to 10.203.1.10:80')
    expect(ruleSubjects(nftRule, lab)).toEqual({
      networks: ['nllab-front'],
      containers: ['nllab-web']
    })
  })
})

describe('published ports', () => {
  const ports = lab.publishedPorts
  it('shows the IPv6 side of a mapping as docker-proxy’s normal path, with the container address', () => {
    const v6 = ports.find((p) => p.hostIp.includes(':'))!
    expect(v6.rule).toBeNull()
    expect(publishedPortView(v6, ports)).toEqual({
      host: '[::]:18080/tcp',
      container: '10.203.1.10:80',
      path: 'proxy-ipv6'
    })
    const v4 = ports.find((p) => p.hostIp === '0.0.0.0')!
    expect(publishedPortView(v4, ports)).toEqual({
      host: '0.0.0.0:18080/tcp',
      container: '10.203.1.10:80',
      path: 'dnat'
    })
  })
  it('still flags an IPv4 port without its DNAT rule', () => {
    const broken: PublishedPort = { ...ports.find((p) => p.hostIp === '0.0.0.0')!, rule: null }
    expect(publishedPortView(broken, [broken]).path).toBe('proxy-only')
    expect(publishedPortView({ ...broken, proxy: null }, []).path).toBe('missing')
    expect(publishedPortView({ ...broken, proxy: null, hostIp: '::', containerIp: null }, []).path).toBe('missing')
  })
  it('brackets IPv6 host addresses', () => {
    expect(hostEndpoint('::', 80)).toBe('[::]:80')
    expect(hostEndpoint('[::1]', 80)).toBe('[::1]:80')
    expect(hostEndpoint('', 80)).toBe('*:80')
    expect(hostEndpoint('127.0.0.1', 80)).toBe('127.0.0.1:80')
  })
})
