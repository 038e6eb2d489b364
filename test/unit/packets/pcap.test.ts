import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  LINKTYPE,
  PCAP_HEADER_BYTES,
  PcapStreamReader,
  RECORD_HEADER_BYTES,
  readPcap,
  readPcapHeader,
  writePcap,
  type PcapRecord
} from '../../../src/shared/packets/pcap'
import { labPcap, labPcaps } from './lab-pcaps'

/** The same file written by a big-endian machine: every header field byte-swapped, data untouched. */
function byteSwapped(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  const swap = (at: number, size: number): void => out.subarray(at, at + size).reverse() && undefined
  swap(0, 4)
  swap(4, 2)
  swap(6, 2)
  for (const at of [8, 12, 16, 20]) swap(at, 4)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = PCAP_HEADER_BYTES
  while (offset + RECORD_HEADER_BYTES <= bytes.length) {
    const incl = view.getUint32(offset + 8, true)
    for (let i = 0; i < 4; i++) swap(offset + i * 4, 4)
    offset += RECORD_HEADER_BYTES + incl
  }
  return out
}

const recordsEqual = (a: PcapRecord[], b: PcapRecord[]): void => {
  expect(a.length).toBe(b.length)
  a.forEach((r, i) => {
    expect(r.tsSec).toBe(b[i].tsSec)
    expect(r.tsNsec).toBe(b[i].tsNsec)
    expect(r.originalLength).toBe(b[i].originalLength)
    expect(Buffer.from(r.data).equals(Buffer.from(b[i].data))).toBe(true)
  })
}

describe('readPcap on the lab captures', () => {
  it.each(labPcaps().map((p) => [p.name, p] as const))(
    '%s: as many records as tcpdump read, no warnings',
    (_name, pcap) => {
      const file = readPcap(pcap.bytes)
      expect(file.error).toBeNull()
      expect(file.warnings).toEqual([])
      expect(file.records).toHaveLength(pcap.tcpdumpCount)
      // Every byte of the file belongs to the header or a record.
      const used = PCAP_HEADER_BYTES + file.records.reduce((n, r) => n + RECORD_HEADER_BYTES + r.data.length, 0)
      expect(used).toBe(pcap.bytes.length)
    }
  )

  it('reads microsecond and nanosecond files: the nano capture keeps sub-microsecond digits', () => {
    const micro = readPcap(labPcap('default-veth--ping-wget-wan.pcap').bytes)
    const nano = readPcap(labPcap('app-veth--nano.pcap').bytes)
    expect(micro.header?.nanos).toBe(false)
    expect(nano.header?.nanos).toBe(true)
    expect(micro.records.every((r) => r.tsNsec % 1000 === 0)).toBe(true)
    expect(nano.records.some((r) => r.tsNsec % 1000 !== 0)).toBe(true)
    for (const r of [...micro.records, ...nano.records]) expect(r.tsNsec).toBeLessThan(1e9)
  })

  it('reads the link types the lab produced: Ethernet and Linux cooked v2 (-i any)', () => {
    expect(readPcap(labPcap('wan-veth--snat-dnat-ipv6.pcap').bytes).header?.linktype).toBe(LINKTYPE.ETHERNET)
    expect(readPcap(labPcap('any--wan-host.pcap').bytes).header?.linktype).toBe(LINKTYPE.LINUX_SLL2)
  })

  it('keeps the wire length of records cut by the snaplen', () => {
    const file = readPcap(labPcap('wan-veth--snaplen-64.pcap').bytes)
    expect(file.header?.snaplen).toBe(64)
    expect(file.records.every((r) => r.data.length <= 64)).toBe(true)
    expect(file.records.some((r) => r.originalLength > r.data.length)).toBe(true)
  })

  it.each(labPcaps().map((p) => [p.name, p] as const))(
    '%s: the big-endian form reads to the same records',
    (_name, pcap) => {
      const little = readPcap(pcap.bytes)
      const big = readPcap(byteSwapped(pcap.bytes))
      expect(big.header?.littleEndian).toBe(false)
      expect(big.header?.linktype).toBe(little.header?.linktype)
      expect(big.header?.nanos).toBe(little.header?.nanos)
      expect(big.warnings).toEqual([])
      recordsEqual(big.records, little.records)
    }
  )

  it('a file cut inside its last record: the complete records, and a warning', () => {
    const pcap = labPcap('web-veth--dnat.pcap')
    const whole = readPcap(pcap.bytes).records
    const lastSize = RECORD_HEADER_BYTES + whole[whole.length - 1].data.length
    for (let cut = 1; cut < lastSize; cut++) {
      const file = readPcap(pcap.bytes.subarray(0, pcap.bytes.length - cut))
      expect(file.records).toHaveLength(whole.length - 1)
      expect(file.warnings.join(' ')).toMatch(/last record is truncated/)
    }
  })

  it('writePcap(readPcap(x)) reads back to the same header and records', () => {
    for (const pcap of labPcaps()) {
      const file = readPcap(pcap.bytes)
      const again = readPcap(
        writePcap(file.header!.linktype, file.records, { snaplen: file.header!.snaplen, nanos: file.header!.nanos })
      )
      expect(again.header).toEqual({ ...file.header, versionMajor: 2, versionMinor: 4 })
      recordsEqual(again.records, file.records)
    }
  })
})

