/**
 * Both iptables backends at once (issue #13, item 1), on real captures of the namespace host of
 * scripts/two-backends-lab.sh (test/fixtures/capture/debian-12-netns-two-backends/): Docker's rules
 * in iptables-legacy, a stale iptables-nft filter table with FORWARD policy DROP. The real ping from
 * the container namespace to the wan failed there, and got through once the stale table was gone.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { diagnoseReport } from '../../../src/shared/diagnose'
import type { Snapshot } from '../../../src/shared/snapshot/schema'
import { traceFlow } from '../../../src/shared/trace'
import { iptablesBackends } from '../../../src/shared/netfilter/ruleset'
import { FIXTURES_DIR } from '../../support/fixtures'

function snapshotOf(file: string): Snapshot {
  const parsed = parseCaptureText(readFileSync(join(FIXTURES_DIR, 'capture/debian-12-netns-two-backends', file), 'utf8'))
  if (!parsed.ok) throw new Error(`${file} does not parse: ${parsed.error.message}`)
  return buildSnapshot(parsed.value)
}

const broken = snapshotOf('probe--stale-nft-drop.cap')
const healed = snapshotOf('probe--healed.cap')
const CONTAINER_IP = '10.213.7.2'
const WAN_IP = '198.51.100.2'

describe('a host with Docker rules in iptables-legacy and a stale iptables-nft table', () => {
  it('keeps both backends: the stale table has no rules, only its DROP policy', () => {
    expect(broken.host.iptablesBackend).toBe('nf_tables')
    expect(broken.nat.backendsPresent).toEqual(['nf_tables', 'legacy'])
    expect(broken.nat.chains).toContainEqual(
      expect.objectContaining({ family: 'iptables', table: 'filter', chain: 'FORWARD', policy: 'DROP' })
    )
    expect(broken.nat.rules.filter((r) => r.family === 'iptables')).toEqual([])
    expect(broken.nat.rules.some((r) => r.family === 'iptables-legacy' && r.owner === 'docker')).toBe(true)
    expect(iptablesBackends(broken).map((b) => b.label)).toEqual(['iptables-nft', 'iptables-legacy'])
  })

  it('trace: dropped, as the real ping was, and says iptables-nft decided', () => {
    const trace = traceFlow(broken, CONTAINER_IP, WAN_IP)
    expect(trace.verdict).toBe('dropped')
    expect(trace.droppedBy).toBe('policy DROP of iptables-nft filter FORWARD')
    expect(trace.reason.en).toMatch(/^Dropped in iptables-nft filter FORWARD by: policy DROP/)
    expect(trace.reason.en).toContain('iptables-legacy')
    expect(trace.reason['zh-CN']).toContain('iptables-nft')
    // The deciding hop carries the same words, so the UI can point at it.
    expect(trace.hops.at(-1)).toMatchObject({ where: 'iptables-nft filter FORWARD', rule: trace.droppedBy })
    // The legacy backend is walked as well: its nat PREROUTING is on the path.
    expect(trace.hops.map((h) => h.where)).toContain('iptables-legacy nat PREROUTING')
  })

  it('trace after the stale table was deleted: delivered through the legacy accept rule and MASQUERADE', () => {
    expect(healed.nat.backendsPresent).toEqual(['legacy'])
    const trace = traceFlow(healed, CONTAINER_IP, WAN_IP)
    expect(trace.verdict).toBe('delivered')
    expect(trace.hops.map((h) => h.rule)).toContain('-A FORWARD -i nlbk-br0 ! -o nlbk-br0 -j ACCEPT')
    expect(trace.hops.map((h) => h.rule)).toContain('-A POSTROUTING -s 10.213.7.0/24 ! -o nlbk-br0 -j MASQUERADE')
  })

  it('diagnose: mixed-backends names the effect with the evidence, forward-drop stays quiet', () => {
    const report = diagnoseReport(broken)
    const f = report.findings.find((x) => x.id === 'mixed-backends')!
    expect(f.severity).toBe('critical')
    expect(f.title.en).toBe('Stale iptables-nft filter FORWARD policy DROP: forwarded traffic is dropped')
    expect(f.title['zh-CN']).toContain('iptables-nft')
    expect(f.explanation.en).toContain("Docker's rules are in iptables-legacy")
    expect(f.evidence).toContainEqual({ label: 'iptables-nft filter', raw: ':FORWARD DROP' })
    expect(f.evidence).toContainEqual({ label: "Docker's rules", raw: 'iptables-legacy: 15 rules' })
    // Only the stale backend's own tables are cleaned; its nat table does not exist.
    expect(f.fix).toBe(
      'iptables-nft-save > /root/iptables-nft.backup && iptables-nft -t filter -P FORWARD ACCEPT && iptables-nft -t filter -F && iptables-nft -t filter -X'
    )
    expect(report.findings.map((x) => x.id)).not.toContain('forward-drop')
  })

  it('diagnose after the stale table was deleted: no mixed-backends finding', () => {
    expect(diagnoseReport(healed).findings.map((x) => x.id)).not.toContain('mixed-backends')
  })
})
