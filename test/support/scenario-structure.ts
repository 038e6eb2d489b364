/**
 * The structure comparison of issue #19: a scenario made by `scenario-from` is rendered through the
 * real pipeline (parseScenarioText → renderScenario → buildSnapshot) and compared with the snapshot
 * it was made from:
 * - the nat table's rule lines, in order, bridge ids aside (`br-<12 hex>` → `br-*`); on a host
 *   without docker networks the rules that are not Docker's (the host's own), in order;
 * - every container's mode, state and attachments (network, IPv4 addresses, bridge, whether it has a
 *   host veth), and every published port;
 * - the docker networks (driver, subnet, internal, bridge); an overlay only when a container on this
 *   host is attached (the simulator shows the overlays in use, like a worker that joined none);
 * - the kinds of conntrack translation (SNAT, DNAT, none) of the traffic the format can express:
 *   entries from a container or DNATed to one (the host's own connections are not flows).
 * A part the source did not capture is not compared: the NAT rules need iptables-save and the docker
 * networks, containers and ports docker inspect, the translation kinds conntrack.
 */
import { buildSnapshot } from '../../src/main/model/build-snapshot'
import { parseScenarioText, formatScenarioError } from '../../src/main/sim/load'
import { renderScenario } from '../../src/main/sim/index'
import type { Snapshot } from '../../src/shared/snapshot/schema'
import { isIpv4, stripPrefix } from '../../src/shared/net/ip'

const bridgeIdsAside = (text: string): string =>
  text
    .replace(/\bbr-[0-9a-f]{12}\b/g, 'br-*')
    // netavark names its chains and DNAT comments after the network and container ids.
    .replace(/\b(NETAVARK-(?:DN-)?)[0-9A-F]{13}\b/g, '$1*')
    .replace(/\bid: [0-9a-f]{64}\b/g, 'id: *')

export interface Structure {
  natRules: string[]
  /** The nat-table rules that are not Docker's (the host's own), in order. */
  ownNatRules: string[]
  containers: string[]
  ports: string[]
  networks: string[]
  conntrackKinds: string[]
}

function modeOf(s: Snapshot, mode: string): string {
  if (mode === 'host' || mode === 'none') return mode
  const m = /^container:(.+)$/.exec(mode)
  if (m) {
    const owner = s.containers.find(
      (c) => c.name === m[1] || c.id === m[1] || (m[1].length >= 12 && c.id.startsWith(m[1]))
    )
    return `container:${owner?.name ?? '?'}`
  }
  return 'bridge'
}

const stateOf = (state: string): string =>
  /^(running|up)/i.test(state) ? 'running' : state.toLowerCase().split(/\s/)[0]

/**
 * `wiring`: compare bridges and host veths too (false when the source has no `ip link`: docker
 * inspect alone names no veth). `identity`: compare each leg's network and addresses too (false for a
 * non-root capture, where docker was not read and a leg is only its bridge and host veth). A
 * `container:` member's legs are its owner's, so only its mode counts.
 */
