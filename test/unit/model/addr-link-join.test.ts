/**
 * Issue #13, item 8: a namespace whose `ip -j -d link` is missing but whose `ip -j addr` was read
 * still joins exactly, through `link_index`/`link_netnsid` in the address records (real lab
 * capture with every per-namespace `ip.link` section removed), before any FDB guess.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import type { Capture } from '../../../src/main/capture/capture-types'
import type { Snapshot } from '../../../src/shared/snapshot/schema'
import { captureFromDir } from '../../support/capture-from-dir'
import { FIXTURES_DIR } from '../../support/fixtures'

const LAB = captureFromDir(join(FIXTURES_DIR, 'lab/debian-12-docker-20.10'))
const withoutNsLinks: Capture = { ...LAB, sections: LAB.sections.filter((s) => !/^ns\/.*\/ip\.link$/.test(s.name)) }

const joins = (s: Snapshot): string[] =>
  s.containers.flatMap((c) =>
    c.interfaces.map((i) => `${c.name} ${i.ifname} → ${i.hostVeth ?? '-'} on ${i.bridge ?? '-'} (${i.evidence})`)
  )

describe('veth joins from ip -j addr when the namespace has no ip link', () => {
  const full = buildSnapshot(LAB)
  const partial = buildSnapshot(withoutNsLinks)

  it('the capture really lacks every per-namespace ip link, and still has ip addr with link_index', () => {
    expect(withoutNsLinks.sections.some((s) => /^ns\/.*\/ip\.link$/.test(s.name))).toBe(false)
    const addr = withoutNsLinks.sections.find(
      (s) => /^ns\/pid:\d+\/ip\.addr$/.test(s.name) && /"link_index"/.test(s.stdout)
    )
    expect(addr).toBeDefined()
  })

  it('joins every container interface to the same host veth and bridge, exactly (netns-ifindex)', () => {
    const bridged = joins(full).filter((j) => j.includes('(netns-ifindex)'))
    expect(bridged.length).toBeGreaterThan(10)
    expect(joins(partial)).toEqual(joins(full))
  })

  it('marks the namespace end a veth whose peer is the host veth', () => {
    const web = partial.containers.find((c) => c.name === 'nllab-web')!
    const eth0 = partial.interfaces.find((i) => i.netns === web.netns && i.name === 'eth0')!
    expect(eth0.kind).toBe('veth')
    expect(eth0.peer).toEqual({ ifindex: expect.any(Number), netns: 'host', name: web.interfaces[0].hostVeth })
  })

  it('without link_index in ip addr either, it falls back to the FDB (weaker evidence)', () => {
    const stripped: Capture = {
      ...withoutNsLinks,
      sections: withoutNsLinks.sections.map((s) =>
        /^ns\/.*\/ip\.addr$/.test(s.name) ? { ...s, stdout: s.stdout.replace(/"link_(index|netnsid)":\d+,/g, '') } : s
      )
    }
    const fallback = joins(buildSnapshot(stripped))
    expect(fallback).not.toEqual(joins(full))
    expect(fallback.some((j) => j.includes('(fdb-mac)') || j.includes('(none)'))).toBe(true)
  })
})
