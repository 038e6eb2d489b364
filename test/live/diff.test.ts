/**
 * diffSnapshots on the real lab: capture, start one more container on nllab-front, capture again.
 * The diff names exactly that container, its host veth and its bridge port, and nothing else
 * (conntrack and counters moved in between, and must not show up). `netlens diff a.cap b.cap`
 * names the container too. The extra container is removed afterwards, also on failure.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { serializeCapture } from '../../src/main/capture/capture-file'
import { diffSnapshots } from '../../src/shared/snapshot/diff'
import type { SnapshotDiff } from '../../src/shared/api/types'
import { lab } from './support/truth'
import { buildSnapshot, dockerNetwork, liveCapture, must, netlens, run, until } from './support/live'
import './support/provided'

const skipReason = inject('liveSkip')

const EXTRA = 'nllab-extra'
const IMAGE = 'netlens-lab/busybox:1'

describe.skipIf(skipReason)('diff of two live captures around a new container', () => {
  let dir = ''
  let diff: SnapshotDiff
  let veth = ''
  let bridge = ''

  const removeExtra = async (): Promise<void> => {
    await run('docker', ['rm', '-f', EXTRA])
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nllab-diff-'))
    await removeExtra()
    // Traffic between the captures makes conntrack and counters differ, which the diff must ignore.
    await lab('traffic')
    const a = await liveCapture('local', null)
    await must('docker', ['run', '-d', '--name', EXTRA, '--label', 'nllab=1', '--network', 'nllab-front', IMAGE, 'sleep', '3600'])
    const pid = await until(`${EXTRA} running`, async () => {
      const r = await run('docker', ['inspect', '-f', '{{.State.Running}} {{.State.Pid}}', EXTRA])
      const [running, p] = r.stdout.trim().split(' ')
      return running === 'true' && Number(p) > 0 ? Number(p) : null
    })
    // Truth for the new wiring, from inside its namespace and the host (not from NetLens).
    const inside = JSON.parse(await must('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', '-j', 'link', 'show', 'eth0'])) as { link_index: number }[]
    const host = JSON.parse(await must('ip', ['-j', 'link', 'show'])) as { ifindex: number; ifname: string; master?: string }[]
    const peer = host.find((l) => l.ifindex === inside[0].link_index)!
    veth = peer.ifname
    bridge = (await dockerNetwork('nllab-front')).bridge
    expect(peer.master).toBe(bridge)
    await lab('traffic')
    const b = await liveCapture('local', null)
    await writeFile(join(dir, 'a.cap'), serializeCapture(a), { mode: 0o600 })
    await writeFile(join(dir, 'b.cap'), serializeCapture(b), { mode: 0o600 })
    diff = diffSnapshots(buildSnapshot(a), buildSnapshot(b))
  })

  afterAll(async () => {
    await removeExtra()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('reports exactly the new container, its host veth and its bridge port', () => {
    const summary = diff.entries.map((e) => `${e.kind} ${e.change} ${e.id}`).sort()
    expect(summary).toEqual(
      [`container added ${EXTRA}`, `interface added host/${veth}`, `bridge-port added host/${bridge}:${veth}`].sort()
    )
    const container = diff.entries.find((e) => e.kind === 'container')!.after as { networkMode: string; interfaces: { ifname: string; hostVeth: string; bridge: string; network: string }[] }
    expect(container.networkMode).toBe('nllab-front')
    expect(container.interfaces).toEqual([expect.objectContaining({ ifname: 'eth0', hostVeth: veth, bridge, network: 'nllab-front' })])
    expect(diff.entries.find((e) => e.kind === 'interface')!.after).toMatchObject({ kind: 'veth', master: bridge })
  })

  it('netlens diff a.cap b.cap names the container', async () => {
    const r = await netlens(['diff', join(dir, 'a.cap'), join(dir, 'b.cap')])
    expect(r.exitCode, r.stderr).not.toBe(2)
    expect(r.stdout).toContain(EXTRA)
    expect(r.stdout).toContain(veth)
    const json = await netlens(['diff', '--json', join(dir, 'a.cap'), join(dir, 'b.cap')])
    expect((JSON.parse(json.stdout) as SnapshotDiff).entries.map((e) => e.id)).toContain(EXTRA)
  })
})
