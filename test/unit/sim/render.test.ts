import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { Capture } from '../../../src/main/capture/capture-types'
import { SECTION } from '../../../src/main/capture/sections'
import {
  listLessons,
  gradeLesson,
  listScenarios,
  renderScenario,
  renderScenarioCapture
} from '../../../src/main/sim/index'
import { ScenarioSchema } from '../../../src/main/sim/scenario-schema'
import { parseIpLinkJson } from '../../../src/main/parsers/ip-link'
import { parseIpAddrJson } from '../../../src/main/parsers/ip-addr'
import { parseIpRouteJson } from '../../../src/main/parsers/ip-route'
import { parseDockerContainers } from '../../../src/main/parsers/docker-container'
import { parseDockerNetworks } from '../../../src/main/parsers/docker-network'
import { parseBrctlShow } from '../../../src/main/parsers/brctl'
import { parseProcNetDev } from '../../../src/main/parsers/proc-net-dev'

const REF = resolve(__dirname, '../../fixtures/sim-reference/debian12-docker20.10')
const ref = (f: string): unknown => JSON.parse(readFileSync(join(REF, f), 'utf8'))
type Obj = Record<string, unknown>

function render(id: string, opts: { atMs?: number; host?: string } = {}): Capture {
  const r = renderScenarioCapture(id, opts)
  if (!r.ok) throw new Error(`${id}: ${r.error.message}\n${r.error.detail ?? ''}`)
  return r.value
}
const out = (c: Capture, name: string): string => {
  const s = c.sections.find((x) => x.name === name)
  if (!s) throw new Error(`no section ${name}`)
  return s.stdout
}
const keys = (o: unknown): string[] => Object.keys(o as Obj)

const LESSON_SCENARIOS = [
  'virtual-network',
  'bridge-mode',
  'nat-mode',
  'nat-mode-no-masquerade',
  'host-mode',
  'none-mode',
  'container-mode',
  'overlay'
]

