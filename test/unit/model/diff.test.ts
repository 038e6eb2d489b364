import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { diffSnapshots, normaliseRuleText } from '../../../src/shared/snapshot/diff'
import type { Capture } from '../../../src/main/capture/capture-types'
import type { NatRule } from '../../../src/shared/snapshot/schema'
import { captureFromDir } from '../../support/capture-from-dir'
import { FIXTURES_DIR } from '../../support/fixtures'

const capture = captureFromDir(join(FIXTURES_DIR, 'lab/debian-12-docker-20.10'))

interface InspectJson {
  Id: string
  Name: string
  State: { Pid: number; Running: boolean }
  HostConfig: { NetworkMode: string; PortBindings?: Record<string, unknown> | null }
  NetworkSettings: { Networks: Record<string, unknown> | null; Ports: Record<string, unknown[] | null> | null }
}

/** Removes one container from a capture the way `docker rm` would change the next probe run. */
function removeContainer(c: Capture, id: string, hostVeth: string, pid: number): Capture {
  const edit = (name: string, stdout: string): string => {
    switch (name) {
      case 'docker.containers':
        return JSON.stringify((JSON.parse(stdout) as InspectJson[]).filter((x) => x.Id !== id))
      case 'ip.link':
      case 'ip.addr':
      case 'bridge.link':
        return JSON.stringify((JSON.parse(stdout) as { ifname: string }[]).filter((x) => x.ifname !== hostVeth))
      case 'bridge.fdb':
        return JSON.stringify((JSON.parse(stdout) as { ifname: string }[]).filter((x) => x.ifname !== hostVeth))
      case 'brctl.show': {
        // the veth is either a bridge's first port (same line as the bridge) or on its own line
        return stdout
          .split('\n')
          .filter((line) => line.trim() !== hostVeth)
          .map((line) => (line.endsWith(`\t${hostVeth}`) ? line.slice(0, -hostVeth.length) : line))
          .join('\n')
      }
      case 'sys.brif':
      case 'proc.net.dev':
      case 'ip.link.text':
      case 'ip.addr.text':
        return stdout
          .split('\n')
          .filter((line) => !line.includes(hostVeth) && !line.includes(id))
          .join('\n')
      case 'netns.map':
        return stdout
          .split('\n')
          .filter((line) => !line.includes(id))
          .join('\n')
      default:
        return stdout
    }
  }
  return {
    ...c,
    sections: c.sections
      .filter((s) => !s.name.startsWith(`ns/pid:${pid}/`))
      .map((s) => ({ ...s, stdout: edit(s.name, s.stdout) }))
  }
}

describe('diffSnapshots', () => {
  const before = buildSnapshot(capture)

  it('is empty for the same capture', () => {
    expect(diffSnapshots(before, buildSnapshot(capture)).entries).toEqual([])
  })

  it('reports exactly the removed container, its host veth and its bridge port', () => {
    const owners = new Set(
      before.containers.filter((c) => c.networkMode.startsWith('container:')).map((c) => c.networkMode.slice(10))
    )
    const victim = before.containers.find(
      (c) =>
        c.state === 'running' &&
        c.interfaces.length === 1 &&
        c.interfaces[0].hostVeth &&
        c.portBindings.length === 0 &&
        !owners.has(c.name)
    )!
    expect(victim).toBeDefined()
    const veth = victim.interfaces[0].hostVeth!
    const bridge = victim.interfaces[0].bridge!
    const after = buildSnapshot(removeContainer(capture, victim.id, veth, victim.pid!))
    const diff = diffSnapshots(before, after, { a: 'before', b: 'after' })
    expect(diff.a).toBe('before')
    expect(diff.entries.map((e) => [e.kind, e.change, e.id])).toEqual([
      ['container', 'removed', victim.name],
      ['interface', 'removed', `host/${veth}`],
      ['bridge-port', 'removed', `host/${bridge}:${veth}`]
    ])
    // and the other way round
    expect(diffSnapshots(after, before).entries.map((e) => e.change)).toEqual(['added', 'added', 'added'])
  })

  it('compares NAT rules without counters or positions, and reports changed containers and ports', () => {
    const rule = (raw: string, position: number): NatRule => ({
      table: 'nat',
      chain: 'DOCKER',
      position,
      target: 'DNAT',
      match: '',
      raw,
      owner: 'docker',
      targetArgs: '',
      // The diff compares rule text only: typed options are not needed here.
      goto: false,
      options: [],
      targetOptions: [],
      source: null,
      destination: null,
      protocol: null,
      inInterface: null,
      outInterface: null,
      packets: null,
      bytes: null,
      family: 'iptables'
    })
    const a = {
      ...before,
      nat: { ...before.nat, rules: [rule('[1:60] -A DOCKER -p tcp --dport 1 -j DNAT --to-destination 10.0.0.2:1', 1)] }
    }
    const b = {
      ...before,
      nat: {
        ...before.nat,
        rules: [
          rule('[0:0] -A DOCKER -p tcp --dport 2 -j DNAT --to-destination 10.0.0.3:2', 1),
          rule('[9:900] -A DOCKER -p tcp --dport 1 -j DNAT --to-destination 10.0.0.2:1', 2)
        ]
      },
      containers: before.containers.map((c, i) => (i === 0 ? { ...c, image: 'other:2' } : c))
    }
    const diff = diffSnapshots(a, b)
    expect(diff.entries.map((e) => [e.kind, e.change, e.id])).toEqual([
      ['container', 'changed', before.containers[0].name],
      ['nat-rule', 'added', 'iptables nat DOCKER: -A DOCKER -p tcp --dport 2 -j DNAT --to-destination 10.0.0.3:2']
    ])
    expect(normaliseRuleText('ip daddr 1.2.3.4 counter packets 5 bytes 300 dnat to 10.0.0.2:80')).toBe(
      'ip daddr 1.2.3.4 counter dnat to 10.0.0.2:80'
    )
  })
})
