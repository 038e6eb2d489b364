/**
 * `scenario-from` (#19 item 2): every capture we have turned into a scenario, rendered through the
 * simulator, gives back the source's structure (test/support/scenario-structure.ts); hostile names
 * survive the YAML exactly and never become keys.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import type { Capture } from '../../../src/main/capture/capture-types'
import { diagnose } from '../../../src/shared/diagnose/index'
import { scenarioFromSnapshot } from '../../../src/main/sim/scenario-from'
import { scenarioToYaml } from '../../../src/main/sim/scenario-yaml'
import { exportScenario } from '../../../src/main/sim/scenario-export'
import { listScenarios, renderScenarioCapture } from '../../../src/main/sim/index'
import { captureFromDir, captureOfSections } from '../../support/capture-from-dir'
import { readFixture } from '../../support/fixtures'
import { hostileFile } from '../../support/hostile-corpus'
import {
  compareStructure,
  renderScenarioYaml,
  structureDifferences,
  structureOf
} from '../../support/scenario-structure'
import type { Snapshot } from '../../../src/shared/snapshot/schema'

const FIXTURES = join(import.meta.dirname, '../../fixtures')

const captureOf = (sections: Record<string, string>): Capture => captureOfSections(sections)

const captureFile = (path: string): Capture => {
  const parsed = parseCaptureText(readFileSync(join(FIXTURES, path), 'utf8'))
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error.message}`)
  return parsed.value
}

/** Every capture in test/fixtures that is a whole host (or a public part of one). */
const SOURCES: { name: string; capture: () => Capture }[] = [
  { name: 'lab (root)', capture: () => captureFromDir(join(FIXTURES, 'lab/debian-12-docker-20.10')) },
  { name: 'lab overlay', capture: () => captureFromDir(join(FIXTURES, 'lab/debian-12-docker-20.10-overlay')) },
  { name: 'lab non-root', capture: () => captureFile('capture/debian-12-docker-20.10/probe--nonroot-lab.cap') },
  {
    name: 'two backends, stale',
    capture: () => captureFile('capture/debian-12-netns-two-backends/probe--stale-nft-drop.cap')
  },
  {
    name: 'two backends, healed',
    capture: () => captureFile('capture/debian-12-netns-two-backends/probe--healed.cap')
  },
  {
    name: 'seed (CentOS 7)',
    capture: () =>
      captureOf({
        'ip.link.text': readFixture('iproute2/centos-7-seed/ip-link-text--with-container.out'),
        'ip.addr.text': readFixture('iproute2/centos-7-seed/ip-addr-text--with-container.out'),
        'brctl.show': readFixture('bridge-utils/centos-7-seed/brctl--collapsed-tabs.out'),
        'docker.networks': readFixture('docker/centos-7-seed/docker-network--elided-excerpt.out'),
        'iptables.list.nat': readFixture('model/centos-7-seed/iptables.list.nat.out')
      })
  },
  {
    name: 'public: watchtower docker inspect',
    capture: () =>
      captureOf({
        'docker.containers': ['running', 'net-supplier', 'net-consumer']
          .map((c) => readFixture(`docker/watchtower-public/docker-container--watchtower-${c}.out`))
          .join('\n')
      })
  },
  {
    name: 'public: prometheus docker networks',
    capture: () =>
      captureOf({ 'docker.networks': readFixture('docker/prometheus-public/docker-network--engine-api-networks.out') })
  },
  {
    name: 'public: moby iptables golden',
    capture: () => captureOf({ 'iptables.save': readFixture('model/moby-public/iptables.save.out') })
  },
  {
    name: 'public: docker 29 nftables',
    capture: () => captureOf({ 'nft.ruleset': readFixture('model/docker-29-nftables/nft.ruleset.out') })
  }
]

function scenarioYamlOf(snapshot: Snapshot): { yaml: string; notes: string[] } {
  const r = scenarioFromSnapshot(snapshot, { findings: diagnose(snapshot) })
  return { yaml: scenarioToYaml(r.scenario, r.notes), notes: r.notes }
}

