/**
 * A parser result as plain data: what JSON.stringify gives (records with lazily built fields define
 * toJSON), read back. For comparing records with `toEqual` against fixtures and reference outputs.
 */
export function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown
}
