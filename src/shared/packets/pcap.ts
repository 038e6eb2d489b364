/**
 * The classic pcap file format (what `tcpdump -w` writes), read and written without any library:
 *   global header (24 bytes): magic, version, thiszone, sigfigs, snaplen, linktype
 *   per record (16 bytes + data): ts_sec, ts_frac, incl_len, orig_len
 * Magic a1b2c3d4 = microsecond timestamps, a1b23c4d = nanosecond; either byte order (the writer's).
 * Reading never throws: a damaged file gives the records before the damage and a warning. The
 * stream reader takes the bytes as they arrive from a running tcpdump (any chunking).
 * pcapng (tshark's default) is recognised and refused with a clear message.
 */

export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276
} as const

export interface PcapHeader {
  littleEndian: boolean
  /** True for nanosecond timestamps (magic a1b23c4d). */
  nanos: boolean
  versionMajor: number
  versionMinor: number
  snaplen: number
  linktype: number
}

export interface PcapRecord {
  /** Seconds since the epoch. */
  tsSec: number
  /** Nanoseconds within the second (microsecond files are scaled up). */
  tsNsec: number
  /** The bytes captured (at most snaplen). */
  data: Uint8Array
  /** The packet's length on the wire. */
  originalLength: number
}

export const PCAP_HEADER_BYTES = 24
export const RECORD_HEADER_BYTES = 16
/** Larger records are damage, not packets: Linux tcpdump's snaplen maximum is 262144. */
export const MAX_RECORD_BYTES = 1024 * 1024

const MAGIC_MICRO = 0xa1b2c3d4
const MAGIC_NANO = 0xa1b23c4d
const PCAPNG_MAGIC = 0x0a0d0d0a

export type HeaderResult = { ok: true; header: PcapHeader } | { ok: false; error: string }

export function readPcapHeader(bytes: Uint8Array): HeaderResult {
  if (bytes.length < PCAP_HEADER_BYTES)
    return { ok: false, error: `not a pcap file: ${bytes.length} bytes, the header alone is 24` }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const be = view.getUint32(0, false)
  const le = view.getUint32(0, true)
  let littleEndian: boolean
  let nanos: boolean
  if (be === MAGIC_MICRO || be === MAGIC_NANO) {
    littleEndian = false
    nanos = be === MAGIC_NANO
  } else if (le === MAGIC_MICRO || le === MAGIC_NANO) {
    littleEndian = true
    nanos = le === MAGIC_NANO
  } else if (be === PCAPNG_MAGIC) {
    return {
      ok: false,
      error: 'this is a pcapng file; NetLens reads classic pcap (tcpdump -w, or: editcap -F pcap IN OUT)'
    }
  } else {
    return { ok: false, error: `not a pcap file (magic ${be.toString(16).padStart(8, '0')})` }
  }
  return {
    ok: true,
    header: {
      littleEndian,
      nanos,
      versionMajor: view.getUint16(4, littleEndian),
      versionMinor: view.getUint16(6, littleEndian),
      snaplen: view.getUint32(16, littleEndian),
      // The upper bits carry FCS information in some writers; the link type is the low 16 bits.
      linktype: view.getUint32(20, littleEndian) & 0xffff
    }
  }
}

/** Incremental reader: push chunks as they arrive, get the records completed so far. */
export class PcapStreamReader {
  header: PcapHeader | null = null
  /** Set once the input is unreadable; later pushes are ignored. */
  error: string | null = null
  readonly warnings: string[] = []
  private pending: Uint8Array = new Uint8Array(0)
  private pendingLength = 0
  private warnedOversnap = false

