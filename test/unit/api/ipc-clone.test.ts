/**
 * Electron IPC copies results and events with the structured clone algorithm, which drops the
 * getters of the snapshot's compact conntrack entries: the IPC layer must hand over plain entries.
 * (Node's structuredClone is the same algorithm.)
 */
import { describe, expect, it } from 'vitest'
import { forwardEvents, registerIpc } from '../../../src/main/app-shell/ipc'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { createBackend } from '../../../src/main/service/backend'
import { ok } from '../../../src/shared/result'
import type { Snapshot } from '../../../src/shared/snapshot/schema'
import { captureFromDir } from '../../support/capture-from-dir'
import { fakeDeps } from '../../support/fake-deps'
import { FIXTURES_DIR } from '../../support/fixtures'

const lab = buildSnapshot(captureFromDir(`${FIXTURES_DIR}/lab/debian-12-docker-20.10`))
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

describe('IPC results and events survive structured clone', () => {
  it('captureHost and getSnapshot answer plain conntrack entries', async () => {
    expect(lab.conntrack.entries.length).toBeGreaterThan(3)
    const handlers = new Map<string, (event: unknown, args: unknown) => Promise<unknown>>()
    registerIpc(
      { handle: (channel: string, fn: never) => void handlers.set(channel, fn), removeHandler: () => undefined },
      createBackend(fakeDeps({ snapshotFromSource: async () => ok(lab) }), 'ipc'),
      () => true
    )
    const event = { senderFrame: { url: 'file:///app/index.html' } }
    for (const [call, args] of [
      ['netlens:captureHost', { hostId: 'sim:bridge-mode' }],
      ['netlens:getSnapshot', { hostId: 'sim:bridge-mode' }]
    ] as const) {
      const result = structuredClone(await handlers.get(call)!(event, args)) as { ok: true; value: Snapshot }
      expect(result.ok).toBe(true)
      expect(result.value).toEqual(asJson(lab))
      expect(result.value.conntrack.entries[0].raw).toBe(lab.conntrack.entries[0].raw)
    }
  })

  it('a pushed event that carries a snapshot carries plain entries', () => {
    const sent: unknown[] = []
    const listeners: ((payload: unknown) => void)[] = []
    const backend = {
      subscribe: (_event: string, listener: (payload: unknown) => void) => {
        listeners.push(listener)
        return () => undefined
      }
    }
    forwardEvents(backend as never, {
      send: (_channel: string, payload: unknown) => void sent.push(payload),
      isDestroyed: () => false
    })
    listeners[0]({ hostId: 'ssh:x', snapshot: lab })
    listeners[0]({ hostId: 'ssh:x', phase: 'done' })
    expect(structuredClone(sent[0])).toEqual({ hostId: 'ssh:x', snapshot: asJson(lab) })
    expect(sent[1]).toEqual({ hostId: 'ssh:x', phase: 'done' })
  })
})
