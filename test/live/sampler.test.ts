/**
 * The counter stream and sampler against the real lab: locally and over the lab sshd, while lab
 * containers talk to each other, nllab-web's host veth must show non-zero rates within a few
 * samples, labelled with the container's name.
 */
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { execa, type ResultPromise } from 'execa'
import { SCHEMA_VERSION, Snapshot, type SnapshotInput } from '../../src/shared/snapshot/schema'
import type { TrafficSample } from '../../src/shared/api/types'
import { readdirSync, readFileSync } from 'node:fs'
import { BOUNDARY, openCounterStream, type StreamTarget } from '../../src/main/traffic/stream'
import { startSampler } from '../../src/main/traffic/sampler'
import { containerLabeller } from '../../src/main/traffic/labels'
import type { CounterFrame } from '../../src/main/traffic/types'
import { readLabTruth, truthContainer, type LabTruth } from './support/truth'
import './support/provided'
import { alive } from '../support/processes'

const skipReason = inject('liveSkip')
const ssh = inject('labSsh')

/** A minimal snapshot holding what the labeller needs, built from the lab truth (not from NetLens). */
function snapshotFromTruth(truth: LabTruth): Snapshot {
  const input: SnapshotInput = {
    schemaVersion: SCHEMA_VERSION,
    host: { hostname: 'lab', kernel: null, dockerVersion: null, iptablesBackend: null, capturedAt: new Date().toISOString() },
    sections: [],
    interfaces: [],
    bridges: [],
    networks: [],
    containers: truth.containers.map((c) => ({
      name: c.name,
      id: c.id,
      image: 'netlens-lab/busybox:1',
      state: 'alive',
      pid: c.pid,
      networkMode: c.networkMode,
      interfaces: c.interfaces.map((i) => ({
        ifname: i.ifname,
        mac: i.mac,
        addresses: i.addresses,
        network: null,
        hostVeth: i.hostVeth,
        bridge: i.master,
        evidence: 'netns-ifindex' as const
      }))
    })),
    publishedPorts: [],
    nat: { rules: [] },
    conntrack: { total: null, max: null, truncated: false, entries: [] },
    warnings: []
  }
  return Snapshot.parse(input)
}

/** Keeps lab containers busy: pings and fetches from nllab-app to nllab-web for `seconds`. */
function startLabTraffic(seconds: number): ResultPromise {
  const n = Math.round(seconds / 0.2)
  return execa(
    'docker',
    ['exec', 'nllab-app', 'sh', '-c', `ping -q -i 0.2 -c ${n} -s 1000 10.203.1.10 & for i in $(seq ${Math.round(seconds * 2)}); do wget -qO- http://10.203.1.10/ >/dev/null; sleep 0.5; done; wait`],
    { reject: false }
  )
}

async function firstFrames(target: StreamTarget, pids: { netns: string; pid: number }[], count: number): Promise<CounterFrame[]> {
  const stream = openCounterStream(target, { intervalS: 0.5, pids })
  const frames: CounterFrame[] = []
  try {
    for await (const f of stream.frames) {
      frames.push(f)
      if (frames.length === count) break
    }
  } finally {
    stream.stop()
  }
  return frames
}

/** Pids of the counter loops on this machine (awk's argv holds the boundary) and of their children. */
function loopProcesses(): Set<number> {
  const found = new Set<number>()
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8')
    } catch {
      return '' // gone meanwhile
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || !read(`/proc/${entry}/cmdline`).includes(BOUNDARY)) continue
    found.add(Number(entry))
    for (const child of read(`/proc/${entry}/task/${entry}/children`).trim().split(' ').filter(Boolean)) found.add(Number(child))
  }
  return found
}