describe('simulated outputs use the real commands’ field names', () => {
  const cap = render('lab-mirror')
  const realLinks = ref('ip-j-d-link.json') as Obj[]
  const simLinks = JSON.parse(out(cap, SECTION.ipLink)) as Obj[]
  const realVeth = realLinks.find((l) => (l.linkinfo as Obj | undefined)?.info_kind === 'veth' && l.master)!
  const realBridge = realLinks.find((l) => l.ifname === 'docker0')!

  it('ip -j -d link: host veth and bridge have the same keys (and linkinfo keys) as iproute2 6.1', () => {
    const simVeth = simLinks.find((l) => (l.linkinfo as Obj | undefined)?.info_kind === 'veth' && l.master)!
    expect(keys(simVeth)).toEqual(keys(realVeth))
    expect(keys((simVeth.linkinfo as Obj).info_slave_data)).toEqual(keys((realVeth.linkinfo as Obj).info_slave_data))
    const simBridge = simLinks.find((l) => l.ifname === 'docker0')!
    expect(keys(simBridge)).toEqual(keys(realBridge))
    expect(keys((simBridge.linkinfo as Obj).info_data)).toEqual(keys((realBridge.linkinfo as Obj).info_data))
  })

  it('container namespace ip link/addr/route match the real container netns keys', () => {
    const realNs = ref('ns-ip-j-d-link.json') as Obj[]
    const nsLink = cap.sections.find(
      (s) => /^ns\/pid:\d+\/ip\.link$/.test(s.name) && s.stdout.includes('"ifname":"eth0"')
    )!
    const simNs = JSON.parse(nsLink.stdout) as Obj[]
    expect(keys(simNs.find((l) => l.ifname === 'eth0'))).toEqual(keys(realNs.find((l) => l.ifname === 'eth0')))
    expect(keys(simNs.find((l) => l.ifname === 'lo'))).toEqual(keys(realNs.find((l) => l.ifname === 'lo')))
    const realAddr = ref('ns-ip-j-addr.json') as Obj[]
    const simAddr = JSON.parse(
      cap.sections.find((s) => s.name === nsLink.name.replace('ip.link', 'ip.addr'))!.stdout
    ) as Obj[]
    const rEth = realAddr.find((l) => l.ifname === 'eth0')!
    const sEth = simAddr.find((l) => l.ifname === 'eth0')!
    expect(keys(sEth)).toEqual(keys(rEth))
    expect(keys((sEth.addr_info as Obj[])[0])).toEqual(keys((rEth.addr_info as Obj[])[0]))
    const realRoute = ref('ns-ip-j-route-all.json') as Obj[]
    const simRoute = JSON.parse(
      cap.sections.find((s) => s.name === nsLink.name.replace('ip.link', 'ip.route'))!.stdout
    ) as Obj[]
    expect(keys(simRoute.find((r) => r.dst === 'default'))).toEqual(keys(realRoute.find((r) => r.dst === 'default')))
    expect(keys(simRoute.find((r) => r.type === 'local'))).toEqual(keys(realRoute.find((r) => r.type === 'local')))
  })

  it('docker network/container inspect have Docker 20.10 keys', () => {
    const realNets = ref('docker-network-inspect.json') as Obj[]
    const simNets = JSON.parse(out(cap, SECTION.dockerNetworks)) as Obj[]
    const userReal = realNets.find((n) => n.Name !== 'bridge' && n.Driver === 'bridge')!
    const userSim = simNets.find((n) => n.Name === 'nllab-front')!
    expect(keys(userSim)).toEqual(keys(userReal))
    expect(keys(Object.values(userSim.Containers as Obj)[0])).toEqual(
      keys(Object.values(userReal.Containers as Obj)[0])
    )
    const realC = ref('docker-container-inspect.json') as Obj[]
    const simC = JSON.parse(out(cap, SECTION.dockerContainers)) as Obj[]
    const webReal = realC.find(
      (c) => (c.HostConfig as Obj).PortBindings && Object.keys((c.HostConfig as Obj).PortBindings as Obj).length > 0
    )!
    const webSim = simC.find((c) => c.Name === '/nllab-web')!
    for (const k of keys(webSim)) expect(keys(webReal)).toContain(k)
    expect(keys(webSim.NetworkSettings)).toEqual(keys(webReal.NetworkSettings))
    expect(keys(webSim.State)).toEqual(keys(webReal.State))
    const netReal = Object.values((webReal.NetworkSettings as Obj).Networks as Obj)[0]
    const netSim = Object.values((webSim.NetworkSettings as Obj).Networks as Obj)[0]
    expect(keys(netSim)).toEqual(keys(netReal))
    expect(((webSim.NetworkSettings as Obj).Ports as Obj)['80/tcp']).toEqual([
      { HostIp: '0.0.0.0', HostPort: '18080' },
      { HostIp: '::', HostPort: '18080' }
    ])
  })

  it('iptables-save has the nf_tables header and Docker’s chains in real order', () => {
    const text = out(cap, SECTION.iptablesSave)
    expect(text.split('\n')[0]).toMatch(
      /^# Generated by iptables-save v1\.8\.9 \(nf_tables\) on \w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4}$/
    )
    const real = readFileSync(join(REF, 'iptables-save.out'), 'utf8')
    const chainDecls = (t: string): string[] => t.split('\n').filter((l) => l.startsWith(':') || l.startsWith('*'))
    expect(chainDecls(text)).toEqual(chainDecls(real))
    expect(text).toContain('-A DOCKER ! -i br-')
    expect(text).toMatch(
      /-A DOCKER ! -i br-[0-9a-f]{12} -p tcp -m tcp --dport 18080 -j DNAT --to-destination 10\.203\.1\.10:80/
    )
    expect(text).toMatch(/-A DOCKER-ISOLATION-STAGE-1 ! -s 10\.203\.2\.0\/24 -o br-[0-9a-f]{12} -j DROP/)
    expect(text).not.toMatch(/-s 10\.203\.2\.0\/24 ! -o \S+ -j MASQUERADE/) // internal: no MASQUERADE
    expect(text).toContain('-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE')
  })

  it('every section of every scenario parses without warnings where a parser exists', () => {
    for (const s of listScenarios()) {
      const c = render(s.id)
      const byName = (n: string): string => out(c, n)
      expect(parseIpLinkJson(byName(SECTION.ipLink)).warnings, s.id).toEqual([])
      expect(parseIpAddrJson(byName(SECTION.ipAddr)).warnings, s.id).toEqual([])
      expect(parseIpRouteJson(byName(SECTION.ipRoute)).warnings, s.id).toEqual([])
      expect(parseDockerNetworks(byName(SECTION.dockerNetworks)).warnings, s.id).toEqual([])
      expect(parseDockerContainers(byName(SECTION.dockerContainers)).warnings, s.id).toEqual([])
      expect(parseBrctlShow(byName(SECTION.brctl)).warnings, s.id).toEqual([])
      expect(parseProcNetDev(byName(SECTION.procNetDev)).warnings, s.id).toEqual([])
    }
  })
})

