/**
 * Diagnose and trace on the real Podman-next-to-Docker captures (issue #20). Each fault is the real
 * capture with one thing changed in its sections (a rule deleted or added), rebuilt by the model.
 */
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { diagnose } from '../../../src/shared/diagnose'
import type { Finding } from '../../../src/shared/api/types'
import { traceFlow } from '../../../src/shared/trace'
import { editSection, podmanCapture } from '../../support/podman-capture'

const rootful = podmanCapture('probe--rootful-with-docker.cap')
const rootless = podmanCapture('probe--rootless-user.cap')
const FRONT_MASQ = '-A POSTROUTING -s 10.203.1.0/24 ! -o br-4c7e8f2628c2 -j MASQUERADE'
const POD_MASQ = '-A NETAVARK-11FBFF4C83765 ! -d 224.0.0.0/4 -j MASQUERADE'

const ids = (findings: Finding[]): string[] => findings.map((f) => f.id)
const of = (findings: Finding[], id: string): Finding[] => findings.filter((f) => f.id === id)
/** The capture's iptables-save with lines removed and/or added after a given line. */
const withRules = (remove: string[], add: { after: string; line: string }[] = []) =>
  editSection(rootful, 'iptables.save', (text) =>
    text
      .split('\n')
      .filter((l) => !remove.includes(l))
      .flatMap((l) => [l, ...add.filter((a) => a.after === l).map((a) => a.line)])
      .join('\n')
  )

