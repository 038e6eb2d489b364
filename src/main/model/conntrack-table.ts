/**
 * The snapshot's conntrack entries, kept compact: a busy host holds 262,144 of them, and as plain
 * objects (an entry, two tuples, four address strings, a containers array and its raw line) each
 * cost over 600 bytes of heap and most of the model's time in garbage collection.
 *
 * A ConntrackTable keeps every entry as one row of typed-array columns: addresses, protocol and
 * state names, flag and container lists as numbers into shared lists (a table has few distinct
 * ones), ports, timeout, mark and zone as numbers, and the raw line as its place in the conntrack
 * text (kept once, as the capture holds it). `snapshot.conntrack.entries` is an array of
 * ConntrackEntryView, a two-field object per row whose getters read the columns, so code that reads
 * entries (diagnose, the CLI) sees a plain ConntrackEntry. Each read of `original` or `reply` builds
 * a new tuple: treat them as read-only (assigning a top-level field works: the view then holds its
 * own copy of the entry).
 *
 * Views are class instances: JSON.stringify uses toJSON() (the plain entry), but structured clone
 * (Electron IPC) and spreading see no fields, so whatever leaves the process as a value goes
 * through plainSnapshot() first (src/main/app-shell/ipc.ts).
 */
import type { ConntrackEntry, NatKind, Snapshot, Tuple } from '../../shared/snapshot/schema'
import type { ConntrackLineFields, ConntrackRowSink } from '../parsers/conntrack'

/** The parser record fields a row is made from (parsers/conntrack ConntrackEntry, ConntrackRecord). */
export interface ConntrackRowSource {
  proto: string
  state: string | null
  original: { src: string; dst: string; sport: number | null; dport: number | null }
  reply: { src: string; dst: string; sport: number | null; dport: number | null }
  flags: string[]
  timeout: number | null
  mark: number | null
  zone: number | null
  raw: string
}

const NAT_KINDS: readonly NatKind[] = ['none', 'SNAT', 'DNAT', 'SNAT+DNAT']
const NO_CONTAINERS: readonly string[] = Object.freeze([])
const NO_FLAGS = Object.freeze([]) as unknown as string[]
/** Distinct flag or container lists beyond which a table stops sharing them (garbage input). */
const SHARED_LIST_LIMIT = 4096

export function classifyNat(original: { src: string; dst: string }, reply: { src: string; dst: string }): NatKind {
  return NAT_KINDS[natCode(original, reply)]
}

/** 0 none, 1 SNAT, 2 DNAT, 3 both: reply.src != original.dst is DNAT, reply.dst != original.src SNAT. */
function natCode(original: { src: string; dst: string }, reply: { src: string; dst: string }): number {
  return (reply.dst !== original.src ? 1 : 0) | (reply.src !== original.dst ? 2 : 0)
}

const nullable = (n: number): number | null => (Number.isNaN(n) ? null : n)
const stored = (n: number | null): number => (n === null ? Number.NaN : n)

/** Lists (flags, containers) kept once per table and referred to by number. */
class Interned<T> {
  readonly values: T[] = []
  private readonly ids = new Map<string, number>()

  id(key: string, make: () => T): number {
    let id = this.ids.get(key)
    if (id === undefined) {
      id = this.values.length
      this.values.push(make())
      this.ids.set(key, id)
    }
    return id
  }
}

/**
 * Strings (names, addresses) kept once per table, found from a place in a text without slicing it
 * first: an open-addressing hash table over the characters (a table holds few distinct addresses,
 * and its 262,144 rows name them over a million times).
 */
class StringIds {
  readonly values: string[] = []
  private hashes = new Int32Array(64)
  private slots = new Int32Array(128)

  /** The id of text[start, end). */
  of(text: string, start: number, end: number): number {
    let hash = 0x811c9dc5
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619)
    const mask = this.slots.length - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]
      if (entry === 0) return this.add(text.slice(start, end), hash, slot)
      const id = entry - 1
      if (this.hashes[id] === hash && same(this.values[id], text, start, end)) return id
    }
  }

  private add(value: string, hash: number, slot: number): number {
    const id = this.values.length
    this.values.push(value)
    if (id === this.hashes.length) {
      const grown = new Int32Array(id * 2)
      grown.set(this.hashes)
      this.hashes = grown
    }
    this.hashes[id] = hash
    this.slots[slot] = id + 1
    if (this.values.length * 2 > this.slots.length) this.rehash()
    return id
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let id = 0; id < this.values.length; id++) {
      let slot = this.hashes[id] & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = id + 1
    }
    this.slots = slots
  }
}