/** Joins computed from parsed outputs alone (what the snapshot builder has to work with). */
function containerJoins(c: Capture): Map<string, { ifname: string; hostVeth: string | null; bridge: string | null }[]> {
  const containers = parseDockerContainers(out(c, SECTION.dockerContainers)).value
  const hostLinks = parseIpLinkJson(out(c, SECTION.ipLink)).value
  const map = new Map<string, { ifname: string; hostVeth: string | null; bridge: string | null }[]>()
  const nsmap = out(c, SECTION.netnsMap)
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
  for (const ct of containers) {
    const line = nsmap.find((p) => p[2] === ct.id)
    const inode = line?.[1]
    // The section is read once per inode: find the pid whose sections exist.
    const nsid = nsmap.find((p) => p[1] === inode && c.sections.some((s) => s.name === `ns/${p[0]}/ip.link`))?.[0]
    const nsLinks = nsid ? parseIpLinkJson(out(c, `ns/${nsid}/ip.link`)).value : []
    const ifs = nsLinks
      .filter((l) => l.name !== 'lo')
      .map((l) => {
        const veth = hostLinks.find((h) => h.ifindex === l.linkIndex && h.linkIndex === l.ifindex && h.kind === 'veth')
        return { ifname: l.name, hostVeth: veth?.name ?? null, bridge: veth?.master ?? null }
      })
    map.set(ct.name, inode === nsmap[0][1] ? [] : ifs)
  }
  return map
}

