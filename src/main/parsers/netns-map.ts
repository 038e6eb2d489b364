/**
 * `netns.map` (written by the probe itself, resources/probe.sh nl_f_netns_map): one line per
 * namespace it reached, `<nsid> <inode|-> [<container id>]`, nsid being `host`, `pid:<pid>`,
 * `docker:<file>` or `ipnetns:<name>`. Fixtures: test/fixtures/lab/<host>/netns.map.out.
 */
import type { NetnsMapEntry, ParseResult } from './types'

/** `netns.map`: `<nsid> <inode> [<container id>]` per line; `#` comments and blank lines ignored. */
export function parseNetnsMap(text: string): ParseResult<NetnsMapEntry[]> {
  const value: NetnsMapEntry[] = []
  const warnings: string[] = []
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim()
    if (!trimmed || trimmed.startsWith('#')) continue
    const [nsid, inodeText, containerId] = trimmed.split(/\s+/)
    if (!nsid || !/^(host|pid:\d+|docker:[^\s/]+|ipnetns:[^\s/]+)$/.test(nsid)) {
      warnings.push(`ignored line: ${trimmed.slice(0, 80)}`)
      continue
    }
    const inode = inodeText && inodeText !== '-' ? inodeText.replace(/^net:\[(\d+)\]$/, '$1') : null
    value.push({
      nsid,
      inode,
      containerId: containerId && /^[0-9a-f]{6,64}$/i.test(containerId) ? containerId.toLowerCase() : null,
      raw: line
    })
  }
  return { value, warnings }
}
