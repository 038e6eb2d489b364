/**
 * The simulator renders Podman the way the real lab printed it (test/fixtures/sim-reference/
 * debian12-podman4.3, cut from the Podman-next-to-Docker capture): the same JSON keys and
 * indentation in podman's inspect output, netavark's iptables chains and rule forms in the same
 * places next to Docker's, conmon holding the published port, podman bridges and veth names. The
 * `docker-and-podman` scenario then reads back through the model like the real capture does.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Capture } from '../../../src/main/capture/capture-types'
import { SECTION } from '../../../src/main/capture/sections'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { parseSs } from '../../../src/main/parsers/ss'
import { gradeLesson, listLessons, renderScenarioCapture } from '../../../src/main/sim/index'
import { parseScenarioText } from '../../../src/main/sim/load'
import { diagnose } from '../../../src/shared/diagnose'
import { traceFlow } from '../../../src/shared/trace'

const REF = resolve(__dirname, '../../fixtures/sim-reference/debian12-podman4.3')
const refText = (f: string): string => readFileSync(join(REF, f), 'utf8')
type Obj = Record<string, unknown>
const keys = (o: unknown): string[] => Object.keys(o as Obj)

function render(id: string): Capture {
  const r = renderScenarioCapture(id)
  if (!r.ok) throw new Error(`${id}: ${r.error.message}\n${r.error.detail ?? ''}`)
  return r.value
}
const out = (c: Capture, name: string): string => {
  const s = c.sections.find((x) => x.name === name)
  if (!s) throw new Error(`no section ${name}`)
  return s.stdout
}
const cap = render('docker-and-podman')

describe('simulated Podman output has the real shapes', () => {
  it('podman network inspect: netavark’s keys and podman’s 5-space indentation', () => {
    const real = JSON.parse(refText('podman-network-inspect.json')) as Obj[]
    const text = out(cap, SECTION.podmanNetworks)
    const sim = JSON.parse(text) as Obj[]
    expect(text.startsWith('[\n     {\n          "name": ')).toBe(true)
    expect(refText('podman-network-inspect.json').startsWith('[\n     {\n          "name": ')).toBe(true)
    // The lab's network carries a label (`labels` is printed only for a labelled network).
    const realUser = real.find((n) => n.name !== 'podman')!
    const simUser = sim.find((n) => n.name === 'pods')!
    expect(keys(simUser)).toEqual(keys(realUser).filter((k) => k !== 'labels'))
    expect(keys(sim.find((n) => n.name === 'podman'))).toEqual(keys(real.find((n) => n.name === 'podman')))
    expect(keys((simUser.subnets as Obj[])[0])).toEqual(keys((realUser.subnets as Obj[])[0]))
    expect(sim.map((n) => [n.name, n.network_interface])).toEqual([
      ['podman', 'podman0'],
      ['pods', 'podman1']
    ])
  })

  it('podman container inspect: the real keys, NetworkMode bridge, and pids where the probe reads them', () => {
    const realText = refText('podman-container-inspect.json')
    const real = JSON.parse(realText) as Obj[]
    const simText = out(cap, SECTION.podmanContainers)
    const sim = JSON.parse(simText) as Obj[]
    const realWeb = real.find((c) => c.Name === 'nllab-pod-web')!
    const simApi = sim.find((c) => c.Name === 'api')!
    for (const k of keys(simApi)) expect(keys(realWeb), k).toContain(k)
    expect(keys(simApi.State)).toEqual(keys(realWeb.State))
    expect(keys(simApi.NetworkSettings)).toEqual(keys(realWeb.NetworkSettings))
    const net = (c: Obj): Obj => Object.values((c.NetworkSettings as Obj).Networks as Obj)[0] as Obj
    expect(keys(net(simApi))).toEqual(keys(net(realWeb)))
    for (const k of keys(simApi.HostConfig)) expect(keys(realWeb.HostConfig), k).toContain(k)
    expect((simApi.HostConfig as Obj).NetworkMode).toBe((realWeb.HostConfig as Obj).NetworkMode)
    expect((simApi.NetworkSettings as Obj).Ports).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8090' }] })
    expect((simApi.NetworkSettings as Obj).SandboxKey).toMatch(/^\/run\/netns\/netns-[0-9a-f-]{36}$/)
    // The probe's sed reads the top-level Id (10 spaces in) and State's Pid (15 spaces in).
    const pids = (text: string): number =>
      [...text.matchAll(/^ {10}"Id": "[0-9a-f]{64}",$|^ {15}"Pid": [1-9][0-9]*,$/gm)].length
    expect(pids(simText)).toBe(sim.length * 2)
    expect(pids(realText)).toBe(real.length * 2)
  })

  it('netavark’s chains and rule forms, in the places netavark puts them next to Docker’s', () => {
    // Rules with names, addresses, ports and hashes written as placeholders.
    const form = (line: string): string =>
      line
        .replace(/NETAVARK-(DN-)?[0-9A-F]{13}/g, 'NETAVARK-$1<HASH>')
        .replace(/\d+\.\d+\.\d+\.\d+(\/\d+)?/g, '<ADDR>')
        .replace(/--dport \d+/g, '--dport <PORT>')
        .replace(/dnat name: \S+ id: [0-9a-f]{64}/, 'dnat name: <NET> id: <ID>')
        .replace(/br-[0-9a-f]{12}|docker0/g, '<DOCKERBR>')
    const netavark = (text: string): string[] => text.split('\n').filter((l) => /NETAVARK/.test(l)).map(form)
    const realForms = new Set(netavark(refText('iptables-save.out')))
    const simForms = netavark(out(cap, SECTION.iptablesSave))
    expect(simForms.length).toBeGreaterThan(10)
    expect(simForms.filter((f) => !realForms.has(f))).toEqual([])
    expect([...realForms].filter((f) => !simForms.includes(f))).toEqual([])
    // Where they sit among Docker's rules in the built-in chains.
    const order = (text: string, chain: string): string[] =>
      text
        .split('\n')
        .filter((l) => l.startsWith(`-A ${chain} `))
        .map((l) => (/NETAVARK/.test(l) ? 'netavark' : 'docker'))
        .filter((x, i, all) => i === 0 || all[i - 1] !== x)
    for (const chain of ['PREROUTING', 'OUTPUT', 'POSTROUTING', 'FORWARD'])
      expect(order(out(cap, SECTION.iptablesSave), chain), chain).toEqual(order(refText('iptables-save.out'), chain))
  })

  it('conmon holds the published port in ss, as in the lab', () => {
    const real = parseSs(refText('ss-Htulpn.out')).value.find((l) => l.process === 'conmon')!
    const sim = parseSs(out(cap, SECTION.ss)).value.find((l) => l.process === 'conmon')!
    expect({ ...sim, pid: 0, port: 0, raw: '' }).toEqual({ ...real, pid: 0, port: 0, raw: '' })
    expect(sim.port).toBe(8090)
    expect(out(cap, SECTION.netHelpers)).toMatch(new RegExp(`^${sim.pid} 1 0 conmon$`, 'm'))
  })

  it('podman bridge and veths: the real ip -j -d link keys and netavark’s names', () => {
    const real = JSON.parse(refText('ip-j-d-link.json')) as Obj[]
    const sim = JSON.parse(out(cap, SECTION.ipLink)) as Obj[]
    expect(keys(sim.find((l) => l.ifname === 'podman1'))).toEqual(keys(real.find((l) => l.ifname === 'podman1')))
    expect(keys(sim.find((l) => l.ifname === 'veth0'))).toEqual(keys(real.find((l) => l.ifname === 'veth0')))
    expect(sim.filter((l) => /^veth\d+$/.test(String(l.ifname))).map((l) => [l.ifname, l.master])).toEqual([
      ['veth0', 'podman1'],
      ['veth1', 'podman1']
    ])
    // netavark's MACs are random, not Docker's 02:42 + address.
    expect(sim.find((l) => l.ifname === 'podman1')?.address).not.toMatch(/^02:42:/)
    // The container side, inside its namespace.
    const realNs = JSON.parse(refText('ns-ip-j-d-link.json')) as Obj[]
    const nsSection = cap.sections.find((x) => /^ns\/pid:\d+\/ip\.link$/.test(x.name) && x.stdout.includes('"txqlen":1000,"link_type":"ether"'))!
    const simNs = JSON.parse(nsSection.stdout) as Obj[]
    expect(keys(simNs.find((l) => l.ifname === 'eth0'))).toEqual(keys(realNs.find((l) => l.ifname === 'eth0')))
  })
})

describe('the docker-and-podman scenario through the model', () => {
  const s = buildSnapshot(cap)

  it('labels runtimes, joins Podman containers to podman1, publishes 8090 through netavark and conmon', () => {
    expect(s.host.podmanVersion).toBe('4.3.1')
    expect(s.containers.map((c) => [c.name, c.runtime, c.interfaces.map((i) => [i.hostVeth, i.bridge])])).toEqual([
      ['api', 'podman', [['veth0', 'podman1']]],
      ['web', 'docker', [[expect.stringMatching(/^veth[0-9a-f]{7}$/), expect.stringMatching(/^br-[0-9a-f]{12}$/)]]],
      ['worker', 'podman', [['veth1', 'podman1']]]
    ])
    expect(s.networks.filter((n) => n.runtime === 'podman').map((n) => [n.name, n.bridge, n.dns])).toEqual([
      ['podman', 'podman0', false],
      ['pods', 'podman1', true]
    ])
    expect(s.publishedPorts.find((p) => p.hostPort === 8090)).toMatchObject({
      container: 'api',
      runtime: 'podman',
      sources: ['podman', 'dnat', 'proxy'],
      proxy: expect.stringMatching(/^conmon pid=\d+ 0\.0\.0\.0:8090$/)
    })
    expect(s.nat.rules.filter((r) => /NETAVARK/.test(r.raw)).every((r) => r.owner === 'podman')).toBe(true)
  })

  it('shows the unanswered DNAT to Podman’s port in conntrack, and diagnose and trace explain it', () => {
    const toApi = s.conntrack.entries.filter((e) => e.original.dport === 8090)
    expect(toApi).toHaveLength(3)
    for (const e of toApi) expect(e).toMatchObject({ nat: 'DNAT', containers: ['api'], flags: ['UNREPLIED'] })
    expect(diagnose(s).map((f) => f.id)).toEqual(['port-forward-blocked'])
    const t = traceFlow(s, '198.51.100.21', '10.10.0.11:8090')
    expect(t.verdict).toBe('dropped')
    expect(traceFlow(s, '198.51.100.20', '10.10.0.11:8080').verdict).toBe('delivered')
    expect(traceFlow(s, 'worker', '203.0.113.10:443').verdict).toBe('delivered')
  })

  it('is the lesson “Docker and Podman on one host”, graded by the diagnose engine', () => {
    const lesson = listLessons().find((l) => l.id === 'docker-and-podman')!
    expect(lesson.scenario).toBe('docker-and-podman')
    expect(lesson.steps.map((st) => st.view)).toEqual(['topology', 'nat', 'nat', 'nat', 'diagnose'])
    expect(lesson.check.choices.map((_, i) => gradeLesson('docker-and-podman', i).passed)).toEqual([true, false, false, false])
  })

  it('refuses Docker and Podman mixed in one network or namespace', () => {
    const scenario = (containers: string): string => `
id: t
title: { en: t, zh-CN: 测试 }
description: { en: t, zh-CN: 测试 }
hosts:
  - name: h
    nics: [{ name: eth0, addresses: [10.0.0.2/24] }]
    networks: [{ name: pods, runtime: podman, subnet: 10.89.0.0/24 }]
    containers: ${containers}
`
    const errors = (text: string): string[] => {
      const r = parseScenarioText(text, 't.yaml')
      return r.ok ? [] : r.errors.map((e) => e.message)
    }
    expect(errors(scenario('[{ name: a, runtime: podman, networks: [pods] }]'))).toEqual([])
    expect(errors(scenario('[{ name: a, networks: [pods] }]'))).toEqual([
      '"pods" is a podman network: a docker container cannot join it'
    ])
    expect(errors(scenario('[{ name: a, runtime: podman, networks: [pods] }, { name: b, mode: "container:a" }]'))).toEqual([
      '"a" runs in podman: a docker container cannot join its namespace'
    ])
  })
})
