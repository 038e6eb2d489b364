/**
 * Small helpers shared by the link-layer and docker parsers (ip, bridge, brctl, /proc, ss, sysctl,
 * docker inspect). Nothing here throws: JSON is split and parsed defensively and every problem
 * becomes a warning string.
 */

import type { ParseResult } from './types'

export type JsonObject = Record<string, unknown>

/** JSON when the output looks like JSON, else the text parser (old iproute2 without -j). */
export const jsonOrText =
  <T>(json: (t: string) => ParseResult<T>, text: (t: string) => ParseResult<T>) =>
  (input: string): ParseResult<T> =>
    /^\s*[[{]/.test(input) ? json(input) : text(input)

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

/** A string that is not empty, else null (docker prints "" for "not set"). */
export function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/** A kernel interface index (1 … 2^31−1). Negative, zero, fractional or huge values are no index. */
export function ifindexOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 0x7fffffff ? value : null
}

/**
 * The ifindex of a JSON entry, or null with a warning: `what` names the parser (`ip link`), and an
 * entry whose index is present but not a kernel index says so (a negative value from a forged file).
 */
export function entryIfindex(item: Record<string, unknown>, what: string, warnings: string[]): number | null {
  const ifindex = ifindexOf(item.ifindex)
  if (ifindex === null) {
    warnings.push(
      item.ifindex === undefined || item.ifindex === null
        ? `${what}: skipped an entry without ifindex/ifname: ${snippet(compact(item))}`
        : `${what}: skipped an entry whose ifindex ${snippet(JSON.stringify(item.ifindex) ?? '?')} is not a positive integer`
    )
  }
  return ifindex
}

/** A decimal integer from text, or null. */
export function int(text: string | undefined | null): number | null {
  if (text === undefined || text === null || !/^-?\d+$/.test(text)) return null
  const value = Number(text)
  return Number.isSafeInteger(value) ? value : null
}

export function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

export function lines(text: string): string[] {
  return text.split(/\r?\n/)
}

/** The lines that are not blank, each with its whitespace-separated tokens. */
export function* tokenizedLines(text: string): Generator<{ line: string; tokens: string[] }> {
  for (const line of lines(text)) {
    const trimmed = line.trim()
    if (trimmed) yield { line, tokens: trimmed.split(/\s+/) }
  }
}

/**
 * The entries of an interface list (`ip -j link`, `ip -j addr`, `bridge -j link`) that have a kernel
 * ifindex and an ifname; each other one is skipped with a warning naming the parser (`what`).
 */
export function* namedInterfaceEntries(
  records: JsonObject[],
  what: string,
  warnings: string[]
): Generator<{ item: JsonObject; ifindex: number; name: string }> {
  for (const item of records) {
    const ifindex = entryIfindex(item, what, warnings)
    if (ifindex === null) continue
    const name = str(item.ifname)
    if (name === null) warnings.push(`${what}: skipped an entry without ifindex/ifname: ${snippet(compact(item))}`)
    else yield { item, ifindex, name }
  }
}

/** Shortens a line for a warning message (host-derived text is escaped by the renderer). */
export function snippet(line: string, max = 80): string {
  return line.length > max ? `${line.slice(0, max)}…` : line
}

/**
 * Splits text into top-level JSON documents: `[…]\n[…]` (two `docker network inspect` runs
 * concatenated) or a single value. Text outside of `[`/`{` documents becomes a warning.
 */
function splitJsonDocuments(text: string): { chunks: string[]; warnings: string[] } {
  const chunks: string[] = []
  const warnings: string[] = []
  let depth = 0
  let start = -1
  let inString = false
  let escaped = false
  let stray = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (depth === 0) {
      if (ch === '[' || ch === '{') {
        if (stray.trim()) warnings.push(`ignored text outside JSON: ${snippet(stray.trim())}`)
        stray = ''
        start = i
        depth = 1
        inString = false
        escaped = false
      } else {
        stray += ch
      }
      continue
    }
    if (inString) {
      if (escaped) escaped = false
      else if (ch === '\\') escaped = true
      else if (ch === '"') inString = false
      continue
    }
    if (ch === '"') inString = true
    else if (ch === '[' || ch === '{') depth++
    else if (ch === ']' || ch === '}') {
      depth--
      if (depth === 0) {
        chunks.push(text.slice(start, i + 1))
        start = -1
      }
    }
  }
  if (depth > 0 && start >= 0) chunks.push(text.slice(start))
  if (stray.trim()) warnings.push(`ignored text outside JSON: ${snippet(stray.trim())}`)
  return { chunks, warnings }
}

/**
 * Parses one or more JSON documents and flattens them into a list of objects: an array yields its
 * elements, an object yields itself. Non-object elements and unparsable documents are warnings.
 */
export function jsonObjects(text: string, what: string): { records: JsonObject[]; warnings: string[] } {
  const { chunks, warnings } = splitJsonDocuments(text)
  const records: JsonObject[] = []
  for (const chunk of chunks) {
    let value: unknown
    try {
      value = JSON.parse(chunk)
    } catch (error) {
      warnings.push(`${what}: invalid JSON (${error instanceof Error ? error.message : String(error)})`)
      continue
    }
    const items = Array.isArray(value) ? value : [value]
    items.forEach((item, index) => {
      if (isObject(item)) records.push(item)
      else warnings.push(`${what}: element ${index} is not an object`)
    })
  }
  return { records, warnings }
}

/** What a jsonRecords reader returns for an object without the fields it needs. */
export class MissingFields {
  /** The fields as the warning names them (`Id`, `Id/Name`). */
  constructor(readonly fields: string) {}
}

/**
 * The records of a JSON listing (jsonObjects): `read` makes one of each object, or returns
 * MissingFields for an object that lacks what a record needs; that object is skipped with a
 * warning that shows it. `read` may add warnings of its own.
 */
export function jsonRecords<T>(
  text: string,
  what: string,
  read: (item: JsonObject, warnings: string[]) => T | MissingFields
): ParseResult<T[]> {
  const { records, warnings } = jsonObjects(text, what)
  const value: T[] = []
  for (const item of records) {
    const record = read(item, warnings)
    if (record instanceof MissingFields)
      warnings.push(`${what}: skipped an entry without ${record.fields}: ${snippet(compact(item))}`)
    else value.push(record)
  }
  return { value, warnings }
}

/** The record's JSON re-serialised compactly (the `raw` of JSON-sourced records). */
export function compact(value: unknown): string {
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return ''
  }
}

/** Reads `key value` pairs out of a token list: `valueAfter(tokens, 'mtu')` → '1500'. */
export function valueAfter(tokens: string[], key: string): string | null {
  const index = tokens.indexOf(key)
  return index >= 0 && index + 1 < tokens.length ? tokens[index + 1] : null
}
