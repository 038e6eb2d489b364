/**
 * The simulated host's `docker network inspect` and `docker container inspect` output (Docker 20.10
 * key names and order, as in test/fixtures/sim-reference), split from render.ts, which renders the
 * rest of the probe's commands.
 */
import { isPodman } from './podman'
import { NO_ADDRESSING, inspectProcessState } from './sim-helpers'
import type { SimWorld } from './world'

type Json = Record<string, unknown>

export function dockerNetworksJson(world: SimWorld): string {
  const nets = world.networks.filter((n) => !isPodman(n)).sort((a, b) => a.id.localeCompare(b.id))
  const out = nets.map((n) => {
    const members: Json = {}
    for (const c of world.containers) {
      if (c.state !== 'running') continue
      const ep = c.endpoints.find((e) => e.network === n.name)
      const inHost = n.driver === 'host' && c.mode === 'host'
      const inNone = n.driver === 'null' && c.mode === 'none'
      if (!ep && !inHost && !inNone) continue
      members[c.id] = {
        Name: c.name,
        EndpointID: ep?.endpointId ?? `${c.id.slice(32)}${c.id.slice(0, 32)}`,
        MacAddress: ep?.mac ?? '',
        IPv4Address: ep ? `${ep.ip}/${ep.prefix}` : '',
        IPv6Address: ''
      }
    }
    const builtin = n.driver === 'host' || n.driver === 'null'
    const ipamConfig = builtin
      ? []
      : n.name === 'bridge'
        ? [{ Subnet: n.subnet, Gateway: n.gateway }]
        : [{ Subnet: n.subnet, Gateway: n.gateway }]
    return {
      Name: n.name,
      Id: n.id,
      Created: n.created,
      Scope: n.scope,
      Driver: n.driver,
      EnableIPv6: false,
      IPAM: { Driver: 'default', Options: builtin || n.name === 'bridge' ? null : {}, Config: ipamConfig },
      Internal: n.internal,
      Attachable: n.driver === 'overlay',
      Ingress: false,
      ConfigFrom: { Network: '' },
      ConfigOnly: false,
      Containers: members,
      Options: n.options,
      Labels: {}
    }
  })
  return JSON.stringify(out, null, 4) + '\n'
}