describe('scenario-from round-trips in structure', () => {
  it.each(SOURCES)('$name', ({ capture }) => {
    const source = buildSnapshot(capture())
    const { yaml } = scenarioYamlOf(source)
    const rendered = renderScenarioYaml(yaml)
    expect(structureDifferences(source, rendered)).toEqual([])
  })

  it('on the lab captures every part is compared; on a non-root one the wiring', () => {
    const parts = (capture: Capture): string[] => {
      const source = buildSnapshot(capture)
      return compareStructure(source, renderScenarioYaml(scenarioYamlOf(source).yaml)).compared
    }
    const all = ['natRules', 'containers', 'ports', 'networks', 'conntrackKinds']
    expect(parts(SOURCES[0].capture())).toEqual(all)
    expect(parts(SOURCES[1].capture())).toEqual(all)
    expect(parts(SOURCES[2].capture())).toEqual(['containers'])
  })

  it('the comparison fails when the structure differs (networks created in another order)', () => {
    const source = buildSnapshot(captureFromDir(join(FIXTURES, 'lab/debian-12-docker-20.10')))
    const doc = parse(scenarioYamlOf(source).yaml)
    const nets = doc.hosts[0].networks
    ;[nets[1], nets[2]] = [nets[2], nets[1]]
    const differences = structureDifferences(source, renderScenarioYaml(JSON.stringify(doc)))
    expect(differences).toHaveLength(1)
    expect(differences[0]).toMatch(/^natRules differ/)
  })

  it('the lab keeps its real structure: 16 NAT lines in order, 15 containers, the published ports and translations', () => {
    const source = buildSnapshot(captureFromDir(join(FIXTURES, 'lab/debian-12-docker-20.10')))
    const rendered = renderScenarioYaml(scenarioYamlOf(source).yaml)
    const s = structureOf(rendered)
    expect(s.natRules).toHaveLength(16)
    expect(s.natRules.slice(2, 4)).toEqual([
      '-A POSTROUTING -s 172.28.0.0/16 ! -o br-* -j MASQUERADE',
      '-A POSTROUTING -s 10.203.1.0/24 ! -o br-* -j MASQUERADE'
    ])
    expect(s.containers).toHaveLength(15)
    expect(s.containers).toContain('nltmp-ll-shared container:nltmp-ll-def running []')
    expect(s.containers).toContain(
      'nllab-app bridge running [nllab-back=10.203.2.20@br-*+veth nllab-front=10.203.1.20@br-*+veth]'
    )
    expect(s.ports).toContain('0.0.0.0:18080/tcp->172.28.0.2:80 nltmp-ll-web')
    expect(s.conntrackKinds).toEqual(['none'])
  })

  it.each(listScenarios().map((s) => s.id))(
    'built-in scenario %s: rendered, turned back into a scenario, rendered again',
    (id) => {
      const capture = renderScenarioCapture(id)
      if (!capture.ok) throw new Error(capture.error.message)
      const source = buildSnapshot(capture.value)
      const rendered = renderScenarioYaml(scenarioYamlOf(source).yaml)
      expect(structureDifferences(source, rendered)).toEqual([])
    }
  )

  it('the faults diagnose finds come back as scenario faults, and their findings with them', () => {
    const capture = renderScenarioCapture('nat-mode-no-masquerade')
    if (!capture.ok) throw new Error(capture.error.message)
    const source = buildSnapshot(capture.value)
    const { yaml } = scenarioYamlOf(source)
    expect(parse(yaml).hosts[0].faults).toEqual([{ type: 'missing-rule', network: 'bridge', rule: 'masquerade' }])
    const ids = (s: Snapshot): string[] =>
      diagnose(s)
        .map((f) => f.id)
        .sort()
    expect(ids(renderScenarioYaml(yaml))).toEqual(ids(source))
  })

  it("a host without docker networks: its own NAT rules are compared, in order (the comparison fails without them)", () => {
    // The real two-backend namespace lab (no docker networks; its nft-backend iptables-save was
    // empty), with NAT rules of the host's own there: a port forward and a MASQUERADE for a
    // namespace subnet.
    const OWN = [
      '-A PREROUTING -i eth0 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 10.213.9.2:443',
      '-A POSTROUTING -s 10.213.9.0/24 -o eth0 -j MASQUERADE'
    ]
    const real = captureFile('capture/debian-12-netns-two-backends/probe--healed.cap')
    const capture: Capture = {
      ...real,
      sections: real.sections.map((x) =>
        x.name === 'iptables.save'
          ? {
              ...x,
              stdout: ['*nat', ...['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'].map((c) => `:${c} ACCEPT [0:0]`), ...OWN, 'COMMIT', ''].join('\n')
            }
          : x
      )
    }
    const source = buildSnapshot(capture)
    expect(source.networks).toEqual([])
    expect(structureOf(source).ownNatRules).toEqual(OWN)
    const { yaml } = scenarioYamlOf(source)
    const { differences, compared } = compareStructure(source, renderScenarioYaml(yaml))
    expect(differences).toEqual([])
    expect(compared).toContain('ownNatRules')
    expect(compared).not.toContain('natRules')
    // A rule lost on the way is a difference, and so is a reordering.
    const doc = parse(yaml)
    const rules: { table: string; rule: string }[] = doc.hosts[0].rules
    const at = rules.findIndex((r) => r.rule === OWN[1])
    const lost = structuredClone(doc)
    lost.hosts[0].rules.splice(at, 1)
    expect(structureDifferences(source, renderScenarioYaml(JSON.stringify(lost)))[0]).toMatch(/^ownNatRules differ/)
    const swapped = structuredClone(doc)
    const first = rules.findIndex((r) => r.rule === OWN[0])
    ;[swapped.hosts[0].rules[first], swapped.hosts[0].rules[at]] = [rules[at], rules[first]]
    expect(structureDifferences(source, renderScenarioYaml(JSON.stringify(swapped)))[0]).toMatch(/^ownNatRules differ/)
  })

  it('keeps Podman\'s default network on a host where nothing else is Podman\'s (found on the live lab)', () => {
    const text = [
      'id: podman-idle',
      'title: { en: "x", zh-CN: "x" }',
      'description: { en: "x", zh-CN: "x" }',
      'hosts:',
      '  - name: h1',
      '    nics: [{ name: eth0, addresses: [192.0.2.2/24] }]',
      '    networks: [{ name: podman, runtime: podman, subnet: 10.88.0.0/16 }]',
      ''
    ].join('\n')
    const source = renderScenarioYaml(text)
    expect(source.networks.map((n) => n.name)).toContain('podman')
    const { differences, compared } = compareStructure(source, renderScenarioYaml(scenarioYamlOf(source).yaml))
    expect(compared).toContain('networks')
    expect(differences).toEqual([])
    // Anonymized too: 'podman' is Podman's own name, kept like Docker's 'bridge' (renamed, the
    // simulator would add the default network beside it).
    const anonymized = renderScenarioYaml(exportScenario(source, { anonymize: true }).text)
    expect(anonymized.networks.map((n) => n.name)).toEqual(source.networks.map((n) => n.name))
  })

  it("says in a comment what the format cannot express (the host's own connections, unused overlays)", () => {
    const source = buildSnapshot(captureFromDir(join(FIXTURES, 'lab/debian-12-docker-20.10-overlay')))
    const { yaml, notes } = scenarioYamlOf(source)
    expect(notes.some((n) => /overlay network ingress: no container here uses it/.test(n))).toBe(true)
    const lab = scenarioYamlOf(buildSnapshot(captureFromDir(join(FIXTURES, 'lab/debian-12-docker-20.10'))))
    expect(lab.notes.some((n) => /conntrack entries not from a container nor to a published port/.test(n))).toBe(true)
    for (const note of notes) expect(yaml).toContain(`# ${note}`)
  })
})