/** text[a, aEnd) and text[b, bEnd) hold the same characters. */
function sameText(text: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false
  for (let i = 0; i < aEnd - a; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false
  return true
}

function same(value: string, text: string, start: number, end: number): boolean {
  if (value.length !== end - start) return false
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) !== text.charCodeAt(start + i)) return false
  return true
}

export class ConntrackTable {
  /** The text `raw` lines are cut from; rows whose line is elsewhere have rawStart -1 and their line in rawLines. */
  readonly text: string
  readonly count: number
  readonly strings: string[]
  readonly flagLists: readonly string[][]
  readonly containerLists: readonly (readonly string[])[]
  /** Per row: proto, state (-1: null) and the four addresses as numbers into `strings`. */
  readonly names: Int32Array
  /** Per row: original sport, dport, reply sport, dport, timeout, mark, zone (NaN: null). */
  readonly numbers: Float64Array
  /** Per row: the flag list, the container list and the NAT kind. */
  readonly lists: Int32Array
  readonly rawStart: Int32Array
  readonly rawEnd: Int32Array
  readonly rawLines: Map<number, string> | null

  constructor(parts: {
    text: string
    count: number
    strings: string[]
    flagLists: string[][]
    containerLists: (readonly string[])[]
    names: Int32Array
    numbers: Float64Array
    lists: Int32Array
    rawStart: Int32Array
    rawEnd: Int32Array
    rawLines: Map<number, string> | null
  }) {
    this.text = parts.text
    this.count = parts.count
    this.strings = parts.strings
    this.flagLists = parts.flagLists
    this.containerLists = parts.containerLists
    this.names = parts.names
    this.numbers = parts.numbers
    this.lists = parts.lists
    this.rawStart = parts.rawStart
    this.rawEnd = parts.rawEnd
    this.rawLines = parts.rawLines
  }

  /** One view per row: the snapshot's `conntrack.entries`. */
  views(): ConntrackEntry[] {
    const views = new Array<ConntrackEntry>(this.count)
    for (let i = 0; i < this.count; i++) views[i] = new ConntrackEntryView(this, i)
    return views
  }

  proto(i: number): string {
    return this.strings[this.names[i * 6]]
  }
  state(i: number): string | null {
    const id = this.names[i * 6 + 1]
    return id === -1 ? null : this.strings[id]
  }
  tuple(i: number, reply: boolean): Tuple {
    const n = i * 6 + (reply ? 4 : 2)
    const p = i * 7 + (reply ? 2 : 0)
    return {
      src: this.strings[this.names[n]],
      dst: this.strings[this.names[n + 1]],
      sport: nullable(this.numbers[p]),
      dport: nullable(this.numbers[p + 1])
    }
  }
  timeout(i: number): number | null {
    return nullable(this.numbers[i * 7 + 4])
  }
  mark(i: number): number | null {
    return nullable(this.numbers[i * 7 + 5])
  }
  zone(i: number): number | null {
    return nullable(this.numbers[i * 7 + 6])
  }
  flags(i: number): string[] {
    return this.flagLists[this.lists[i * 3]]
  }
  containers(i: number): string[] {
    return this.containerLists[this.lists[i * 3 + 1]] as string[]
  }
  nat(i: number): NatKind {
    return NAT_KINDS[this.lists[i * 3 + 2]]
  }
  raw(i: number): string {
    const start = this.rawStart[i]
    return start === -1 ? (this.rawLines?.get(i) ?? '') : this.text.slice(start, this.rawEnd[i])
  }

  /** Row i as a plain object (what the snapshot schema describes). */
  entry(i: number): ConntrackEntry {
    return {
      proto: this.proto(i),
      state: this.state(i),
      original: this.tuple(i, false),
      reply: this.tuple(i, true),
      nat: this.nat(i),
      containers: this.containers(i),
      flags: this.flags(i),
      timeout: this.timeout(i),
      mark: this.mark(i),
      zone: this.zone(i),
      raw: this.raw(i)
    }
  }
}

/**
 * Builds a table row by row, from parsed records (add) or from a common-shape line's places in the
 * text (addLine, what scanConntrackRows hands over). Containers come from `addressIndex` (address →
 * container names): any container owning the original source, the original destination or the
 * reply source (the real backend of a DNAT).
 */
