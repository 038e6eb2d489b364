/**
 * Generated snapshots for layout, filter, component tests and the UI bench: N containers spread over
 * B docker bridge networks, plus host-mode, none-mode, a shared-netns pair and a conntrack table.
 * Deterministic (no randomness), shaped like the model's output.
 */
import { SCHEMA_VERSION, type ConntrackEntry, type Container, type Interface, type Snapshot } from '../../../../src/shared/snapshot/schema'

export interface GenerateOptions {
  containers?: number
  bridges?: number
  conntrack?: number
  extras?: boolean
  /** Replaces the first container's name (XSS tests). */
  firstName?: string
}

const mac = (n: number): string =>
  `02:42:${[(n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`

function iface(p: Partial<Interface> & Pick<Interface, 'name' | 'ifindex' | 'netns' | 'kind'>): Interface {
  return {
    state: 'UP',
    flags: ['UP', 'LOWER_UP'],
    mtu: 1500,
    mac: null,
    addresses: [],
    master: null,
    peer: null,
    parent: null,
    vni: null,
    counters: {
      rxBytes: 1000,
      rxPackets: 10,
      rxErrors: 0,
      rxDropped: 0,
      txBytes: 2000,
      txPackets: 20,
      txErrors: 0,
      txDropped: 0
    },
    raw: `${p.ifindex}: ${p.name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500`,
    ...p
  }
}

