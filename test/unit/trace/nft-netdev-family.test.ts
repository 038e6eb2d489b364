/**
 * Trace through `netdev` ingress and egress chains (issue #13): a chain runs for the packets of its
 * devices, which the capture's `nft list chains` gives (nft -j 1.0.6 does not). Ingress chains of
 * the device a packet arrives on run before prerouting (before the bridge for a bridge port),
 * egress chains of the device it leaves by after postrouting; a drop names the family, table,
 * chain, hook, device and priority.
 *
 * A real root capture of the lab (test/fixtures/capture/debian-12-docker-20.10-nft-netdev,
 * capture.sh there) with a netdev table: TCP to the published web port dropped at ingress of the
 * wan veth, a counting chain on two devices, ICMP to nllab-web dropped at egress of
 * its host veth; connection-attempts.txt is what really happened at that moment.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { traceFlow } from '../../../src/shared/trace'
import { readConnectionAttempts, readLabCapture } from '../../support/lab-capture'
import { FIXTURES_DIR } from '../../support/fixtures'

const DIR = join(FIXTURES_DIR, 'capture/debian-12-docker-20.10-nft-netdev')
const TABLE = 'nllab_h13_netdev'
const { capture, snapshot } = readLabCapture(DIR, 'probe--netdev-table.cap')
const { fact, realExit } = readConnectionAttempts(DIR)
const [wanIf, wanIp, hostIp, port, web, webVeth, dbVeth] = [
  'wan_if',
  'wan_ip',
  'host_ip',
  'port',
  'web',
  'web_veth',
  'db_veth'
].map(fact)
/** The same capture without its nft.chains section (a capture made before NetLens read it). */
const withoutListing = () =>
  buildSnapshot({ ...capture, sections: capture.sections.filter((s) => s.name !== 'nft.chains') })

describe('netdev ingress/egress chains in trace (real lab capture)', () => {
  it('knows every chain’s devices from the nft.chains section', () => {
    const chains = snapshot.nat.chains.filter((c) => c.table === `netdev ${TABLE}`)
    expect(chains.map((c) => [c.chain, c.hook, c.priority, c.devices])).toEqual([
      ['wan_in', 'ingress', -10, [wanIf]],
      ['counted', 'ingress', 5, [dbVeth, wanIf].sort()],
      ['web_out', 'egress', 0, [webVeth]]
    ])
  })

  it(`wan → host:published port: dropped at ingress of the wan veth before prerouting, as the real wget was`, () => {
    expect(realExit('wan: wget')).not.toBe(0)
    const t = traceFlow(snapshot, wanIp, `${hostIp}:${port}`)
    expect(t.verdict, t.reason.en).toBe('dropped')
    expect(t.droppedBy).toBe(`tcp dport ${port} drop`)
    expect(t.reason.en).toMatch(
      new RegExp(
        `^Dropped by the nftables netdev table ${TABLE}, base chain wan_in \\(hook ingress, device ${wanIf}, priority -10\\)`
      )
    )
    expect(t.reason['zh-CN']).toContain(
      `nftables netdev 族的表 ${TABLE} 的基础链 wan_in（hook ingress，设备 ${wanIf}，优先级 -10）`
    )
    expect(t.reason.en).not.toContain('Not walked')
    // Nothing of prerouting ran: docker's DNAT never saw it.
    expect(t.hops.some((h) => h.kind === 'netfilter' && !h.where.startsWith('nft netdev'))).toBe(false)
  })

  it('wan → host (ICMP): through both ingress chains in priority order, delivered, as the real ping was', () => {
    expect(realExit('wan: ping')).toBe(0)
    const t = traceFlow(snapshot, wanIp, hostIp)
    expect(t.verdict, t.reason.en).toBe('delivered')
    const where = new Set(t.hops.map((h) => h.where).filter((w) => w.startsWith('nft netdev')))
    expect([...where]).toEqual([`nft netdev ${TABLE} wan_in`, `nft netdev ${TABLE} counted`])
  })

  it('nllab-app → nllab-web (ICMP): dropped at egress of nllab-web’s host veth, as the real ping was', () => {
    expect(realExit('nllab-app: ping')).not.toBe(0)
    const t = traceFlow(snapshot, 'nllab-app', 'nllab-web')
    expect(t.verdict, t.reason.en).toBe('dropped')
    expect(t.droppedBy).toBe('meta l4proto icmp drop')
    expect(t.reason.en).toContain(`base chain web_out (hook egress, device ${webVeth}, priority 0)`)
    expect(t.reason['zh-CN']).toContain(`基础链 web_out（hook egress，设备 ${webVeth}，优先级 0）`)
  })

  it('nllab-app → nllab-web:80 and → nllab-db:5432: delivered, as the real wgets were', () => {
    expect(realExit(`wget http://${web}/`)).toBe(0)
    expect(realExit(':5432/')).toBe(0)
    expect(traceFlow(snapshot, 'nllab-app', 'nllab-web:80/tcp').verdict).toBe('delivered')
    const db = traceFlow(snapshot, 'nllab-app', 'nllab-db:5432/tcp')
    expect(db.verdict, db.reason.en).toBe('delivered')
    // nllab-db's reply enters the host through its veth: the counting chain on it runs.
    expect(db.reply.map((h) => h.where)).toContain(`nft netdev ${TABLE} counted`)
  })

  it('without the nft.chains section (an older capture): the chains are said not walked, en and zh-CN, and nothing drops', () => {
    const old = withoutListing()
    expect(old.nat.chains.filter((c) => c.table === `netdev ${TABLE}`).every((c) => c.devices === null)).toBe(true)
    const t = traceFlow(old, 'nllab-app', 'nllab-web')
    expect(t.verdict).toBe('delivered')
    expect(t.reason.en).toContain(`Not walked: netdev ${TABLE} wan_in (hook ingress, priority -10)`)
    expect(t.reason.en).toContain('this capture has no nft list chains section')
    expect(t.reason['zh-CN']).toContain(`未追踪：netdev ${TABLE} wan_in（hook ingress，优先级 -10）`)
  })

  it('on a kernel before 5.16 egress chains are said not walked: the hook did not exist', () => {
    const old = { ...snapshot, host: { ...snapshot.host, kernel: '5.10.0-28-amd64' } }
    const t = traceFlow(old, 'nllab-app', 'nllab-web')
    expect(t.verdict).toBe('delivered')
    expect(t.reason.en).toContain(
      `Not walked: netdev ${TABLE} web_out (hook egress, priority 0). The egress hook came with Linux 5.16`
    )
  })
})
