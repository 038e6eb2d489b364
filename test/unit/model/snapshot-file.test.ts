import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { emptySnapshot } from '../../../src/main/model/empty-snapshot'
import { snapshotJsonSchemaText } from '../../../src/main/model/json-schema'
import { openSnapshot, saveSnapshot, snapshotFromText } from '../../../src/main/model/snapshot-file'
import { SCHEMA_VERSION } from '../../../src/shared/snapshot/schema'
import { fileNameFromSection, sectionNameFromFile } from '../../support/capture-from-dir'
import { FIXTURES_DIR } from '../../support/fixtures'

const dir = mkdtempSync(join(tmpdir(), 'netlens-snapshot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('snapshot files', () => {
  const snapshot = { ...emptySnapshot({ source: 'file:x', capturedAt: '2026-11-28T16:09:00.000Z' }), warnings: ['w'] }

  it('saves pretty JSON and opens it again', async () => {
    const path = join(dir, 's.json')
    expect(await saveSnapshot(snapshot, path)).toEqual({ ok: true, value: path })
    expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`^{\\n {2}"schemaVersion": ${SCHEMA_VERSION},\\n`))
    expect(await openSnapshot(path)).toEqual({ ok: true, value: snapshot })
  })

  it('opens a committed schemaVersion 1 snapshot file, upgraded to the current version', async () => {
    const path = join(FIXTURES_DIR, 'model/snapshot-v1/overlay-lab.snapshot.json')
    const raw = JSON.parse(readFileSync(path, 'utf8'))
    expect(raw.schemaVersion).toBe(1)
    const opened = await openSnapshot(path)
    if (!opened.ok) throw new Error(opened.error.message)
    const s = opened.value
    expect(s.schemaVersion).toBe(SCHEMA_VERSION)
    expect(s.containers.map((c) => c.name)).toEqual(raw.containers.map((c: { name: string }) => c.name))
    expect(s.sections.length).toBe(raw.sections.length)
    // Fields a version 1 file does not have get their documented defaults.
    expect(s.truncated).toBeNull()
    expect(s.sections.every((x) => x.empty === false)).toBe(true)
    // Its rules had no typed options: they are read again from their iptables-save lines.
    const masquerade = s.nat.rules.find(
      (r) => r.raw === '-A POSTROUTING -s 10.203.1.0/24 ! -o br-c744ff490e89 -j MASQUERADE'
    )!
    expect(masquerade.options).toEqual([
      { option: '-s', negated: false, values: ['10.203.1.0/24'] },
      { option: '-o', negated: true, values: ['br-c744ff490e89'] }
    ])
    expect(s.nat.rules.length).toBe(raw.nat.rules.length)
    expect(s.nat.rules.every((r) => r.options.every((o) => o.option !== 'nft'))).toBe(true)
    // Bridges get their namespaces from the file's own interfaces and bridges (schema 3): the overlay
    // container's veth end and br0 are in the overlay's namespace, its other leg on the host's docker_gwbridge.
    const ovc = s.containers.find((c) => c.name === 'nllab-ovc')!
    const overlayNetns = s.networks.find((n) => n.name === 'nllab-ov')!.overlay!.netns
    expect(ovc.interfaces.map((i) => [i.ifname, i.network, i.hostVeth, i.vethNetns, i.bridge, i.bridgeNetns])).toEqual([
      ['eth0', 'nllab-ov', 'veth1', overlayNetns, 'br0', overlayNetns],
      ['eth1', 'docker_gwbridge', 'vethe0190c8', 'host', 'docker_gwbridge', 'host']
    ])
    const web = s.containers.find((c) => c.name === 'nllab-web')!.interfaces[0]
    expect([web.vethNetns, web.bridgeNetns]).toEqual(['host', 'host'])
  })

  it('marks the match of a rule it cannot read again as undecidable, never as no condition', () => {
    const file = {
      ...snapshot,
      nat: {
        ...snapshot.nat,
        rules: [
          {
            table: 'nat',
            chain: 'X',
            position: 1,
            target: 'ACCEPT',
            match: 'some match',
            raw: 'not a rule line',
            owner: 'user'
          }
        ]
      }
    }
    const opened = snapshotFromText(JSON.stringify(file))
    if (!opened.ok) throw new Error(opened.error.message)
    expect(opened.value.nat.rules[0].options).toEqual([{ option: 'nft', negated: false, values: ['some match'] }])
  })

  it('names the offending field by its path', async () => {
    const bad = JSON.parse(JSON.stringify(snapshot))
    bad.host.hostname = 42
    const path = join(dir, 'bad.json')
    writeFileSync(path, JSON.stringify(bad))
    const result = await openSnapshot(path)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('parse-error')
      expect(result.error.message).toMatch(/^bad\.json: invalid snapshot at host\.hostname: /)
    }
  })

  it('rejects non-JSON, non-snapshots, other schema versions and missing files', async () => {
    expect(snapshotFromText('nope', 'x').ok).toBe(false)
    const capture = snapshotFromText('{"formatVersion":1,"sections":[]}', 'c.json')
    expect(!capture.ok && capture.error.message).toBe('c.json: not a NetLens snapshot (no schemaVersion)')
    const future = snapshotFromText(JSON.stringify({ ...snapshot, schemaVersion: SCHEMA_VERSION + 1 }), 'v9.json')
    expect(!future.ok && future.error.message).toMatch(
      new RegExp(`schemaVersion ${SCHEMA_VERSION + 1} is not supported`)
    )
    const missing = await openSnapshot(join(dir, 'missing.json'))
    expect(!missing.ok && missing.error.code).toBe('not-found')
  })
})

