/**
 * Trace through `bridge` family nftables chains (issue #13): a frame between two containers on one
 * bridge meets the bridge family's prerouting, forward and postrouting base chains, the bridge ports
 * as its interfaces; a drop there names the family, table, chain, hook and priority. This capture
 * predates the nft.chains section, so its netdev ingress chain is said not to be walked (nft -j
 * 1.0.6 does not name its device; nft-netdev-family.test.ts has one that names it).
 *
 * A real root capture of the lab (test/fixtures/capture/debian-12-docker-20.10-nft-families,
 * capture.sh there) with a native `bridge` table whose forward chain (priority filter = -200) drops
 * nllab-app's HTTP to nllab-web on nllab-front (`iifname <app's port> ip daddr <web> tcp dport 80
 * drop`) and a `netdev` table with an ingress chain; connection-attempts.txt is what really
 * happened at that moment (wget failed, ping answered, wget worked once the table was deleted).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { nftBaseChains } from '../../../src/shared/netfilter/ruleset'
import { traceFlow } from '../../../src/shared/trace'
import { readConnectionAttempts, readLabCapture } from '../../support/lab-capture'
import { FIXTURES_DIR } from '../../support/fixtures'

const DIR = join(FIXTURES_DIR, 'capture/debian-12-docker-20.10-nft-families')
const TABLE = 'nllab_h7_bridge'
const { capture, snapshot } = readLabCapture(DIR, 'probe--bridge-netdev-tables.cap')
const { fact, realExit } = readConnectionAttempts(DIR)
const appPort = fact('app_front')
const webIp = fact('web')

/** The same capture with the native bridge table left out of its nft ruleset. */
function withoutBridgeTable(): ReturnType<typeof buildSnapshot> {
  return buildSnapshot({
    ...capture,
    sections: capture.sections.map((s) => {
      if (s.name !== 'nft.ruleset') return s
      const json = JSON.parse(s.stdout) as {
        nftables: Record<string, { family?: string; table?: string; name?: string }>[]
      }
      json.nftables = json.nftables.filter((o) => {
        const body = Object.values(o)[0]
        return !(body.family === 'bridge' && (body.table === TABLE || body.name === TABLE))
      })
      return { ...s, stdout: JSON.stringify(json) }
    })
  })
}

describe('bridge family nftables chains in trace (real lab capture)', () => {
  it('carries the bridge table chains with their hooks and bridge priorities', () => {
    expect(appPort).toMatch(/^veth/)
    expect(nftBaseChains(snapshot, ['bridge']).map((c) => `${c.table} ${c.chain} ${c.hook} ${c.priority}`)).toEqual([
      `bridge ${TABLE} forward forward -200`,
      `bridge ${TABLE} prerouting prerouting -200`
    ])
  })

  it('nllab-app → nllab-web:80/tcp: dropped in the bridge forward chain, as the real wget was', () => {
    expect(realExit('(bridge table present)')).not.toBe(0)
    const t = traceFlow(snapshot, 'nllab-app', 'nllab-web:80/tcp')
    expect(t.verdict, t.reason.en).toBe('dropped')
    expect(t.droppedBy).toBe(`iifname "${appPort}" ip daddr ${webIp} tcp dport 80 drop`)
    expect(t.reason.en).toMatch(
      new RegExp(`^Dropped by the nftables bridge table ${TABLE}, base chain forward \\(hook forward, priority -200\\)`)
    )
    expect(t.reason['zh-CN']).toContain(`nftables bridge 族的表 ${TABLE} 的基础链 forward（hook forward，优先级 -200）`)
    // Switched on the bridge: its prerouting chain ran before, then the forward chain decided.
    const where = t.hops.map((h) => h.where)
    expect(where.indexOf(`nft bridge ${TABLE} prerouting`)).toBeGreaterThan(where.indexOf('nllab-front'))
    expect(where.at(-1)).toBe(`nft bridge ${TABLE} forward`)
  })

  it('nllab-app → nllab-web (ICMP, not matched by the rule): delivered through the same chains, as the real ping was', () => {
    expect(realExit('ping')).toBe(0)
    const t = traceFlow(snapshot, 'nllab-app', 'nllab-web')
    expect(t.verdict, t.reason.en).toBe('delivered')
    const where = t.hops.map((h) => h.where)
    expect(where).toContain(`nft bridge ${TABLE} prerouting`)
    expect(where).toContain(`nft bridge ${TABLE} forward`)
  })

  it('without the bridge table, nllab-app → nllab-web:80/tcp is delivered, as the wget after deleting it was', () => {
    expect(realExit('(bridge table deleted)')).toBe(0)
    const t = traceFlow(withoutBridgeTable(), 'nllab-app', 'nllab-web:80/tcp')
    expect(t.verdict, t.reason.en).toBe('delivered')
  })

  it('nllab-app → outside goes up through bridge prerouting (the bridge device is its gateway), not forward', () => {
    const t = traceFlow(snapshot, 'nllab-app', 'outside')
    const where = t.hops.map((h) => h.where)
    expect(where).toContain(`nft bridge ${TABLE} prerouting`)
    expect(where).not.toContain(`nft bridge ${TABLE} forward`)
  })

  it('says the netdev ingress chain was not walked (its device is not in nft -j 1.0.6), en and zh-CN', () => {
    const t = traceFlow(snapshot, 'nllab-app', 'nllab-web')
    expect(t.reason.en).toContain('Not walked: netdev nllab_h7_netdev ingress (hook ingress, priority 0).')
    expect(t.reason['zh-CN']).toContain('未追踪：netdev nllab_h7_netdev ingress（hook ingress，优先级 0）')
  })
})
