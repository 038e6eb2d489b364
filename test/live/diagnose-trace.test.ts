/**
 * Diagnose and packet path against reality.
 * (a) traceFlow's verdict on the live snapshot equals what a real packet does in the lab (ping and
 *     wget between lab containers and the lab wan namespace only).
 * (b) Faults injected into the lab (never elsewhere), each found by its check id, and restored in
 *     `finally`, also when the test fails.
 * (c) The healthy lab has none of those findings (no false positives).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { diagnose } from '../../src/shared/diagnose/index'
import { traceFlow } from '../../src/shared/trace/index'
import type { Finding, TraceResult } from '../../src/shared/api/types'
import type { Snapshot } from '../../src/shared/snapshot/schema'
import { readLabTruth, truthContainer, type LabTruth } from './support/truth'
import { boundedWget, dockerNetwork, liveSnapshot, must, run, until } from './support/live'
import './support/provided'

const skipReason = inject('liveSkip')

const FAULT_IDS = ['missing-masquerade', 'ip-forward-off', 'bridge-down', 'veth-orphan']

/** A real probe, repeated a few times when success is expected (a first ARP miss is not a verdict). */
async function reaches(cmd: string, args: string[], expectSuccess: boolean): Promise<boolean> {
  for (let attempt = 0; attempt < (expectSuccess ? 3 : 1); attempt++) {
    const r = await run(cmd, args, { timeout: 15_000 })
    if (r.exitCode === 0) return true
  }
  return false
}

const ping = (container: string, ip: string) => ['exec', container, 'ping', '-c', '1', '-W', '2', ip]
const hopRules = (t: TraceResult): string[] => [...t.hops, ...t.reply].map((h) => h.rule ?? '')
const describeTrace = (t: TraceResult): string => `${t.from} → ${t.to}: ${t.verdict} (${t.reason.en})`

