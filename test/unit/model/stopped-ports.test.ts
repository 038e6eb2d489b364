/**
 * Stopped containers publish nothing (issue #13, item 2). A real `docker container inspect` of a
 * created and an exited container that were given -p, next to a running one
 * (test/fixtures/docker/debian-12-docker-20.10/docker-container--stopped-published.out, made by
 * stopped-published.sh there), added to the real lab capture: published ports come from running
 * containers and DNAT rules only; the stopped ones' settings are kept apart as `configuredPorts`,
 * and old snapshots that listed them as published are upgraded.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatSnapshotSummary } from '../../../src/main/cli/format/snapshot-summary'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { openSnapshot } from '../../../src/main/model/snapshot-file'
import { diagnoseReport } from '../../../src/shared/diagnose'
import { SCHEMA_VERSION } from '../../../src/shared/snapshot/schema'
import { captureFromDir } from '../../support/capture-from-dir'
import { FIXTURES_DIR } from '../../support/fixtures'

const STOPPED = readFileSync(
  join(FIXTURES_DIR, 'docker/debian-12-docker-20.10/docker-container--stopped-published.out'),
  'utf8'
)
const capture = captureFromDir(join(FIXTURES_DIR, 'lab/debian-12-docker-20.10'))
for (const s of capture.sections) if (s.name === 'docker.containers') s.stdout += STOPPED
const snapshot = buildSnapshot(capture)
const ports = (container: string): string[] =>
  snapshot.publishedPorts.filter((p) => p.container === container).map((p) => `${p.hostIp}:${p.hostPort}/${p.proto}`)

describe('ports of stopped containers', () => {
  it('are not published: only the running container and the lab DNAT rules publish', () => {
    expect(ports('nltmp-h2-running')).toEqual(['0.0.0.0:18096/tcp', ':::18096/tcp'])
    expect(ports('nltmp-h2-created')).toEqual([])
    expect(ports('nltmp-h2-exited')).toEqual([])
    expect(snapshot.publishedPorts.map((p) => p.hostPort)).not.toEqual(expect.arrayContaining([18097]))
    for (const port of [18097, 18098, 18099])
      expect(snapshot.publishedPorts.some((p) => p.hostPort === port)).toBe(false)
  })

  it('are kept on the container as configuredPorts (HostConfig.PortBindings), with nothing bound', () => {
    const c = (name: string) => snapshot.containers.find((x) => x.name === name)!
    expect(c('nltmp-h2-created')).toMatchObject({
      state: 'created',
      portBindings: [],
      configuredPorts: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 18097 }]
    })
    expect(c('nltmp-h2-exited')).toMatchObject({
      state: 'exited',
      portBindings: [],
      configuredPorts: [
        { containerPort: 53, proto: 'udp', hostIp: '', hostPort: 18099 },
        { containerPort: 80, proto: 'tcp', hostIp: '127.0.0.1', hostPort: 18098 }
      ]
    })
    expect(c('nltmp-h2-running').portBindings.map((p) => p.hostIp)).toEqual(['0.0.0.0', '::'])
  })

  it('do not make "published port without a DNAT rule" findings', () => {
    const noDnat = diagnoseReport(snapshot).findings.filter((f) => f.id === 'port-no-dnat')
    expect(noDnat.map((f) => f.objects.find((o) => o.kind === 'container')?.id)).not.toContain('nltmp-h2-exited')
    expect(noDnat.map((f) => f.objects.find((o) => o.kind === 'container')?.id)).not.toContain('nltmp-h2-created')
  })

  it('inspect lists them apart, labelled as not published', () => {
    const text = formatSnapshotSummary(snapshot)
    const published = text.slice(text.indexOf('Published ports'), text.indexOf('Configured on stopped'))
    expect(published).not.toMatch(/1809[789]/)
    expect(text).toContain('Configured on stopped containers, not published (3)')
    expect(text).toMatch(/0\.0\.0\.0:18097\/tcp\s+→\s+:80\s+nltmp-h2-created\s+\[created\]/)
    expect(text).toMatch(/127\.0\.0\.1:18098\/tcp\s+→\s+:80\s+nltmp-h2-exited\s+\[exited\]/)
  })

  it('a version 2 snapshot that published them opens upgraded: ports moved to configuredPorts', async () => {
    const path = join(FIXTURES_DIR, 'model/snapshot-v2/lab-stopped.snapshot.json')
    const raw = JSON.parse(readFileSync(path, 'utf8'))
    expect(raw.schemaVersion).toBe(2)
    expect(raw.publishedPorts.filter((p: { hostPort: number }) => p.hostPort === 18097)).toHaveLength(1)
    const opened = await openSnapshot(path)
    if (!opened.ok) throw new Error(opened.error.message)
    const s = opened.value
    expect(s.schemaVersion).toBe(SCHEMA_VERSION)
    for (const port of [18097, 18098, 18099]) expect(s.publishedPorts.some((p) => p.hostPort === port)).toBe(false)
    expect(s.publishedPorts.filter((p) => p.hostPort === 18096)).toHaveLength(2)
    expect(s.containers.find((c) => c.name === 'nltmp-h2-exited')?.configuredPorts.map((p) => p.hostPort)).toEqual([
      18099, 18098
    ])
    // What version 2 published and version 3 still publishes is unchanged.
    const kept = raw.publishedPorts.filter((p: { hostPort: number }) => ![18097, 18098, 18099].includes(p.hostPort))
    // (Version 4 added each port's runtime; an older file's ports have none.)
    expect(s.publishedPorts).toEqual(kept.map((p: object) => ({ ...p, runtime: null })))
  })
})
