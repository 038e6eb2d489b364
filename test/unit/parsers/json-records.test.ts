import { describe, expect, it } from 'vitest'
import { MissingFields, jsonRecords } from '../../../src/main/parsers/link-common'

const readName = (item: Record<string, unknown>): string | MissingFields =>
  typeof item.name === 'string' ? item.name : new MissingFields('name')

describe('jsonRecords', () => {
  it('makes a record of each object of an array, or of one object', () => {
    expect(jsonRecords('[{"name":"a"},{"name":"b"}]', 'thing', readName)).toEqual({ value: ['a', 'b'], warnings: [] })
    expect(jsonRecords('{"name":"c"}', 'thing', readName)).toEqual({ value: ['c'], warnings: [] })
  })

  it('skips an object without the fields a record needs, with a warning that names them and shows it', () => {
    const r = jsonRecords('[{"name":"a"},{"id":7},{"name":"b"}]', 'thing', readName)
    expect(r.value).toEqual(['a', 'b'])
    expect(r.warnings).toEqual(['thing: skipped an entry without name: {"id":7}'])
  })

  it('keeps the warnings the reader adds and those of the JSON itself', () => {
    const r = jsonRecords('[{"name":"a"}, 3]', 'thing', (item, warnings) => {
      warnings.push(`thing: read ${String(item.name)}`)
      return readName(item)
    })
    expect(r.value).toEqual(['a'])
    expect(r.warnings).toEqual(['thing: element 1 is not an object', 'thing: read a'])
  })
})
