/**
 * Parser for `docker network ls` (the default table; docker 1.9–27). Columns are separated by two
 * or more spaces in real output and by single spaces in the seed tutorial (CentOS 7, whitespace
 * collapsed): `NETWORK ID NAME DRIVER SCOPE` / `591c75b7dbea bridge bridge local`. Network names
 * cannot contain spaces, so splitting on whitespace is safe for both.
 * `docker network inspect` is what the snapshot uses; this list is a fallback when inspect is denied.
 *
 * Output: DockerNetworkLsRecord[] (declared here: only this parser produces it).
 */
import type { ParseResult } from './types'
import { lines, snippet } from './link-common'

export interface DockerNetworkLsRecord {
  id: string
  name: string
  driver: string
  scope: string
  raw: string
}

export function parseDockerNetworkLs(text: string): ParseResult<DockerNetworkLsRecord[]> {
  const warnings: string[] = []
  const value: DockerNetworkLsRecord[] = []
  for (const line of lines(text)) {
    if (!line.trim()) continue
    if (/^NETWORK\s+ID\b/.test(line.trim())) continue
    const words = line.trim().split(/\s+/)
    if (words.length !== 4 || !/^[0-9a-f]{12,64}$/.test(words[0])) {
      warnings.push(`docker network ls: unrecognised line: ${snippet(line)}`)
      continue
    }
    value.push({ id: words[0], name: words[1], driver: words[2], scope: words[3], raw: line })
  }
  return { value, warnings }
}
