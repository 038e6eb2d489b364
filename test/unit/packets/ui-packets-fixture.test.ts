/**
 * test/fixtures/packets/debian-12-lab/ui-packets.json feeds the DOM tests (which cannot read
 * binary files): the lab wan veth's packets decoded and annotated with the lab snapshot. This test
 * recomputes them, so the JSON can never drift from what the decoder and annotator say.
 *   Regenerate: NETLENS_WRITE_UI_PACKETS=1 npx vitest run --project unit test/unit/packets/ui-packets-fixture.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { annotatePacket, natContext } from '../../../src/shared/packets/annotate'
import { decodeFrame } from '../../../src/shared/packets/decode'
import type { CapturedPacket } from '../../../src/shared/packets/format'
import { readPcap, recordTimeMs } from '../../../src/shared/packets/pcap'
import { LAB_PCAP_DIR, labPcap, labSnapshot } from './lab-pcaps'

const FILE = join(LAB_PCAP_DIR, 'ui-packets.json')

function compute(): CapturedPacket[] {
  const ctx = natContext(labSnapshot())
  const pcap = readPcap(labPcap('wan-veth--snat-dnat-ipv6.pcap').bytes)
  return pcap.records.map((r, i) => {
    const summary = decodeFrame(pcap.header!.linktype, r.data)
    return {
      number: i + 1,
      timeMs: recordTimeMs(r),
      length: r.originalLength,
      captured: r.data.length,
      summary,
      annotation: annotatePacket(summary, ctx)
    }
  })
}

describe('the DOM tests’ packet fixture', () => {
  it('is what the decoder and annotator make of the lab wan capture', () => {
    const fresh = JSON.parse(JSON.stringify(compute())) as unknown
    if (process.env.NETLENS_WRITE_UI_PACKETS === '1') writeFileSync(FILE, JSON.stringify(fresh, null, 1) + '\n')
    expect(JSON.parse(readFileSync(FILE, 'utf8'))).toEqual(fresh)
  })
})
