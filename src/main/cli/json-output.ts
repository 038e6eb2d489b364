/**
 * `--json` output in pieces: exactly the text of JSON.stringify(value, null, 2) + '\n', written a
 * few kilobytes at a time. A snapshot of a million rules is hundreds of megabytes as one string,
 * and building it (then cleaning and writing it) would more than double the CLI's peak memory.
 */

/** What JSON.stringify would make of `value` (toJSON applied), for deciding how to write it. */
function jsonValue(value: unknown, key: string): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON(key: string): unknown }).toJSON(key)
  }
  return value
}

/** Values JSON.stringify leaves out of objects (and writes as null in arrays). */
const omitted = (value: unknown): boolean =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol'

/**
 * Objects and arrays this deep or deeper are written in one JSON.stringify call each: a snapshot's
 * big lists sit at depth 1 or 2 (containers, nat.rules, conntrack.entries), their items are small.
 */
const WHOLE_FROM_DEPTH = 3

/**
 * Emits JSON.stringify(value, null, 2) + '\n' as a series of chunks (each ends with a newline) to
 * `write`, buffering up to about `flushChars` characters.
 */
export function writeJson(value: unknown, write: (chunk: string) => void, flushChars = 64 * 1024): void {
  let buffer = ''
  const emit = (text: string): void => {
    buffer += text
    if (buffer.length >= flushChars && buffer.endsWith('\n')) {
      write(buffer)
      buffer = ''
    }
  }
  /**
   * Writes the property `key` holding `original` at indentation `indent`, without a trailing
   * newline. As in JSON.stringify, toJSON is applied once, to the value a property holds.
   */
  const walk = (original: unknown, key: string, indent: string, depth: number): void => {
    if (depth >= WHOLE_FROM_DEPTH) {
      // JSON.stringify indents nested lines from column 0; a newline only ever appears between tokens.
      const text = JSON.stringify(original, null, 2) ?? 'null'
      emit(indent ? text.replace(/\n/g, `\n${indent}`) : text)
      return
    }
    const raw = jsonValue(original, key)
    if (raw === null || typeof raw !== 'object') {
      emit(JSON.stringify(raw) ?? 'null')
      return
    }
    const inner = `${indent}  `
    if (Array.isArray(raw)) {
      if (raw.length === 0) {
        emit('[]')
        return
      }
      emit('[\n')
      for (let i = 0; i < raw.length; i++) {
        emit(inner)
        if (omitted(jsonValue(raw[i], String(i)))) emit('null')
        else walk(raw[i], String(i), inner, depth + 1)
        emit(i < raw.length - 1 ? ',\n' : '\n')
      }
      emit(`${indent}]`)
      return
    }
    const record = raw as Record<string, unknown>
    const keys = Object.keys(record).filter((k) => !omitted(jsonValue(record[k], k)))
    if (keys.length === 0) {
      emit('{}')
      return
    }
    emit('{\n')
    keys.forEach((k, i) => {
      emit(`${inner}${JSON.stringify(k)}: `)
      walk(record[k], k, inner, depth + 1)
      emit(i < keys.length - 1 ? ',\n' : '\n')
    })
    emit(`${indent}}`)
  }
  if (omitted(jsonValue(value, ''))) return
  walk(value, '', '', 0)
  write(`${buffer}\n`)
}
