/**
 * fast-check arbitrary for random (schema-valid, content-wild) snapshots: names, addresses, CIDRs,
 * rule match strings and states are drawn from small pools mixed with arbitrary strings, so
 * references sometimes resolve and sometimes dangle, loops appear in jump targets, and so on.
 */
import fc from 'fast-check'
import { SCHEMA_VERSION, Snapshot } from '../../src/shared/snapshot/schema'

const names = fc.oneof(
  fc.constantFrom('eth0', 'docker0', 'br-x', 'veth1', 'veth2', 'eth1', 'lo', 'web', 'db', 'bridge', 'host', 'none'),
  fc.string({ maxLength: 8 })
)
const ipv4 = fc.oneof(
  fc.constantFrom('172.17.0.1', '172.17.0.2', '10.0.0.1', '198.51.100.2', '192.0.2.2', '127.0.0.1', '0.0.0.0'),
  fc.ipV4(),
  fc.string({ maxLength: 6 })
)
const cidr = fc.oneof(
  fc.constantFrom('172.17.0.0/16', '10.0.0.0/8', 'default', '0.0.0.0/0', '172.17.0.2/32'),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([a, p]) => `${a}/${p}`),
  fc.string({ maxLength: 8 })
)
const chain = fc.constantFrom(
  'PREROUTING',
  'INPUT',
  'FORWARD',
  'OUTPUT',
  'POSTROUTING',
  'DOCKER',
  'DOCKER-USER',
  'DOCKER-ISOLATION-STAGE-1',
  'LOOP'
)
const target = fc.oneof(
  chain,
  fc.constantFrom('ACCEPT', 'DROP', 'REJECT', 'RETURN', 'MASQUERADE', 'DNAT', 'SNAT', 'LOG', ''),
  fc.string({ maxLength: 5 })
)
const token = fc.oneof(
  fc.constantFrom(
    '!',
    '-s',
    '-d',
    '-i',
    '-o',
    '-p',
    'tcp',
    'udp',
    '-m',
    'conntrack',
    '--ctstate',
    'NEW,ESTABLISHED',
    '--dport',
    '80',
    '1:65535',
    'addrtype',
    '--dst-type',
    'LOCAL',
    '"quoted -x"',
    'br+',
    '--comment'
  ),
  ipv4,
  cidr,
  names
)
const matchText = fc.array(token, { maxLength: 10 }).map((t) => t.join(' '))
const states = fc.constantFrom('UP', 'DOWN', 'UNKNOWN', 'LOWERLAYERDOWN', 'running', 'exited', '')
const flags = fc.subarray(['UP', 'LOWER_UP', 'NO-CARRIER', 'BROADCAST'])
const netns = fc.oneof(fc.constantFrom('host', 'pid:1', 'pid:2', 'container:abc'), fc.string({ maxLength: 6 }))
const port = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 70000 }))
const addrs = fc.array(fc.oneof(cidr, ipv4), { maxLength: 3 })

const iface = fc.record({
  name: names,
  ifindex: fc.integer({ min: 0, max: 99 }),
  netns,
  kind: fc.constantFrom('veth', 'bridge', 'device', 'loopback', 'vxlan'),
  state: states,
  flags,
  mtu: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 9000 })),
  mac: fc.oneof(fc.constant(null), fc.constantFrom('02:42:ac:11:00:02', '00:00:00:00:00:00')),
  addresses: addrs,
  master: fc.oneof(fc.constant(null), names),
  peer: fc.constant(null),
  raw: fc.oneof(fc.constant(''), fc.string({ maxLength: 30 }), fc.constant('x hairpin off'))
})
const route = fc.record({
  netns,
  table: fc.constantFrom('main', 'local', '254', 'x'),
  dst: cidr,
  gateway: fc.oneof(fc.constant(null), ipv4),
  dev: fc.oneof(fc.constant(null), names),
  protocol: fc.constant(null),
  scope: fc.constant(null),
  prefsrc: fc.oneof(fc.constant(null), ipv4),
  metric: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 9 })),
  raw: fc.constantFrom('default via 1.2.3.4 dev eth0', 'unreachable 10.0.0.0/8', 'blackhole 1.2.3.4', '')
})
const containerIface = fc.record({
  ifname: names,
  mac: fc.oneof(fc.constant(null), fc.constant('02:42:ac:11:00:02')),
  addresses: addrs,
  network: fc.oneof(fc.constant(null), names),
  hostVeth: fc.oneof(fc.constant(null), names),
  bridge: fc.oneof(fc.constant(null), names),
  evidence: fc.constant('none' as const),
  mtu: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 9000 })),
  state: fc.oneof(fc.constant(null), states)
})
const container = fc.record({
  name: names,
  id: fc.oneof(
    fc.constant('abcdef0123456789'),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 16 })
  ),
  image: fc.constant('x'),
  state: states,
  pid: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 9 })),
  networkMode: fc.oneof(
    names,
    names.map((n) => `container:${n}`)
  ),
  netns: fc.oneof(fc.constant(null), netns),
  interfaces: fc.array(containerIface, { maxLength: 2 }),
  networks: fc.array(names, { maxLength: 2 }),
  defaultGateway: fc.oneof(fc.constant(null), ipv4),
  routes: fc.array(route, { maxLength: 3 })
})
const network = fc.record({
  name: names,
  id: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 12 }),
  driver: fc.constantFrom('bridge', 'overlay', 'macvlan', 'host', 'null'),
  subnet: fc.oneof(fc.constant(null), cidr),
  gateway: fc.oneof(fc.constant(null), ipv4),
  internal: fc.boolean(),
  bridge: fc.oneof(fc.constant(null), names)
})
const rule = fc.record({
  table: fc.constantFrom('filter', 'nat', 'raw', 'mangle'),
  chain,
  position: fc.integer({ min: 1, max: 5 }),
  target,
  match: matchText,
  raw: fc.string({ maxLength: 20 }),
  owner: fc.constantFrom('docker' as const, 'user' as const),
  targetArgs: fc.oneof(fc.constant(''), fc.constant('--to-destination 172.17.0.2:80'), fc.string({ maxLength: 10 })),
  family: fc.constantFrom('iptables', 'nft', 'ip6tables')
})
const tuple = fc.record({ src: ipv4, dst: ipv4, sport: port, dport: port })
const entry = fc.record({
  proto: fc.constantFrom('tcp', 'udp', 'icmp'),
  state: fc.oneof(fc.constant(null), fc.constantFrom('TIME_WAIT', 'ESTABLISHED')),
  original: tuple,
  reply: tuple,
  nat: fc.constantFrom('SNAT' as const, 'DNAT' as const, 'SNAT+DNAT' as const, 'none' as const),
  containers: fc.constant([]),
  flags: fc.subarray(['UNREPLIED', 'ASSURED'])
})

