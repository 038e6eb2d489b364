import { describe, expect, it } from 'vitest'
import { formatSnapshotSummary } from '../../../src/main/cli/format/snapshot-summary'
import { healthySnapshot, snapshotWith } from '../../support/snapshot-builder'

describe('netlens inspect summary', () => {
  it('shows bridges with their containers, published ports, nat rules and conntrack', () => {
    const s = healthySnapshot()
    const text = formatSnapshotSummary(s)
    expect(text).toContain(`Host ${s.host.hostname}`)
    for (const b of s.bridges) expect(text).toContain(b.name)
    const attached = s.containers.flatMap((c) => c.interfaces.filter((i) => i.bridge).map((i) => ({ c, i })))
    expect(attached.length).toBeGreaterThan(0)
    for (const { c, i } of attached) {
      const row = text.split('\n').find((l) => l.trim().startsWith(c.name) && l.includes(i.ifname))
      expect(row, c.name).toBeDefined()
      expect(row).toContain(i.hostVeth ?? '-')
      for (const a of i.addresses) expect(row).toContain(a)
    }
    expect(text).toContain(`Published ports (${s.publishedPorts.length})`)
    for (const p of s.publishedPorts) expect(text).toContain(`${p.hostIp}:${p.hostPort}/${p.proto}`)
    const nat = s.nat.rules.filter((r) => r.table === 'nat')
    expect(text).toContain(`NAT rules, nat table (${nat.length})`)
    for (const r of nat) expect(text).toContain(`${r.chain}#${r.position}`)
    expect(text).toMatch(/^Conntrack: \d+ entries read/m)
  })

  it('lists sections that are not ok with what to do, and warnings', () => {
    const s = snapshotWith((input) => {
      input.sections = [
        {
          name: 'iptables.save',
          command: 'iptables-save',
          exitCode: 4,
          ms: 1,
          status: 'permission-denied',
          stderr: 'x'
        },
        {
          name: 'docker.version',
          command: 'docker version',
          exitCode: 1,
          ms: 1,
          status: 'permission-denied',
          stderr: 'x'
        },
        { name: 'brctl.show', command: 'brctl show', exitCode: 127, ms: 1, status: 'missing-tool', stderr: 'x' },
        { name: 'ip.link', command: 'ip -j -d link show', exitCode: 0, ms: 1, status: 'ok', stderr: '' }
      ]
      input.warnings = ['something odd']
    })
    const text = formatSnapshotSummary(s)
    expect(text).toContain('Sections not ok (3)')
    expect(text).toContain('iptables.save: permission-denied (needs root or --sudo)')
    expect(text).toMatch(/docker\.version: permission-denied \(.*docker group/)
    expect(text).toContain('brctl.show: missing-tool')
    expect(text).not.toContain('ip.link: ok')
    expect(text).toContain('  - something odd')
  })

  it('says why the probe skipped a section, in its own words, without nesting parentheses', () => {
    const s = snapshotWith((input) => {
      input.sections = [
        {
          name: 'nft.ruleset',
          command: 'nft -j list ruleset',
          exitCode: null,
          ms: 0,
          status: 'skipped',
          stderr: 'nf_tables is not loaded (not loading it)\n'
        },
        { name: 'iptables-nft.save', command: 'iptables-nft-save', exitCode: null, ms: 0, status: 'skipped', stderr: '' }
      ]
    })
    const text = formatSnapshotSummary(s)
    expect(text).toContain('  nft.ruleset: skipped — nf_tables is not loaded (not loading it)\n')
    // No reason recorded: what skipped means, once.
    expect(text).toContain('  iptables-nft.save: skipped (the probe chose not to run it)')
    expect(text).not.toMatch(/\([^()]*\(/)
  })

  it('never prints control characters from host data (terminal escapes)', () => {
    const s = snapshotWith((input) => {
      input.containers[0].name = 'evil\u001b]0;pwned\u0007name'
      input.warnings = ['line\u001b[2J']
    })
    const text = formatSnapshotSummary(s)
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    expect(text).toContain('evil\\u001B]0;pwned\\u0007name')
  })
})
