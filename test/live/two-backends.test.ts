/**
 * Both iptables backends at once (issue #13, item 1), built for real without touching the
 * machine's own rules, dockerd or iptables alternatives: scripts/two-backends-lab.sh makes a "host"
 * network namespace (netfilter is per namespace) with a bridge, a container namespace and a wan
 * namespace on 198.51.100.0/24, Docker-shaped rules in iptables-legacy and a stale iptables-nft
 * filter table with FORWARD policy DROP. The real probe captures it, and the trace verdict must
 * equal a real connection attempt (ping from the container namespace to the wan), before and after
 * the stale table is deleted. The live tier's globalSetup holds the lab lock for this file; the
 * namespaces are removed in afterAll, also on failure.
 */
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseCaptureText } from '../../src/main/capture/capture-file'
import { buildSnapshot } from '../../src/main/model/build-snapshot'
import { diagnoseReport } from '../../src/shared/diagnose'
import type { Snapshot } from '../../src/shared/snapshot/schema'
import { traceFlow } from '../../src/shared/trace'
import { run } from './support/live'
import { REPO_ROOT } from './support/truth'
import './support/provided'

const skipReason = inject('liveSkip')
const SCRIPT = resolve(REPO_ROOT, 'scripts/two-backends-lab.sh')
const lab = (step: string): ReturnType<typeof run> => run('bash', [SCRIPT, step], { timeout: 120_000 })

async function captureSnapshot(): Promise<Snapshot> {
  const r = await lab('capture')
  if (r.exitCode !== 0) throw new Error(`two-backends-lab.sh capture failed (exit ${r.exitCode}): ${r.stderr}`)
  const parsed = parseCaptureText(r.stdout)
  if (!parsed.ok) throw new Error(`the namespace host's capture does not parse: ${parsed.error.message}`)
  return buildSnapshot(parsed.value)
}

/** Did a real ping from the container namespace to the wan get through? */
async function attemptGetsThrough(): Promise<boolean> {
  return (await lab('attempt')).exitCode === 0
}

describe.skipIf(skipReason)('a host with iptables-legacy and iptables-nft rules (namespace lab)', () => {
  beforeAll(async () => {
    const up = await lab('up')
    if (up.exitCode !== 0) {
      // No legacy x_tables in this kernel (ip_tables, iptable_filter, iptable_nat): say so loudly.
      throw new Error(`TWO-BACKEND LAB CANNOT BE BUILT: ${up.stderr.trim()}`)
    }
  }, 180_000)

  afterAll(async () => {
    const down = await lab('down')
    if (down.exitCode !== 0) console.warn(`two-backends-lab.sh down failed: ${down.stderr}`)
  })

  it('stale iptables-nft FORWARD DROP: the trace says dropped by iptables-nft, and the real ping fails', async () => {
    const snapshot = await captureSnapshot()
    expect(snapshot.nat.backendsPresent).toEqual(['nf_tables', 'legacy'])
    const trace = traceFlow(snapshot, '10.213.7.2', '198.51.100.2')
    const real = await attemptGetsThrough()
    expect({ verdict: trace.verdict, real }).toEqual({ verdict: 'dropped', real: false })
    expect(trace.droppedBy).toBe('policy DROP of iptables-nft filter FORWARD')
    const mixed = diagnoseReport(snapshot).findings.find((f) => f.id === 'mixed-backends')
    expect(mixed?.title.en).toBe('Stale iptables-nft filter FORWARD policy DROP: forwarded traffic is dropped')
  }, 180_000)

  it('stale table deleted: the trace says delivered through the legacy rules, and the real ping gets through', async () => {
    const heal = await lab('heal')
    expect(heal.exitCode, heal.stderr).toBe(0)
    const snapshot = await captureSnapshot()
    expect(snapshot.nat.backendsPresent).toEqual(['legacy'])
    const trace = traceFlow(snapshot, '10.213.7.2', '198.51.100.2')
    const real = await attemptGetsThrough()
    expect({ verdict: trace.verdict, real }).toEqual({ verdict: 'delivered', real: true })
    expect(diagnoseReport(snapshot).findings.map((f) => f.id)).not.toContain('mixed-backends')
  }, 180_000)
})