describe('lesson scenarios', () => {
  it.each(LESSON_SCENARIOS)(
    '%s: every container interface has its veth and bridge, or none for host/none/container modes',
    (id) => {
      const r = renderScenarioCapture(id)
      expect(r.ok).toBe(true)
      const c = render(id)
      const joins = containerJoins(c)
      const containers = parseDockerContainers(out(c, SECTION.dockerContainers)).value
      expect(containers.length).toBeGreaterThan(0)
      for (const ct of containers) {
        const ifs = joins.get(ct.name)!
        if (ct.networkMode === 'host') expect(ifs, ct.name).toEqual([])
        else if (ct.networkMode === 'none') expect(ifs, ct.name).toEqual([])
        else {
          expect(ifs.length, ct.name).toBeGreaterThan(0)
          for (const i of ifs) {
            if (id === 'overlay' && i.ifname === 'eth0') continue // its veth is in the overlay namespace
            expect(i.hostVeth, `${ct.name}/${i.ifname}`).not.toBeNull()
            expect(i.bridge, `${ct.name}/${i.ifname}`).not.toBeNull()
          }
        }
      }
    }
  )

  it('bridge-mode mirrors the tutorial: veth7c1728b@if5 on docker0 02:42:a4:e8:44:11', () => {
    const c = render('bridge-mode')
    const links = parseIpLinkJson(out(c, SECTION.ipLink)).value
    const veth = links.find((l) => l.name === 'veth7c1728b')!
    expect(veth.master).toBe('docker0')
    expect(veth.mac).toBe('9a:be:3b:60:d7:2e')
    expect(links.find((l) => l.name === 'docker0')!.mac).toBe('02:42:a4:e8:44:11')
    expect(links.map((l) => l.name)).toEqual(expect.arrayContaining(['ens33', 'ens37']))
    const br = parseBrctlShow(out(c, SECTION.brctl)).value
    expect(br.find((b) => b.bridge === 'docker0')!.interfaces).toEqual(['veth7c1728b'])
    expect(br.find((b) => b.bridge === 'docker0')!.bridgeId).toBe('8000.0242a4e84411')
  })

  it('container-mode: apache, mysql and php share one namespace', () => {
    const c = render('container-mode')
    const map = out(c, SECTION.netnsMap)
      .trim()
      .split('\n')
      .slice(1)
      .filter((l) => l.startsWith('pid:'))
    expect(map).toHaveLength(3)
    expect(new Set(map.map((l) => l.split(' ')[1])).size).toBe(1)
    expect(c.sections.filter((s) => s.name.endsWith('/ip.link'))).toHaveLength(1)
  })

  it('overlay: br0 and vxlan0 (VNI 4097) in the overlay namespace and the remote VTEP in its FDB', () => {
    for (const [host, remote] of [
      ['node1', '10.10.0.12'],
      ['node2', '10.10.0.11']
    ]) {
      const c = render('overlay', { host })
      const nsLink = c.sections.find((s) => /^ns\/docker:1-[0-9a-f]{10}\/ip\.link$/.test(s.name))!
      const links = parseIpLinkJson(nsLink.stdout).value
      expect(links.find((l) => l.name === 'vxlan0')!.vxlanId).toBe(4097)
      expect(links.find((l) => l.name === 'vxlan0')!.master).toBe('br0')
      const fdb = JSON.parse(out(c, nsLink.name.replace('ip.link', 'bridge.fdb'))) as Obj[]
      expect(fdb.some((e) => e.ifname === 'vxlan0' && e.dst === remote)).toBe(true)
      expect(parseIpLinkJson(out(c, SECTION.ipLink)).value.some((l) => l.name === 'docker_gwbridge')).toBe(true)
    }
  })
})

describe('NAT and conntrack', () => {
  it('nat-mode: MASQUERADE gives a reply tuple to the host address (SNAT)', () => {
    const c = render('nat-mode')
    const lines = out(c, SECTION.conntrack).trim().split('\n')
    const snat = lines.find((l) => l.includes('src=172.17.0.2 dst=203.0.113.10'))!
    expect(snat).toMatch(
      /ESTABLISHED src=172\.17\.0\.2 dst=203\.0\.113\.10 sport=(\d+) dport=443 src=203\.0\.113\.10 dst=10\.10\.0\.11 sport=443 dport=\1 \[ASSURED\]/
    )
    expect(snat).not.toContain('UNREPLIED')
    // The container owning 172.17.0.2 is app.
    const containers = parseDockerContainers(out(c, SECTION.dockerContainers)).value
    expect(containers.find((x) => x.networks.some((n) => n.ipAddress === '172.17.0.2'))!.name).toBe('app')
    // Published port: DNAT to the container.
    expect(
      lines.some((l) =>
        /src=198\.51\.100\.20 dst=10\.10\.0\.11 sport=\d+ dport=8080 src=172\.17\.0\.3 dst=198\.51\.100\.20 sport=80/.test(
          l
        )
      )
    ).toBe(true)
  })

  it('nat-mode-no-masquerade: no MASQUERADE rule and an [UNREPLIED] untranslated entry', () => {
    const c = render('nat-mode-no-masquerade')
    expect(out(c, SECTION.iptablesSave)).not.toContain('MASQUERADE')
    const lines = out(c, SECTION.conntrack).trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /SYN_SENT src=172\.17\.0\.2 dst=203\.0\.113\.10 sport=(\d+) dport=443 \[UNREPLIED\] src=203\.0\.113\.10 dst=172\.17\.0\.2 sport=443 dport=\1 /
    )
  })
})

