/**
 * Time to first insight over ssh (issue #16): a capture of the lab through the lab sshd hands over a
 * partial snapshot (links, bridges, containers) while the probe is still running on the host, and
 * answers the whole one after. To show "while still running" without a clock, the test runs the real
 * probe with one addition: right after the first section of its second part (`iptables.version`,
 * whose marker ends the first part) it waits for a file on the host (this machine) that the test
 * creates only once the partial snapshot has arrived. The wait is bounded (60 s) and leaves a
 * `timed-out` file when it ran out, which fails the test; both files live in a directory of the
 * test's own, removed after.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { probeScriptPath } from '../../src/main/capture/run-probe'
import { snapshotFromSource } from '../../src/main/sources/index'
import type { PendingPart } from '../../src/shared/api/types'
import type { Snapshot } from '../../src/shared/snapshot/schema'
import { LAB_CONTAINERS } from './support/truth'
import './support/provided'

const skipReason = inject('liveSkip')
const ssh = inject('labSsh')

const FIRST_LATE_SECTION = "nl_run_kept iptables.version 'iptables -V' nl_x iptables -V\n"

describe.skipIf(skipReason)('a capture over ssh streams its topology first', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-live-stream-'))
  const go = join(dir, 'go')
  const timedOut = join(dir, 'timed-out')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('shows the lab topology while the probe still runs, then the whole snapshot', async () => {
    const probe = readFileSync(probeScriptPath(), 'utf8')
    expect(probe.split(FIRST_LATE_SECTION)).toHaveLength(2)
    const held = probe.replace(
      FIRST_LATE_SECTION,
      `${FIRST_LATE_SECTION}nl_wait=0\nwhile [ ! -e '${go}' ]; do\n  [ "$nl_wait" -lt 600 ] || { : >'${timedOut}'; break; }\n  sleep 0.1\n  nl_wait=$((nl_wait + 1))\ndone\n`
    )
    const events: string[] = []
    let partial: { snapshot: Snapshot; pending: PendingPart[] } | null = null
    const result = await snapshotFromSource(`ssh:${ssh!.aliases.ok}`, {
      sshConfigFile: ssh!.configFile,
      probeScript: held,
      onTopology: (snapshot, pending) => {
        events.push(`partial ${pending.join(',')}`)
        partial ??= { snapshot, pending }
        // Only now may the probe go on to its second part.
        writeFileSync(go, '')
      }
    })
    events.push('whole')
    expect(result.ok, result.ok ? '' : JSON.stringify(result.error)).toBe(true)
    if (!result.ok || partial === null) throw new Error('no partial snapshot')
    const early = (partial as { snapshot: Snapshot }).snapshot
    const whole = result.value
    expect(events[0]).toBe('partial netfilter,conntrack')
    expect(events.at(-1)).toBe('whole')
    // The probe waited for the partial snapshot: it arrived while the host was still being read.
    expect(existsSync(timedOut)).toBe(false)
    expect(existsSync(go)).toBe(true)
    const sectionNames = (s: Snapshot) => s.sections.map((x) => x.name)
    expect(sectionNames(early)).not.toContain('iptables.save')
    expect(sectionNames(whole)).toContain('iptables.save')
    expect(early.nat.rules).toEqual([])
    expect(whole.nat.rules.length).toBeGreaterThan(0)
    // The topology is already whole in the partial: every lab container, its interfaces and bridges.
    const names = (s: Snapshot) => s.containers.map((c) => c.name).sort()
    for (const name of LAB_CONTAINERS) expect(names(early)).toContain(name)
    expect(names(early)).toEqual(names(whole))
    const bridges = (s: Snapshot) => s.bridges.map((b) => `${b.name} ${b.ports.slice().sort().join(',')}`).sort()
    expect(bridges(early)).toEqual(bridges(whole))
    const veths = (s: Snapshot) =>
      s.interfaces
        .filter((i) => i.kind === 'veth')
        .map((i) => `${i.netns} ${i.name} ${JSON.stringify(i.peer)}`)
        .sort()
    expect(veths(early).length).toBeGreaterThan(0)
    expect(veths(early)).toEqual(veths(whole))
  })
})