describe.skipIf(skipReason)('diagnose and trace against the real lab', () => {
  let truth: LabTruth
  let healthy: Snapshot
  let front: { subnet: string; bridge: string }
  const ipOf = (name: string, network?: string): string => {
    const nets = truthContainer(truth, name).networks
    return (network ? nets.find((n) => n.name === network)! : nets[0]).ip
  }

  beforeAll(async () => {
    truth = await readLabTruth()
    front = await dockerNetwork('nllab-front')
    healthy = await liveSnapshot('local', null)
  })

  describe('(a) trace verdicts equal what really happens', () => {
    it('nllab-default → wan address: MASQUERADE, delivered', async () => {
      const t = traceFlow(healthy, 'nllab-default', truth.wan.nsIp)
      expect(t.verdict, describeTrace(t)).toBe('delivered')
      expect(hopRules(t).some((r) => /-s 172\.\S+ ! -o docker0 -j MASQUERADE/.test(r)), describeTrace(t)).toBe(true)
      expect(await reaches('docker', ping('nllab-default', truth.wan.nsIp), true)).toBe(true)
      const http = traceFlow(healthy, 'nllab-default', `${truth.wan.nsIp}:80`)
      expect(http.verdict, describeTrace(http)).toBe('delivered')
      expect(await reaches('docker', ['exec', 'nllab-default', ...boundedWget(`http://${truth.wan.nsIp}/`)], true)).toBe(true)
    })

    it('nllab-web ↔ nllab-default (different networks, Docker isolation): dropped', async () => {
      for (const [from, to] of [
        ['nllab-web', 'nllab-default'],
        ['nllab-default', 'nllab-web']
      ]) {
        const t = traceFlow(healthy, from, to)
        expect(t.verdict, describeTrace(t)).toBe('dropped')
        expect(t.droppedBy, describeTrace(t)).toMatch(/DOCKER-ISOLATION|DROP/)
        expect(await reaches('docker', ping(from, ipOf(to)), false), `${from} → ${to} really got through`).toBe(false)
      }
      const http = traceFlow(healthy, 'nllab-default', `${ipOf('nllab-web')}:80`)
      expect(http.verdict, describeTrace(http)).toBe('dropped')
      expect(await reaches('docker', ['exec', 'nllab-default', ...boundedWget(`http://${ipOf('nllab-web')}/`, 3)], false)).toBe(false)
    })

    it('nllab-db → wan address (internal network): cannot leave', async () => {
      const t = traceFlow(healthy, 'nllab-db', truth.wan.nsIp)
      expect(['dropped', 'no-route'], describeTrace(t)).toContain(t.verdict)
      expect(await reaches('docker', ping('nllab-db', truth.wan.nsIp), false)).toBe(false)
    })

    it('wan → host published port: DNAT to nllab-web, delivered', async () => {
      const t = traceFlow(healthy, truth.wan.nsIp, `${truth.wan.hostIp}:${truth.webPort}`)
      expect(t.verdict, describeTrace(t)).toBe('delivered')
      expect(t.reason.en).toContain('nllab-web')
      expect(hopRules(t).some((r) => r.includes(`--dport ${truth.webPort} -j DNAT --to-destination ${ipOf('nllab-web')}:80`)), describeTrace(t)).toBe(true)
      const r = await run('ip', ['netns', 'exec', truth.wan.netns, ...boundedWget(`http://${truth.wan.hostIp}:${truth.webPort}/`)])
      expect(r.exitCode, r.stderr).toBe(0)
      expect(r.stdout).toContain('netlens lab')
    })

    it('nllab-app → nllab-db (same internal network): delivered', async () => {
      const dbIp = ipOf('nllab-db')
      for (const to of ['nllab-db', dbIp, `${dbIp}:5432`]) {
        const t = traceFlow(healthy, 'nllab-app', to)
        expect(t.verdict, describeTrace(t)).toBe('delivered')
        expect(t.reason.en).toContain('nllab-db')
      }
      expect(await reaches('docker', ping('nllab-app', dbIp), true)).toBe(true)
      expect(await reaches('docker', ['exec', 'nllab-app', ...boundedWget(`http://${dbIp}:5432/`)], true)).toBe(true)
    })
  })

  describe('(b) injected faults are found by their check', () => {
    /** Restores run even when the capture or an assertion fails; afterAll is the last net. */
    const pendingRestores = new Map<string, () => Promise<void>>()
    afterAll(async () => {
      for (const [what, restore] of pendingRestores) {
        await restore().catch((e: unknown) => console.warn(`live: restoring ${what} failed: ${String(e)}`))
      }
    })

    async function withFault(what: string, apply: () => Promise<void>, restore: () => Promise<void>, check: (s: Snapshot) => void): Promise<void> {
      pendingRestores.set(what, restore)
      try {
        await apply()
        check(await liveSnapshot('local', null))
      } finally {
        await restore()
        pendingRestores.delete(what)
      }
    }

    const findings = (s: Snapshot, id: string): Finding[] => diagnose(s).filter((f) => f.id === id)
    const objectIds = (f: Finding): string[] => f.objects.map((o) => `${o.kind}:${o.id}`)

    /** A lab nft table `family name`, absent at the start; `remove` deletes it if present (registered for afterAll too). */
    async function labNftTable(family: string, name: string): Promise<{ tables: () => Promise<string>; remove: () => Promise<void> }> {
      const tables = async (): Promise<string> => must('nft', ['list', 'tables'])
      expect(await tables()).not.toContain(name)
      const remove = async (): Promise<void> => {
        if ((await tables()).includes(`${family} ${name}`)) await must('nft', ['delete', 'table', family, name])
        pendingRestores.delete(`nft table ${family} ${name}`)
      }
      pendingRestores.set(`nft table ${family} ${name}`, remove)
      return { tables, remove }
    }

    /** A real wget from the lab wan namespace to `to` (host:port): did it get an answer? */
    const wanWgetTo = (to: string) => async (): Promise<boolean> =>
      (await run('ip', ['netns', 'exec', truth.wan.netns, ...boundedWget(`http://${to}/`, 3)])).exitCode === 0

    /** With the table gone: trace says delivered again, and the wan really reaches `to` again. */
    async function wanDeliveredAgain(to: string): Promise<void> {
      const after = traceFlow(await liveSnapshot('local', null), truth.wan.nsIp, to)
      expect(after.verdict, describeTrace(after)).toBe('delivered')
      await until('the wan reaches the published port again', wanWgetTo(to), 20_000)
    }

    it('missing-masquerade: nllab-front’s MASQUERADE rule deleted', async () => {
      const spec = ['-s', front.subnet, '!', '-o', front.bridge, '-j', 'MASQUERADE']
      const ruleLine = `-A POSTROUTING ${spec.join(' ')}`
      const listing = async () => (await must('iptables', ['-t', 'nat', '-S', 'POSTROUTING'])).split('\n').filter((l) => l.startsWith('-A '))
      const before = await listing()
      const position = before.indexOf(ruleLine) + 1
      expect(position, `${ruleLine} not in ${before.join(' | ')}`).toBeGreaterThan(0)
      await withFault(
        'nllab-front MASQUERADE',
        () => must('iptables', ['-t', 'nat', '-D', 'POSTROUTING', ...spec]).then(() => undefined),
        async () => {
          if (!(await listing()).includes(ruleLine)) await must('iptables', ['-t', 'nat', '-I', 'POSTROUTING', String(position), ...spec])
        },
        (s) => {
          const f = findings(s, 'missing-masquerade')
          expect(f.length, JSON.stringify(diagnose(s).map((x) => x.id))).toBe(1)
          expect(f[0].severity).toBe('critical')
          expect(objectIds(f[0])).toEqual(expect.arrayContaining(['network:nllab-front', `bridge:${front.bridge}`, 'container:nllab-web', 'container:nllab-app']))
          expect(f[0].fix).toContain(`-s ${front.subnet}`)
        }
      )
      expect(await listing()).toEqual(before)
    })

    it('ip-forward-off: net.ipv4.ip_forward=0', async () => {
      const previous = (await must('sysctl', ['-n', 'net.ipv4.ip_forward'])).trim()
      expect(previous).toBe('1')
      await withFault(
        'net.ipv4.ip_forward',
        () => must('sysctl', ['-w', 'net.ipv4.ip_forward=0']).then(() => undefined),
        () => must('sysctl', ['-w', `net.ipv4.ip_forward=${previous}`]).then(() => undefined),
        (s) => {
          const f = findings(s, 'ip-forward-off')
          expect(f).toHaveLength(1)
          expect(f[0].severity).toBe('critical')
          expect(f[0].fix).toBe('sysctl -w net.ipv4.ip_forward=1')
          // And the trace agrees: nothing is forwarded any more.
          expect(traceFlow(s, 'nllab-default', truth.wan.nsIp).verdict).not.toBe('delivered')
        }
      )
      expect((await must('sysctl', ['-n', 'net.ipv4.ip_forward'])).trim()).toBe(previous)
    })

    it('bridge-down: nllab-front’s bridge set down', async () => {
      const operUp = async () => {
        const l = JSON.parse(await must('ip', ['-j', 'link', 'show', 'dev', front.bridge])) as { flags: string[]; operstate: string }[]
        return l[0].flags.includes('UP') && l[0].operstate === 'UP'
      }
      expect(await operUp()).toBe(true)
      await withFault(
        `${front.bridge} down`,
        () => must('ip', ['link', 'set', front.bridge, 'down']).then(() => undefined),
        () => must('ip', ['link', 'set', front.bridge, 'up']).then(() => undefined),
        (s) => {
          const f = findings(s, 'bridge-down')
          expect(f).toHaveLength(1)
          expect(f[0].severity).toBe('critical')
          expect(objectIds(f[0])).toEqual(expect.arrayContaining([`bridge:${front.bridge}`, 'container:nllab-web']))
          expect(f[0].fix).toBe(`ip link set dev ${front.bridge} up`)
        }
      )
      await until(`${front.bridge} operationally up again`, operUp, 20_000)
      // The connected route comes back with the link, so the lab works as before.
      await until('nllab-app → nllab-web works again', () => reaches('docker', ping('nllab-app', ipOf('nllab-web')), true), 20_000)
    })

    it('veth-orphan: nllab-default’s host veth taken off docker0', async () => {
      const veth = truthContainer(truth, 'nllab-default').interfaces.find((i) => i.ifname === 'eth0')!.hostVeth!
      const masterOf = async () => (JSON.parse(await must('ip', ['-j', 'link', 'show', 'dev', veth])) as { master?: string }[])[0].master ?? null
      expect(await masterOf()).toBe('docker0')
      await withFault(
        `${veth} master docker0`,
        () => must('ip', ['link', 'set', veth, 'nomaster']).then(() => undefined),
        () => must('ip', ['link', 'set', veth, 'master', 'docker0']).then(() => undefined),
        (s) => {
          const f = findings(s, 'veth-orphan')
          expect(f).toHaveLength(1)
          expect(f[0].severity).toBe('critical')
          expect(objectIds(f[0])).toEqual(expect.arrayContaining([`interface:${veth}`, 'container:nllab-default']))
          expect(f[0].fix).toBe(`ip link set dev ${veth} master docker0`)
        }
      )
      expect(await masterOf()).toBe('docker0')
      await until('nllab-default → wan works again', () => reaches('docker', ping('nllab-default', truth.wan.nsIp), true), 20_000)
    })

    it('a native nft table with a forward base chain, policy drop (issue #13): trace and a real wget from the wan agree; table deleted', async () => {
      const table = 'nllab_h7_native'
      const to = `${truth.wan.hostIp}:${truth.webPort}`
      const wanWget = wanWgetTo(to)
      const { tables, remove } = await labNftTable('inet', table)
      try {
        await must('nft', ['add', 'table', 'inet', table])
        await must('nft', ['add', 'chain', 'inet', table, 'forward', '{ type filter hook forward priority 0; policy drop; }'])
        const s = await liveSnapshot('local', null)
        const t = traceFlow(s, truth.wan.nsIp, to)
        expect(t.verdict, describeTrace(t)).toBe('dropped')
        expect(t.droppedBy).toBe(`policy drop of nft inet ${table} forward (hook forward, priority 0)`)
        // Docker's iptables FORWARD accepted it first: the nft table decided.
        expect(hopRules(t).some((r) => r.includes('-j ACCEPT')), describeTrace(t)).toBe(true)
        expect(await wanWget(), 'the wan really reached the published port through the drop policy').toBe(false)
      } finally {
        await remove()
      }
      expect(await tables()).not.toContain(table)
      await wanDeliveredAgain(to)
    })
    it('a bridge family table whose forward chain drops nllab-app → nllab-web HTTP on nllab-front (issue #13): trace and a real wget agree; table deleted', async () => {
      const table = 'nllab_h7_bridge'
      const webIp = ipOf('nllab-web', 'nllab-front')
      const frontBridge = truthContainer(truth, 'nllab-web').interfaces.find((i) => i.addresses.some((a) => a.startsWith(`${webIp}/`)))!.master
      // nllab-app's port on the same bridge: the rule names it, so only this lab pair is affected.
      const appPort = truthContainer(truth, 'nllab-app').interfaces.find((i) => i.master === frontBridge)!.hostVeth!
      expect(appPort).toMatch(/^veth/)
      const appWget = async (): Promise<boolean> =>
        (await run('docker', ['exec', 'nllab-app', ...boundedWget(`http://${webIp}/`, 3)], { timeout: 15_000 })).exitCode === 0
      const { tables, remove } = await labNftTable('bridge', table)
      try {
        await must('nft', ['add', 'table', 'bridge', table])
        await must('nft', ['add', 'chain', 'bridge', table, 'forward', '{ type filter hook forward priority filter; policy accept; }'])
        await must('nft', ['add', 'rule', 'bridge', table, 'forward', 'iifname', appPort, 'ip', 'daddr', webIp, 'tcp', 'dport', '80', 'drop'])
        const s = await liveSnapshot('local', null)
        const t = traceFlow(s, 'nllab-app', `nllab-web:80/tcp`)
        expect(t.verdict, describeTrace(t)).toBe('dropped')
        expect(t.droppedBy, describeTrace(t)).toBe(`iifname "${appPort}" ip daddr ${webIp} tcp dport 80 drop`)
        expect(t.reason.en).toMatch(new RegExp(`^Dropped by the nftables bridge table ${table}, base chain forward \\(hook forward, priority -200\\)`))
        expect(t.reason['zh-CN']).toContain(`nftables bridge 族的表 ${table} 的基础链 forward`)
        // ICMP is not matched by the rule: traced and really delivered.
        expect(traceFlow(s, 'nllab-app', 'nllab-web').verdict).toBe('delivered')
        expect(await reaches('docker', ping('nllab-app', webIp), true)).toBe(true)
        expect(await appWget(), 'nllab-app really reached nllab-web:80 through the bridge drop').toBe(false)
      } finally {
        await remove()
      }
      expect(await tables()).not.toContain(table)
      const after = traceFlow(await liveSnapshot('local', null), 'nllab-app', `nllab-web:80/tcp`)
      expect(after.verdict, describeTrace(after)).toBe('delivered')
      await until('nllab-app reaches nllab-web:80 again', appWget, 20_000)
    })

    it('a netdev table whose ingress chain on the wan veth drops TCP to the published port (issue #13): trace and real attempts from the wan agree; table deleted', async () => {
      const table = 'nllab_h13_netdev_live'
      const to = `${truth.wan.hostIp}:${truth.webPort}`
      const device = truth.wan.hostIf
      const wanPing = ['netns', 'exec', truth.wan.netns, '/bin/busybox', 'ping', '-c', '1', '-W', '2', truth.wan.hostIp]
      const { tables, remove } = await labNftTable('netdev', table)
      try {
        await must('nft', ['add', 'table', 'netdev', table])
        const chain = `{ type filter hook ingress device "${device}" priority -10; policy accept; }`
        await must('nft', ['add', 'chain', 'netdev', table, 'wan_in', chain])
        await must('nft', ['add', 'rule', 'netdev', table, 'wan_in', 'tcp', 'dport', String(truth.webPort), 'drop'])
        const s = await liveSnapshot('local', null)
        expect(s.nat.chains.find((c) => c.table === `netdev ${table}`)?.devices).toEqual([device])
        const t = traceFlow(s, truth.wan.nsIp, to)
        expect(t.verdict, describeTrace(t)).toBe('dropped')
        expect(t.droppedBy, describeTrace(t)).toBe(`tcp dport ${truth.webPort} drop`)
        expect(t.reason.en).toMatch(
          new RegExp(`^Dropped by the nftables netdev table ${table}, base chain wan_in \\(hook ingress, device ${device}, priority -10\\)`)
        )
        expect(t.reason['zh-CN']).toContain(`nftables netdev 族的表 ${table} 的基础链 wan_in（hook ingress，设备 ${device}，优先级 -10）`)
        expect(t.reason.en).not.toContain('Not walked')
        // Before prerouting: docker's DNAT never saw the packet.
        expect(hopRules(t).some((r) => r.includes('-j DNAT')), describeTrace(t)).toBe(false)
        expect(await wanWgetTo(to)(), 'the wan really reached the published port through the ingress drop').toBe(false)
        // ICMP to the host's wan address is not matched by the rule: traced and really answered.
        const ping = traceFlow(s, truth.wan.nsIp, truth.wan.hostIp)
        expect(ping.verdict, describeTrace(ping)).toBe('delivered')
        expect(ping.hops.map((h) => h.where)).toContain(`nft netdev ${table} wan_in`)
        expect(await reaches('ip', wanPing, true)).toBe(true)
      } finally {
        await remove()
      }
      expect(await tables()).not.toContain(table)
      await wanDeliveredAgain(to)
    })
  })

  describe('(c) no false positives on the healthy lab', () => {
    it('reports none of the fault ids, and lists what else it reports', () => {
      const all = diagnose(healthy)
      const labFaults = all.filter((f) => FAULT_IDS.includes(f.id))
      expect(labFaults.map((f) => `${f.severity} ${f.id}: ${f.title.en}`)).toEqual([])
      const others = all.map((f) => `${f.severity} ${f.id}: ${f.title.en}`)
      if (others.length) console.info(`live: diagnose on the healthy lab also reports:\n  ${others.join('\n  ')}`)
      // Nothing critical at all on a healthy lab.
      expect(all.filter((f) => f.severity === 'critical').map((f) => `${f.id}: ${f.title.en}`)).toEqual([])
    })
  })
})
