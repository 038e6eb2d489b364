/**
 * One live lab at a time on a machine: two live runs would tear each other's lab down. The lock is a
 * directory (mkdir is atomic) holding the owner's pid; a lock whose owner is gone is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'

const LOCK_DIR = '/run/nllab-lock'

function ownerAlive(): boolean {
  try {
    const pid = Number(readFileSync(`${LOCK_DIR}/pid`, 'utf8'))
    if (!Number.isInteger(pid) || pid <= 0) return false
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function acquireLabLock(timeoutMs = 20 * 60_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs
  let warned = false
  for (;;) {
    try {
      mkdirSync(LOCK_DIR)
      writeFileSync(`${LOCK_DIR}/pid`, String(process.pid))
      return () => rmSync(LOCK_DIR, { recursive: true, force: true })
    } catch {
      if (!ownerAlive()) {
        // A crashed run left its lock (or it is being written right now: retry shortly either way).
        await new Promise((r) => setTimeout(r, 500))
        if (!ownerAlive()) rmSync(LOCK_DIR, { recursive: true, force: true })
        continue
      }
      if (Date.now() > deadline) throw new Error(`another live lab run holds ${LOCK_DIR} for too long`)
      if (!warned) {
        console.warn(`live: waiting for another live lab run to finish (lock ${LOCK_DIR})`)
        warned = true
      }
      await new Promise((r) => setTimeout(r, 2000))
    }
  }
}