export class ConntrackTableBuilder implements ConntrackRowSink {
  private count = 0
  private capacity: number
  private names: Int32Array
  private numbers: Float64Array
  private lists: Int32Array
  private rawStart: Int32Array
  private rawEnd: Int32Array
  private rawLines: Map<number, string> | null = null
  private readonly strings = new StringIds()
  private readonly flagLists = new Interned<string[]>()
  private readonly containerLists = new Interned<readonly string[]>()
  /** Flag list id per flag name string id + 1 (0: not yet known), for the common single flag. */
  private singleFlag = new Int32Array(64)
  /** Container list id + 1 per address string id (0: not yet known). */
  private containersOfAddress = new Int32Array(256)

  constructor(
    private readonly addressIndex: Map<string, string[]>,
    expected = 0
  ) {
    this.capacity = Math.max(1, expected)
    this.names = new Int32Array(this.capacity * 6)
    this.numbers = new Float64Array(this.capacity * 7)
    this.lists = new Int32Array(this.capacity * 3)
    this.rawStart = new Int32Array(this.capacity)
    this.rawEnd = new Int32Array(this.capacity)
    this.containerLists.id('', () => NO_CONTAINERS as string[])
    this.flagLists.id('', () => NO_FLAGS)
  }

  /**
   * Adds a row from a record. Its raw line is text[rawStart, rawEnd) of the text given to build(),
   * or, with rawStart -1, the record's own `raw`.
   */
  add(record: ConntrackRowSource, rawStart = -1, rawEnd = -1): void {
    const i = this.row()
    const o = record.original
    const p = record.reply
    const n = i * 6
    const names = this.names
    names[n] = this.id(record.proto)
    names[n + 1] = record.state === null ? -1 : this.id(record.state)
    names[n + 2] = this.id(o.src)
    names[n + 3] = this.id(o.dst)
    names[n + 4] = this.id(p.src)
    names[n + 5] = this.id(p.dst)
    const v = i * 7
    const numbers = this.numbers
    numbers[v] = stored(o.sport)
    numbers[v + 1] = stored(o.dport)
    numbers[v + 2] = stored(p.sport)
    numbers[v + 3] = stored(p.dport)
    numbers[v + 4] = stored(record.timeout)
    numbers[v + 5] = stored(record.mark)
    numbers[v + 6] = stored(record.zone)
    this.finishRow(i, this.flagListOf(record.flags))
    this.rawStart[i] = rawStart
    this.rawEnd[i] = rawEnd
    if (rawStart === -1) (this.rawLines ??= new Map()).set(i, record.raw)
  }

  /** ConntrackRowSink: an entry of an uncommon line (its raw is its own). */
  entry(entry: ConntrackRowSource): void {
    this.add(entry)
  }

  /** ConntrackRowSink: a common-shape line, read from its places in the text. */
  line(f: ConntrackLineFields): void {
    const i = this.row()
    const text = f.text
    const spans = f.spans
    const n = i * 6
    const names = this.names
    const strings = this.strings
    names[n] = strings.of(text, spans[0], spans[1])
    names[n + 1] = spans[2] === -1 ? -1 : strings.of(text, spans[2], spans[3])
    const oSrc = strings.of(text, spans[4], spans[5])
    const oDst = strings.of(text, spans[6], spans[7])
    names[n + 2] = oSrc
    names[n + 3] = oDst
    // Without NAT the reply is the original reversed: no lookup.
    names[n + 4] = sameText(text, spans[8], spans[9], spans[6], spans[7]) ? oDst : strings.of(text, spans[8], spans[9])
    names[n + 5] = sameText(text, spans[10], spans[11], spans[4], spans[5])
      ? oSrc
      : strings.of(text, spans[10], spans[11])
    // The fields' numbers are in a row's order.
    this.numbers.set(f.numbers, i * 7)
    this.finishRow(i, this.flagListOfSpans(f))
    this.rawStart[i] = f.lineStart
    this.rawEnd[i] = f.lineEnd
  }

  /** ConntrackRowSink: the number of rows to come, so the columns are made at their size. */
  begin(count: number): void {
    if (this.count === 0 && count !== this.capacity) this.resize(Math.max(1, count))
  }

