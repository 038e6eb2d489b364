/**
 * The snapshot of a command's SOURCE argument, or its error reported on stderr the way every
 * command reports it. Kept out of command.ts so that commands without a SOURCE (and
 * `netlens --help`) never load the capture pipeline.
 */
import type { Snapshot } from '../../shared/snapshot/schema'
import { snapshotFromSource, type SourceOptions } from '../sources'
import type { CliIo } from './command'
import { formatCliError } from './format/terminal'

/** Null when the SOURCE failed (already reported): the command then exits 1. */
export async function snapshotForCommand(
  commandName: string,
  source: string,
  options: SourceOptions,
  io: CliIo
): Promise<Snapshot | null> {
  const snapshot = await snapshotFromSource(source, options)
  if (snapshot.ok) return snapshot.value
  io.err(formatCliError(commandName, snapshot.error))
  return null
}
