/**
 * A lab capture made by a fixture's capture.sh (test/fixtures/capture/*): the capture file as a
 * snapshot, and its connection-attempts.txt: `key=value` facts about the lab on the first line,
 * then for each real attempt a `== heading` line followed by `exit N`, the status it really had.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCaptureText } from '../../src/main/capture/capture-file'
import type { Capture } from '../../src/main/capture/capture-types'
import { buildSnapshot } from '../../src/main/model/build-snapshot'
import type { Snapshot } from '../../src/shared/snapshot/schema'

export function readLabCapture(dir: string, file: string): { capture: Capture; snapshot: Snapshot } {
  const parsed = parseCaptureText(readFileSync(join(dir, file), 'utf8'))
  if (!parsed.ok) throw new Error(parsed.error.message)
  return { capture: parsed.value, snapshot: buildSnapshot(parsed.value) }
}

export function readConnectionAttempts(dir: string): {
  text: string
  /** The value of `name=` on the facts line. */
  fact: (name: string) => string
  /** Exit status of the first attempt whose heading contains `what`. */
  realExit: (what: string) => number
} {
  const text = readFileSync(join(dir, 'connection-attempts.txt'), 'utf8')
  const lines = text.split('\n')
  return {
    text,
    fact: (name) => {
      const value = new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(lines[0])?.[1]
      if (value === undefined) throw new Error(`connection-attempts.txt has no ${name}=`)
      return value
    },
    realExit: (what) => {
      const at = lines.findIndex((l) => l.startsWith('==') && l.includes(what))
      const exit = at < 0 ? undefined : lines.slice(at + 1).find((l) => /^exit \d+$/.test(l))
      if (exit === undefined) throw new Error(`connection-attempts.txt has no attempt "${what}"`)
      return Number(exit.slice('exit '.length))
    }
  }
}
