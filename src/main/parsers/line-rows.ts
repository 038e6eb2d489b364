/**
 * Lazy line records, shared by the parsers of large outputs (iptables-save, conntrack): what a
 * parse reads of each line goes into columns of numbers (typed arrays, a row per line), and a
 * record is a small object whose getters read its row, so hundreds of thousands of records cost
 * the garbage collector little. `raw` is sliced from the text on each read; assigning a field gives
 * that record its own copy of the fields.
 */

/** The line of text that starts at `from`, without its newline and one carriage return (as the parse reads it). */
export function lineAt(text: string, from: number): string {
  let end = text.indexOf('\n', from)
  if (end === -1) end = text.length
  if (end > from && text.charCodeAt(end - 1) === 13) end--
  return text.slice(from, end)
}

/**
 * The counters of a table's rules or chains by row: which rows have packets and bytes (a byte per
 * row), and their values only once a row has others than zero (iptables-save prints `[0:0]` on
 * every chain; zero needs no writing in arrays that start zeroed).
 */
class CounterRows {
  /** Bit 1: the row has packets; bit 2: bytes. */
  private has: Uint8Array
  private packets: Float64Array | null = null
  private bytes: Float64Array | null = null

  constructor(size: number) {
    this.has = new Uint8Array(size)
  }

  set(index: number, packets: number | null, bytes: number | null): void {
    if (index >= this.has.length) this.grow()
    this.has[index] = (packets === null ? 0 : 1) | (bytes === null ? 0 : 2)
    if (packets !== null && packets !== 0) (this.packets ??= new Float64Array(this.has.length))[index] = packets
    if (bytes !== null && bytes !== 0) (this.bytes ??= new Float64Array(this.has.length))[index] = bytes
  }

  packetsAt(index: number): number | null {
    if ((this.has[index] & 1) === 0) return null
    return this.packets === null ? 0 : this.packets[index]
  }

  bytesAt(index: number): number | null {
    if ((this.has[index] & 2) === 0) return null
    return this.bytes === null ? 0 : this.bytes[index]
  }

  private grow(): void {
    const has = new Uint8Array(this.has.length * 2 + 16)
    has.set(this.has)
    this.has = has
    this.packets = grownCounters(this.packets, has.length)
    this.bytes = grownCounters(this.bytes, has.length)
  }
}

function packetsAt(counters: CounterRows | null, index: number): number | null {
  return counters === null ? null : counters.packetsAt(index)
}

function bytesAt(counters: CounterRows | null, index: number): number | null {
  return counters === null ? null : counters.bytesAt(index)
}

export function grownInts(old: Int32Array): Int32Array {
  const array = new Int32Array(old.length * 2 + 16)
  array.set(old)
  return array
}

function grownCounters(old: Float64Array | null, size: number): Float64Array | null {
  if (old === null) return null
  const array = new Float64Array(size)
  array.set(old)
  return array
}

/** The fields every rule and chain record reads from its rows the same way. */
interface LineFields {
  table: string
  packets: number | null
  bytes: number | null
  raw: string
}

/**
 * The values of one table's rules or chain declarations, a row each, in typed arrays made at the
 * table's upper bound: for 700,000 rules a few arrays of numbers rather than ten fields on each of
 * 700,000 records for the garbage collector to copy. Only the parse adds rows; an assigned field
 * goes to the record's own copy in `own`.
 */
export abstract class LineRows<Own extends LineFields> {
  count = 0
  /** Where each row's line starts in the text. */
  start: Int32Array
  /** `[p:b]` or `-c` counters: made with the first row that has them. */
  counters: CounterRows | null = null
  /** Records that had a field assigned: their own copy of the fields (see LineRecord.owned). */
  own: (Own | undefined)[] | null = null

  constructor(
    readonly table: string,
    size: number
  ) {
    this.start = new Int32Array(size)
  }

  /** The text the rows' lines are in. */
  abstract readonly text: string

  /** Adds a row's line and counters; returns its index (the subclass fills its own columns). */
  protected addLine(start: number, packets: number | null, bytes: number | null): number {
    const index = this.count++
    if (index === this.start.length) {
      // The bound was an upper bound; this only keeps a miscount from losing rows.
      this.start = grownInts(this.start)
      this.grow()
    }
    this.start[index] = start
    if (packets !== null || bytes !== null) {
      ;(this.counters ??= new CounterRows(this.start.length)).set(index, packets, bytes)
    }
    return index
  }

  /** Grows the subclass's columns to start.length. */
  protected abstract grow(): void
}

/**
 * A record that is a place in its table's rows: two fields keep 700,000 of these small. Its fields
 * read the rows (raw is sliced from the text on each read) until one is assigned: the first
 * assignment copies the fields into the record's own copy, which is read from then on.
 */
export abstract class LineRecord<Own extends LineFields, Rows extends LineRows<Own>> {
  #rows: Rows
  #index: number

  constructor(rows: Rows, index: number) {
    this.#rows = rows
    this.#index = index
  }

  /** False on the prototype (some inspectors read getters through it): read blank fields, not a TypeError. */
  protected get placed(): boolean {
    return #rows in this
  }
  protected get rows(): Rows {
    return this.#rows
  }
  protected get index(): number {
    return this.#index
  }

  /** What a getter read through the prototype gets. */
  protected abstract blankFields(): Own
  /** The fields as the rows have them, for the record's own copy. */
  protected abstract copyFields(): Own

  /** The record's own fields once one was assigned, else undefined (read the rows). */
  protected own(): Own | undefined {
    if (!this.placed) return this.blankFields()
    const own = this.#rows.own
    return own === null ? undefined : own[this.#index]
  }

  /** The record's own fields, copied from the rows on the first assignment. */
  protected owned(): Own {
    let own = this.own()
    if (own === undefined) {
      own = this.copyFields()
      const rows = this.#rows
      ;(rows.own ??= new Array<Own | undefined>(rows.count))[this.#index] = own
    }
    return own
  }

  get table(): string {
    const own = this.own()
    return own !== undefined ? own.table : this.#rows.table
  }
  set table(value: string) {
    this.owned().table = value
  }
  get packets(): number | null {
    const own = this.own()
    return own !== undefined ? own.packets : packetsAt(this.#rows.counters, this.#index)
  }
  set packets(value: number | null) {
    this.owned().packets = value
  }
  get bytes(): number | null {
    const own = this.own()
    return own !== undefined ? own.bytes : bytesAt(this.#rows.counters, this.#index)
  }
  set bytes(value: number | null) {
    this.owned().bytes = value
  }
  /** The line as read (without its newline and one carriage return), sliced from the text on each read. */
  get raw(): string {
    const own = this.own()
    if (own !== undefined) return own.raw
    const rows = this.#rows
    return lineAt(rows.text, rows.start[this.#index])
  }
  set raw(value: string) {
    this.owned().raw = value
  }
}

/** A line shortened for a warning. */
export function snippet(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}