export function structureOf(s: Snapshot, wiring = true, identity = true): Structure {
  const containerIps = new Set(
    s.containers.flatMap((c) => c.interfaces.flatMap((i) => i.addresses.map(stripPrefix).filter(isIpv4)))
  )
  const usedNetworks = new Set(s.containers.flatMap((c) => c.interfaces.map((i) => i.network)))
  const expressible = s.conntrack.entries.filter(
    (e) =>
      ['tcp', 'udp', 'icmp'].includes(e.proto) &&
      (containerIps.has(e.original.src) ||
        ((e.nat === 'DNAT' || e.nat === 'SNAT+DNAT') &&
          containerIps.has(e.reply.src) &&
          !e.original.src.startsWith('127.')))
  )
  return {
    natRules: s.nat.rules.filter((r) => r.table === 'nat' && r.family === 'iptables').map((r) => bridgeIdsAside(r.raw)),
    ownNatRules: s.nat.rules
      .filter((r) => r.table === 'nat' && r.family === 'iptables' && r.owner !== 'docker' && /^-A /.test(r.raw))
      .map((r) => bridgeIdsAside(r.raw)),
    containers: s.containers
      .map((c) => {
        const mode = modeOf(s, c.networkMode)
        // Without docker, a container whose legs were not seen has unknown legs (missing data is no difference).
        const legs =
          mode.startsWith('container:') || (!identity && c.interfaces.length === 0)
            ? []
            : c.interfaces
                .filter((i) => i.network !== 'docker_gwbridge')
                .map(
                  (i) =>
                    (identity ? `${i.network}=${i.addresses.map(stripPrefix).filter(isIpv4).join(',')}` : '') +
                    (wiring ? `@${bridgeIdsAside(i.bridge ?? '-')}${i.hostVeth ? '+veth' : ''}` : '')
                )
                .sort()
        return `${c.name} ${mode} ${stateOf(c.state)} [${legs.join(' ')}]`
      })
      .sort(),
    ports: s.publishedPorts
      .filter((p) => isIpv4(p.hostIp) || p.hostIp === '')
      .map(
        (p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort}/${p.proto}->${p.containerIp}:${p.containerPort} ${p.container}`
      )
      .sort(),
    networks: s.networks
      .filter(
        (n) => n.driver === 'bridge' || n.driver === 'macvlan' || (n.driver === 'overlay' && usedNetworks.has(n.name))
      )
      .map((n) => `${n.name} ${n.driver} ${n.subnet} internal=${n.internal} ${bridgeIdsAside(n.bridge ?? '-')}`)
      .sort(),
    conntrackKinds: [...new Set(expressible.map((e) => e.nat))].sort()
  }
}

/** The parts of `source` the rendered snapshot does not reproduce, one line each (empty: same structure). */
export function structureDifferences(source: Snapshot, rendered: Snapshot): string[] {
  return compareStructure(source, rendered).differences
}

/** The differences, and which parts were compared (a part the source did not capture is not). */
export function compareStructure(
  source: Snapshot,
  rendered: Snapshot
): { differences: string[]; compared: (keyof Structure)[] } {
  const compared: (keyof Structure)[] = []
  const has = (section: string): boolean =>
    source.sections.some((x) => x.name === section && x.status === 'ok' && !x.empty)
  // Captured and read: the seed's elided docker excerpt is not JSON, so it names no network.
  const hasNetworks = has('docker.networks') && source.networks.length > 0
  const wiring = has('ip.link') || has('ip.link.text')
  // Without docker (non-root) a leg is only its bridge and host veth: compare those.
  const identity = has('docker.containers')
  const a = structureOf(source, wiring, identity)
  const unseen = new Set(identity ? [] : source.containers.filter((c) => c.interfaces.length === 0).map((c) => c.name))
  const b = structureOf(
    { ...rendered, containers: rendered.containers.map((c) => (unseen.has(c.name) ? { ...c, interfaces: [] } : c)) },
    wiring,
    identity
  )
  const out: string[] = []
  const compare = (part: keyof Structure, when: boolean): void => {
    if (!when) return
    compared.push(part)
    const x = JSON.stringify(a[part], null, 1)
    const y = JSON.stringify(b[part], null, 1)
    if (x !== y)
      out.push(`${part} differ:\n  source:   ${JSON.stringify(a[part])}\n  rendered: ${JSON.stringify(b[part])}`)
  }
  // Which rules are Docker's is read against the docker networks: without them the rules alone are
  // not a Docker host the format can describe (moby's iptables golden, a namespace-only host), and
  // the simulator renders Docker 20.10's own rules around the host's. The host's own rules (not
  // Docker's) must still come back, all of them, in their order.
  compare('natRules', has('iptables.save') && hasNetworks)
  compare('ownNatRules', has('iptables.save') && !hasNetworks)
  compare('containers', has('docker.containers') || source.containers.length > 0)
  compare('ports', has('docker.containers'))
  compare('networks', hasNetworks)
  compare('conntrackKinds', has('conntrack.list'))
  return { differences: out, compared }
}

/** A scenario's YAML text rendered through the simulator into a snapshot, as `netlens inspect x.yaml` would. */
export function renderScenarioYaml(text: string, name = 'scenario-from.yaml'): Snapshot {
  const parsed = parseScenarioText(text, name)
  if (!parsed.ok) throw new Error(`the scenario does not load:\n${parsed.errors.map(formatScenarioError).join('\n')}`)
  const capture = renderScenario(parsed.scenario)
  if (!capture.ok) throw new Error(`the scenario does not render: ${capture.error.message}`)
  return buildSnapshot(capture.value)
}