describe('hostile names in the YAML', () => {
  const source = buildSnapshot(parseCaptureOrThrow(hostileFile('names.cap').text()))
  const result = scenarioFromSnapshot(source, { findings: diagnose(source) })
  const yaml = scenarioToYaml(result.scenario, result.notes)

  it('read back exactly, as the same document (no injected keys)', () => {
    expect(parse(yaml)).toEqual(JSON.parse(JSON.stringify(result.scenario)))
    const names = result.scenario.hosts[0].containers!.map((c) => c.name)
    expect(names).toContain('web\u001b]0;pwned\u0007\u202egnp.exe')
    expect(names).toContain('multi\u001b[2J\u001b[H$(reboot)')
  })

  it('holds no raw control, bidi control or line separator: each is a \\u escape', () => {
    expect(yaml).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/)
    expect(yaml).toContain('\\u202E')
  })

  it('a name that would end a comment or start a key stays a value', () => {
    const evil = 'x\n  injected: true\n# '
    const snap: Snapshot = {
      ...source,
      host: { ...source.host, hostname: evil },
      containers: [{ ...source.containers[0], name: 'a: b\n- c' }, ...source.containers.slice(1)]
    }
    const r = scenarioFromSnapshot(snap, { findings: [] })
    const text = scenarioToYaml(r.scenario, [...r.notes, `note about ${evil}`])
    const back = parse(text)
    expect(back.hosts[0].name).toBe(evil)
    expect(back.hosts[0].containers.map((c: { name: string }) => c.name)).toContain('a: b\n- c')
    expect(Object.keys(back.hosts[0])).not.toContain('injected')
    expect(Object.keys(back)).toEqual(['id', 'title', 'description', 'hosts'])
  })
})

function parseCaptureOrThrow(text: string): Capture {
  const parsed = parseCaptureText(text)
  if (!parsed.ok) throw new Error(parsed.error.message)
  return parsed.value
}
