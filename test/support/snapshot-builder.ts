/**
 * Small, realistic snapshots for diagnose and trace tests, built with `Snapshot.parse` from the
 * real Debian 12 / Docker 20.10 lab capture (test/fixtures/lab/debian-12-docker-20.10/):
 * the iptables rules are that capture's `iptables-save` (rules of lab networks not modelled here
 * are left out), the raw lines are copied from its `ip -d link`, `ip route`, `ss` and `conntrack`
 * outputs, names/addresses/ids are the lab's. One deliberate change: eth0's MTU is 1500 here (the
 * build machine's is 1400, a real MTU mismatch that `labSnapshot()` tests cover separately).
 *
 * `healthyInput()` returns a fresh mutable object each call; tests inject one fault into it and
 * compare with the untouched healthy snapshot (no false positive).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { SCHEMA_VERSION, Snapshot, type SnapshotInput } from '../../src/shared/snapshot/schema'
import type { ChainInfo, NatRule } from '../../src/shared/snapshot/schema'
import { sectionNameFromFile } from './capture-from-dir'
import { buildNat } from '../../src/main/model/nat'
import { parseIptablesSave } from '../../src/main/parsers/iptables-save'

export const LAB_DIR = resolve(__dirname, '../fixtures/lab/debian-12-docker-20.10')

export function readLab(file: string): string {
  return readFileSync(join(LAB_DIR, file), 'utf8')
}

/** Lab networks this mini snapshot leaves out: their rules are dropped from the lab ruleset. */
const OTHER_LAB_NETWORKS = ['br-4b36919713a7', 'br-63226b8903b9', 'br-72ab3ab89622', '172.24.', '10.203.']

/**
 * iptables-save text → NatRules and chains through the real parser and NAT model. Owners follow this
 * mini builder's simple rule: DOCKER* chains (not DOCKER-USER) are docker's, everything else the user's.
 */
export function natFromIptablesSave(text: string): { rules: NatRule[]; chains: ChainInfo[] } {
  const { rules, chains } = buildNat({
    save: parseIptablesSave(text).value,
    save6: null,
    list: null,
    otherSave: null,
    nft: null,
    versionText: null,
    dockerBridges: new Set(),
    dockerSubnets: []
  })
  const owner = (chain: string): NatRule['owner'] =>
    /^DOCKER/.test(chain) && chain !== 'DOCKER-USER' ? 'docker' : 'user'
  return { rules: rules.map((r) => ({ ...r, owner: owner(r.chain) })), chains }
}

export function labRuleset(): { rules: NatRule[]; chains: ChainInfo[] } {
  const kept = readLab('iptables.save.out')
    .split('\n')
    .filter((line) => !OTHER_LAB_NETWORKS.some((other) => line.includes(other)))
    .join('\n')
  return natFromIptablesSave(kept)
}

/** The sections of the lab capture this snapshot stands for, each read fine: diagnose checks only what was captured. */
export function labSections(): SnapshotInput['sections'] {
  const captured: SnapshotInput['sections'] = readdirSync(LAB_DIR)
    .filter((f) => f.endsWith('.out'))
    .map((f) => sectionNameFromFile(f))
    .filter((name) => !name.startsWith('ns/'))
    .map((name) => ({ name, command: name, exitCode: 0, ms: 0, status: 'ok' as const, stderr: '' }))
  return captured.concat({
    // The probe on that machine also asks the other backend (nothing there: no legacy tables).
    name: 'iptables-legacy.save',
    command: 'iptables-legacy-save',
    exitCode: 0,
    ms: 0,
    status: 'ok',
    stderr: '',
    empty: true
  })
}

function labSysctls(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of readLab('sysctl.out').split('\n')) {
    const m = /^(\S+)\s*=\s*(.*)$/.exec(line.trim())
    if (m) out[m[1]] = m[2]
  }
  return out
}

/** The `ip -d link show` record of one host interface (header plus its indented lines). */
function labLinkRaw(name: string, mtuOverride?: number): string {
  const lines = readLab('ip.link.text.out').split('\n')
  const start = lines.findIndex((l) => new RegExp(`^\\d+: ${name}[@:]`).test(l))
  if (start < 0) throw new Error(`lab ip -d link has no ${name}`)
  let end = start + 1
  while (end < lines.length && /^\s/.test(lines[end])) end++
  const raw = lines
    .slice(start, end)
    .map((l) => l.trimEnd())
    .join('\n')
  return mtuOverride ? raw.replace(/ mtu \d+ /, ` mtu ${mtuOverride} `) : raw
}

