/**
 * The fleet table rows and the whole report: state per host (ok / partial / unreachable / auth /
 * error), docker version, backend, containers running/total, conntrack fill and findings by
 * severity, from real captures (the overlay lab capture and the non-root lab capture).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { diagnose } from '../../../src/shared/diagnose/index'
import { buildFleetReport } from '../../../src/shared/fleet/report'
import { conntrackFill, stateForError, summarizeHost } from '../../../src/shared/fleet/summary'
import { FIXTURES_DIR } from '../../support/fixtures'
import { NODE1, NODE2, overlayNode } from '../../support/fleet-fixtures'

const nonRoot = (() => {
  const parsed = parseCaptureText(
    readFileSync(join(FIXTURES_DIR, 'capture/debian-12-docker-20.10/probe--nonroot-lab.cap'), 'utf8')
  )
  if (!parsed.ok) throw new Error(parsed.error.message)
  return buildSnapshot(parsed.value)
})()

describe('fleet host summary', () => {
  it('summarizes a root capture as ok, with the numbers of the table', () => {
    const snapshot = overlayNode(NODE1)
    const findings = diagnose(snapshot)
    const row = summarizeHost({ id: 'file:node1', label: 'node1', snapshot, captureMs: 12 }, findings)
    expect(row).toMatchObject({
      state: 'ok',
      error: null,
      hostname: 'node1',
      dockerVersion: '20.10.24+dfsg1',
      iptablesBackend: 'nf_tables',
      containersTotal: snapshot.containers.length,
      captureMs: 12,
      incomplete: []
    })
    expect(row.containersRunning).toBe(snapshot.containers.filter((c) => c.state === 'running').length)
    expect(row.containersRunning).toBeGreaterThan(0)
    const bySeverity = (s: string) => findings.filter((f) => f.severity === s).length
    expect(row.findings).toEqual({
      critical: bySeverity('critical'),
      warning: bySeverity('warning'),
      info: bySeverity('info')
    })
  })

  it('marks a capture with denied sections as partial and lists them', () => {
    const row = summarizeHost({ id: 'file:nonroot', label: 'nonroot', snapshot: nonRoot }, [])
    expect(row.state).toBe('partial')
    expect(row.incomplete.length).toBeGreaterThan(0)
    expect(row.incomplete.every((s) => /: (permission-denied|timeout|error)$/.test(s))).toBe(true)
    expect(row.incomplete.some((s) => s.startsWith('docker.'))).toBe(true)
  })

  it('classes failures by their error code and keeps the remedy', () => {
    expect(stateForError('auth-failed')).toBe('auth')
    expect(stateForError('unknown-host-key')).toBe('auth')
    expect(stateForError('changed-host-key')).toBe('auth')
    expect(stateForError('connection-refused')).toBe('unreachable')
    expect(stateForError('timeout')).toBe('unreachable')
    expect(stateForError('unreachable')).toBe('unreachable')
    expect(stateForError('parse-error')).toBe('error')
    const error = { code: 'connection-refused' as const, message: 'refused', remedy: 'start sshd' }
    const row = summarizeHost({ id: 'ssh:x', label: 'x', error }, null)
    expect(row).toMatchObject({ state: 'unreachable', error, containersTotal: null, findings: null })
  })

  it('computes the conntrack fill in percent with one decimal, or null when unknown', () => {
    const s = overlayNode(NODE1)
    expect(conntrackFill({ ...s, conntrack: { ...s.conntrack, total: 1234, max: 262144 } })).toBe(0.5)
    expect(conntrackFill({ ...s, conntrack: { ...s.conntrack, total: 235930, max: 262144 } })).toBe(90)
    expect(conntrackFill({ ...s, conntrack: { ...s.conntrack, total: 10, max: null } })).toBeNull()
  })
})

describe('buildFleetReport', () => {
  it('has a row per host in input order, failed ones included, and the cross-host findings of the captured ones', () => {
    const report = buildFleetReport(
      [
        { id: 'file:node1', label: 'node1', snapshot: overlayNode({ ...NODE1, peers: [] }) },
        { id: 'ssh:gone', label: 'gone', error: { code: 'unreachable', message: 'no route', remedy: 'check the VPN' } },
        { id: 'file:node2', label: 'node2', snapshot: overlayNode(NODE2) }
      ],
      diagnose
    )
    expect(report.hosts.map((h) => [h.label, h.state])).toEqual([
      ['node1', 'ok'],
      ['gone', 'unreachable'],
      ['node2', 'ok']
    ])
    expect(report.findings.map((f) => f.id)).toEqual(['fleet-vtep-missing'])
    expect(report.overlays.map((o) => o.name)).toEqual(['nllab-ov'])
    expect(report.overlays[0].endpoints.map((e) => e.label)).toEqual(['node1', 'node2'])
  })

  it('survives a diagnose that throws: the row simply has no counts', () => {
    const report = buildFleetReport([{ id: 'file:n', label: 'n', snapshot: nonRoot }], () => {
      throw new Error('boom')
    })
    expect(report.hosts[0]).toMatchObject({ state: 'partial', findings: null })
  })
})
