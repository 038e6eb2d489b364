/**
 * Ground truth of the live lab, read by `bash scripts/lab.sh truth` straight from docker and from
 * inside each namespace (nsenter + ip -j -d addr), never from NetLens. Live tests compare NetLens's
 * snapshot against this.
 */
import { resolve } from 'node:path'
import { execa } from 'execa'

export const REPO_ROOT = resolve(__dirname, '../../..')
export const LAB_SCRIPT = resolve(REPO_ROOT, 'scripts/lab.sh')

export interface LabTruthInterface {
  ifname: string
  ifindex: number
  kind: string | null
  /** `link_index` from `ip -j -d link` inside the namespace: the host veth's ifindex for a veth. */
  peerIfindex: number | null
  mac: string | null
  /** CIDRs, v4 and v6. */
  addresses: string[]
  /** Host-side veth whose ifindex is peerIfindex (null for host-mode containers and loopback). */
  hostVeth: string | null
  hostVethIfindex: number | null
  /** Bridge the host veth is enslaved to: `docker0` or `br-<id12>`. */
  master: string | null
}

export interface LabTruthContainer {
  name: string
  id: string
  pid: number | null
  /** bridge | host | none | container:<name> | <network name> (NetLens's snapshot vocabulary). */
  networkMode: string
  /** HostConfig.NetworkMode exactly as docker reports it (`default`, `container:<full id>`, …). */
  dockerNetworkMode: string
  /** `net:[inode]` of the container's network namespace. */
  netnsInode: string | null
  sharesHostNetns: boolean
  networks: { name: string; ip: string; mac: string; gateway: string | null }[]
  ports: { container: string; hostIp: string; hostPort: number }[]
  interfaces: LabTruthInterface[]
}

export interface LabTruth {
  webPort: number
  networks: { name: string; id: string; driver: string; internal: boolean; subnet: string | null; gateway: string | null; bridge: string }[]
  wan: {
    netns: string
    hostIf: string
    nsIf: string
    hostIp: string
    nsIp: string
    hostIfindex: number | null
    interfaces: { ifname: string; ifindex: number; peerIfindex: number | null; addresses: string[] }[]
  }
  containers: LabTruthContainer[]
}

export const LAB_CONTAINERS = ['nllab-default', 'nllab-web', 'nllab-db', 'nllab-app', 'nllab-sidecar', 'nllab-hostmode', 'nllab-none'] as const

export async function lab(command: 'up' | 'down' | 'status' | 'traffic' | 'truth', env: Record<string, string> = {}) {
  return execa('bash', [LAB_SCRIPT, command], { reject: false, env, cwd: REPO_ROOT })
}

export async function readLabTruth(): Promise<LabTruth> {
  const r = await lab('truth')
  if (r.exitCode !== 0) throw new Error(`lab.sh truth failed (exit ${r.exitCode}): ${r.stderr}`)
  return JSON.parse(r.stdout) as LabTruth
}

export function truthContainer(truth: LabTruth, name: string): LabTruthContainer {
  const c = truth.containers.find((x) => x.name === name)
  if (!c) throw new Error(`lab container ${name} missing from the truth (is the lab up?)`)
  return c
}