function labLine(file: string, pattern: RegExp): string {
  const line = readLab(file)
    .split('\n')
    .find((l) => pattern.test(l))
  if (!line) throw new Error(`lab ${file} has no line matching ${pattern}`)
  return line.trim()
}

const UP = ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']

type IfaceInput = SnapshotInput['interfaces'][number]
type ContainerInput = SnapshotInput['containers'][number]
type RouteInput = NonNullable<SnapshotInput['routes']>[number]

function hostIface(name: string, ifindex: number, kind: string, extra: Partial<IfaceInput> = {}): IfaceInput {
  return {
    name,
    ifindex,
    netns: 'host',
    kind,
    state: 'UP',
    flags: UP,
    mtu: 1500,
    mac: null,
    addresses: [],
    master: null,
    peer: null,
    raw: labLinkRaw(name),
    ...extra
  }
}

function route(
  netns: string,
  dst: string,
  dev: string,
  gateway: string | null,
  raw: string,
  prefsrc: string | null = null
): RouteInput {
  return {
    netns,
    table: 'main',
    dst,
    gateway,
    dev,
    protocol: gateway ? null : 'kernel',
    scope: gateway ? null : 'link',
    prefsrc,
    metric: null,
    raw
  }
}

function container(
  name: string,
  id: string,
  pid: number,
  networkMode: string,
  extra: Partial<ContainerInput> = {}
): ContainerInput {
  return {
    name,
    id,
    image: 'lab/busybox:1',
    state: 'running',
    pid,
    networkMode,
    netns: `pid:${pid}`,
    interfaces: [],
    networks: [],
    portBindings: [],
    defaultGateway: null,
    routes: [],
    ...extra
  }
}

const DEF_ID = 'dfa96fbb0be076b53c58fa95619406434252c03ea90d6df80e406d9b37bfdd07'

