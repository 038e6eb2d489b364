/**
 * How the trace stepper points at the cause (issue 15, item 4), on real traces of the training
 * scenarios: the deciding hop, chain jumps nested under the chain that jumped, and topology nodes
 * for hops that have none of their own.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import { FIXTURES_DIR } from '../../support/fixtures'
import { renderScenarioCapture } from '../../../src/main/sim/index'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { traceFlow } from '../../../src/shared/trace/index'
import type { Snapshot } from '../../../src/shared/snapshot/schema'
import type { TraceHop } from '../../../src/shared/api/types'
import { hopDepths, hopNodes, verdictHopIndex } from '../../../src/renderer/src/utils/trace-view'

function scenario(id: string): Snapshot {
  const capture = renderScenarioCapture(id)
  if (!capture.ok) throw new Error(capture.error.message)
  return buildSnapshot(capture.value)
}

describe('trace view', () => {
  const lab = scenario('lab-mirror')
  const out = traceFlow(lab, 'nllab-default', '198.51.100.2:80')

  it('nests the chains a rule jumps to under the chain that jumped', () => {
    const depths = hopDepths(out.hops)
    const at = (where: string): number[] => out.hops.flatMap((h, i) => (h.where === where ? [depths[i]] : []))
    expect(at('filter FORWARD').every((d) => d === 0)).toBe(true)
    expect(at('filter DOCKER-USER')).toEqual([1])
    expect(at('filter DOCKER-ISOLATION-STAGE-1').every((d) => d === 1)).toBe(true)
    expect(at('filter DOCKER-ISOLATION-STAGE-2')).toEqual([2])
    // Hops outside netfilter are never nested.
    out.hops.forEach((h, i) => {
      if (h.kind !== 'netfilter') expect(depths[i]).toBe(0)
    })
  })

  it('nests the chains of each iptables backend on a host with both (real two-backend capture)', () => {
    const text = readFileSync(join(FIXTURES_DIR, 'capture/debian-12-netns-two-backends/probe--stale-nft-drop.cap'), 'utf8')
    const parsed = parseCaptureText(text)
    if (!parsed.ok) throw new Error(parsed.error.message)
    const snapshot = buildSnapshot(parsed.value)
    const dropped = traceFlow(snapshot, '10.213.7.2', '198.51.100.2')
    expect(dropped.hops[verdictHopIndex(dropped)!].where).toBe('iptables-nft filter FORWARD')
    // With the stale policy relaxed the legacy FORWARD chain is walked too, its jumps nested.
    for (const c of snapshot.nat.chains) if (c.family === 'iptables' && c.chain === 'FORWARD') c.policy = 'ACCEPT'
    const both = traceFlow(snapshot, '10.213.7.2', '198.51.100.2')
    const depths = hopDepths(both.hops)
    const at = (where: string): number[] => both.hops.flatMap((h, i) => (h.where === where ? [depths[i]] : []))
    expect(at('iptables-nft filter FORWARD')).toEqual([0])
    expect(at('iptables-legacy filter DOCKER-USER')).toEqual([1])
    expect(at('iptables-legacy filter DOCKER-ISOLATION-STAGE-2')).toEqual([2])
    expect(at('iptables-legacy filter FORWARD').every((d) => d === 0)).toBe(true)
  })

  it('has no cause for a delivered trace, and the hop that failed for the others', () => {
    expect(out.verdict).toBe('delivered')
    expect(verdictHopIndex(out)).toBeNull()
    const broken = traceFlow(scenario('nat-mode-no-masquerade'), 'app', '203.0.113.10:443')
    expect(broken.verdict).not.toBe('delivered')
    const i = verdictHopIndex(broken)!
    expect(i).toBe(broken.hops.length + broken.reply.length - 1)
    const unknown = traceFlow(lab, 'no-such-container', '198.51.100.2:80')
    expect(unknown.hops).toEqual([])
    expect(verdictHopIndex(unknown)).toBeNull()
  })

  it('points at the rule that dropped the packet', () => {
    const hop = (rule: string | null): TraceHop => ({
      step: 0,
      kind: 'netfilter',
      where: 'filter FORWARD',
      nodes: [],
      description: { en: '', 'zh-CN': '' },
      rule,
      packetBefore: { src: 'a', dst: 'b', sport: null, dport: null },
      packetAfter: { src: 'a', dst: 'b', sport: null, dport: null }
    })
    const drop = '-A DOCKER-USER -j DROP'
    const trace = { verdict: 'dropped' as const, droppedBy: drop, hops: [hop(null), hop(drop), hop(null)], reply: [] }
    expect(verdictHopIndex(trace)).toBe(1)
  })

  it('shows netfilter hops on the topology where the packet is at that moment', () => {
    const firewall = out.hops.findIndex((h) => h.kind === 'netfilter')
    expect(out.hops[firewall].nodes).toEqual([])
    expect(hopNodes(out.hops, firewall)).toEqual(out.hops[firewall - 1].nodes)
    expect(hopNodes(out.hops, 0)).toEqual(out.hops[0].nodes)
  })
})