describe('counters', () => {
  it('advance with the flows as time passes', () => {
    const at = (ms: number): Map<string, { rx: number; tx: number }> =>
      new Map(
        parseProcNetDev(out(render('nat-mode', { atMs: ms }), SECTION.procNetDev)).value.map((r) => [
          r.iface,
          { rx: r.rxBytes, tx: r.txBytes }
        ])
      )
    const a = at(0)
    const b = at(10_000)
    // ens33 sends app's 3 Mbit/s request, 20 pkt/s of 512-byte DNS and the published port's
    // replies (1 Mbit/s × replyRatio 6): over 10 s that is (375000 + 10240 + 750000) × 10 bytes.
    const dTx = b.get('ens33')!.tx - a.get('ens33')!.tx
    const expected = (3e6 / 8 + 20 * 512 + (1e6 / 8) * 6) * 10
    expect(Math.abs(dTx - expected)).toBeLessThan(expected * 0.01)
    expect(b.get('docker0')!.rx).toBeGreaterThan(a.get('docker0')!.rx)
  })

  it('the missing MASQUERADE stops replies: ens33 receives nothing from the flow', () => {
    const at = (ms: number): number =>
      parseProcNetDev(out(render('nat-mode-no-masquerade', { atMs: ms }), SECTION.procNetDev)).value.find(
        (r) => r.iface === 'ens33'
      )!.rxBytes
    const withMasq = (ms: number): number =>
      parseProcNetDev(out(render('nat-mode', { atMs: ms }), SECTION.procNetDev)).value.find((r) => r.iface === 'ens33')!
        .rxBytes
    expect(at(10_000) - at(0)).toBeLessThan(2_000) // background only
    expect(withMasq(10_000) - withMasq(0)).toBeGreaterThan(1_000_000)
  })
})

describe('lessons', () => {
  it('has the seven seed lessons, Docker and Podman on one host, and the troubleshooting exercise, each on an existing scenario, with en and zh-CN text', () => {
    const lessons = listLessons()
    expect(lessons.map((l) => l.id)).toEqual([
      'virtual-network',
      'bridge-mode',
      'nat-mode',
      'host-mode',
      'none-mode',
      'container-mode',
      'overlay',
      'docker-and-podman',
      'troubleshoot-nat'
    ])
    const ids = new Set(listScenarios().map((s) => s.id))
    for (const l of lessons) {
      expect(ids.has(l.scenario), l.id).toBe(true)
      for (const t of [l.title, l.summary, l.check.question, ...l.check.choices, ...l.steps.map((s) => s.text)]) {
        expect(t.en.length).toBeGreaterThan(0)
        expect(t['zh-CN']).toMatch(/[\u4e00-\u9fff]/)
      }
      for (const s of l.steps) expect(['topology', 'nat', 'traffic', 'diagnose']).toContain(s.view)
    }
  })

  it('grades exactly one choice as correct per lesson', () => {
    for (const l of listLessons()) {
      const passes = l.check.choices.map((_, i) => gradeLesson(l.id, i).passed)
      expect(passes.filter(Boolean), l.id).toHaveLength(1)
    }
    expect(gradeLesson('nat-mode', 2).passed).toBe(true)
    expect(gradeLesson('nat-mode', 2).explanation['zh-CN']).toContain('conntrack')
    // The UI heading says "Correct" / "Not quite": the explanation must not say it again.
    for (const choice of [0, 2]) {
      expect(gradeLesson('nat-mode', choice).explanation.en).not.toMatch(/^(Not quite|Correct)/)
      expect(gradeLesson('nat-mode', choice).explanation['zh-CN']).not.toMatch(/^(不太对|回答正确)/)
    }
    expect(gradeLesson('nope', 0).passed).toBe(false)
    expect(gradeLesson('nat-mode', 99).passed).toBe(false)
  })
})