  /** The table; `text` is what the rows' raw places refer to. */
  build(text = ''): ConntrackTable {
    if (this.count !== this.capacity) this.resize(this.count)
    return new ConntrackTable({
      text,
      count: this.count,
      strings: this.strings.values,
      flagLists: this.flagLists.values,
      containerLists: this.containerLists.values,
      names: this.names,
      numbers: this.numbers,
      lists: this.lists,
      rawStart: this.rawStart,
      rawEnd: this.rawEnd,
      rawLines: this.rawLines
    })
  }

  private row(): number {
    if (this.count === this.capacity) this.resize(this.capacity * 2)
    return this.count++
  }

  private id(value: string): number {
    return this.strings.of(value, 0, value.length)
  }

  /** Flags, containers and NAT kind of row i, whose names are set. */
  private finishRow(i: number, flagList: number): void {
    const n = i * 6
    const names = this.names
    const oSrc = names[n + 2]
    const oDst = names[n + 3]
    const rSrc = names[n + 4]
    const l = i * 3
    this.lists[l] = flagList
    this.lists[l + 1] = this.containerList(oSrc, oDst, rSrc)
    // Ids are equal exactly when the strings are (interned).
    this.lists[l + 2] = (names[n + 5] !== oSrc ? 1 : 0) | (rSrc !== oDst ? 2 : 0)
  }

  private flagListOf(flags: string[]): number {
    if (flags.length === 0) return 0
    return this.flagListByKey(flags.join(' '), () => [...flags])
  }

  private flagListOfSpans(f: ConntrackLineFields): number {
    if (f.flagCount === 0) return 0
    const spans = f.flagSpans
    if (f.flagCount === 1) {
      const name = this.strings.of(f.text, spans[0], spans[1])
      if (name >= this.singleFlag.length) {
        const grown = new Int32Array(Math.max(name + 1, this.singleFlag.length * 2))
        grown.set(this.singleFlag)
        this.singleFlag = grown
      }
      const known = this.singleFlag[name]
      if (known !== 0) return known - 1
      const value = this.strings.values[name]
      const list = this.flagListByKey(value, () => [value])
      this.singleFlag[name] = list + 1
      return list
    }
    const flags: string[] = []
    for (let k = 0; k < f.flagCount; k++) flags.push(f.text.slice(spans[k * 2], spans[k * 2 + 1]))
    return this.flagListByKey(flags.join(' '), () => flags)
  }

  private flagListByKey(key: string, make: () => string[]): number {
    const unshared = this.flagLists.values.length >= SHARED_LIST_LIMIT
    return this.flagLists.id(unshared ? `\u0000${this.count}` : key, () => Object.freeze(make()) as string[])
  }

  /** The containers of up to three addresses (string ids), as one shared, sorted list. */
  private containerList(a: number, b: number, c: number): number {
    const la = this.addressContainers(a)
    const lb = this.addressContainers(b)
    const lc = this.addressContainers(c)
    if ((lb === 0 || lb === la) && (lc === 0 || lc === la)) return la
    if (la === 0 && (lc === 0 || lc === lb)) return lb
    if (la === 0 && lb === 0) return lc
    const lists = this.containerLists.values
    const names = Object.freeze([...new Set([...lists[la], ...lists[lb], ...lists[lc]])].sort())
    if (lists.length >= SHARED_LIST_LIMIT) return this.containerLists.id(`\u0000${this.count}`, () => names)
    return this.containerLists.id(names.join('\u0000'), () => names)
  }

  /** The container list id of an address string id (0: no container), worked out once per address. */
  private addressContainers(id: number): number {
    if (id >= this.containersOfAddress.length) {
      const grown = new Int32Array(Math.max(id + 1, this.containersOfAddress.length * 2))
      grown.set(this.containersOfAddress)
      this.containersOfAddress = grown
    }
    const known = this.containersOfAddress[id]
    if (known !== 0) return known - 1
    const owners = this.addressIndex.get(this.strings.values[id])
    let list = 0
    if (owners && owners.length) {
      const names = Object.freeze(owners.length > 1 ? [...new Set(owners)].sort() : [...owners])
      list = this.containerLists.id(names.join('\u0000'), () => names)
    }
    this.containersOfAddress[id] = list + 1
    return list
  }

