/**
 * Regenerates the committed files of test/fixtures/hostile/ (see its README) from our own lab
 * capture (test/fixtures/lab/debian-12-docker-20.10): the real outputs, with names swapped for
 * hostile ones and a few forged lines added. Run: node bin/tsx-run.mjs test/support/make-hostile-corpus.ts
 */
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { serializeCapture } from '../../src/main/capture/capture-file'
import type { Capture, RawSection } from '../../src/main/capture/capture-types'
import { buildSnapshot } from '../../src/main/model/build-snapshot'
import { captureFromDir } from './capture-from-dir'

const LAB = resolve(import.meta.dirname, '../fixtures/lab/debian-12-docker-20.10')
const OUT = resolve(import.meta.dirname, '../fixtures/hostile')

const ESC = '\u001b'
const BEL = '\u0007'
/** Lab name → hostile name: OSC window titles, clear screen, bidi overrides and isolates, C1, shell syntax, markup. */
export const HOSTILE_NAMES: [string, string][] = [
  ['nltmp-ll-web', `web${ESC}]0;pwned${BEL}\u202egnp.exe`],
  ['nltmp-ll-multi', `multi${ESC}[2J${ESC}[H$(reboot)`],
  ['nltmp-ll-def', 'def\u2066evil\u2069\u0085'],
  ['nltmp-ll-shared', '<img src=x onerror="window.__pwned=1">'],
  ['nltmp-ll-net1', 'net1\u202e;reboot'],
  ['br-08358af093c8', 'br-$(reboot)'],
  ['vethc8ca41f', 'veth;reboot'],
  ['veth8eac795', '$(reboot)']
]
/** Namespaces kept (the containers above); the others are left out to keep the file small. */
const KEPT_PIDS = ['19363', '19445', '19276', '19536']
const WEB_PID = '19363'
/** Text fallbacks and sections no hostile case needs (the JSON forms are kept). */
const LEFT_OUT = ['ip.link.text', 'ip.addr.text', 'ip.route.text', 'ip.neigh.text', 'nft.ruleset', 'bridge.fdb']

