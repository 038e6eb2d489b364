/**
 * Snapshot constants that code on the capture → snapshot path needs as values, kept apart from the
 * zod schemas (schema.ts) so that path (the CLI's `inspect`, the model) does not build every schema
 * at start-up. schema.ts re-exports them.
 */
export const SCHEMA_VERSION = 7 as const
/** Versions `parseSnapshot` opens: older ones are upgraded (see upgrade.ts). */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2, 3, 4, 5, 6, 7]

export const SECTION_STATUSES = ['ok', 'missing-tool', 'permission-denied', 'timeout', 'error', 'skipped'] as const
export type SectionStatusName = (typeof SECTION_STATUSES)[number]

export function isSectionStatus(value: unknown): value is SectionStatusName {
  return typeof value === 'string' && (SECTION_STATUSES as readonly string[]).includes(value)
}
