/**
 * Native nftables base chains in trace (issue #13, item 1): every base chain at a hook is walked in
 * priority order, iptables' tables among them, and the verdict names the table and chain that
 * decided. The host is the real "healed" two-backends capture (Docker's rules in iptables-legacy,
 * the container reached the wan); its nft ruleset is replaced by the real `nft -j list ruleset` of
 * a lab namespace holding a user's `inet filter` table (forward, priority 0, policy drop) and an
 * `ip early` table (forward, priority -10, one source dropped): test/fixtures/nftables/debian-12-lab-netns.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import type { Capture } from '../../../src/main/capture/capture-types'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { nftBaseChains } from '../../../src/shared/netfilter/ruleset'
import { parseSnapshot, type Snapshot } from '../../../src/shared/snapshot/schema'
import { traceFlow } from '../../../src/shared/trace'
import { FIXTURES_DIR } from '../../support/fixtures'

const CONTAINER_IP = '10.213.7.2'
const WAN_IP = '198.51.100.2'
const NFT = readFileSync(
  join(FIXTURES_DIR, 'nftables/debian-12-lab-netns/nft-json--inet-filter-forward-drop.out'),
  'utf8'
)

function healedCapture(): Capture {
  const file = join(FIXTURES_DIR, 'capture/debian-12-netns-two-backends/probe--healed.cap')
  const parsed = parseCaptureText(readFileSync(file, 'utf8'))
  if (!parsed.ok) throw new Error(parsed.error.message)
  return parsed.value
}

/** The healed host with `nft -j list ruleset` giving `nftJson`. */
function hostWith(nftJson: string): Snapshot {
  const capture = healedCapture()
  return buildSnapshot({
    ...capture,
    sections: capture.sections.map((s) => (s.name === 'nft.ruleset' ? { ...s, stdout: nftJson } : s))
  })
}

const healed = buildSnapshot(healedCapture())
const withTables = hostWith(NFT)

describe('native nftables base chains in trace', () => {
  it('carries hook, priority and type on the chains of native tables', () => {
    expect(withTables.nat.chains.filter((c) => c.family === 'nft')).toEqual([
      {
        table: 'inet filter',
        chain: 'forward',
        policy: 'drop',
        family: 'nft',
        hook: 'forward',
        priority: 0,
        type: 'filter',
        devices: null
      },
      {
        table: 'inet filter',
        chain: 'input',
        policy: 'accept',
        family: 'nft',
        hook: 'input',
        priority: 0,
        type: 'filter',
        devices: null
      },
      {
        table: 'ip early',
        chain: 'early_forward',
        policy: 'accept',
        family: 'nft',
        hook: 'forward',
        priority: -10,
        type: 'filter',
        devices: null
      }
    ])
    expect(nftBaseChains(withTables).map((c) => `${c.table} ${c.chain} ${c.priority}`)).toEqual([
      'ip early early_forward -10',
      'inet filter forward 0',
      'inet filter input 0'
    ])
  })

  it('without the tables the container reaches the wan (the real ping did)', () => {
    expect(traceFlow(healed, CONTAINER_IP, WAN_IP).verdict).toBe('delivered')
  })

  it("drops at the user's inet filter forward policy, after the iptables-legacy ACCEPT, and says that table decided", () => {
    const trace = traceFlow(withTables, CONTAINER_IP, WAN_IP)
    expect(trace.verdict).toBe('dropped')
    expect(trace.droppedBy).toBe('policy drop of nft inet filter forward (hook forward, priority 0)')
    expect(trace.reason.en).toMatch(
      /^Dropped by the nftables inet table filter, base chain forward \(hook forward, priority 0\)/
    )
    expect(trace.reason['zh-CN']).toContain('nftables inet 族的表 filter 的基础链 forward')
    const where = trace.hops.map((h) => h.where)
    // In priority order: ip early (-10), iptables filter (0), then inet filter (0, registered later).
    expect(where.indexOf('nft ip early early_forward')).toBeGreaterThanOrEqual(0)
    expect(where.indexOf('nft ip early early_forward')).toBeLessThan(where.indexOf('filter FORWARD'))
    expect(where.at(-1)).toBe('nft inet filter forward')
  })

  it('honours the matches of a native rule: the accept for its own interfaces lets the packet through', () => {
    // The interfaces the packet enters and leaves by (the healed trace's ingress and egress hops).
    const hops = traceFlow(healed, CONTAINER_IP, WAN_IP).hops
    const bridge = hops.find((h) => h.kind === 'ingress')?.where ?? ''
    const uplink = hops.find((h) => h.kind === 'egress')?.where ?? ''
    expect([bridge, uplink]).toEqual(['nlbk-br0', 'nlbk-up'])
    const opened = hostWith(
      NFT.replace('"nllab-lan"', JSON.stringify(bridge)).replace('"nllab-up"', JSON.stringify(uplink))
    )
    const trace = traceFlow(opened, CONTAINER_IP, WAN_IP)
    expect(trace.verdict).toBe('delivered')
    expect(trace.hops.map((h) => h.rule)).toContain(`iifname "${bridge}" oifname "${uplink}" accept`)
  })

  it('a drop rule in an earlier base chain (priority -10) decides before iptables and the later table', () => {
    const early = hostWith(NFT.replace('192.0.2.66', CONTAINER_IP))
    const trace = traceFlow(early, CONTAINER_IP, WAN_IP)
    expect(trace.verdict).toBe('dropped')
    expect(trace.droppedBy).toBe(`ip saddr ${CONTAINER_IP} drop`)
    expect(trace.reason.en).toContain('nftables ip table early, base chain early_forward (hook forward, priority -10)')
    expect(trace.hops.map((h) => h.where)).not.toContain('nft inet filter forward')
  })

  it('opens a schema-4 file: its nft chains have no hook, so they are not walked (as before)', () => {
    const old = JSON.parse(JSON.stringify(withTables)) as Record<string, unknown>
    old.schemaVersion = 4
    const nat = old.nat as { chains: Record<string, unknown>[] }
    for (const c of nat.chains) {
      delete c.hook
      delete c.priority
      delete c.type
    }
    const parsed = parseSnapshot(old)
    if (!parsed.ok) throw new Error(parsed.error)
    expect(parsed.snapshot.nat.chains.find((c) => c.table === 'inet filter')?.hook).toBeNull()
    expect(traceFlow(parsed.snapshot, CONTAINER_IP, WAN_IP).verdict).toBe('delivered')
  })
})