export const snapshotArbitrary = fc
  .record({
    sysctls: fc.dictionary(
      fc.constantFrom(
        'net.ipv4.ip_forward',
        'net.bridge.bridge-nf-call-iptables',
        'net.ipv4.conf.all.rp_filter',
        'net.ipv4.conf.eth0.rp_filter'
      ),
      fc.constantFrom('0', '1', '2', 'x')
    ),
    interfaces: fc.array(iface, { maxLength: 6 }),
    routes: fc.array(route, { maxLength: 5 }),
    networks: fc.array(network, { maxLength: 3 }),
    containers: fc.array(container, { maxLength: 4 }),
    rules: fc.array(rule, { maxLength: 12 }),
    policies: fc.array(
      fc.record({
        table: fc.constantFrom('filter', 'nat'),
        chain,
        policy: fc.oneof(fc.constant(null), fc.constantFrom('ACCEPT', 'DROP'))
      }),
      { maxLength: 4 }
    ),
    entries: fc.array(entry, { maxLength: 4 }),
    published: fc.array(
      fc.record({
        hostIp: fc.constantFrom('0.0.0.0', '::', ''),
        hostPort: fc.integer({ min: 0, max: 70000 }),
        proto: fc.constantFrom('tcp', 'udp'),
        containerIp: fc.oneof(fc.constant(null), ipv4),
        containerPort: fc.integer({ min: 0, max: 70000 }),
        container: fc.oneof(fc.constant(null), names),
        rule: fc.constant(null),
        proxy: fc.constant(null)
      }),
      { maxLength: 2 }
    ),
    listeners: fc.array(
      fc.record({
        proto: fc.constantFrom('tcp', 'udp'),
        localAddress: fc.constantFrom('0.0.0.0', '[::]', '127.0.0.1', '*'),
        port: fc.integer({ min: 0, max: 70000 }),
        process: fc.oneof(fc.constant(null), fc.constantFrom('docker-proxy', 'nginx')),
        pid: fc.constant(null),
        raw: fc.constant('')
      }),
      { maxLength: 2 }
    ),
    total: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 100 })),
    max: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 100 })),
    backends: fc.subarray(['nf_tables' as const, 'legacy' as const, 'nft-native' as const]),
    // Which sections the "capture" had, and how each went: every check sees present, denied, empty and absent data.
    sections: fc.uniqueArray(
      fc.record({
        name: fc.oneof(
          fc.constantFrom(
            'ip.link', 'ip.addr', 'ip.route', 'docker.containers', 'docker.networks', 'netns.map', 'iptables.save',
            'iptables.list.nat', 'iptables-legacy.save', 'conntrack.list', 'conntrack.count', 'conntrack.max',
            'ss.listen', 'sysctl', 'ns/pid:1/ip.route', 'ns/pid:1/ip.addr', 'ns/pid:2/proc.route'
          ),
          fc.string({ maxLength: 8 })
        ),
        command: fc.constant('x'),
        exitCode: fc.constant(0),
        ms: fc.constant(0),
        status: fc.constantFrom('ok', 'ok', 'ok', 'permission-denied', 'missing-tool', 'timeout', 'error', 'skipped'),
        stderr: fc.oneof(fc.constant(''), fc.constant('docker version failed (permission-denied)')),
        empty: fc.boolean()
      }),
      { selector: (x) => x.name, maxLength: 17 }
    )
  })
  .map((r) =>
    Snapshot.parse({
      schemaVersion: SCHEMA_VERSION,
      host: {
        hostname: 'fuzz',
        kernel: null,
        dockerVersion: null,
        iptablesBackend: null,
        capturedAt: '2026-01-01T00:00:00Z',
        sysctls: r.sysctls
      },
      sections: r.sections,
      interfaces: r.interfaces,
      routes: r.routes,
      bridges: [],
      networks: r.networks,
      containers: r.containers,
      publishedPorts: r.published,
      nat: {
        rules: r.rules,
        chains: r.policies.map((p) => ({ ...p, family: 'iptables' })),
        backendsPresent: r.backends
      },
      conntrack: { total: r.total, max: r.max, truncated: false, entries: r.entries },
      listeners: r.listeners,
      warnings: []
    })
  )

/** Trace endpoints: names from the pools, IPs, `outside`, with ports and protocols, and junk. */
export const endpointArbitrary = fc.oneof(
  names,
  ipv4,
  fc.constant('outside'),
  fc
    .tuple(fc.oneof(names, ipv4), fc.integer({ min: 0, max: 99999 }), fc.constantFrom('tcp', 'udp', 'icmp', 'x'))
    .map(([h, p, proto]) => `${h}:${p}/${proto}`),
  fc.string({ maxLength: 12 })
)