describe('diagnose with rootful Podman next to Docker', () => {
  const findings = diagnose(buildSnapshot(rootful))

  it('raises no missing-masquerade and no port conflict on the healthy lab (conmon holds its own port)', () => {
    expect(of(findings, 'missing-masquerade')).toEqual([])
    expect(of(findings, 'masquerade-undecided')).toEqual([])
    expect(of(findings, 'port-conflict')).toEqual([])
    expect(of(findings, 'forward-drop')).toEqual([])
  })

  it('reports a deleted Docker MASQUERADE although netavark’s mark-conditional MASQUERADE is in POSTROUTING', () => {
    const s = buildSnapshot(withRules([FRONT_MASQ]))
    expect(s.nat.rules.some((r) => r.raw.includes('-m mark --mark 0x2000/0x2000 -j MASQUERADE'))).toBe(true)
    const f = of(diagnose(s), 'missing-masquerade')
    expect(f.map((x) => x.title.en)).toEqual(['No MASQUERADE for network nllab-front (10.203.1.0/24)'])
    expect(f[0].fix).toBe('iptables -t nat -A POSTROUTING -s 10.203.1.0/24 ! -o br-4c7e8f2628c2 -j MASQUERADE')
    expect(f[0].severity).toBe('critical')
    // Evidence names each rule's real chain.
    expect(f[0].evidence).toContainEqual({
      label: 'nat NETAVARK-HOSTPORT-MASQ',
      raw: expect.stringContaining('--mark 0x2000/0x2000')
    })
    expect(f[0].evidence).toContainEqual({ label: 'nat NETAVARK-11FBFF4C83765', raw: POD_MASQ })
  })

  it('reports a Podman network without its MASQUERADE, with netavark’s own way back', () => {
    const f = of(diagnose(buildSnapshot(withRules([POD_MASQ]))), 'missing-masquerade')
    expect(f.map((x) => x.title.en)).toEqual(['No MASQUERADE for network nllab-pod (10.203.5.0/24)'])
    expect(f[0].fix).toBe('podman network reload --all')
    expect(f[0].objects).toEqual(
      expect.arrayContaining([
        { kind: 'network', id: 'nllab-pod' },
        { kind: 'bridge', id: 'podman1' },
        { kind: 'container', id: 'nllab-pod-web' },
        { kind: 'container', id: 'nllab-pod-app' }
      ])
    )
    expect(f[0].explanation['zh-CN']).toContain('podman network reload --all')
  })

  it('cannot decide (and says so) when a mark that gates MASQUERADE may be set by a rule it cannot evaluate', () => {
    const s = buildSnapshot(
      withRules(
        [FRONT_MASQ],
        [
          {
            after: '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
            line: '-A PREROUTING -m set --match-set lab src -j MARK --set-xmark 0x2000/0x2000'
          }
        ]
      )
    )
    const all = diagnose(s)
    expect(of(all, 'missing-masquerade').map((f) => f.title.en)).not.toContain(
      'No MASQUERADE for network nllab-front (10.203.1.0/24)'
    )
    const undecided = of(all, 'masquerade-undecided')
    expect(undecided.map((f) => f.title.en)).toContain(
      'Cannot tell whether network nllab-front (10.203.1.0/24) is masqueraded'
    )
    expect(undecided[0].severity).toBe('info')
    expect(undecided[0].evidence.map((e) => e.label)).toContain('nat NETAVARK-HOSTPORT-MASQ')
  })

  it('flags Docker and Podman publishing the same host port, naming the DNAT that wins', () => {
    // Docker without its userland proxy publishing 8090 too: two DNAT rules for one port.
    const dockerDnat =
      '-A DOCKER ! -i br-4c7e8f2628c2 -p tcp -m tcp --dport 8090 -j DNAT --to-destination 10.203.1.10:80'
    const s = buildSnapshot(
      withRules(
        [],
        [
          {
            after: '-A DOCKER ! -i br-4c7e8f2628c2 -p tcp -m tcp --dport 18080 -j DNAT --to-destination 10.203.1.10:80',
            line: dockerDnat
          }
        ]
      )
    )
    expect(s.publishedPorts.filter((p) => p.hostPort === 8090).map((p) => [p.container, p.runtime])).toEqual([
      ['nllab-pod-web', 'podman'],
      ['nllab-web', 'docker']
    ])
    const f = of(diagnose(s), 'port-conflict')
    expect(f).toHaveLength(1)
    expect(f[0].title.en).toBe('Host port 8090/tcp is published by Podman (nllab-pod-web) and Docker (nllab-web)')
    // Docker's DOCKER chain comes first in nat PREROUTING on this host.
    expect(f[0].explanation.en).toContain('(here: Docker (nllab-web))')
    expect(f[0].evidence).toEqual(
      expect.arrayContaining([
        { label: 'nat DOCKER', raw: dockerDnat },
        {
          label: 'nat NETAVARK-DN-11FBFF4C83765',
          raw: '-A NETAVARK-DN-11FBFF4C83765 -p tcp -m tcp --dport 8090 -j DNAT --to-destination 10.203.5.10:80'
        }
      ])
    )
    // conmon holds 8090 for Podman's own publication: it is not a third party here.
    expect(f[0].evidence.filter((e) => e.label === 'ss')).toEqual([])
  })

  it('calls conmon a rival on a Docker port (it holds ports for Podman, not for Docker)', () => {
    const s = buildSnapshot(
      editSection(
        withRules(
          ['-A NETAVARK-DN-11FBFF4C83765 -p tcp -m tcp --dport 8090 -j DNAT --to-destination 10.203.5.10:80'],
          [
            {
              after:
                '-A DOCKER ! -i br-4c7e8f2628c2 -p tcp -m tcp --dport 18080 -j DNAT --to-destination 10.203.1.10:80',
              line: '-A DOCKER ! -i br-4c7e8f2628c2 -p tcp -m tcp --dport 8090 -j DNAT --to-destination 10.203.1.10:80'
            }
          ]
        ),
        'podman.containers',
        (text) => text.replace(/"HostPort": "8090"/g, '"HostPort": "18090"')
      )
    )
    const f = of(diagnose(s), 'port-conflict')
    expect(f.map((x) => x.title.en)).toEqual(['Host port 8090/tcp is also taken by conmon'])
    expect(f[0].explanation.en).toContain('conmon holds ports for Podman')
  })

  it('flags Podman’s published port that Docker’s FORWARD policy drops, as the real curl from the wan sees', () => {
    const f = of(findings, 'port-forward-blocked')
    expect(f.map((x) => x.title.en)).toEqual([
      'Published port 8090/tcp never reaches nllab-pod-web: filter FORWARD drops it'
    ])
    expect(f[0].evidence).toEqual([
      {
        label: 'nat NETAVARK-DN-11FBFF4C83765',
        raw: '-A NETAVARK-DN-11FBFF4C83765 -p tcp -m tcp --dport 8090 -j DNAT --to-destination 10.203.5.10:80'
      },
      { label: 'filter FORWARD', raw: ':FORWARD DROP' }
    ])
    expect(f[0].fix).toBe('iptables -I DOCKER-USER -o podman1 -d 10.203.5.10/32 -p tcp -m tcp --dport 80 -j ACCEPT')
    // Docker's own published port is accepted by Docker's DOCKER chain.
    expect(f.some((x) => x.title.en.includes('18080'))).toBe(false)
  })
})

