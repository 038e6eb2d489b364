/**
 * Parser for `docker container inspect $(docker ps -aq)` (Docker Engine API 1.24–1.47; fixtures:
 * docker 20.10.24 on Debian 12, and watchtower's `GET /containers/{id}/json` mocks, which are
 * single objects: one object, an array, or several concatenated arrays are all accepted).
 *
 * Normalises: Name without its leading `/`; State.Status/Running/Pid (Pid 0 → null: not running);
 * HostConfig.NetworkMode (`default`, `bridge`, `host`, `none`, `container:<id>`, a network name);
 * NetworkSettings.SandboxKey ("" for container: mode → null); NetworkSettings.Networks may be {} or
 * null (container: mode) and its entries hold IPAddress/IPPrefixLen/Gateway/MacAddress/
 * GlobalIPv6Address ("" → null). Ports: `portBindings` is what NetworkSettings.Ports actually bound
 * (empty for a stopped container: docker releases them), `configuredPortBindings` what
 * HostConfig.PortBindings asked for (kept while stopped; HostPort may be "" → 0, "any port").
 *
 * Output: DockerContainerRecord[]; `raw` is the container's compact JSON.
 */
import type { DockerContainerRecord, ParseResult } from './types'
import {
  compact,
  int,
  isObject,
  jsonRecords,
  MissingFields,
  nonEmpty,
  num,
  snippet,
  str,
  type JsonObject
} from './link-common'

type PortBinding = DockerContainerRecord['portBindings'][number]
type Network = DockerContainerRecord['networks'][number]

/** `{"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "18080"}]}` → bindings (null lists = not published). */
export function portMap(value: unknown, warnings: string[], where: string): PortBinding[] {
  const out: PortBinding[] = []
  if (!isObject(value)) return out
  for (const [key, bindings] of Object.entries(value)) {
    const match = /^(\d+)(?:\/(\w+))?$/.exec(key)
    const containerPort = match ? int(match[1]) : null
    if (!match || containerPort === null) {
      warnings.push(`${where}: unrecognised port key ${snippet(key)}`)
      continue
    }
    if (!Array.isArray(bindings)) continue
    for (const binding of bindings) {
      if (!isObject(binding)) continue
      const hostPortText = str(binding.HostPort) ?? ''
      const hostPort = hostPortText === '' ? 0 : int(hostPortText)
      if (hostPort === null) {
        warnings.push(`${where}: unrecognised host port ${snippet(hostPortText)} for ${key}`)
        continue
      }
      out.push({ containerPort, proto: match[2] ?? 'tcp', hostIp: str(binding.HostIp) ?? '', hostPort })
    }
  }
  return out
}

export function endpointsOf(settings: JsonObject | null): Network[] {
  const out: Network[] = []
  if (!settings || !isObject(settings.Networks)) return out
  for (const [name, entry] of Object.entries(settings.Networks)) {
    if (!isObject(entry)) continue
    out.push({
      name,
      networkId: nonEmpty(entry.NetworkID),
      endpointId: nonEmpty(entry.EndpointID),
      ipAddress: nonEmpty(entry.IPAddress),
      prefixLen: num(entry.IPPrefixLen) || null,
      gateway: nonEmpty(entry.Gateway),
      mac: nonEmpty(entry.MacAddress),
      ipv6: nonEmpty(entry.GlobalIPv6Address)
    })
  }
  return out
}

export function parseDockerContainers(text: string): ParseResult<DockerContainerRecord[]> {
  return jsonRecords(text, 'docker container', (item, warnings): DockerContainerRecord | MissingFields => {
    const id = str(item.Id) ?? str(item.ID)
    if (id === null) return new MissingFields('Id')
    const state = isObject(item.State) ? item.State : null
    const hostConfig = isObject(item.HostConfig) ? item.HostConfig : null
    const settings = isObject(item.NetworkSettings) ? item.NetworkSettings : null
    const config = isObject(item.Config) ? item.Config : null
    const where = `docker container ${id.slice(0, 12)}`
    const bound = portMap(settings?.Ports, warnings, where)
    const pid = state ? num(state.Pid) : null
    const status = state ? (str(state.Status) ?? '') : ''
    return {
      id,
      name: (str(item.Name) ?? '').replace(/^\//, ''),
      image: (config ? str(config.Image) : null) ?? str(item.Image) ?? '',
      state: status,
      running: state ? state.Running === true || (state.Running === undefined && status === 'running') : false,
      pid: pid && pid > 0 ? pid : null,
      networkMode: (hostConfig ? str(hostConfig.NetworkMode) : null) ?? '',
      sandboxKey: settings ? nonEmpty(settings.SandboxKey) : null,
      networks: endpointsOf(settings),
      portBindings: bound,
      configuredPortBindings: portMap(hostConfig?.PortBindings, warnings, where),
      raw: compact(item)
    }
  })
}
