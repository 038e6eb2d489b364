/** Process checks the tests share. */
import { readFileSync } from 'node:fs'

/** Alive and not a zombie (a killed child may linger as one until it is reaped). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}
