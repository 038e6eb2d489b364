/**
 * The lab's real pcaps (test/fixtures/packets/debian-12-lab, see its README) with the packet count
 * tcpdump itself read from each at capture time (_counts.txt). Fails loudly when none are found.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCaptureText } from '../../../src/main/capture/capture-file'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import type { Snapshot } from '../../../src/shared/snapshot/schema'
import { FIXTURES_DIR } from '../../support/fixtures'

export const LAB_PCAP_DIR = join(FIXTURES_DIR, 'packets/debian-12-lab')

export interface LabPcap {
  name: string
  path: string
  bytes: Uint8Array
  /** Packets `tcpdump -r` counted in this file when it was captured. */
  tcpdumpCount: number
}

export function labPcaps(): LabPcap[] {
  const counts = new Map(
    readFileSync(join(LAB_PCAP_DIR, '_counts.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const m = /^(\S+): (\d+) packets$/.exec(line)
        if (!m) throw new Error(`_counts.txt: unexpected line ${JSON.stringify(line)}`)
        return [m[1], Number(m[2])] as const
      })
  )
  const files = readdirSync(LAB_PCAP_DIR).filter((f) => f.endsWith('.pcap'))
  if (files.length === 0) throw new Error(`no pcaps under ${LAB_PCAP_DIR}`)
  return files.map((name) => {
    const tcpdumpCount = counts.get(name)
    if (tcpdumpCount === undefined) throw new Error(`${name} has no line in _counts.txt`)
    const path = join(LAB_PCAP_DIR, name)
    return { name, path, bytes: new Uint8Array(readFileSync(path)), tcpdumpCount }
  })
}

export function labPcap(name: string): LabPcap {
  const found = labPcaps().find((p) => p.name === name)
  if (!found) throw new Error(`no lab pcap ${name}`)
  return found
}

let snapshot: Snapshot | null = null

/** NetLens's snapshot of the lab host, from the probe run right after the captured traffic. */
export function labSnapshot(): Snapshot {
  if (snapshot) return snapshot
  const capture = parseCaptureText(readFileSync(join(LAB_PCAP_DIR, 'probe.cap'), 'utf8'))
  if (!capture.ok) throw new Error(capture.error.message)
  snapshot = buildSnapshot(capture.value)
  return snapshot
}

/** The lab facts the capture script wrote down (_lab.txt): host veths and addresses. */
export function labFacts(): {
  defaultVeth: string
  webVeth: string
  appVeth: string
  webPort: number
  wanHostIp: string
  wanNsIp: string
} {
  const text = readFileSync(join(LAB_PCAP_DIR, '_lab.txt'), 'utf8')
  const get = (re: RegExp): string => {
    const m = re.exec(text)
    if (!m) throw new Error(`_lab.txt: no match for ${re}`)
    return m[1]
  }
  return {
    defaultVeth: get(/^nllab-default eth0 <-> (\S+)/m),
    webVeth: get(/^nllab-web eth0 <-> (\S+)/m),
    appVeth: get(/^nllab-app eth0 <-> (\S+)/m),
    webPort: Number(get(/published \S+:(\d+) ->/)),
    wanHostIp: get(/^wan: nllabwan0 (\S+)/m),
    wanNsIp: get(/nllabwan1 (\S+)$/m)
  }
}