const isJson = (section: RawSection): boolean => /^\s*[[{]/.test(section.stdout)

function swapNames(text: string, json: boolean): string {
  let out = text
  for (const [from, to] of HOSTILE_NAMES) out = out.split(from).join(json ? JSON.stringify(to).slice(1, -1) : to)
  return out
}

function hostileCapture(): Capture {
  const lab = captureFromDir(LAB, 'file:lab')
  const sections: RawSection[] = []
  for (const section of lab.sections) {
    const ns = /^ns\/pid:(\d+)\//.exec(section.name)
    if (ns && !KEPT_PIDS.includes(ns[1])) continue
    if (LEFT_OUT.includes(section.name)) continue
    let stdout = swapNames(section.stdout, isJson(section))
    // Inside web's namespace its eth0 is called `eth0;reboot` (the kernel accepts the name).
    if (ns?.[1] === WEB_PID) stdout = stdout.replace(/\beth0\b/g, 'eth0;reboot')
    if (section.name === 'docker.containers') {
      const containers = JSON.parse(stdout) as { Name: string; State: { Pid: number } }[]
      stdout = JSON.stringify(
        containers.filter((c) => KEPT_PIDS.includes(String(c.State.Pid))),
        null,
        2
      )
    }
    if (section.name === 'docker.networks') {
      // A user network whose bridge was given a name (-o com.docker.network.bridge.name=…).
      const networks = JSON.parse(stdout) as { Id: string; Options?: Record<string, string> }[]
      for (const n of networks)
        if (n.Id.startsWith('08358af093c8'))
          n.Options = { ...n.Options, 'com.docker.network.bridge.name': 'br-$(reboot)' }
      stdout = JSON.stringify(networks, null, 2)
    }
    if (section.name === 'ip.link') {
      const links = JSON.parse(stdout) as { ifname: string; flags: string[]; [key: string]: unknown }[]
      // `veth;reboot` is administratively down: its fix names it.
      for (const link of links) if (link.ifname === 'veth;reboot') link.flags = link.flags.filter((f) => f !== 'UP' && f !== 'LOWER_UP')
      links.push({
        ifindex: -5,
        ifname: 'neg0',
        flags: ['UP'],
        mtu: 1500,
        operstate: 'UP',
        address: '02:00:00:00:00:05'
      })
      stdout = JSON.stringify(links)
    }
    if (section.name === 'iptables.save') {
      // net1 lost its MASQUERADE rule: the fix names the bridge `br-$(reboot)`.
      stdout = stdout.replace('-A POSTROUTING -s 172.28.0.0/16 ! -o br-$(reboot) -j MASQUERADE\n', '')
      stdout = stdout.replace(
        /(\*filter\n[\s\S]*?)(COMMIT)/,
        `$1-A DOCKER-USER -m comment --comment "${ESC}]0;rule${BEL} \\"$(reboot)\\" \u202eevil" -j DROP\n$2`
      )
    }
    if (section.name === 'sysctl') stdout += `net.ipv4.conf.x${ESC}[31m.rp_filter = 1\n`
    if (section.name === 'conntrack.list') stdout += `garbage ${ESC}[2J${ESC}]0;ct${BEL} \u202eline\n`
    sections.push({ ...section, stdout, stderr: swapNames(section.stderr, false) })
  }
  sections.push({
    name: `evil${ESC}]0;section${BEL}\u202e`,
    command: `cat /proc/${ESC}[2J`,
    exitCode: 1,
    ms: 3,
    status: 'error',
    stdout: '',
    stderr: `error: ${ESC}]0;stderr${BEL}${ESC}[31mred\u202e\n`
  })
  return { formatVersion: 1, source: `file:${ESC}]0;source${BEL}`, capturedAt: '2026-11-28T10:00:00Z', sections }
}

export function writeHostileCorpus(): void {
  const capture = hostileCapture()
  const text = serializeCapture(capture)
  writeFileSync(join(OUT, 'names.cap'), text)

  // The same host later: multi is gone and the hostile DOCKER-USER rule was replaced (for diff).
  const changed: Capture = {
    ...capture,
    sections: capture.sections.map((s) => {
      if (s.name === 'docker.containers') {
        const containers = JSON.parse(s.stdout) as { State: { Pid: number } }[]
        return {
          ...s,
          stdout: JSON.stringify(
            containers.filter((c) => c.State.Pid !== 19445),
            null,
            2
          )
        }
      }
      if (s.name === 'iptables.save')
        return {
          ...s,
          stdout: s.stdout.replace(
            '-j DROP\nCOMMIT',
            `-j REJECT\n-A DOCKER-USER -i ${ESC}[5m\u202eeth9 -j DROP\nCOMMIT`
          )
        }
      return s
    })
  }
  writeFileSync(join(OUT, 'names-changed.cap'), serializeCapture(changed))

  // Cut off inside the hostile section: the error names the section.
  const hostile = capture.sections[capture.sections.length - 1]
  const short = serializeCapture({ ...capture, sections: [capture.sections[0], hostile] })
  writeFileSync(join(OUT, 'truncated.cap'), short.slice(0, short.indexOf('error: ')))

  // JSON that is not JSON, with raw escape sequences in it (JSON.parse messages quote the text).
  writeFileSync(join(OUT, 'malformed.json'), `{"schemaVersion": 1, "host": ${ESC}]0;json${BEL}${ESC}[2J \u202e}`)

  // A snapshot that fails validation at a path whose key is hostile (zod names the path).
  const networksOnly = { ...capture, sections: capture.sections.filter((s) => s.name === 'docker.networks') }
  const snapshot = JSON.parse(JSON.stringify(buildSnapshot(networksOnly))) as {
    networks: { options: Record<string, unknown> }[]
  }
  snapshot.networks[0].options[`${ESC}]0;zod${BEL}\u202ekey`] = 5
  writeFileSync(join(OUT, 'zod-path.json'), JSON.stringify(snapshot, null, 2))
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) writeHostileCorpus()