export function generateSnapshot(opts: GenerateOptions = {}): Snapshot {
  const nContainers = opts.containers ?? 20
  const nBridges = opts.bridges ?? 2
  const nConntrack = opts.conntrack ?? 100
  const extras = opts.extras ?? true
  const interfaces: Interface[] = [
    iface({ name: 'lo', ifindex: 1, netns: 'host', kind: 'loopback', addresses: ['127.0.0.1/8'] }),
    iface({
      name: 'eth0',
      ifindex: 2,
      netns: 'host',
      kind: 'device',
      mac: '52:54:00:12:34:56',
      addresses: ['192.0.2.10/24']
    })
  ]
  const bridges: Snapshot['bridges'] = []
  const networks: Snapshot['networks'] = []
  let ifindex = 10
  for (let b = 0; b < nBridges; b++) {
    const name = b === 0 ? 'docker0' : `br-${(0xabc000 + b).toString(16)}`
    const net = b === 0 ? 'bridge' : `net${b}`
    interfaces.push(
      iface({
        name,
        ifindex: ifindex++,
        netns: 'host',
        kind: 'bridge',
        mac: mac(0xb000 + b),
        addresses: [`172.${17 + b}.0.1/16`]
      })
    )
    bridges.push({ name, netns: 'host', ports: [], stp: false, network: net })
    networks.push({
      name: net,
      id: `${b}`.padStart(12, 'f'),
      driver: 'bridge',
      subnet: `172.${17 + b}.0.0/16`,
      gateway: `172.${17 + b}.0.1`,
      internal: false,
      bridge: name,
      scope: 'local',
      subnets: [{ subnet: `172.${17 + b}.0.0/16`, gateway: `172.${17 + b}.0.1` }],
      options: {},
      overlay: null,
      runtime: 'docker',
      dns: null,
      parent: null
    })
  }
  const containers: Container[] = []
  for (let i = 0; i < nContainers; i++) {
    const b = i % nBridges
    const bridge = bridges[b]
    const id = (0x100000000000 + i).toString(16).padStart(12, '0') + 'e'.repeat(52)
    const netns = `container:${id.slice(0, 12)}`
    const veth = `veth${(0x1000000 + i).toString(16)}`
    const ip = `172.${17 + b}.${Math.floor(i / 250) % 250}.${(i % 250) + 2}`
    const hostIdx = ifindex++
    interfaces.push(
      iface({
        name: veth,
        ifindex: hostIdx,
        netns: 'host',
        kind: 'veth',
        mac: mac(0xa0000 + i),
        master: bridge.name,
        peer: { ifindex: 2, netns, name: 'eth0' }
      }),
      iface({
        name: 'eth0',
        ifindex: 2,
        netns,
        kind: 'veth',
        mac: mac(i + 2),
        addresses: [`${ip}/16`],
        peer: { ifindex: hostIdx, netns: 'host', name: veth }
      })
    )
    bridge.ports.push(veth)
    const name = i === 0 && opts.firstName ? opts.firstName : `app-${String(i).padStart(4, '0')}`
    containers.push({
      name,
      id,
      image: i % 3 === 0 ? 'nginx:1.27' : 'redis:7',
      state: 'running',
      pid: 1000 + i,
      networkMode: networks[b].name === 'bridge' ? 'bridge' : networks[b].name,
      netns,
      interfaces: [
        {
          ifname: 'eth0',
          ifindex: 2,
          mac: mac(i + 2),
          addresses: [`${ip}/16`],
          network: networks[b].name,
          hostVeth: veth,
          vethNetns: 'host',
          bridge: bridge.name,
          bridgeNetns: 'host',
          evidence: 'netns-ifindex',
          mtu: 1500,
          state: 'UP'
        }
      ],
      networks: [networks[b].name],
      portBindings: i < 3 ? [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 + i }] : [],
      configuredPorts: i < 3 ? [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 8080 + i }] : [],
      defaultGateway: networks[b].gateway,
      routes: [],
      runtime: 'docker',
      pod: null,
      rootless: null
    })
  }
  if (extras) {
    containers.push(
      {
        name: 'node-exporter',
        id: 'h'.repeat(64),
        image: 'prom/node-exporter',
        state: 'running',
        pid: 900,
        networkMode: 'host',
        netns: 'host',
        interfaces: [],
        networks: ['host'],
        portBindings: [],
        configuredPorts: [],
        defaultGateway: null,
        routes: [],
        runtime: 'docker',
        pod: null,
        rootless: null
      },
      {
        name: 'batch-job',
        id: 'n'.repeat(64),
        image: 'alpine',
        state: 'running',
        pid: 901,
        networkMode: 'none',
        netns: 'container:nnnnnnnnnnnn',
        interfaces: [],
        networks: ['none'],
        portBindings: [],
        configuredPorts: [],
        defaultGateway: null,
        routes: [],
        runtime: 'docker',
        pod: null,
        rootless: null
      }
    )
    if (containers.length > 2) {
      const target = containers[1]
      containers.push({
        ...target,
        name: 'sidecar',
        id: 's'.repeat(64),
        image: 'envoy',
        networkMode: `container:${target.name}`,
        interfaces: [],
        portBindings: [],
        configuredPorts: []
      })
    }
  }
  const entries: ConntrackEntry[] = []
  const protos = ['tcp', 'udp', 'icmp']
  const states = ['ESTABLISHED', 'TIME_WAIT', 'SYN_SENT', null]
  for (let i = 0; i < nConntrack; i++) {
    const c = containers[i % Math.max(1, nContainers)]
    const cip = c?.interfaces[0]?.addresses[0]?.split('/')[0] ?? '172.17.0.2'
    const kind = i % 3
    const proto = protos[i % 3]
    const sport = 30000 + (i % 30000)
    if (kind === 0) {
      // DNAT: client → host:8080 becomes client → container:80
      entries.push({
        proto,
        state: proto === 'tcp' ? states[i % 4] : null,
        original: { src: `198.51.100.${i % 250}`, dst: '192.0.2.10', sport, dport: 8080 },
        reply: { src: cip, dst: `198.51.100.${i % 250}`, sport: 80, dport: sport },
        nat: 'DNAT',
        containers: c ? [c.name] : [],
        flags: ['ASSURED'],
        timeout: 100,
        mark: 0,
        zone: null,
        raw: `${proto} ${i}`
      })
    } else if (kind === 1) {
      // SNAT: container → internet masqueraded behind the host address
      entries.push({
        proto,
        state: proto === 'tcp' ? states[i % 4] : null,
        original: { src: cip, dst: '203.0.113.5', sport, dport: 443 },
        reply: { src: '203.0.113.5', dst: '192.0.2.10', sport: 443, dport: sport },
        nat: 'SNAT',
        containers: c ? [c.name] : [],
        flags: [],
        timeout: 50,
        mark: 0,
        zone: null,
        raw: `${proto} ${i}`
      })
    } else {
      entries.push({
        proto,
        state: proto === 'tcp' ? states[i % 4] : null,
        original: { src: cip, dst: '172.17.0.3', sport, dport: 6379 },
        reply: { src: '172.17.0.3', dst: cip, sport: 6379, dport: sport },
        nat: 'none',
        containers: c ? [c.name] : [],
        flags: [],
        timeout: 10,
        mark: 0,
        zone: null,
        raw: `${proto} ${i}`
      })
    }
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    host: {
      hostname: 'gen-host',
      kernel: '6.1.0',
      dockerVersion: '27.0.0',
      podmanVersion: null,
      iptablesBackend: 'nf_tables',
      capturedAt: '2026-01-01T00:00:00Z',
      source: 'file:gen.json',
      privileged: true,
      sysctls: { 'net.ipv4.ip_forward': '1' }
    },
    sections: [],
    namespaces: [],
    interfaces,
    routes: [
      {
        netns: 'host',
        table: 'main',
        dst: 'default',
        gateway: '192.0.2.1',
        dev: 'eth0',
        protocol: 'dhcp',
        scope: null,
        prefsrc: null,
        metric: 100,
        raw: 'default via 192.0.2.1 dev eth0'
      }
    ],
    bridges,
    networks,
    containers,
    publishedPorts: [
      {
        hostIp: '0.0.0.0',
        hostPort: 8080,
        proto: 'tcp',
        containerIp: '172.17.0.2',
        containerPort: 80,
        container: containers[0]?.name ?? null,
        rule: '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
        proxy: 'docker-proxy pid=4242 0.0.0.0:8080',
        sources: ['docker', 'dnat', 'proxy'],
        runtime: 'docker'
      }
    ],
    nat: {
      rules: [
        {
          table: 'nat',
          chain: 'POSTROUTING',
          position: 1,
          target: 'MASQUERADE',
          match: '-s 172.17.0.0/16 ! -o docker0',
          raw: '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
          owner: 'docker',
          targetArgs: '',
          goto: false,
          options: [
            { option: '-s', negated: false, values: ['172.17.0.0/16'] },
            { option: '-o', negated: true, values: ['docker0'] }
          ],
          targetOptions: [],
          source: { negated: false, value: '172.17.0.0/16' },
          destination: null,
          protocol: null,
          inInterface: null,
          outInterface: { negated: true, value: 'docker0' },
          packets: 12,
          bytes: 720,
          family: 'iptables'
        },
        {
          table: 'nat',
          chain: 'DOCKER',
          position: 1,
          target: 'DNAT',
          match: '! -i docker0 -p tcp -m tcp --dport 8080',
          raw: '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
          owner: 'docker',
          targetArgs: '--to-destination 172.17.0.2:80',
          goto: false,
          options: [
            { option: '-i', negated: true, values: ['docker0'] },
            { option: '-p', negated: false, values: ['tcp'] },
            { option: '-m', negated: false, values: ['tcp'] },
            { option: '--dport', negated: false, values: ['8080'] }
          ],
          targetOptions: [{ option: '--to-destination', values: ['172.17.0.2:80'] }],
          source: null,
          destination: null,
          protocol: { negated: false, value: 'tcp' },
          inInterface: { negated: true, value: 'docker0' },
          outInterface: null,
          packets: 3,
          bytes: 180,
          family: 'iptables'
        },
        {
          table: 'filter',
          chain: 'INPUT',
          position: 1,
          target: 'ACCEPT',
          match: '-p tcp --dport 22',
          raw: '-A INPUT -p tcp --dport 22 -j ACCEPT',
          owner: 'user',
          targetArgs: '',
          goto: false,
          options: [
            { option: '-p', negated: false, values: ['tcp'] },
            { option: '--dport', negated: false, values: ['22'] }
          ],
          targetOptions: [],
          source: null,
          destination: null,
          protocol: { negated: false, value: 'tcp' },
          inInterface: null,
          outInterface: null,
          packets: null,
          bytes: null,
          family: 'iptables'
        }
      ],
      chains: [
        { table: 'nat', chain: 'POSTROUTING', policy: 'ACCEPT', family: 'iptables', hook: null, priority: null, type: null, devices: null }
      ],
      backendsPresent: ['nf_tables']
    },
    conntrack: { total: nConntrack, max: 262144, truncated: false, entries },
    listeners: [],
    fdb: [],
    warnings: [],
    truncated: null
  }
}