export function dockerContainersJson(world: SimWorld): string {
  const out = [...world.containers.filter((c) => !isPodman(c))].reverse().map((c) => {
    const running = c.state === 'running' || c.state === 'paused'
    const networks: Json = {}
    for (const ep of c.endpoints) {
      networks[ep.network] = {
        IPAMConfig: null,
        Links: null,
        Aliases: ep.network === 'bridge' ? null : [c.id.slice(0, 12)],
        NetworkID: ep.networkId,
        EndpointID: running ? ep.endpointId : '',
        Gateway: running ? ep.gateway : '',
        IPAddress: running ? ep.ip : '',
        IPPrefixLen: running ? ep.prefix : 0,
        IPv6Gateway: '',
        GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0,
        MacAddress: running ? ep.mac : '',
        DriverOpts: null
      }
    }
    if (c.mode === 'host' || c.mode === 'none') {
      const net = world.networks.find((n) => n.name === c.mode)!
      networks[c.mode] = {
        IPAMConfig: null,
        Links: null,
        Aliases: null,
        NetworkID: net.id,
        EndpointID: running ? `${c.id.slice(32)}${c.id.slice(0, 32)}` : '',
        ...NO_ADDRESSING,
        DriverOpts: null
      }
    }
    const legacy = c.endpoints.find((e) => e.network === 'bridge')
    const portBindings: Json = {}
    const ports: Json = {}
    for (const p of c.ports) {
      const key = `${p.containerPort}/${p.proto}`
      portBindings[key] = [{ HostIp: p.hostIp === '0.0.0.0' ? '' : p.hostIp, HostPort: String(p.hostPort) }]
      ports[key] = running
        ? p.hostIp === '0.0.0.0'
          ? [
              { HostIp: '0.0.0.0', HostPort: String(p.hostPort) },
              { HostIp: '::', HostPort: String(p.hostPort) }
            ]
          : [{ HostIp: p.hostIp, HostPort: String(p.hostPort) }]
        : null
    }
    const exposed: Json = {}
    for (const p of c.ports) exposed[`${p.containerPort}/${p.proto}`] = {}
    const [path, ...args] = c.command
    return {
      Id: c.id,
      Created: c.created,
      Path: path,
      Args: args,
      State: {
        ...inspectProcessState(c),
        ExitCode: c.state === 'exited' ? 137 : 0,
        Error: '',
        StartedAt: c.created.replace(/\.\d+Z$/, '.523456789Z'),
        FinishedAt: c.state === 'exited' ? c.created.replace(/\.\d+Z$/, '.923456789Z') : '0001-01-01T00:00:00Z'
      },
      Image: `sha256:${c.id.split('').reverse().join('')}`,
      ResolvConfPath: `/var/lib/docker/containers/${c.id}/resolv.conf`,
      HostnamePath: `/var/lib/docker/containers/${c.id}/hostname`,
      HostsPath: `/var/lib/docker/containers/${c.id}/hosts`,
      LogPath: `/var/lib/docker/containers/${c.id}/${c.id}-json.log`,
      Name: `/${c.name}`,
      RestartCount: 0,
      Driver: 'overlay2',
      Platform: 'linux',
      MountLabel: '',
      ProcessLabel: '',
      AppArmorProfile: '',
      ExecIDs: null,
      HostConfig: {
        Binds: null,
        ContainerIDFile: '',
        LogConfig: { Type: 'json-file', Config: {} },
        NetworkMode: c.networkMode,
        PortBindings: portBindings,
        RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
        AutoRemove: false,
        VolumeDriver: '',
        VolumesFrom: null,
        CapAdd: null,
        CapDrop: null,
        CgroupnsMode: 'host',
        Dns: [],
        DnsOptions: [],
        DnsSearch: [],
        ExtraHosts: null,
        GroupAdd: null,
        IpcMode: 'private',
        Cgroup: '',
        Links: null,
        OomScoreAdj: 0,
        PidMode: '',
        Privileged: false,
        PublishAllPorts: false,
        ReadonlyRootfs: false,
        SecurityOpt: null,
        UTSMode: '',
        UsernsMode: '',
        ShmSize: 67108864,
        Runtime: 'runc'
      },
      Config: {
        Hostname: c.mode === 'host' ? world.hostname : c.id.slice(0, 12),
        Domainname: '',
        User: '',
        AttachStdin: false,
        AttachStdout: false,
        AttachStderr: false,
        ExposedPorts: c.ports.length > 0 ? exposed : undefined,
        Tty: false,
        OpenStdin: false,
        StdinOnce: false,
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: c.command,
        Image: c.image,
        Volumes: null,
        WorkingDir: '',
        Entrypoint: null,
        OnBuild: null,
        Labels: {}
      },
      NetworkSettings: {
        Bridge: '',
        SandboxID: running ? c.sandboxId : '',
        HairpinMode: false,
        LinkLocalIPv6Address: '',
        LinkLocalIPv6PrefixLen: 0,
        Ports: running ? ports : {},
        SandboxKey: running ? c.sandboxKey : '',
        SecondaryIPAddresses: null,
        SecondaryIPv6Addresses: null,
        EndpointID: running && legacy ? legacy.endpointId : '',
        Gateway: running && legacy ? legacy.gateway : '',
        GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0,
        IPAddress: running && legacy ? legacy.ip : '',
        IPPrefixLen: running && legacy ? legacy.prefix : 0,
        IPv6Gateway: '',
        MacAddress: running && legacy ? legacy.mac : '',
        Networks: networks
      }
    }
  })
  return JSON.stringify(out, null, 4) + '\n'
}
