/**
 * Reads a capture or snapshot file for any door NetLens has (a CLI SOURCE, the app's Open File and
 * command-line file, browser mode's openFile): regular files only (never a FIFO or /dev/zero), at
 * most MAX_SOURCE_FILE_BYTES, refused with `too-large` before reading. The bound also holds when a
 * file grows while it is read.
 */
import { open, stat } from 'node:fs/promises'
import { constants as fsConstants } from 'node:fs'
import { fail, ok, type Result } from '../../shared/result'
import { formatMegabytes, MAX_SOURCE_FILE_BYTES } from '../../shared/limits'

/** The one refusal for a file that is too large, with sizes, the limit and what to do. */
export function fileTooLarge<T = never>(name: string, bytes: number | null, limit = MAX_SOURCE_FILE_BYTES): Result<T> {
  const size = bytes === null ? `more than ${formatMegabytes(limit)}` : formatMegabytes(bytes)
  return fail('too-large', `${name}: file too large (${size}; limit ${formatMegabytes(limit)})`, {
    remedy:
      'Capture again with a smaller conntrack cap (netlens capture --conntrack-max N), or split the file: NetLens reads captures and snapshots up to this size.'
  })
}

/** Text of a file of at most `limit` bytes, as UTF-8. `name` is how messages call it. */
export async function readSourceFileText(
  path: string,
  name = path,
  limit = MAX_SOURCE_FILE_BYTES
): Promise<Result<string>> {
  try {
    const st = await stat(path)
    if (!st.isFile()) return fail('invalid-argument', `${name} is not a regular file.`)
    if (st.size > limit) return fileTooLarge(name, st.size, limit)
    const handle = await open(path, 'r')
    try {
      // Room for one byte more than allowed tells a file that grew past the limit while it was read.
      let buffer = Buffer.allocUnsafe(Math.min(st.size, limit) + 1)
      let filled = 0
      for (;;) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null)
        if (bytesRead === 0) break
        filled += bytesRead
        if (filled > limit) return fileTooLarge(name, null, limit)
        if (filled === buffer.length) {
          const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit + 1))
          buffer.copy(grown, 0, 0, filled)
          buffer = grown
        }
      }
      return ok(buffer.toString('utf8', 0, filled))
    } finally {
      await handle.close()
    }
  } catch (e) {
    return fileReadError(name, e)
  }
}

/** The one refusal for a file that could not be opened or read (missing, unreadable, other). */
export function fileReadError<T = never>(name: string, e: unknown): Result<T> {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'EACCES' || code === 'EPERM') return fail('permission-denied', `${name}: permission denied`)
  if (code === 'ENOENT') return fail('not-found', `${name}: no such file`)
  return fail('internal', `${name}: ${(e as Error).message}`)
}

/**
 * Writes a capture (or any file holding host data) readable by its owner only: mode 0600 also when
 * the file existed with a wider mode, set before any byte is written. A path that is not a regular
 * file (a FIFO, /dev/stdout) is written as it is, its mode untouched.
 */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const handle = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC, 0o600)
  try {
    if ((await handle.stat()).isFile()) await handle.chmod(0o600)
    await handle.writeFile(text, 'utf8')
  } finally {
    await handle.close()
  }
}