describe('fuzz', () => {
  const ipArb = fc
    .tuple(
      fc.integer({ min: 1, max: 223 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 1, max: 254 })
    )
    .map((p) => p.join('.'))
  const scenarioArb = fc
    .record({
      nets: fc.integer({ min: 0, max: 3 }),
      containers: fc.array(
        fc.record({
          mode: fc.constantFrom('bridge', 'host', 'none', 'container'),
          net: fc.integer({ min: 0, max: 3 }),
          port: fc.option(fc.integer({ min: 1024, max: 60000 }))
        }),
        { maxLength: 8 }
      ),
      flows: fc.array(
        fc.record({
          from: fc.integer({ min: 0, max: 9 }),
          to: fc.oneof(ipArb, fc.integer({ min: 0, max: 9 }).map(String), fc.constant('host')),
          proto: fc.constantFrom('tcp', 'udp', 'icmp')
        }),
        { maxLength: 6 }
      ),
      faults: fc.array(
        fc.constantFrom(
          'ip-forward-off',
          'missing-rule',
          'interface-down',
          'veth-detached',
          'wrong-gateway',
          'mtu-mismatch'
        ),
        { maxLength: 3 }
      )
    })
    .map((r) => {
      const networks = Array.from({ length: r.nets }, (_, i) => ({
        name: `n${i}`,
        subnet: `10.${100 + i}.0.0/16`,
        internal: i === 2
      }))
      const names = r.containers.map((_, i) => `c${i}`)
      const containers = r.containers.map((c, i) => {
        const owner = names.findIndex((_, j) => j < i && r.containers[j].mode === 'bridge')
        if (c.mode === 'container' && owner >= 0) return { name: names[i], mode: `container:${names[owner]}` }
        if (c.mode === 'host' || c.mode === 'none') return { name: names[i], mode: c.mode }
        const net = c.net < r.nets ? `n${c.net}` : 'bridge'
        return { name: names[i], networks: [net], ports: c.port && i < 5 ? [`${c.port + i}:80/tcp`] : [] }
      })
      const flows = r.flows
        .filter(() => names.length > 0)
        .map((f) => ({
          from: names[f.from % names.length],
          to: /^\d+$/.test(f.to) ? names[Number(f.to) % names.length] : f.to,
          proto: f.proto,
          ...(f.proto === 'icmp' ? {} : { port: 80 }),
          rate: '1Mbit/s'
        }))
      const target = names[0]
      const faults = r.faults.flatMap((f): Record<string, unknown>[] => {
        if (f === 'ip-forward-off') return [{ type: f }]
        if (f === 'missing-rule') return [{ type: f, network: 'bridge' }]
        if (!target) return []
        if (f === 'interface-down') return [{ type: f, container: target }]
        if (f === 'wrong-gateway') return [{ type: f, container: target, gateway: '10.9.9.9' }]
        if (f === 'mtu-mismatch') return [{ type: f, container: target, mtu: 1400 }]
        return [{ type: f, container: target }]
      })
      return {
        id: 'fuzz',
        title: { en: 'f', 'zh-CN': 'f' },
        description: { en: 'f', 'zh-CN': 'f' },
        hosts: [
          {
            name: 'h',
            nics: [{ name: 'eth0', addresses: ['192.0.2.10/24'] }],
            gateway: '192.0.2.1',
            networks,
            containers,
            flows,
            faults
          }
        ]
      }
    })

  it('random valid scenarios render without throwing, and their JSON sections parse', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 3_600_000 }), (raw, atMs) => {
        const parsed = ScenarioSchema.safeParse(raw)
        if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues))
        const r = renderScenario(parsed.data, { atMs })
        if (!r.ok) throw new Error(r.error.message)
        for (const s of r.value.sections)
          if (s.name.endsWith('ip.link') || s.name === SECTION.dockerContainers) JSON.parse(s.stdout)
        expect(parseDockerContainers(out(r.value, SECTION.dockerContainers)).value).toHaveLength(
          raw.hosts[0].containers.length
        )
      }),
      { numRuns: 150 }
    )
  })
})