  /** Columns for `capacity` rows (at least the rows so far). */
  private resize(capacity: number): void {
    this.capacity = capacity
    const resized = <A extends Int32Array | Float64Array>(old: A, per: number): A => {
      const array = new (old.constructor as new (n: number) => A)(capacity * per)
      array.set(old.subarray(0, this.count * per))
      return array
    }
    this.names = resized(this.names, 6)
    this.numbers = resized(this.numbers, 7)
    this.lists = resized(this.lists, 3)
    this.rawStart = resized(this.rawStart, 1)
    this.rawEnd = resized(this.rawEnd, 1)
  }
}

/**
 * One conntrack entry of a table, read through getters. Its `flags` and `containers` arrays are
 * shared with other rows and frozen. Assigning a field gives the view its own
 * plain copy of the entry (then changed), so a caller that edits an entry sees its edit.
 */
export class ConntrackEntryView implements ConntrackEntry {
  #source: ConntrackTable | ConntrackEntry
  readonly #index: number

  constructor(table: ConntrackTable, index: number) {
    this.#source = table
    this.#index = index
  }

  private own(): ConntrackEntry {
    const source = this.#source
    if (!(source instanceof ConntrackTable)) return source
    const entry = source.entry(this.#index)
    this.#source = entry
    return entry
  }

  get proto(): string {
    const s = this.#source
    return s instanceof ConntrackTable ? s.proto(this.#index) : s.proto
  }
  set proto(value: string) {
    this.own().proto = value
  }
  get state(): string | null {
    const s = this.#source
    return s instanceof ConntrackTable ? s.state(this.#index) : s.state
  }
  set state(value: string | null) {
    this.own().state = value
  }
  get original(): Tuple {
    const s = this.#source
    return s instanceof ConntrackTable ? s.tuple(this.#index, false) : s.original
  }
  set original(value: Tuple) {
    this.own().original = value
  }
  get reply(): Tuple {
    const s = this.#source
    return s instanceof ConntrackTable ? s.tuple(this.#index, true) : s.reply
  }
  set reply(value: Tuple) {
    this.own().reply = value
  }
  get nat(): NatKind {
    const s = this.#source
    return s instanceof ConntrackTable ? s.nat(this.#index) : s.nat
  }
  set nat(value: NatKind) {
    this.own().nat = value
  }
  get containers(): string[] {
    const s = this.#source
    return s instanceof ConntrackTable ? s.containers(this.#index) : s.containers
  }
  set containers(value: string[]) {
    this.own().containers = value
  }
  get flags(): string[] {
    const s = this.#source
    return s instanceof ConntrackTable ? s.flags(this.#index) : s.flags
  }
  set flags(value: string[]) {
    this.own().flags = value
  }
  get timeout(): number | null {
    const s = this.#source
    return s instanceof ConntrackTable ? s.timeout(this.#index) : s.timeout
  }
  set timeout(value: number | null) {
    this.own().timeout = value
  }
  get mark(): number | null {
    const s = this.#source
    return s instanceof ConntrackTable ? s.mark(this.#index) : s.mark
  }
  set mark(value: number | null) {
    this.own().mark = value
  }
  get zone(): number | null {
    const s = this.#source
    return s instanceof ConntrackTable ? s.zone(this.#index) : s.zone
  }
  set zone(value: number | null) {
    this.own().zone = value
  }
  get raw(): string {
    const s = this.#source
    return s instanceof ConntrackTable ? s.raw(this.#index) : s.raw
  }
  set raw(value: string) {
    this.own().raw = value
  }

  /** The plain entry, for JSON.stringify. */
  toJSON(): ConntrackEntry {
    const s = this.#source
    return s instanceof ConntrackTable ? s.entry(this.#index) : { ...s }
  }
}

/**
 * The snapshot with plain conntrack entries, for a transport that copies values without calling
 * toJSON() (Electron IPC's structured clone). Anything that is not a snapshot is returned as is.
 */
export function plainSnapshot<T>(value: T): T {
  const entries = (value as { conntrack?: { entries?: unknown } } | null)?.conntrack?.entries
  if (!Array.isArray(entries) || !entries.some((e) => e instanceof ConntrackEntryView)) return value
  const snapshot = value as unknown as Snapshot
  return {
    ...snapshot,
    conntrack: {
      ...snapshot.conntrack,
      entries: snapshot.conntrack.entries.map((e) => (e instanceof ConntrackEntryView ? e.toJSON() : e))
    }
  } as unknown as T
}
