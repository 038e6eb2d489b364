import { describe, expect, it } from 'vitest'
import { buildNetns, namespacesOf, parseNetnsMap } from '../../../src/main/model/netns'
import type { DockerContainerRecord } from '../../../src/main/parsers/types'

const container = (p: Partial<DockerContainerRecord> & { id: string; name: string }): DockerContainerRecord => ({
  image: 'lab/busybox:1',
  state: 'running',
  running: true,
  pid: null,
  networkMode: 'bridge',
  sandboxKey: null,
  networks: [],
  portBindings: [],
  configuredPortBindings: [],
  raw: '',
  ...p
})

describe('netns.map', () => {
  it('parses nsid, inode and container id, warning about junk', () => {
    const { value, warnings } = parseNetnsMap(
      'pid:10 4026532261 a23d0f4c3d56\ndocker:1-abcdefghij 4026532999\ngarbage here\n'
    )
    expect(value.map((e) => [e.nsid, e.inode, e.containerId])).toEqual([
      ['pid:10', '4026532261', 'a23d0f4c3d56'],
      ['docker:1-abcdefghij', '4026532999', null]
    ])
    expect(warnings).toHaveLength(1)
  })
})

describe('buildNetns', () => {
  const owner = container({
    id: 'a'.repeat(64),
    name: 'web',
    pid: 100,
    sandboxKey: '/var/run/docker/netns/0123456789ab'
  })
  const member = container({
    id: 'b'.repeat(64),
    name: 'sidecar',
    pid: 200,
    networkMode: `container:${'a'.repeat(64)}`
  })
  const hostMode = container({ id: 'c'.repeat(64), name: 'hostc', pid: 300, networkMode: 'host' })
  const stopped = container({ id: 'd'.repeat(64), name: 'old', pid: null, running: false, state: 'exited' })

  it('groups a container: mode member with its owner even without netns.map', () => {
    const model = buildNetns(
      ['pid:100', 'pid:200', 'pid:300', 'ipnetns:labwan', 'docker:1-abcdefghij'],
      [],
      [owner, member, hostMode, stopped]
    )
    expect(model.containerNetns.get(owner.id)).toBe(`container:${'a'.repeat(12)}`)
    expect(model.containerNetns.get(member.id)).toBe(`container:${'a'.repeat(12)}`)
    expect(model.containerNetns.get(hostMode.id)).toBe('host')
    expect(model.containerNetns.get(stopped.id)).toBeNull()
    expect(namespacesOf(model, [owner, member, hostMode, stopped])).toEqual([
      { id: 'host', kind: 'host', containers: ['hostc'], path: null },
      { id: 'container:aaaaaaaaaaaa', kind: 'container', containers: ['sidecar', 'web'], path: '/proc/100/ns/net' },
      {
        id: 'docker-netns:1-abcdefghij',
        kind: 'docker-netns',
        containers: [],
        path: '/var/run/docker/netns/1-abcdefghij'
      },
      { id: 'ip-netns:labwan', kind: 'ip-netns', containers: [], path: '/var/run/netns/labwan' }
    ])
  })

  it('uses netns.map inodes: the host-mode pid is the host namespace, sandbox files join their container', () => {
    const map = parseNetnsMap(
      [
        'pid:100 111 ' + owner.id,
        'pid:200 111 ' + member.id,
        'pid:300 1 ' + hostMode.id,
        'docker:0123456789ab 111'
      ].join('\n')
    ).value
    const model = buildNetns(['pid:100', 'pid:200', 'pid:300', 'docker:0123456789ab'], map, [owner, member, hostMode])
    expect(model.idOf.get('docker:0123456789ab')).toBe('container:aaaaaaaaaaaa')
    expect(model.idOf.get('pid:200')).toBe('container:aaaaaaaaaaaa')
    expect(model.idOf.get('pid:300')).toBe('host')
    expect(model.groups.filter((g) => g.kind === 'container')).toHaveLength(1)
  })
})