describe('readPcap on what is not a pcap', () => {
  it('refuses pcapng with a way out, and other files by their magic', () => {
    const pcapng = Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(28).fill(0)])
    expect(readPcap(pcapng).error).toMatch(/pcapng.*editcap -F pcap/)
    expect(readPcap(new TextEncoder().encode('NETLENS-CAPTURE 2\nboundary: x\n')).error).toMatch(
      /not a pcap file \(magic/
    )
    expect(readPcap(new Uint8Array(0)).error).toMatch(/not a pcap file/)
    expect(readPcapHeader(new Uint8Array(10))).toEqual({ ok: false, error: expect.stringMatching(/10 bytes/) })
  })

  it('a record claiming an impossible length ends the read with the records before it', () => {
    const pcap = labPcap('front-bridge--routed.pcap')
    const bytes = pcap.bytes.slice()
    const firstLength = new DataView(bytes.buffer).getUint32(PCAP_HEADER_BYTES + 8, true)
    new DataView(bytes.buffer).setUint32(PCAP_HEADER_BYTES + RECORD_HEADER_BYTES + firstLength + 8, 0x7fffffff, true)
    const file = readPcap(bytes)
    expect(file.records).toHaveLength(1)
    expect(file.warnings.join(' ')).toMatch(/impossible/)
  })

  it('never throws on random bytes, and reads no record out of a header-less input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const file = readPcap(bytes)
        expect(Array.isArray(file.records)).toBe(true)
        if (file.header === null) expect(file.records).toEqual([])
      }),
      { numRuns: 500 }
    )
  })

  it('never throws on mutated lab pcaps, and every record it returns lies inside the input', () => {
    const sources = labPcaps().map((p) => p.bytes)
    fc.assert(
      fc.property(
        fc.nat(sources.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
        fc.nat(),
        (which, edits, cut) => {
          const source = sources[which]
          const bytes = source.slice(0, Math.max(0, source.length - (cut % 200)))
          for (const [at, value] of edits) if (bytes.length) bytes[at % bytes.length] = value
          const file = readPcap(bytes)
          const total = file.records.reduce((n, r) => n + RECORD_HEADER_BYTES + r.data.length, 0)
          expect(total).toBeLessThanOrEqual(Math.max(0, bytes.length - PCAP_HEADER_BYTES))
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe('PcapStreamReader', () => {
  it('gives the same records however the stream is chunked', () => {
    const sources = labPcaps().map((p) => p.bytes)
    fc.assert(
      fc.property(
        fc.nat(sources.length - 1),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 60 }),
        (which, sizes) => {
          const bytes = sources[which]
          const reader = new PcapStreamReader()
          const got: PcapRecord[] = []
          let offset = 0
          for (let i = 0; offset < bytes.length; i++) {
            const size = sizes[i % sizes.length]
            got.push(...reader.push(bytes.subarray(offset, offset + size)))
            offset += size
          }
          expect(reader.finish()).toEqual([])
          recordsEqual(got, readPcap(bytes).records)
        }
      ),
      { numRuns: 100 }
    )
  })

  it('reports a half record left at the end, and bytes that never became a header', () => {
    const bytes = labPcap('default-veth--ping-wget-wan.pcap').bytes
    const reader = new PcapStreamReader()
    reader.push(bytes.subarray(0, PCAP_HEADER_BYTES + 5))
    expect(reader.bufferedBytes).toBe(5)
    expect(reader.finish()).toEqual([expect.stringMatching(/truncated \(5 bytes/)])
    const short = new PcapStreamReader()
    short.push(bytes.subarray(0, 10))
    expect(short.finish()).toEqual([expect.stringMatching(/only 10 bytes/)])
  })
})