/** The healthy lab subset: docker0 + nltmp-ll-net1 + internal nltmp-ll-int, six containers, the lab wan veth. */
export function healthyInput(): SnapshotInput {
  const { rules, chains } = labRuleset()
  const dnat18080 = rules.find((r) => r.target === 'DNAT' && r.match.includes('--dport 18080'))!.raw
  return {
    schemaVersion: SCHEMA_VERSION,
    host: {
      hostname: 'nlbuild',
      kernel: '6.1.0-lab',
      dockerVersion: '20.10.24+dfsg1',
      iptablesBackend: 'nf_tables',
      capturedAt: '2026-11-28T16:09:06Z',
      source: 'file:lab',
      privileged: true,
      sysctls: labSysctls()
    },
    sections: labSections(),
    namespaces: [],
    interfaces: [
      hostIface('lo', 1, 'loopback', {
        state: 'UNKNOWN',
        flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
        mtu: 65536,
        mac: '00:00:00:00:00:00',
        addresses: ['127.0.0.1/8']
      }),
      hostIface('eth0', 4, 'device', {
        mac: '02:fc:00:00:00:01',
        addresses: ['192.0.2.2/24'],
        raw: labLinkRaw('eth0', 1500)
      }),
      hostIface('docker0', 5, 'bridge', { mac: '02:42:76:ee:0c:86', addresses: ['172.17.0.1/16'] }),
      hostIface('nlpw0', 41, 'veth', {
        mac: null,
        addresses: ['198.51.100.1/24'],
        peer: { ifindex: 40, netns: 'ip-netns:nlpw', name: 'nlpw1' }
      }),
      hostIface('br-08358af093c8', 64, 'bridge', { mac: '02:42:45:90:30:8a', addresses: ['172.28.0.1/16'] }),
      hostIface('br-4fab1ca54d77', 65, 'bridge', { mac: '02:42:0f:68:cd:f4', addresses: ['172.29.0.1/16'] }),
      hostIface('veth99e5c4d', 67, 'veth', {
        mac: '86:58:81:18:b0:fb',
        master: 'docker0',
        peer: { ifindex: 66, netns: 'pid:19276', name: 'eth0' }
      }),
      hostIface('veth8eac795', 69, 'veth', {
        mac: '1e:df:7c:05:17:b0',
        master: 'br-08358af093c8',
        peer: { ifindex: 68, netns: 'pid:19363', name: 'eth0' }
      }),
      hostIface('vethc8ca41f', 71, 'veth', {
        mac: 'c2:33:3f:b8:7d:56',
        master: 'br-08358af093c8',
        peer: { ifindex: 70, netns: 'pid:19445', name: 'eth0' }
      }),
      hostIface('veth8f2d200', 73, 'veth', {
        mac: '26:db:f1:a9:27:c3',
        master: 'br-4fab1ca54d77',
        peer: { ifindex: 72, netns: 'pid:19445', name: 'eth1' }
      })
    ],
    routes: [
      route('host', 'default', 'eth0', '192.0.2.1', 'default via 192.0.2.1 dev eth0'),
      route(
        'host',
        '172.17.0.0/16',
        'docker0',
        null,
        labLine('ip.route.text.out', /^172\.17\.0\.0\/16 /),
        '172.17.0.1'
      ),
      route(
        'host',
        '172.28.0.0/16',
        'br-08358af093c8',
        null,
        labLine('ip.route.text.out', /^172\.28\.0\.0\/16 /),
        '172.28.0.1'
      ),
      route(
        'host',
        '172.29.0.0/16',
        'br-4fab1ca54d77',
        null,
        labLine('ip.route.text.out', /^172\.29\.0\.0\/16 /),
        '172.29.0.1'
      ),
      route('host', '192.0.2.0/24', 'eth0', null, labLine('ip.route.text.out', /^192\.0\.2\.0\/24 /), '192.0.2.2'),
      route(
        'host',
        '198.51.100.0/24',
        'nlpw0',
        null,
        labLine('ip.route.text.out', /^198\.51\.100\.0\/24 /),
        '198.51.100.1'
      )
    ],
    bridges: [
      { name: 'docker0', netns: 'host', ports: ['veth99e5c4d'], stp: false, network: 'bridge' },
      {
        name: 'br-08358af093c8',
        netns: 'host',
        ports: ['veth8eac795', 'vethc8ca41f'],
        stp: false,
        network: 'nltmp-ll-net1'
      },
      { name: 'br-4fab1ca54d77', netns: 'host', ports: ['veth8f2d200'], stp: false, network: 'nltmp-ll-int' }
    ],
    networks: [
      {
        name: 'bridge',
        id: '814407ccaae8bf1a9c9a9c8c8bc7b69aac1b781766404e82ebf62915808532c3',
        driver: 'bridge',
        subnet: '172.17.0.0/16',
        gateway: '172.17.0.1',
        internal: false,
        bridge: 'docker0',
        options: {
          'com.docker.network.bridge.name': 'docker0',
          'com.docker.network.bridge.enable_ip_masquerade': 'true'
        }
      },
      {
        name: 'host',
        id: '48a95421a90736df09404c3dcee7ab6043aa677fbf3fa90a368ccf15cd8c83f8',
        driver: 'host',
        subnet: null,
        gateway: null,
        internal: false,
        bridge: null
      },
      {
        name: 'none',
        id: 'f67e3203e5d1c7813d472a11a0282b5c207ee66fb8dc50ee749c5ae5b9dbed34',
        driver: 'null',
        subnet: null,
        gateway: null,
        internal: false,
        bridge: null
      },
      {
        name: 'nltmp-ll-net1',
        id: '08358af093c8e54d6f2065767873edf3f38a143d3ace5d53eefbb2699ce525dd',
        driver: 'bridge',
        subnet: '172.28.0.0/16',
        gateway: '172.28.0.1',
        internal: false,
        bridge: 'br-08358af093c8'
      },
      {
        name: 'nltmp-ll-int',
        id: '4fab1ca54d771fe5b240861987fb08ecbb26cb24d736293006d0caea84bed482',
        driver: 'bridge',
        subnet: '172.29.0.0/16',
        gateway: '172.29.0.1',
        internal: true,
        bridge: 'br-4fab1ca54d77'
      }
    ],
    containers: [
      container('nltmp-ll-def', DEF_ID, 19276, 'bridge', {
        networks: ['bridge'],
        interfaces: [
          {
            ifname: 'eth0',
            ifindex: 66,
            mac: '02:42:ac:11:00:03',
            addresses: ['172.17.0.3/16'],
            network: 'bridge',
            hostVeth: 'veth99e5c4d',
            bridge: 'docker0',
            evidence: 'netns-ifindex',
            mtu: 1500,
            state: 'UP'
          }
        ],
        defaultGateway: '172.17.0.1',
        routes: [
          route('pid:19276', 'default', 'eth0', '172.17.0.1', 'default via 172.17.0.1 dev eth0'),
          route(
            'pid:19276',
            '172.17.0.0/16',
            'eth0',
            null,
            '172.17.0.0/16 dev eth0 proto kernel scope link src 172.17.0.3',
            '172.17.0.3'
          )
        ]
      }),
      container(
        'nltmp-ll-web',
        'aa5437fe9b55f1d1911f548b7d2b52837362ccdb3c3a07a8931861afb6517943',
        19363,
        'nltmp-ll-net1',
        {
          networks: ['nltmp-ll-net1'],
          interfaces: [
            {
              ifname: 'eth0',
              ifindex: 68,
              mac: '02:42:ac:1c:00:02',
              addresses: ['172.28.0.2/16'],
              network: 'nltmp-ll-net1',
              hostVeth: 'veth8eac795',
              bridge: 'br-08358af093c8',
              evidence: 'netns-ifindex',
              mtu: 1500,
              state: 'UP'
            }
          ],
          portBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 18080 }],
          defaultGateway: '172.28.0.1',
          routes: [
            route('pid:19363', 'default', 'eth0', '172.28.0.1', 'default via 172.28.0.1 dev eth0'),
            route(
              'pid:19363',
              '172.28.0.0/16',
              'eth0',
              null,
              '172.28.0.0/16 dev eth0 proto kernel scope link src 172.28.0.2',
              '172.28.0.2'
            )
          ]
        }
      ),
      container(
        'nltmp-ll-multi',
        'd760ae6a45cd9c026258584bdc747797e1921fa6f32620c7608b6639b109cb95',
        19445,
        'nltmp-ll-net1',
        {
          networks: ['nltmp-ll-net1', 'nltmp-ll-int'],
          interfaces: [
            {
              ifname: 'eth0',
              ifindex: 70,
              mac: '02:42:ac:1c:00:03',
              addresses: ['172.28.0.3/16'],
              network: 'nltmp-ll-net1',
              hostVeth: 'vethc8ca41f',
              bridge: 'br-08358af093c8',
              evidence: 'netns-ifindex',
              mtu: 1500,
              state: 'UP'
            },
            {
              ifname: 'eth1',
              ifindex: 72,
              mac: '02:42:ac:1d:00:02',
              addresses: ['172.29.0.2/16'],
              network: 'nltmp-ll-int',
              hostVeth: 'veth8f2d200',
              bridge: 'br-4fab1ca54d77',
              evidence: 'netns-ifindex',
              mtu: 1500,
              state: 'UP'
            }
          ],
          defaultGateway: '172.28.0.1',
          routes: [
            route('pid:19445', 'default', 'eth0', '172.28.0.1', 'default via 172.28.0.1 dev eth0'),
            route(
              'pid:19445',
              '172.28.0.0/16',
              'eth0',
              null,
              '172.28.0.0/16 dev eth0 proto kernel scope link src 172.28.0.3',
              '172.28.0.3'
            ),
            route(
              'pid:19445',
              '172.29.0.0/16',
              'eth1',
              null,
              '172.29.0.0/16 dev eth1 proto kernel scope link src 172.29.0.2',
              '172.29.0.2'
            )
          ]
        }
      ),
      container(
        'nltmp-ll-shared',
        '90d4f55840a868122a979976d5cd9e8912a09e6313f2d6ceee793afdca2b6414',
        19536,
        `container:${DEF_ID}`,
        { netns: 'pid:19276' }
      ),
      container('nltmp-ll-host', '6a02dd1c1d7cb2c4ae2259771bfed7ea5c4688e68f1a54447669f8a5b6a285d5', 19591, 'host', {
        netns: 'host',
        networks: ['host']
      }),
      container('nltmp-ll-none', 'bded0a9dd96b84e37a3aed319a0b142392c49c84cf943683c06158c788d3e378', 19640, 'none', {
        networks: ['none']
      })
    ],
    publishedPorts: [
      {
        hostIp: '0.0.0.0',
        hostPort: 18080,
        proto: 'tcp',
        containerIp: '172.28.0.2',
        containerPort: 80,
        container: 'nltmp-ll-web',
        rule: dnat18080,
        proxy: 'docker-proxy pid=19321 0.0.0.0:18080',
        sources: ['docker', 'dnat', 'proxy']
      }
    ],
    nat: { rules, chains, backendsPresent: ['nf_tables'] },
    conntrack: {
      total: Number(readLab('conntrack.count.out').trim()),
      max: Number(readLab('conntrack.max.out').trim()),
      truncated: false,
      entries: [
        {
          proto: 'icmp',
          state: null,
          original: { src: '172.28.0.3', dst: '172.28.0.2', sport: null, dport: null },
          reply: { src: '172.28.0.2', dst: '172.28.0.3', sport: null, dport: null },
          nat: 'none',
          containers: ['nltmp-ll-multi', 'nltmp-ll-web'],
          raw: labLine('conntrack.list.out', /icmp .*src=172\.28\.0\.3 dst=172\.28\.0\.2/)
        },
        {
          proto: 'tcp',
          state: 'TIME_WAIT',
          original: { src: '172.28.0.3', dst: '172.28.0.2', sport: 45538, dport: 80 },
          reply: { src: '172.28.0.2', dst: '172.28.0.3', sport: 80, dport: 45538 },
          nat: 'none',
          containers: ['nltmp-ll-multi', 'nltmp-ll-web'],
          flags: ['ASSURED'],
          raw: labLine('conntrack.list.out', /tcp .*src=172\.28\.0\.3 dst=172\.28\.0\.2 sport=45538/)
        }
      ]
    },
    listeners: [
      {
        proto: 'tcp',
        localAddress: '0.0.0.0',
        port: 18080,
        process: 'docker-proxy',
        pid: 19321,
        raw: labLine('ss.listen.out', /0\.0\.0\.0:18080 /)
      },
      {
        proto: 'tcp',
        localAddress: '[::]',
        port: 18080,
        process: 'docker-proxy',
        pid: 19328,
        raw: labLine('ss.listen.out', /\[::\]:18080 /)
      },
      {
        proto: 'tcp',
        localAddress: '0.0.0.0',
        port: 2024,
        process: null,
        pid: null,
        raw: labLine('ss.listen.out', /0\.0\.0\.0:2024 /)
      }
    ],
    fdb: [],
    warnings: []
  }
}

