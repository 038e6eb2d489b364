/**
 * `scenario-from --anonymize` (#19 item 3): the output holds none of the source's names or
 * addresses (scanned), still renders to the source's structure (addresses and names aside), and is
 * the same for the same input.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { exportScenario } from '../../../src/main/sim/scenario-export'
import { renderScenarioCapture } from '../../../src/main/sim/index'
import type { Snapshot } from '../../../src/shared/snapshot/schema'
import { isIpv4, stripPrefix } from '../../../src/shared/net/ip'
import { captureFromDir } from '../../support/capture-from-dir'
import { hostileFile } from '../../support/hostile-corpus'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import { renderScenarioYaml, structureOf } from '../../support/scenario-structure'

const FIXTURES = join(import.meta.dirname, '../../fixtures')
const lab = (): Snapshot => buildSnapshot(captureFromDir(join(FIXTURES, 'lab/debian-12-docker-20.10')))
const overlay = (): Snapshot => buildSnapshot(captureFromDir(join(FIXTURES, 'lab/debian-12-docker-20.10-overlay')))
const hostile = (): Snapshot => {
  const parsed = parseCaptureText(hostileFile('names.cap').text())
  if (!parsed.ok) throw new Error(parsed.error.message)
  return buildSnapshot(parsed.value)
}

/** Names and addresses that identify the source: documentation, loopback and link-local ones do not. */
const GENERIC = /^(lo|eth\d+|ens\d+|docker0|docker_gwbridge|br0|bridge|host|none|ingress|vxlan\d+|veth\d+)$/
function secretsOf(s: Snapshot): { names: string[]; addresses: string[] } {
  const names = [
    s.host.hostname,
    ...s.containers.flatMap((c) => [c.name, c.image]),
    ...s.networks.map((n) => n.name),
    ...s.interfaces.map((i) => i.name)
  ].filter((n) => n && !GENERIC.test(n))
  const isPublicDoc = (ip: string): boolean => /^(192\.0\.2|198\.51\.100|203\.0\.113)\./.test(ip)
  const addresses = [
    ...s.interfaces.flatMap((i) => i.addresses),
    ...s.containers.flatMap((c) => c.interfaces.flatMap((i) => i.addresses)),
    ...s.networks.flatMap((n) => [n.subnet ?? '', n.gateway ?? ''])
  ]
    .map(stripPrefix)
    .filter((ip) => isIpv4(ip) && !/^(127\.|0\.|169\.254\.)/.test(ip) && !isPublicDoc(ip))
  return { names: [...new Set(names)], addresses: [...new Set(addresses)] }
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
function leaks(text: string, s: Snapshot): string[] {
  const { names, addresses } = secretsOf(s)
  return [
    ...names.filter((n) => new RegExp(`(?<![A-Za-z0-9_.@-])${escape(n)}(?![A-Za-z0-9_@-])`).test(text)),
    ...addresses.filter((ip) => new RegExp(`(?<![\\d.])${escape(ip)}(?![\\d])`).test(text))
  ]
}

describe('scenario-from --anonymize', () => {
  it.each([
    ['the lab', lab],
    ['the overlay lab', overlay],
    ['the hostile capture', hostile]
  ])('%s: no original name or address is left (scan), and the file loads', (_name, source) => {
    const snapshot = source()
    expect(secretsOf(snapshot).names.length).toBeGreaterThan(5)
    const plain = exportScenario(snapshot)
    expect(leaks(plain.text, snapshot).length).toBeGreaterThan(5) // the scan finds them when they are there
    const anonymized = exportScenario(snapshot, { anonymize: true })
    expect(leaks(anonymized.text, snapshot)).toEqual([])
    expect(anonymized.loadErrors).toEqual([])
  })

  it('keeps the structure: the same rules, modes, attachments and ports, addresses and names aside', () => {
    const snapshot = lab()
    const rendered = renderScenarioYaml(exportScenario(snapshot, { anonymize: true }).text)
    const a = structureOf(snapshot)
    const b = structureOf(rendered)
    const shape = (lines: string[]): string[] =>
      lines
        .map((l) => l.replace(/\d+\.\d+\.\d+\.\d+/g, 'IP').replace(/\b(br-[0-9a-f]{12}|br-\*)/g, 'BR'))
        .map((l) => l.replace(/^\S+ /, 'NAME ').replace(/ container:\S+ /, ' container:OWNER '))
        .sort()
    expect(b.natRules.map((l) => l.replace(/\d+\.\d+\.\d+\.\d+/g, 'IP'))).toEqual(
      a.natRules.map((l) => l.replace(/\d+\.\d+\.\d+\.\d+/g, 'IP'))
    )
    expect(
      shape(b.containers.map((l) => l.replace(/\[.*\]/, (legs) => legs.replace(/[^ [\]=@+]+=/g, 'NET='))))
    ).toEqual(shape(a.containers.map((l) => l.replace(/\[.*\]/, (legs) => legs.replace(/[^ [\]=@+]+=/g, 'NET=')))))
    expect(b.ports.length).toBe(a.ports.length)
    expect(b.conntrackKinds).toEqual(a.conntrackKinds)
  })

  it('maps addresses consistently: subnets, gateways and prefixes keep their relations', () => {
    const doc = parse(exportScenario(lab(), { anonymize: true }).text)
    const host = doc.hosts[0]
    for (const n of host.networks) {
      const [net, prefix] = n.subnet.split('/')
      expect(
        n.gateway
          .split('.')
          .slice(0, Number(prefix) / 8)
          .join('.')
      ).toBe(
        net
          .split('.')
          .slice(0, Number(prefix) / 8)
          .join('.')
      )
      expect(n.subnet).toMatch(/^10\./)
    }
    // nllab-front 10.203.1.0/24 and nllab-back 10.203.2.0/24 share a /16 before and after
    const subnets = host.networks.map((n: { subnet: string }) => n.subnet)
    const sixteen = (c: string): string => c.split('.').slice(0, 2).join('.')
    const slash24 = subnets.filter((s: string) => s.endsWith('/24'))
    expect(slash24).toHaveLength(2)
    expect(sixteen(slash24[0])).toBe(sixteen(slash24[1]))
    // the uplink was already a documentation address (192.0.2.2): kept
    expect(host.nics.find((n: { name: string }) => n.name === 'eth0').addresses).toEqual(['192.0.2.2/24'])
  })

  it('lists the kinds replaced at the top, never the originals', () => {
    const text = exportScenario(lab(), { anonymize: true }).text
    const header = text.slice(0, text.indexOf('\nid: '))
    expect(header).toMatch(/# - container names\n/)
    expect(header).toMatch(/# - private addresses/)
    expect(header).not.toMatch(/nllab|nltmp|file:lab/)
  })

  it('is deterministic', () => {
    expect(exportScenario(lab(), { anonymize: true }).text).toBe(exportScenario(lab(), { anonymize: true }).text)
  })

  it('maps public addresses to documentation ranges', () => {
    const capture = renderScenarioCapture('nat-mode')
    if (!capture.ok) throw new Error(capture.error.message)
    const snapshot = buildSnapshot(capture.value)
    const text = exportScenario(snapshot, { anonymize: true }).text
    const doc = parse(text)
    for (const f of doc.hosts[0].flows ?? [])
      for (const end of [f.from, f.to]) if (isIpv4(end)) expect(end).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\./)
  })
})
