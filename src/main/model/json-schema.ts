/** The snapshot's JSON Schema text, generated from the zod schema (docs/snapshot.schema.json). */
import { z } from 'zod'
import { Snapshot } from '../../shared/snapshot/schema'

export function snapshotJsonSchemaText(): string {
  const schema = z.toJSONSchema(Snapshot)
  return (
    JSON.stringify(
      {
        ...schema,
        $id: 'https://netlens.invalid/snapshot.schema.json',
        title: 'NetLens snapshot',
        description:
          'Generated from src/shared/snapshot/schema.ts by scripts/gen-json-schema.ts; see docs/snapshot-schema.md.'
      },
      null,
      2
    ) + '\n'
  )
}