export function healthySnapshot(): Snapshot {
  return Snapshot.parse(healthyInput())
}

/** The healthy snapshot with one change applied to its input. */
export function snapshotWith(change: (input: SnapshotInput) => void): Snapshot {
  const input = healthyInput()
  change(input)
  return Snapshot.parse(input)
}

/** Convenience accessors on a SnapshotInput for fault injection. */
export function inputIface(input: SnapshotInput, name: string): IfaceInput {
  const found = input.interfaces.find((i) => i.name === name && i.netns === 'host')
  if (!found) throw new Error(`no host interface ${name}`)
  return found
}

export function inputContainer(input: SnapshotInput, name: string): ContainerInput {
  const found = input.containers.find((c) => c.name === name)
  if (!found) throw new Error(`no container ${name}`)
  return found
}

export function removeRules(input: SnapshotInput, predicate: (rule: NatRule) => boolean): NatRule[] {
  const removed = (input.nat.rules as NatRule[]).filter(predicate)
  input.nat.rules = (input.nat.rules as NatRule[]).filter((r) => !predicate(r))
  return removed
}

/** Appends a rule in iptables-save syntax (`-A CHAIN … -j TARGET …`) to a table. */
export function addRule(input: SnapshotInput, table: string, line: string, position: 'first' | 'last' = 'last'): void {
  const [rule] = natFromIptablesSave(`*${table}\n${line}\nCOMMIT\n`).rules
  const rules = input.nat.rules as NatRule[]
  const same = rules.filter((r) => r.table === table && r.chain === rule.chain)
  if (position === 'first') {
    for (const r of same) r.position++
    rule.position = 1
  } else rule.position = same.length + 1
  rules.push(rule)
}
