/**
 * NetLens never changes a host: the firewall rules (iptables-save, nft list ruleset), the links
 * (ip -d link, on the host and in each lab namespace), the namespaces and the forwarding sysctl are
 * byte-identical before and after a full capture, locally and over SSH. Only volatile fields
 * (packet/byte counters, iptables-save comments, bridge timers) are removed before comparing.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { readLabTruth, type LabTruth } from './support/truth'
import { liveCapture, must, type Via } from './support/live'
import './support/provided'

const skipReason = inject('liveSkip')
const ssh = inject('labSsh')

const TIMERS = /\b(gc_timer|forward_delay_timer|hello_timer|tcn_timer|topology_change_timer|hold_timer|message_age_timer)\s+\S+/g

/** iptables-save without `# …` comments and `[packets:bytes]` counters. */
const normaliseIptablesSave = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, '[]'))
    .join('\n')

const normaliseNft = (text: string): string => text.replace(/\bpackets \d+ bytes \d+/g, 'packets - bytes -')
const normaliseLinks = (text: string): string => text.replace(TIMERS, '$1 -')

async function hostState(truth: LabTruth): Promise<Record<string, string>> {
  const state: Record<string, string> = {
    'iptables-save': normaliseIptablesSave(await must('iptables-save', [])),
    'ip6tables-save': normaliseIptablesSave(await must('ip6tables-save', [])),
    'nft list ruleset': normaliseNft(await must('nft', ['list', 'ruleset'])),
    'ip -d link': normaliseLinks(await must('ip', ['-d', 'link'])),
    'ip netns': await must('ip', ['netns', 'list']),
    'ip route': await must('ip', ['route', 'show', 'table', 'all']),
    ip_forward: await must('cat', ['/proc/sys/net/ipv4/ip_forward'])
  }
  state[`ip -n ${truth.wan.netns} -d link`] = normaliseLinks(await must('ip', ['-n', truth.wan.netns, '-d', 'link']))
  for (const c of truth.containers) {
    if (!c.pid || c.sharesHostNetns) continue
    state[`${c.name}: ip -d link`] = normaliseLinks(await must('nsenter', [`--net=/proc/${c.pid}/ns/net`, 'ip', '-d', 'link']))
  }
  return state
}

describe.skipIf(skipReason)('a capture leaves the host unchanged', () => {
  let truth: LabTruth

  beforeAll(async () => {
    truth = await readLabTruth()
  })

  it.each<Via>(['local', 'ssh'])('%s: firewall, links, namespaces and ip_forward are identical before and after', async (via) => {
    const before = await hostState(truth)
    expect(before['iptables-save']).toMatch(/-j MASQUERADE/)
    expect(before['ip -d link']).toMatch(/bridge forward_delay/)
    const capture = await liveCapture(via, ssh)
    // A full capture: the privileged sections really ran (a no-op probe would prove nothing).
    const status = (name: string) => capture.sections.find((s) => s.name === name)
    for (const name of ['iptables.save', 'nft.ruleset', 'conntrack.list', 'docker.containers', 'ip.link', 'bridge.link']) {
      expect(status(name)?.exitCode, `${via}: ${name}`).toBe(0)
    }
    expect(capture.sections.some((s) => s.name.startsWith('ns/'))).toBe(true)
    const after = await hostState(truth)
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort())
    for (const key of Object.keys(before)) expect(after[key], `${via}: ${key} changed during the capture`).toBe(before[key])
  })
})
