/**
 * Parser for `docker network inspect $(docker network ls -q)` (Docker Engine API 1.24–1.47; fixtures:
 * docker 20.10.24 on Debian 12, the Engine API `GET /networks` list from Prometheus' tests, and the
 * seed's elided CentOS 7 excerpt, which is not JSON and yields only warnings).
 *
 * Accepts one JSON array, several concatenated arrays (`docker network inspect a; docker network
 * inspect b`), or a single network object. Normalises: IPAM.Config may be null or hold entries
 * without Gateway; `Containers` (keyed by container id; IPv4Address `172.17.0.2/16`, "" when unset)
 * may be null/absent; Options may be null; EnableIPv6/Internal may be absent (older APIs → false).
 * Overlay networks carry `com.docker.network.driver.overlay.vxlanid_list` in Options.
 *
 * Output: DockerNetworkRecord[]; `raw` is the network's compact JSON.
 */
import type { DockerNetworkRecord, ParseResult } from './types'
import { compact, isObject, jsonRecords, MissingFields, nonEmpty, str } from './link-common'

type Container = DockerNetworkRecord['containers'][number]

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!isObject(value)) return out
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') out[key] = item
    else if (typeof item === 'number' || typeof item === 'boolean') out[key] = String(item)
  }
  return out
}

export function parseDockerNetworks(text: string): ParseResult<DockerNetworkRecord[]> {
  return jsonRecords(text, 'docker network', (item, warnings): DockerNetworkRecord | MissingFields => {
    const id = str(item.Id) ?? str(item.ID)
    const name = str(item.Name)
    if (id === null || name === null) return new MissingFields('Id/Name')
    const ipam = isObject(item.IPAM) ? item.IPAM : null
    const subnets: DockerNetworkRecord['subnets'] = []
    for (const config of ipam && Array.isArray(ipam.Config) ? ipam.Config : []) {
      if (!isObject(config)) continue
      const subnet = nonEmpty(config.Subnet)
      if (subnet) subnets.push({ subnet, gateway: nonEmpty(config.Gateway) })
    }
    const containers: Container[] = []
    if (isObject(item.Containers)) {
      for (const [containerId, entry] of Object.entries(item.Containers)) {
        if (!isObject(entry)) {
          warnings.push(`docker network ${name}: container ${containerId} is not an object`)
          continue
        }
        containers.push({
          id: containerId,
          name: str(entry.Name) ?? '',
          ipv4: nonEmpty(entry.IPv4Address),
          ipv6: nonEmpty(entry.IPv6Address),
          mac: nonEmpty(entry.MacAddress),
          endpointId: nonEmpty(entry.EndpointID)
        })
      }
    }
    return {
      id,
      name,
      driver: str(item.Driver) ?? '',
      scope: str(item.Scope) ?? '',
      internal: item.Internal === true,
      ipv6: item.EnableIPv6 === true,
      subnets,
      options: stringMap(item.Options),
      containers,
      raw: compact(item)
    }
  })
}
