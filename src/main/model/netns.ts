/**
 * Network namespaces: which capture nsid (`pid:<pid>`, `docker:<file>`, `ipnetns:<name>`) is which
 * namespace, and which containers share it.
 *
 * Capture nsids are how the probe reached a namespace; several can reach the same one (a
 * `container:` mode container's pid, its owner's pid and the owner's sandbox file). They are
 * grouped with a union-find over: the same inode in `netns.map`, a container-mode container's pid
 * with its owner's pid, and a container's pid with its sandbox file. Each group gets one NetLens id:
 *   `host`, `container:<id12 of the owning container>`, `docker-netns:<file>`, `ip-netns:<name>`,
 *   or `unknown:<capture nsid>` for a namespace nothing else identifies.
 */
import type { DockerContainerRecord, NetnsMapEntry } from '../parsers/types'
import type { Namespace } from '../../shared/snapshot/schema'

export type { NetnsMapEntry }
// The map's parser is a leaf like the others (parsers/netns-map.ts); tests read it from here too.
export { parseNetnsMap } from '../parsers/netns-map'

export interface NetnsGroup {
  /** NetLens netns id. */
  id: string
  kind: Namespace['kind']
  /** Capture nsids that reach this namespace, best first (pid, docker, ipnetns). */
  nsids: string[]
  /** Container ids (full) living in this namespace. */
  containerIds: string[]
  path: string | null
}

export interface NetnsModel {
  groups: NetnsGroup[]
  /** Capture nsid → NetLens netns id. */
  idOf: Map<string, string>
  /** Container id → NetLens netns id (null when unknown, e.g. stopped). */
  containerNetns: Map<string, string | null>
  /** Container-mode container id → owner container id. */
  ownerOf: Map<string, string>
}

class UnionFind {
  private parent = new Map<string, string>()
  find(x: string): string {
    let root = this.parent.get(x) ?? x
    if (root === x) {
      if (!this.parent.has(x)) this.parent.set(x, x)
      return x
    }
    root = this.find(root)
    this.parent.set(x, root)
    return root
  }
  union(a: string, b: string): void {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra !== rb) this.parent.set(rb, ra)
  }
}

const nsidRank = (nsid: string): number =>
  nsid === 'host' ? 0 : nsid.startsWith('pid:') ? 1 : nsid.startsWith('docker:') ? 2 : 3

