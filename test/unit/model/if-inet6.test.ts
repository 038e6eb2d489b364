/**
 * `/proc/<pid>/net/if_inet6` (issue #13): read without root for each container namespace, it gives
 * the IPv6 addresses a non-root capture cannot get from `ip addr` (no nsenter). Real files from a
 * lab namespace (test/fixtures/proc/debian-12-lab-netns) and the real non-root lab capture.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import type { Capture } from '../../../src/main/capture/capture-types'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { buildInterfaces } from '../../../src/main/model/interfaces'
import { parseIpAddrJson as parseAddrs } from '../../../src/main/parsers/ip-addr'
import { parseProcIfInet6 } from '../../../src/main/parsers/proc-if-inet6'
import { parseProcIgmp } from '../../../src/main/parsers/proc-igmp'
import { parseProcNetDev } from '../../../src/main/parsers/proc-net-dev'
import { FIXTURES_DIR } from '../../support/fixtures'

const LAB = join(FIXTURES_DIR, 'proc/debian-12-lab-netns')
const read = (file: string): string => readFileSync(join(LAB, file), 'utf8')
const inet6 = parseProcIfInet6(read('proc-if-inet6--veth-ula-and-global.out')).value
const nonRoot = {
  netns: 'pid:1',
  links: null,
  addrs: null,
  dev: parseProcNetDev(read('same-netns--proc-net-dev.txt')).value,
  igmp: parseProcIgmp(read('same-netns--igmp.txt')).value
}
const v6 = (addresses: string[]): string[] => addresses.filter((a) => a.includes(':'))

describe('if_inet6 in the model', () => {
  it("gives a non-root namespace's interfaces the IPv6 addresses `ip addr` shows as root", () => {
    const truth = parseAddrs(read('ip-j-addr--same-netns.json')).value
    expect(truth.length).toBe(3)
    const built = buildInterfaces({ ...nonRoot, inet6 })
    for (const record of truth) {
      const iface = built.find((b) => b.iface.name === record.name)
      expect(iface, record.name).toBeDefined()
      expect(v6(iface!.iface.addresses).sort(), record.name).toEqual(v6(record.addresses.map((a) => a.cidr)).sort())
    }
    // Without it, the same view has no address at all.
    expect(buildInterfaces(nonRoot).flatMap((b) => b.iface.addresses)).toEqual([])
  })

  it("is not read where the namespace's `ip addr` was captured (it has every address)", () => {
    const addrs = parseAddrs(read('ip-j-addr--same-netns.json')).value
    const withAddr = buildInterfaces({
      ...nonRoot,
      addrs,
      inet6: inet6.map((r) => ({ ...r, address: 'fd00:dead::1' }))
    })
    expect(withAddr.flatMap((b) => b.iface.addresses)).not.toContain('fd00:dead::1/64')
  })

  it('reaches container interfaces through the capture section ns/<nsid>/if.inet6 (non-root lab capture)', () => {
    const parsed = parseCaptureText(
      readFileSync(join(FIXTURES_DIR, 'capture/debian-12-docker-20.10/probe--nonroot-lab.cap'), 'utf8')
    )
    if (!parsed.ok) throw new Error(parsed.error.message)
    const capture: Capture = parsed.value
    const pid = 7455 // its igmp lists lo (1) and eth0 (319)
    const template = capture.sections.find((s) => s.name === `ns/pid:${pid}/igmp`)!
    // The lab namespace's eth0 line, at this container's ifindex (0x13f = 319).
    const eth0 = read('proc-if-inet6--veth-ula-and-global.out')
      .split('\n')
      .filter((l) => / eth0$/.test(l))
      .map((l) => l.replace(/^(\S+) 03 /, '$1 13f '))
    const section = {
      ...template,
      name: `ns/pid:${pid}/if.inet6`,
      command: `cat /proc/${pid}/net/if_inet6`,
      stdout: eth0.join('\n') + '\n'
    }
    const before = buildSnapshot(capture)
    const after = buildSnapshot({ ...capture, sections: [...capture.sections, section] })
    const ifaceOf = (snapshot: typeof before) =>
      snapshot.containers.find((c) => c.pid === pid)!.interfaces.find((i) => i.ifname === 'eth0')!
    expect(v6(ifaceOf(before).addresses)).toEqual([])
    expect(v6(ifaceOf(after).addresses).sort()).toEqual(['fd00:99::2/64', 'fe80::2ccb:1bff:fe33:f1fa/64'])
    // The join (proc-igmp) is the same with or without it.
    expect(ifaceOf(after).hostVeth).toBe(ifaceOf(before).hostVeth)
  })
})
