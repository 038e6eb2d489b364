/**
 * Snapshot files: a snapshot saved as pretty JSON (`netlens capture --save x.json`, File → Export),
 * and opened again with full schema validation. A file that is not a valid snapshot yields a
 * parse-error naming the first offending field by its path (e.g. `containers.0.interfaces`).
 */
import { basename } from 'node:path'
import { fail, ok, type Result } from '../../shared/result'
import { READABLE_SCHEMA_VERSIONS, Snapshot, parseSnapshot, upgradeSnapshot } from '../../shared/snapshot/schema'
import { readSourceFileText, writePrivateFile } from '../capture/source-file'
import { parseIptablesSave } from '../parsers/iptables-save'
import { negatableFields } from '../../shared/netfilter/rule'

/**
 * Snapshots written before rules carried typed options: each iptables-save rule is read again from
 * its `raw` line by the parser, so checks and traces keep deciding it. A rule that does not read
 * back as one rule keeps no options and the schema marks its match as undecidable.
 */
function withRulesReadAgain(value: unknown): unknown {
  const rules = (value as { nat?: { rules?: unknown } }).nat?.rules
  if (!Array.isArray(rules)) return value
  const upgraded = rules.map((rule: unknown) => {
    if (typeof rule !== 'object' || rule === null || 'options' in rule) return rule
    const { table, raw, family } = rule as { table?: unknown; raw?: unknown; family?: unknown }
    if (typeof table !== 'string' || typeof raw !== 'string' || family === 'nft') return rule
    const read = parseIptablesSave(`*${table}\n${raw}\nCOMMIT\n`).value.tables.flatMap((t) => t.rules)
    if (read.length !== 1) return rule
    const [r] = read
    return { ...rule, goto: r.goto, options: r.options, targetOptions: r.targetArgs, ...negatableFields(r) }
  })
  const nat = (value as { nat: object }).nat
  return { ...(value as object), nat: { ...nat, rules: upgraded } }
}

export function serializeSnapshot(snapshot: Snapshot): string {
  return JSON.stringify(snapshot, null, 2) + '\n'
}

/** True when a parsed JSON value looks like a snapshot (rather than, say, a capture). */
export function looksLikeSnapshot(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'schemaVersion' in value
}

/** Validates a parsed snapshot file (older versions upgraded, their rules read again). */
export function parseSnapshotValue(value: unknown): ReturnType<typeof parseSnapshot> {
  return parseSnapshot(withRulesReadAgain(value))
}

/** Validates snapshot text; `name` is only used in messages. */
export function snapshotFromText(text: string, name = 'snapshot'): Result<Snapshot> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return fail('parse-error', `${name}: not JSON (${error instanceof Error ? error.message : String(error)})`, {
      remedy: 'Open a snapshot saved by NetLens (.json) or a capture file.'
    })
  }
  if (!looksLikeSnapshot(value)) return fail('parse-error', `${name}: not a NetLens snapshot (no schemaVersion)`)
  const version = (value as { schemaVersion: unknown }).schemaVersion
  if (typeof version !== 'number' || !READABLE_SCHEMA_VERSIONS.includes(version))
    return fail(
      'parse-error',
      `${name}: snapshot schemaVersion ${JSON.stringify(version)} is not supported (this NetLens reads ${READABLE_SCHEMA_VERSIONS.join(' and ')})`
    )
  const parsed = parseSnapshotValue(value)
  if (parsed.ok) return ok(parsed.snapshot)
  const issue = Snapshot.safeParse(upgradeSnapshot(value)).error?.issues[0]
  const where = issue ? `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}` : parsed.error
  return fail('parse-error', `${name}: invalid snapshot at ${where}`, { detail: parsed.error })
}

export async function saveSnapshot(snapshot: Snapshot, path: string): Promise<Result<string>> {
  try {
    // Host data: readable by its owner only, like capture files.
    await writePrivateFile(path, serializeSnapshot(snapshot))
    return ok(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return fail(
      code === 'EACCES' || code === 'EPERM' ? 'permission-denied' : 'internal',
      `cannot write ${path}: ${(error as Error).message}`
    )
  }
}

export async function openSnapshot(path: string): Promise<Result<Snapshot>> {
  const text = await readSourceFileText(path)
  return text.ok ? snapshotFromText(text.value, basename(path)) : text
}