/** Resolves a docker `container:<ref>` reference (full id, short id or name) to a container. */
export function resolveContainerRef(ref: string, containers: DockerContainerRecord[]): DockerContainerRecord | null {
  const clean = ref.replace(/^\//, '')
  return (
    containers.find((c) => c.id === clean) ??
    containers.find((c) => c.name.replace(/^\//, '') === clean) ??
    (clean.length >= 6 ? containers.find((c) => c.id.startsWith(clean)) : undefined) ??
    null
  )
}

export function buildNetns(
  captureNsids: string[],
  map: NetnsMapEntry[],
  containers: DockerContainerRecord[],
  /** Nsids known to reach one namespace by other evidence (non-root captures: see sameNamespaceNsids). */
  sameNamespace: string[][] = []
): NetnsModel {
  const uf = new UnionFind()
  for (const nsids of sameNamespace) for (const nsid of nsids.slice(1)) uf.union(nsids[0], nsid)
  const all = new Set<string>(captureNsids)
  const inodeFirst = new Map<string, string>()
  let hostInode: string | null = null
  const containersOfNsid = new Map<string, Set<string>>()
  const addContainer = (nsid: string, id: string): void => {
    const set = containersOfNsid.get(nsid) ?? new Set<string>()
    set.add(id)
    containersOfNsid.set(nsid, set)
  }

  for (const entry of map) {
    all.add(entry.nsid)
    if (entry.nsid === 'host' || entry.nsid === 'pid:1') hostInode = entry.inode ?? hostInode
  }
  const byId = new Map(containers.map((c) => [c.id, c]))
  const byIdPrefix = (prefix: string): DockerContainerRecord | undefined =>
    byId.get(prefix) ?? (prefix.length < 64 ? containers.find((c) => c.id.startsWith(prefix)) : undefined)
  for (const entry of map) {
    uf.find(entry.nsid)
    if (entry.inode) {
      const first = inodeFirst.get(entry.inode)
      if (first) uf.union(first, entry.nsid)
      else inodeFirst.set(entry.inode, entry.nsid)
    }
    if (entry.containerId) {
      const container = byIdPrefix(entry.containerId)
      addContainer(entry.nsid, container?.id ?? entry.containerId)
    }
  }

  const ownerOf = new Map<string, string>()
  const pidNsid = (c: DockerContainerRecord): string | null => (c.pid && c.pid > 0 ? `pid:${c.pid}` : null)
  for (const c of containers) {
    const own = pidNsid(c)
    if (own && all.has(own)) addContainer(own, c.id)
    const sandbox = c.sandboxKey ? c.sandboxKey.replace(/\/+$/, '').split('/').pop() : null
    if (own && sandbox && all.has(`docker:${sandbox}`)) uf.union(own, `docker:${sandbox}`)
    if (!own && sandbox && all.has(`docker:${sandbox}`)) addContainer(`docker:${sandbox}`, c.id)
    if (c.networkMode.startsWith('container:')) {
      const owner = resolveContainerRef(c.networkMode.slice('container:'.length), containers)
      if (owner) {
        ownerOf.set(c.id, owner.id)
        const ownerNsid = pidNsid(owner)
        if (own && ownerNsid && all.has(own) && all.has(ownerNsid)) uf.union(ownerNsid, own)
      }
    }
  }
  // Follow chains (a joins b joins c) to the real owner.
  for (const [id, owner] of ownerOf) {
    let current = owner
    for (let i = 0; i < 10 && ownerOf.has(current); i++) current = ownerOf.get(current)!
    ownerOf.set(id, current)
  }

  const members = new Map<string, string[]>()
  for (const nsid of all) {
    const root = uf.find(nsid)
    const list = members.get(root) ?? []
    list.push(nsid)
    members.set(root, list)
  }

  const groups: NetnsGroup[] = []
  const groupById = new Map<string, NetnsGroup>()
  const hostNsids = new Set(
    map.filter((e) => e.nsid === 'host' || (hostInode !== null && e.inode === hostInode)).map((e) => e.nsid)
  )
  const membersOf = new Map<string, string[]>()
  for (const [cid, owner] of ownerOf) membersOf.set(owner, [...(membersOf.get(owner) ?? []), cid])
  const idOf = new Map<string, string>()
  const containerNetns = new Map<string, string | null>()
  const isHostGroup = (nsids: string[]): boolean => nsids.some((n) => hostNsids.has(n))

  for (const nsids of members.values()) {
    nsids.sort((a, b) => nsidRank(a) - nsidRank(b) || a.localeCompare(b))
    const containerIds = [...new Set(nsids.flatMap((n) => [...(containersOfNsid.get(n) ?? [])]))]
    // Container-mode members share their owner's namespace.
    for (const cid of [...containerIds]) {
      const owner = ownerOf.get(cid)
      if (owner && !containerIds.includes(owner)) containerIds.push(owner)
    }
    for (const [cid, owner] of ownerOf)
      if (containerIds.includes(owner) && !containerIds.includes(cid)) containerIds.push(cid)
    let id: string
    let kind: Namespace['kind']
    let path: string | null = null
    // The pid of a `--network host` container reaches the host namespace.
    const hostModeMember = containerIds.some((cid) => byId.get(cid)?.networkMode === 'host')
    if (isHostGroup(nsids) || hostModeMember) {
      id = 'host'
      kind = 'host'
    } else if (containerIds.length) {
      const owners = containerIds.filter((cid) => !ownerOf.has(cid))
      const owner = (owners.length ? owners : containerIds)
        .slice()
        .sort((a, b) => nameOf(byId, a).localeCompare(nameOf(byId, b)))[0]
      id = `container:${owner.slice(0, 12)}`
      kind = 'container'
    } else if (nsids[0].startsWith('docker:')) {
      id = `docker-netns:${nsids[0].slice('docker:'.length)}`
      kind = 'docker-netns'
    } else if (nsids[0].startsWith('ipnetns:')) {
      id = `ip-netns:${nsids[0].slice('ipnetns:'.length)}`
      kind = 'ip-netns'
    } else {
      id = `unknown:${nsids[0]}`
      kind = 'unknown'
    }
    const first = nsids.find((n) => n !== 'host')
    if (first?.startsWith('pid:')) path = `/proc/${first.slice(4)}/ns/net`
    else if (first?.startsWith('docker:')) path = `/var/run/docker/netns/${first.slice(7)}`
    else if (first?.startsWith('ipnetns:')) path = `/var/run/netns/${first.slice(8)}`
    if (id === 'host') path = null
    for (const nsid of nsids) idOf.set(nsid, id)
    for (const cid of containerIds) containerNetns.set(cid, id)
    const existing = groupById.get(id)
    if (existing) {
      existing.nsids.push(...nsids)
      existing.containerIds.push(...containerIds.filter((c) => !existing.containerIds.includes(c)))
    } else {
      const group = { id, kind, nsids, containerIds, path }
      groups.push(group)
      groupById.set(id, group)
    }
  }

  // A running container with its own namespace that the probe could not enter still has one.
  for (const c of containers) {
    if (c.networkMode === 'host' || ownerOf.has(c.id) || containerNetns.has(c.id) || !c.running) continue
    const id = `container:${c.id.slice(0, 12)}`
    const group: NetnsGroup = {
      id,
      kind: 'container',
      nsids: [],
      containerIds: [c.id],
      path: c.pid ? `/proc/${c.pid}/ns/net` : null
    }
    groups.push(group)
    groupById.set(id, group)
    containerNetns.set(c.id, id)
  }
  for (const c of containers) {
    const owner = ownerOf.get(c.id)
    const ownerNs = owner ? containerNetns.get(owner) : null
    const group = ownerNs ? groupById.get(ownerNs) : undefined
    if (group && !group.containerIds.includes(c.id)) group.containerIds.push(c.id)
  }
  for (const c of containers) {
    if (c.networkMode === 'host') containerNetns.set(c.id, 'host')
    else if (ownerOf.has(c.id)) containerNetns.set(c.id, containerNetns.get(ownerOf.get(c.id)!) ?? null)
    else if (!containerNetns.has(c.id)) containerNetns.set(c.id, null)
  }
  if (!groups.some((g) => g.id === 'host'))
    groups.unshift({ id: 'host', kind: 'host', nsids: [], containerIds: [], path: null })
  const hostGroup = groups.find((g) => g.id === 'host')!
  for (const c of containers)
    if (c.networkMode === 'host' && !hostGroup.containerIds.includes(c.id)) hostGroup.containerIds.push(c.id)
  return { groups, idOf, containerNetns, ownerOf }
}

function nameOf(byId: Map<string, DockerContainerRecord>, id: string): string {
  return byId.get(id)?.name.replace(/^\//, '') ?? id
}

export function namespacesOf(model: NetnsModel, containers: DockerContainerRecord[]): Namespace[] {
  const byId = new Map(containers.map((c) => [c.id, c]))
  return model.groups
    .map((g) => ({
      id: g.id,
      kind: g.kind,
      containers: g.containerIds.map((cid) => nameOf(byId, cid)).sort(),
      path: g.path
    }))
    .sort((a, b) => (a.id === 'host' ? -1 : b.id === 'host' ? 1 : a.id.localeCompare(b.id)))
}
