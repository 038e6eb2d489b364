/**
 * Podman's containers beside Docker's: the records of `podman container inspect` (the probe's user:
 * root sees rootful Podman, anyone else their own rootless Podman), plus, seen from root, other
 * users' rootless containers that only their conmon names (`proc.nethelpers`: `-c <id> -n <name>`,
 * with the container's pid in `netns.map`). Both become container records of runtime `podman`,
 * joined to interfaces, bridges and NAT exactly like Docker's by the rest of the model.
 *
 * Rootless containers have no veth on a host bridge: their traffic goes through a user-mode
 * network helper (slirp4netns, or pasta on newer Podman) that holds a tap device inside the
 * namespace, and their published ports through rootlessport (or pasta) on the host. Those
 * processes are matched to a container by the namespace the helper serves (its path or pid equals
 * the container's SandboxKey or pid) and by the host port a forwarder listens on.
 */
import type { DockerContainerRecord, NetHelperRecord, PodmanPodRecord, SsRecord } from '../parsers/types'
import type { Container } from '../../shared/snapshot/schema'
import type { NetnsMapEntry } from './netns'
import { shortId } from './containers'

export type RootlessInfo = NonNullable<Container['rootless']>

export interface PodmanInput {
  /** `podman.containers` (null when podman was not asked or failed). */
  containers: DockerContainerRecord[] | null
  pods: PodmanPodRecord[] | null
  helpers: NetHelperRecord[]
  netnsMap: NetnsMapEntry[]
  listeners: SsRecord[]
  /** uid and name of the user the probe ran as. */
  probeUid: number | null
  probeUser: string | null
  /** Ids of containers another runtime listed already. */
  knownIds: Set<string>
  /** Capture nsids (`pid:<n>`) whose /proc shows exactly the host's interfaces (inode unreadable). */
  hostLike?: Set<string>
}

export interface PodmanView {
  records: DockerContainerRecord[]
  /** Pod id → pod name. */
  podNames: Map<string, string>
  rootless: Map<string, RootlessInfo>
  warnings: string[]
}

const USER_MODE_NETWORKS = new Set(['slirp4netns', 'pasta'])
const isForwarder = (h: NetHelperRecord): boolean =>
  h.process === 'slirp4netns' || h.process.startsWith('pasta') || h.process === 'rootlessport'

function describe(helper: NetHelperRecord): string {
  if (helper.process === 'slirp4netns' || helper.process.startsWith('pasta'))
    return `${helper.process} pid=${helper.pid} serves ${helper.netnsPath ?? `pid ${helper.netnsPid ?? '?'}`}${helper.tap ? ` (${helper.tap})` : ''}`
  return `${helper.process} pid=${helper.pid}`
}

/** Host-port forwarders (rootlessport, pasta) listening on one of the container's published ports. */
function portForwarders(record: DockerContainerRecord, listeners: SsRecord[]): RootlessInfo['forwarders'] {
  const ports = new Set(record.portBindings.filter((b) => b.hostPort > 0).map((b) => `${b.proto}/${b.hostPort}`))
  const out: RootlessInfo['forwarders'] = []
  for (const l of listeners) {
    if (!l.process || l.pid === null || !/^(rootlessport|pasta)/.test(l.process)) continue
    if (!ports.has(`${l.proto.replace(/6$/, '')}/${l.port}`)) continue
    if (out.some((f) => f.pid === l.pid && f.detail.endsWith(`:${l.port}`))) continue
    out.push({ process: l.process, pid: l.pid, detail: `${l.process} pid=${l.pid} ${l.localAddress}:${l.port}` })
  }
  return out
}

function ownRootless(record: DockerContainerRecord, input: PodmanInput): RootlessInfo {
  const helper = input.helpers.find(
    (h) =>
      (h.process === 'slirp4netns' || h.process.startsWith('pasta')) &&
      ((h.netnsPath !== null && h.netnsPath === record.sandboxKey) ||
        (h.netnsPid !== null && h.netnsPid === record.pid))
  )
  return {
    uid: input.probeUid,
    user: input.probeUser,
    network: record.networkMode,
    tap: helper?.tap ?? null,
    forwarders: [
      ...(helper ? [{ process: helper.process, pid: helper.pid, detail: describe(helper) }] : []),
      ...portForwarders(record, input.listeners)
    ]
  }
}

