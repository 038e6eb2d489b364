/**
 * A generated capture of a busy docker host, in the probe's real output formats: N containers on
 * B user bridges (one veth each, root view with per-namespace ip link/addr/route), one published
 * port per container (docker binding + DNAT rule + docker-proxy), and C conntrack lines in
 * `conntrack -L -o extended` form. Used by bench/model.bench.ts and, small, by the model tests.
 */
import type { Capture, RawSection } from '../src/main/capture/capture-types'

export interface GenOptions {
  containers: number
  bridges: number
  conntrack: number
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0')
const mac = (prefix: number, n: number): string =>
  `02:42:${hex(prefix, 2)}:${hex((n >> 16) & 255, 2)}:${hex((n >> 8) & 255, 2)}:${hex(n & 255, 2)}`

export function generateCapture(opts: GenOptions): Capture {
  const sections: RawSection[] = []
  const add = (name: string, stdout: string): void => {
    sections.push({ name, command: name, exitCode: 0, ms: 1, status: 'ok', stderr: '', stdout })
  }
  const networks = Array.from({ length: opts.bridges }, (_, b) => {
    const id = `${hex(0xab0000 + b, 12)}${'0'.repeat(52)}`
    return {
      id,
      name: `net${b}`,
      bridge: `br-${id.slice(0, 12)}`,
      subnet: `10.${100 + b}.0.0/16`,
      gateway: `10.${100 + b}.0.1`,
      ifindex: 10 + b
    }
  })
  const hostLinks: unknown[] = [
    {
      ifindex: 1,
      ifname: 'lo',
      flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
      mtu: 65536,
      operstate: 'UNKNOWN',
      address: '00:00:00:00:00:00'
    },
    {
      ifindex: 2,
      ifname: 'eth0',
      flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
      mtu: 1500,
      operstate: 'UP',
      address: '52:54:00:12:34:56'
    }
  ]
  const hostAddrs: unknown[] = [
    { ifindex: 1, ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host' }] },
    { ifindex: 2, ifname: 'eth0', addr_info: [{ family: 'inet', local: '192.0.2.10', prefixlen: 24, scope: 'global' }] }
  ]
  for (const n of networks) {
    hostLinks.push({
      ifindex: n.ifindex,
      ifname: n.bridge,
      flags: ['UP'],
      mtu: 1500,
      operstate: 'UP',
      address: mac(0xbb, n.ifindex),
      linkinfo: { info_kind: 'bridge', info_data: { stp_state: 0 } }
    })
    hostAddrs.push({
      ifindex: n.ifindex,
      ifname: n.bridge,
      addr_info: [{ family: 'inet', local: n.gateway, prefixlen: 16, scope: 'global' }]
    })
  }
  const inspect: unknown[] = []
  const netnsMap: string[] = []
  const dev: string[] = [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed'
  ]
  const ss: string[] = []
  const nat: string[] = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':DOCKER - [0:0]'
  ]
  nat.push(
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER'
  )
  for (const n of networks)
    nat.push(`-A POSTROUTING -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`, `-A DOCKER -i ${n.bridge} -j RETURN`)
  const ips: string[] = []
  for (let i = 0; i < opts.containers; i++) {
    const n = networks[i % networks.length]
    const slot = Math.floor(i / networks.length) + 2
    const ip = `10.${100 + networks.indexOf(n)}.${slot >> 8}.${slot & 255}`
    ips.push(ip)
    const id = `${hex(0xc00000 + i, 12)}${'1'.repeat(52)}`
    const pid = 10000 + i
    const vethIndex = 1000 + i
    const veth = `veth${hex(i, 7)}`
    const cmac = mac(0xac, i)
    const hostPort = 20000 + i
    hostLinks.push({
      ifindex: vethIndex,
      link_index: 2 + (i % 50),
      ifname: veth,
      flags: ['UP'],
      mtu: 1500,
      master: n.bridge,
      operstate: 'UP',
      address: mac(0xee, i),
      link_netnsid: i,
      linkinfo: { info_kind: 'veth' }
    })
    dev.push(`${veth}: ${i * 10} ${i} 0 0 0 0 0 0 ${i * 20} ${i * 2} 0 0 0 0 0 0`)
    const nsLinks = [
      {
        ifindex: 1,
        ifname: 'lo',
        flags: ['LOOPBACK', 'UP'],
        mtu: 65536,
        operstate: 'UNKNOWN',
        address: '00:00:00:00:00:00'
      },
      {
        ifindex: 2 + (i % 50),
        link_index: vethIndex,
        ifname: 'eth0',
        flags: ['UP'],
        mtu: 1500,
        operstate: 'UP',
        address: cmac,
        link_netnsid: 0,
        linkinfo: { info_kind: 'veth' }
      }
    ]
    const nsAddrs = [
      { ifindex: 1, ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host' }] },
      {
        ifindex: 2 + (i % 50),
        ifname: 'eth0',
        addr_info: [{ family: 'inet', local: ip, prefixlen: 16, scope: 'global' }]
      }
    ]
    const nsRoutes = [
      { dst: 'default', gateway: n.gateway, dev: 'eth0', flags: [] },
      { dst: n.subnet, dev: 'eth0', protocol: 'kernel', scope: 'link', prefsrc: ip, flags: [] }
    ]
    add(`ns/pid:${pid}/ip.link`, JSON.stringify(nsLinks))
    add(`ns/pid:${pid}/ip.addr`, JSON.stringify(nsAddrs))
    add(`ns/pid:${pid}/ip.route`, JSON.stringify(nsRoutes))
    netnsMap.push(`pid:${pid} ${4026532000 + i} ${id}`)
    inspect.push({
      Id: id,
      Name: `/app-${i}`,
      Config: { Image: 'lab/busybox:1' },
      State: { Status: 'running', Running: true, Pid: pid },
      HostConfig: { NetworkMode: n.name, PortBindings: { '80/tcp': [{ HostIp: '', HostPort: String(hostPort) }] } },
      NetworkSettings: {
        SandboxKey: `/var/run/docker/netns/${hex(i, 12)}`,
        Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: String(hostPort) }] },
        Networks: {
          [n.name]: {
            NetworkID: n.id,
            EndpointID: hex(i, 64),
            Gateway: n.gateway,
            IPAddress: ip,
            IPPrefixLen: 16,
            MacAddress: cmac
          }
        }
      }
    })
    nat.push(`-A DOCKER ! -i ${n.bridge} -p tcp -m tcp --dport ${hostPort} -j DNAT --to-destination ${ip}:80`)
    ss.push(`tcp LISTEN 0 4096 0.0.0.0:${hostPort} 0.0.0.0:* users:(("docker-proxy",pid=${50000 + i},fd=4))`)
  }
  nat.push('COMMIT')
  const ct: string[] = []
  for (let k = 0; k < opts.conntrack; k++) {
    const ip = ips[k % ips.length] ?? '10.100.0.2'
    const sport = 1024 + (k % 60000)
    if (k % 2 === 0)
      ct.push(
        `ipv4     2 tcp      6 431999 ESTABLISHED src=${ip} dst=198.51.100.2 sport=${sport} dport=443 src=198.51.100.2 dst=192.0.2.10 sport=443 dport=${sport} [ASSURED] mark=0 use=1`
      )
    else
      ct.push(
        `ipv4     2 tcp      6 117 TIME_WAIT src=198.51.100.${2 + (k % 200)} dst=192.0.2.10 sport=${sport} dport=${20000 + (k % Math.max(1, ips.length))} src=${ip} dst=198.51.100.${2 + (k % 200)} sport=80 dport=${sport} [ASSURED] mark=0 use=1`
      )
  }
  const dockerNetworks = networks.map((n) => ({
    Name: n.name,
    Id: n.id,
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: n.subnet, Gateway: n.gateway }] },
    Internal: false,
    Containers: {},
    Options: {},
    Labels: {}
  }))
  add('meta.hostname', 'bench-host\n')
  add('meta.kernel', '6.1.0-bench\n')
  add('meta.uid', '0\n')
  add('docker.version', '20.10.24\n')
  add('docker.networks', JSON.stringify(dockerNetworks))
  add('docker.containers', JSON.stringify(inspect))
  add('ip.link', JSON.stringify(hostLinks))
  add('ip.addr', JSON.stringify(hostAddrs))
  add('ip.route', JSON.stringify([{ dst: 'default', gateway: '192.0.2.1', dev: 'eth0', flags: [] }]))
  add('iptables.version', 'iptables v1.8.9 (nf_tables)\n')
  add('iptables.save', `# Generated by iptables-save v1.8.9 (nf_tables)\n${nat.join('\n')}\n`)
  add('conntrack.list', ct.join('\n') + '\n')
  add('conntrack.count', `${opts.conntrack}\n`)
  add('conntrack.max', '262144\n')
  add('proc.net.dev', dev.join('\n') + '\n')
  add('ss.listen', ss.join('\n') + '\n')
  add('netns.map', netnsMap.join('\n') + '\n')
  return { formatVersion: 1, source: 'sim:bench', capturedAt: '2026-11-28T00:00:00.000Z', sections }
}