describe.skipIf(skipReason)('live counter stream and sampler', () => {
  let truth: LabTruth
  let traffic: ResultPromise | null = null

  beforeAll(async () => {
    truth = await readLabTruth()
  })
  afterEach(async () => {
    traffic?.kill('SIGTERM')
    await traffic
    traffic = null
  })

  const targets = (): [string, StreamTarget][] => [
    ['local', { kind: 'local' }],
    ['ssh', { kind: 'ssh', alias: ssh!.aliases.ok, configFile: ssh!.configFile }]
  ]

  it.each(['local', 'ssh'])('%s: streams the host and each container namespace, one frame per interval', async (which) => {
    const web = truthContainer(truth, 'nllab-web')
    const target = targets().find(([k]) => k === which)![1]
    const frames = await firstFrames(target, [{ netns: `pid:${web.pid}`, pid: web.pid! }], 3)
    expect(frames).toHaveLength(3)
    for (const f of frames) {
      expect(f.dev.map((d) => d.netns)).toEqual(['host', `pid:${web.pid}`])
      expect(f.dev[0].text).toContain(`${web.interfaces.find((i) => i.ifname === 'eth0')!.hostVeth}:`)
      expect(f.dev[1].text).toMatch(/^\s*eth0:/m)
    }
    expect(frames[1].t).toBeGreaterThan(frames[0].t)
    expect(frames[2].t).toBeGreaterThan(frames[1].t)
  })

  it.each(['local', 'ssh'])('%s: a stopped stream leaves no process behind on the host', async (which) => {
    const web = truthContainer(truth, 'nllab-web')
    const target = targets().find(([k]) => k === which)![1]
    const before = loopProcesses()
    const stream = openCounterStream(target, { intervalS: 0.5, pids: [{ netns: `pid:${web.pid}`, pid: web.pid! }] })
    let ours = new Set<number>()
    let frames = 0
    for await (const _frame of stream.frames) {
      // While it runs: the loop (sed here; awk and its cat on a host whose sed lacks -u), found by
      // the same scan that must find none later.
      ours = new Set([...loopProcesses()].filter((pid) => !before.has(pid)))
      if (++frames === 2) break // leaving the loop stops the stream
    }
    expect(ours.size).toBeGreaterThanOrEqual(1)
    // Gone at once: the end of the ticks ends the loop (the test's timeout is the failure).
    while ([...ours].some(alive)) await new Promise((r) => setTimeout(r, 100))
    expect([...ours].filter(alive)).toEqual([])
  })

  it.each(['local', 'ssh'])('%s: the sampler shows traffic on nllab-web’s host veth, labelled', async (which) => {
    const web = truthContainer(truth, 'nllab-web')
    const webVeth = web.interfaces.find((i) => i.ifname === 'eth0')!.hostVeth!
    const target = targets().find(([k]) => k === which)![1]
    const pids = [{ netns: `pid:${web.pid}`, pid: web.pid! }]
    traffic = startLabTraffic(8)
    const samples: TrafficSample[] = []
    const errors: unknown[] = []
    const found = await new Promise<TrafficSample | null>((resolve) => {
      const sampler = startSampler({
        hostId: which,
        intervalS: 0.5,
        openStream: () => openCounterStream(target, { intervalS: 0.5, pids }),
        labels: containerLabeller(snapshotFromTruth(truth)),
        onSample: (s) => {
          samples.push(s)
          const veth = s.rates.find((r) => r.netns === 'host' && r.iface === webVeth)
          if (veth && veth.rxBytesPerS + veth.txBytesPerS > 0) {
            sampler.stop()
            resolve(s)
          } else if (samples.length >= 10) {
            sampler.stop()
            resolve(null)
          }
        },
        onError: (e) => errors.push(e)
      })
    })
    expect(errors).toEqual([])
    expect(found, `no traffic on ${webVeth} in ${samples.length} samples`).not.toBeNull()
    const veth = found!.rates.find((r) => r.iface === webVeth)!
    expect(veth.container).toBe('nllab-web')
    expect(veth.rxPacketsPerS + veth.txPacketsPerS).toBeGreaterThan(0)
    const inside = found!.rates.find((r) => r.netns === `pid:${web.pid}` && r.iface === 'eth0')!
    expect(inside.container).toBe('nllab-web')
    // Both ends of one veth count the same packets, mirrored: the host side's tx is eth0's rx.
    expect(inside.rxBytesPerS + inside.txBytesPerS).toBeGreaterThan(0)
    expect(samples.indexOf(found!)).toBeLessThan(6)
  })
})