describe('snapshots of schema versions before Podman (1 to 3)', () => {
  it('still open, with every container and network from Docker and no Podman fields set', () => {
    // A version-1 file as NetLens wrote it: no runtime, pod, rootless, podmanVersion, dns or port runtime.
    const v1 = JSON.parse(JSON.stringify(emptySnapshot({ source: 'file:old', capturedAt: '2026-11-28T16:09:00.000Z' })))
    v1.schemaVersion = 1
    delete v1.host.podmanVersion
    v1.containers = [
      { name: 'web', id: 'c0ffee', image: 'busybox', state: 'running', pid: 42, networkMode: 'bridge', interfaces: [] }
    ]
    v1.networks = [{ name: 'bridge', id: 'n1', driver: 'bridge', subnet: '172.17.0.0/16', gateway: null, internal: false, bridge: 'docker0' }]
    v1.publishedPorts = [
      { hostIp: '0.0.0.0', hostPort: 8080, proto: 'tcp', containerIp: null, containerPort: 80, container: 'web', rule: null, proxy: null }
    ]
    const opened = snapshotFromText(JSON.stringify(v1), 'v1.json')
    expect(opened.ok).toBe(true)
    if (!opened.ok) return
    expect(opened.value.schemaVersion).toBe(SCHEMA_VERSION)
    expect(opened.value.host.podmanVersion).toBeNull()
    expect(opened.value.containers[0]).toMatchObject({ runtime: 'docker', pod: null, rootless: null })
    expect(opened.value.networks[0]).toMatchObject({ runtime: 'docker', dns: null })
    expect(opened.value.publishedPorts[0]).toMatchObject({ runtime: null, sources: [] })
  })

  it('version 3 files (the last before Podman) open the same way', () => {
    const v3 = JSON.parse(JSON.stringify(emptySnapshot({ source: 'file:v3', capturedAt: '2026-12-03T10:00:00.000Z' })))
    v3.schemaVersion = 3
    delete v3.host.podmanVersion
    v3.containers = [
      { name: 'web', id: 'c0ffee', image: 'busybox', state: 'running', pid: 42, networkMode: 'bridge', interfaces: [], configuredPorts: [] }
    ]
    v3.networks = [{ name: 'bridge', id: 'n1', driver: 'bridge', subnet: '172.17.0.0/16', gateway: null, internal: false, bridge: 'docker0' }]
    const opened = snapshotFromText(JSON.stringify(v3), 'v3.json')
    expect(opened.ok).toBe(true)
    if (!opened.ok) return
    expect(opened.value.schemaVersion).toBe(SCHEMA_VERSION)
    expect(opened.value.containers[0]).toMatchObject({ runtime: 'docker', pod: null, rootless: null })
    expect(opened.value.networks[0]).toMatchObject({ runtime: 'docker', dns: null })
  })
})

describe('docs/snapshot.schema.json', () => {
  it('is generated from the current zod schema (run node bin/tsx-run.mjs scripts/gen-json-schema.ts)', () => {
    const committed = readFileSync(join(__dirname, '../../../docs/snapshot.schema.json'), 'utf8')
    expect(committed).toBe(snapshotJsonSchemaText())
  })
})

describe('capture folders', () => {
  it('maps file names to section names and back', () => {
    for (const [file, name] of [
      ['ns--pid-123--ip.link.out', 'ns/pid:123/ip.link'],
      ['ns--docker-1-abcdef--bridge.fdb.out', 'ns/docker:1-abcdef/bridge.fdb'],
      ['ns--ipnetns-lab-wan--igmp.out', 'ns/ipnetns:lab-wan/igmp'],
      ['iptables-legacy.save.out', 'iptables-legacy.save']
    ]) {
      expect(sectionNameFromFile(file)).toBe(name)
      expect(fileNameFromSection(name)).toBe(file)
    }
  })
})