export function podmanView(input: PodmanInput): PodmanView {
  const warnings: string[] = []
  const podNames = new Map((input.pods ?? []).map((p) => [p.id, p.name]))
  const rootless = new Map<string, RootlessInfo>()
  const records: DockerContainerRecord[] = []
  const seen = new Set(input.knownIds)
  const rootlessProbe = input.probeUid !== null && input.probeUid !== 0
  for (const record of input.containers ?? []) {
    if (seen.has(record.id)) continue
    seen.add(record.id)
    records.push({ ...record, uid: input.probeUid })
    if (rootlessProbe || USER_MODE_NETWORKS.has(record.networkMode)) rootless.set(record.id, ownRootless(record, input))
  }

  // Seen from root: other users' rootless containers, named by their conmon, found by their pid.
  const hostInode = input.netnsMap.find((e) => e.nsid === 'host')?.inode ?? null
  const others = input.helpers.filter(
    (h) => h.process === 'conmon' && h.containerId !== null && h.uid !== null && h.uid !== input.probeUid
  )
  const containersOfUid = new Map<number, number>()
  for (const h of others) containersOfUid.set(h.uid!, (containersOfUid.get(h.uid!) ?? 0) + 1)
  for (const conmon of others) {
    const id = conmon.containerId!
    if (seen.has(id)) continue
    const entry = input.netnsMap.find((e) => e.containerId === id && e.nsid.startsWith('pid:'))
    if (!entry) continue
    seen.add(id)
    const uid = conmon.uid!
    const helpers = input.helpers.filter((h) => h.uid === uid && isForwarder(h))
    const userMode = helpers.find((h) => h.process === 'slirp4netns' || h.process.startsWith('pasta'))
    const inHost =
      entry.inode !== null ? hostInode !== null && entry.inode === hostInode : !!input.hostLike?.has(entry.nsid)
    // One container for this user: its helpers are its own; several: they cannot be told apart here.
    const alone = containersOfUid.get(uid) === 1
    const name =
      conmon.containerName && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(conmon.containerName)
        ? conmon.containerName
        : shortId(id)
    records.push({
      id,
      name,
      image: '',
      state: 'running',
      running: true,
      pid: Number(entry.nsid.slice('pid:'.length)),
      networkMode: inHost
        ? 'host'
        : userMode
          ? userMode.process.startsWith('pasta')
            ? 'pasta'
            : 'slirp4netns'
          : 'unknown',
      sandboxKey: null,
      networks: [],
      portBindings: [],
      configuredPortBindings: [],
      raw: conmon.raw,
      runtime: 'podman',
      pod: null,
      isInfra: false,
      uid
    })
    if (uid !== 0) {
      rootless.set(id, {
        uid,
        user: null,
        network: inHost ? 'host' : (userMode?.process.replace(/\.avx2$/, '') ?? 'unknown'),
        tap: alone ? (userMode?.tap ?? null) : null,
        forwarders: alone ? helpers.map((h) => ({ process: h.process, pid: h.pid, detail: describe(h) })) : []
      })
      if (!alone)
        warnings.push(
          `container ${name}: one of ${containersOfUid.get(uid)} rootless containers of uid ${uid}; its forwarder processes are not told apart from the others' (run NetLens as that user to see them)`
        )
    }
  }
  return { records, podNames, rootless, warnings }
}

/** Names used by both runtimes: views refer to containers by name, so say which is which. */
export function nameClashWarnings(records: DockerContainerRecord[]): string[] {
  const byName = new Map<string, Set<string>>()
  for (const r of records) {
    const set = byName.get(r.name) ?? new Set<string>()
    set.add(r.runtime ?? 'docker')
    byName.set(r.name, set)
  }
  return [...byName.entries()]
    .filter(([, runtimes]) => runtimes.size > 1)
    .map(
      ([name]) =>
        `containers: "${name}" is the name of a Docker and of a Podman container; views and the trace pick the Docker one by that name (use the container id for the other)`
    )
}
