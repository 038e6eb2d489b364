/**
 * The link-layer and docker parsers by fixture prefix (`<parser>--<case>.out`), shared by the
 * parser tests and by the script that regenerates expected .json files for review.
 */
import type { ParseResult } from '../../../src/main/parsers/types'
import { parseIpLinkJson, parseIpLinkText } from '../../../src/main/parsers/ip-link'
import { parseIpAddrJson, parseIpAddrText } from '../../../src/main/parsers/ip-addr'
import { parseIpRouteJson, parseIpRouteText } from '../../../src/main/parsers/ip-route'
import { parseBridgeLinkJson } from '../../../src/main/parsers/bridge-link'
import { parseBridgeFdbJson } from '../../../src/main/parsers/bridge-fdb'
import { parseBrctlShow } from '../../../src/main/parsers/brctl'
import { parseSysBrif } from '../../../src/main/parsers/sys-brif'
import { parseProcNetDev } from '../../../src/main/parsers/proc-net-dev'
import { parseProcIgmp } from '../../../src/main/parsers/proc-igmp'
import { parseProcRoute } from '../../../src/main/parsers/proc-route'
import { parseSs } from '../../../src/main/parsers/ss'
import { parseSysctl } from '../../../src/main/parsers/sysctl'
import { parseDockerNetworks } from '../../../src/main/parsers/docker-network'
import { parseDockerContainers } from '../../../src/main/parsers/docker-container'

export const LINK_PARSERS: Record<string, (text: string) => ParseResult<unknown>> = {
  'ip-link-json': parseIpLinkJson,
  'ip-link-text': parseIpLinkText,
  'ip-addr-json': parseIpAddrJson,
  'ip-addr-text': parseIpAddrText,
  'ip-route-json': parseIpRouteJson,
  'ip-route-text': parseIpRouteText,
  'bridge-link': parseBridgeLinkJson,
  'bridge-fdb': parseBridgeFdbJson,
  brctl: parseBrctlShow,
  'sys-brif': parseSysBrif,
  'proc-net-dev': parseProcNetDev,
  'proc-igmp': parseProcIgmp,
  'proc-route': parseProcRoute,
  ss: parseSs,
  sysctl: parseSysctl,
  'docker-network': parseDockerNetworks,
  'docker-container': parseDockerContainers
}