  push(chunk: Uint8Array): PcapRecord[] {
    if (this.error !== null || chunk.length === 0) return []
    this.append(chunk)
    const records: PcapRecord[] = []
    let offset = 0
    const view = new DataView(this.pending.buffer, this.pending.byteOffset, this.pendingLength)
    if (!this.header) {
      if (this.pendingLength < PCAP_HEADER_BYTES) return records
      const h = readPcapHeader(this.pending.subarray(0, PCAP_HEADER_BYTES))
      if (!h.ok) {
        this.error = h.error
        return records
      }
      this.header = h.header
      offset = PCAP_HEADER_BYTES
    }
    const little = this.header.littleEndian
    while (this.pendingLength - offset >= RECORD_HEADER_BYTES) {
      const tsSec = view.getUint32(offset, little)
      const tsFrac = view.getUint32(offset + 4, little)
      const inclLen = view.getUint32(offset + 8, little)
      const origLen = view.getUint32(offset + 12, little)
      if (inclLen > MAX_RECORD_BYTES) {
        this.error = `damaged record after ${records.length} packets in this chunk: captured length ${inclLen} is impossible`
        break
      }
      if (this.pendingLength - offset - RECORD_HEADER_BYTES < inclLen) break
      if (inclLen > this.header.snaplen && this.header.snaplen > 0 && !this.warnedOversnap) {
        this.warnings.push(`a record of ${inclLen} bytes is longer than the file's snaplen ${this.header.snaplen}`)
        this.warnedOversnap = true
      }
      const start = offset + RECORD_HEADER_BYTES
      // A copy: the pending buffer is reused for the next chunk.
      const data = this.pending.slice(start, start + inclLen)
      const tsNsec = this.header.nanos ? tsFrac : tsFrac * 1000
      records.push({ tsSec, tsNsec: tsNsec < 1e9 ? tsNsec : 0, data, originalLength: Math.max(origLen, inclLen) })
      offset = start + inclLen
    }
    this.consume(offset)
    return records
  }

  /** Bytes received but not yet part of a complete record. */
  get bufferedBytes(): number {
    return this.pendingLength
  }

  /** Call at the end of input: a half record left over is reported as truncated. */
  finish(): string[] {
    if (this.error === null && this.pendingLength > 0) {
      this.warnings.push(
        this.header
          ? `the last record is truncated (${this.pendingLength} bytes of it arrived)`
          : `not a pcap file: only ${this.pendingLength} bytes`
      )
      this.pendingLength = 0
    }
    return this.warnings
  }

  private append(chunk: Uint8Array): void {
    const needed = this.pendingLength + chunk.length
    if (needed > this.pending.length) {
      const grown = new Uint8Array(Math.max(needed, this.pending.length * 2, 4096))
      grown.set(this.pending.subarray(0, this.pendingLength))
      this.pending = grown
    }
    this.pending.set(chunk, this.pendingLength)
    this.pendingLength = needed
  }

  private consume(count: number): void {
    if (count === 0) return
    this.pending.copyWithin(0, count, this.pendingLength)
    this.pendingLength -= count
  }
}

export interface PcapFile {
  header: PcapHeader | null
  records: PcapRecord[]
  /** Why reading stopped early, or what looked odd. Empty for a clean file. */
  warnings: string[]
  /** Set when the file is not a pcap at all (then `header` is null). */
  error: string | null
}

/** Reads a whole pcap file. Never throws. */
export function readPcap(bytes: Uint8Array): PcapFile {
  const reader = new PcapStreamReader()
  const records = reader.push(bytes)
  const warnings = [...reader.finish()]
  if (reader.error !== null && reader.header) warnings.push(reader.error)
  return {
    header: reader.header,
    records,
    warnings,
    error: reader.header ? null : (reader.error ?? warnings[0] ?? 'not a pcap file: it is empty')
  }
}

/** A pcap global header (little-endian, as tcpdump writes on x86). */
export function pcapHeaderBytes(linktype: number, snaplen = 262144, nanos = false): Uint8Array {
  const out = new Uint8Array(PCAP_HEADER_BYTES)
  const view = new DataView(out.buffer)
  view.setUint32(0, nanos ? MAGIC_NANO : MAGIC_MICRO, true)
  view.setUint16(4, 2, true)
  view.setUint16(6, 4, true)
  view.setUint32(16, snaplen, true)
  view.setUint32(20, linktype, true)
  return out
}

/** One record: header and data (captured = the whole packet). */
export function pcapRecordBytes(record: PcapRecord, nanos = false): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_BYTES + record.data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, record.tsSec, true)
  view.setUint32(4, nanos ? record.tsNsec : Math.floor(record.tsNsec / 1000), true)
  view.setUint32(8, record.data.length, true)
  view.setUint32(12, Math.max(record.originalLength, record.data.length), true)
  out.set(record.data, RECORD_HEADER_BYTES)
  return out
}

/** A complete pcap file from records. */
export function writePcap(
  linktype: number,
  records: PcapRecord[],
  opts: { snaplen?: number; nanos?: boolean } = {}
): Uint8Array {
  const parts = [
    pcapHeaderBytes(linktype, opts.snaplen, opts.nanos),
    ...records.map((r) => pcapRecordBytes(r, opts.nanos))
  ]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** Milliseconds since the epoch (fractional), for display. */
export const recordTimeMs = (r: Pick<PcapRecord, 'tsSec' | 'tsNsec'>): number => r.tsSec * 1000 + r.tsNsec / 1e6