describe('trace walks netavark’s chains', () => {
  const s = buildSnapshot(rootful)

  it('from the wan to Podman’s 8090: DNAT in NETAVARK-DN-*, then dropped by the FORWARD policy', () => {
    const t = traceFlow(s, '198.51.100.2', '198.51.100.1:8090')
    expect(t.verdict).toBe('dropped')
    expect(t.droppedBy).toBe('policy DROP of filter FORWARD')
    expect(t.hops.map((h) => h.where)).toEqual(
      expect.arrayContaining(['nat NETAVARK-HOSTPORT-DNAT', 'nat NETAVARK-DN-11FBFF4C83765'])
    )
  })

  it('from a Docker container to Podman’s 8090: delivered, masqueraded by Docker’s rule (no mark)', () => {
    const t = traceFlow(s, 'nllab-app', '198.51.100.1:8090')
    expect(t.verdict).toBe('delivered')
    expect(t.reason.en).toBe('Delivered to nllab-pod-web.')
    const masq = t.hops.find((h) => h.description.en.startsWith('MASQUERADE'))
    expect(masq?.rule).toBe(FRONT_MASQ)
  })

  it('hairpin from nllab-pod-web to its own published port: marked by netavark and masqueraded by the mark', () => {
    const t = traceFlow(s, 'nllab-pod-web', '198.51.100.1:8090')
    expect(t.verdict).toBe('delivered')
    expect(t.hops.map((h) => h.where)).toContain('nat NETAVARK-HOSTPORT-SETMARK')
    expect(t.hops.find((h) => h.description.en.startsWith('MASQUERADE'))?.where).toBe('nat NETAVARK-HOSTPORT-MASQ')
  })

  it('Podman containers reach the outside through netavark’s MASQUERADE', () => {
    const t = traceFlow(s, 'nllab-pod-app', '198.51.100.2:80')
    expect(t.verdict).toBe('delivered')
    expect(t.hops.find((h) => h.description.en.startsWith('MASQUERADE'))?.rule).toBe(POD_MASQ)
  })

  it('to the rootless port: rootlessport on the host forwards into the rootless container', () => {
    const t = traceFlow(s, '198.51.100.2', '198.51.100.1:8091')
    expect(t.verdict).toBe('delivered')
    expect(t.hops.find((h) => h.kind === 'proxy')?.description.en).toMatch(
      /^rootlessport \(rootless Podman\) accepts on \*:8091 and forwards into nllab-pod-rl/
    )
  })

  it('from a rootless container: says it cannot trace user-mode networking, naming slirp4netns', () => {
    for (const snapshot of [s, buildSnapshot(rootless)]) {
      const t = traceFlow(snapshot, 'nllab-pod-rl', 'outside')
      expect(t.verdict).toBe('unknown')
      expect(t.reason.en).toMatch(/rootless Podman container .*tap0 to slirp4netns \(pid \d+\)/)
    }
  })
})

describe('diagnose as the rootless user', () => {
  it('finds nothing wrong with the rootless container (addresses unknown, rootlessport is its own)', () => {
    const findings = diagnose(buildSnapshot(rootless))
    expect(findings.filter((f) => f.objects.some((o) => o.id === 'nllab-pod-rl' || o.id === '8091/tcp'))).toEqual([])
    expect(ids(findings)).not.toContain('container-no-address')
  })
})
