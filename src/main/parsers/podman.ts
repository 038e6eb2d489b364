/**
 * Parsers for Podman 4's inspect output (fixtures: podman 4.3.1 with netavark 1.4 on Debian 12,
 * rootful next to Docker and rootless behind slirp4netns):
 *
 * - `podman container inspect $(podman ps -aq)`: Docker's inspect shape (Id, Name without a `/`,
 *   State, HostConfig, NetworkSettings) plus Pod, IsInfra and ImageName. HostConfig.NetworkMode is
 *   `bridge` for every netavark network (the network is the key of NetworkSettings.Networks), or
 *   `host`, `none`, `container:<full id>` (also each pod member: `container:<infra id>`),
 *   `slirp4netns`, `pasta`, `ns:<path>`. Podman repeats the namespace owner's networks and ports on
 *   `container:` members; Docker leaves them empty, and so does this parser (the owner has them).
 * - `podman network inspect $(podman network ls -q)`: lower-case keys (name, id, driver,
 *   network_interface, subnets[{subnet, gateway}], internal, dns_enabled, options).
 * - `podman pod ps --format json`: Id, Name, InfraId, Containers[{Id, Names}].
 *
 * Output: the Docker record types with `runtime: 'podman'`; `raw` is each object's compact JSON.
 */
import type { DockerContainerRecord, DockerNetworkRecord, ParseResult, PodmanPodRecord } from './types'
import { endpointsOf, portMap } from './docker-container'
import { compact, isObject, jsonRecords, MissingFields, nonEmpty, num, str, type JsonObject } from './link-common'

/** `bridge` → the one network it is attached to (Docker names user networks that way). */
function networkModeOf(hostConfig: JsonObject | null, settings: JsonObject | null): string {
  const mode = (hostConfig ? str(hostConfig.NetworkMode) : null) ?? ''
  if (mode !== 'bridge' && mode !== 'private' && mode !== '') return mode
  const networks = settings && isObject(settings.Networks) ? Object.keys(settings.Networks) : []
  return networks[0] ?? (mode || 'bridge')
}

export function parsePodmanContainers(text: string): ParseResult<DockerContainerRecord[]> {
  return jsonRecords(text, 'podman container', (item, warnings): DockerContainerRecord | MissingFields => {
    const id = str(item.Id)
    if (id === null) return new MissingFields('Id')
    const state = isObject(item.State) ? item.State : null
    const hostConfig = isObject(item.HostConfig) ? item.HostConfig : null
    const settings = isObject(item.NetworkSettings) ? item.NetworkSettings : null
    const config = isObject(item.Config) ? item.Config : null
    const where = `podman container ${id.slice(0, 12)}`
    const networkMode = networkModeOf(hostConfig, settings)
    const joined = networkMode.startsWith('container:')
    const running = state ? state.Running === true : false
    const bound = joined ? [] : portMap(settings?.Ports, warnings, where)
    const configured = joined ? [] : portMap(hostConfig?.PortBindings, warnings, where)
    const pid = state ? num(state.Pid) : null
    const status = state ? (str(state.Status) ?? '') : ''
    return {
      id,
      name: (str(item.Name) ?? '').replace(/^\//, ''),
      image: str(item.ImageName) ?? (config ? str(config.Image) : null) ?? str(item.Image) ?? '',
      state: status,
      running,
      pid: pid && pid > 0 ? pid : null,
      networkMode,
      sandboxKey: settings ? nonEmpty(settings.SandboxKey) : null,
      networks: joined ? [] : endpointsOf(settings),
      // Podman keeps NetworkSettings.Ports on a stopped container: only a running one has them bound.
      portBindings: running ? bound : [],
      configuredPortBindings: configured.length ? configured : bound,
      raw: compact(item),
      runtime: 'podman',
      pod: nonEmpty(item.Pod),
      isInfra: item.IsInfra === true
    }
  })
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!isObject(value)) return out
  for (const [key, item] of Object.entries(value)) if (typeof item === 'string') out[key] = item
  return out
}

export function parsePodmanNetworks(text: string): ParseResult<DockerNetworkRecord[]> {
  return jsonRecords(text, 'podman network', (item): DockerNetworkRecord | MissingFields => {
    const name = str(item.name)
    const id = str(item.id)
    if (name === null || id === null) return new MissingFields('name/id')
    const driver = str(item.driver) ?? ''
    const subnets: DockerNetworkRecord['subnets'] = []
    for (const s of Array.isArray(item.subnets) ? item.subnets : []) {
      if (!isObject(s)) continue
      const subnet = nonEmpty(s.subnet)
      if (subnet) subnets.push({ subnet, gateway: nonEmpty(s.gateway) })
    }
    const iface = nonEmpty(item.network_interface)
    const options = stringMap(item.options)
    // macvlan/ipvlan networks name their parent NIC in network_interface.
    if ((driver === 'macvlan' || driver === 'ipvlan') && iface && !options.parent) options.parent = iface
    return {
      id,
      name,
      driver,
      scope: 'local',
      internal: item.internal === true,
      ipv6: item.ipv6_enabled === true,
      subnets,
      options,
      containers: [],
      raw: compact(item),
      runtime: 'podman',
      bridge: driver === 'bridge' ? iface : null,
      dnsEnabled: typeof item.dns_enabled === 'boolean' ? item.dns_enabled : null
    }
  })
}

export function parsePodmanPods(text: string): ParseResult<PodmanPodRecord[]> {
  return jsonRecords(text, 'podman pod', (item): PodmanPodRecord | MissingFields => {
    const id = str(item.Id)
    const name = str(item.Name)
    if (id === null || name === null) return new MissingFields('Id/Name')
    const containerIds = (Array.isArray(item.Containers) ? item.Containers : [])
      .map((c) => (isObject(c) ? str(c.Id) : null))
      .filter((c): c is string => c !== null)
    return { id, name, infraId: nonEmpty(item.InfraId), containerIds, raw: compact(item) }
  })
}
