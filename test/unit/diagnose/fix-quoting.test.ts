/**
 * Fix commands on a hostile host: the lab snapshot with its bridge, veths, uplink, containers and
 * networks renamed to shell syntax (`eth0;reboot`, `$(reboot)`, backquotes, quotes),
 * then one fault per check. Every fix is run by a real `sh` with a PATH of stub commands that only
 * record their arguments: `reboot` never runs, each hostile name arrives as one argument, and no fix
 * reads a pid from the capture (namespaces are entered through `docker inspect` at run time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Finding } from '../../../src/shared/api/types'
import { Snapshot, type SnapshotInput } from '../../../src/shared/snapshot/schema'
import { diagnose } from '../../../src/shared/diagnose'
import { deleteRuleCommand } from '../../../src/shared/diagnose/fix-commands'
import {
  addRule,
  healthyInput,
  inputContainer,
  inputIface,
  natFromIptablesSave,
  removeRules
} from '../../support/snapshot-builder'

/** Lab name → hostile name (all valid interface names for the kernel, or docker-side names from a file). */
const HOSTILE: [string, string][] = [
  ['br-08358af093c8', 'br-$(reboot)'],
  ['vethc8ca41f', "veth'c8;reboot"],
  ['veth8eac795', 'v`reboot`e'],
  ['nltmp-ll-web', 'web$(reboot) `reboot`'],
  ['nltmp-ll-multi', 'multi;reboot'],
  ['nltmp-ll-def', 'def|reboot'],
  ['nltmp-ll-shared', 'shared&&reboot'],
  ['nltmp-ll-net1', 'net1 $(reboot) #'],
  ['nlpw0', 'nlpw0;reboot']
]

/** Every string in the input with each lab name replaced (rules' raw lines and matches included). */
function renamed<T>(value: T): T {
  if (typeof value === 'string') return HOSTILE.reduce((s, [from, to]) => s.split(from).join(to), value as string) as T
  if (Array.isArray(value)) return value.map(renamed) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [renamed(k), renamed(v)])) as T
  }
  return value
}

/** Faults that make each check with a host-derived fix speak (the same injections as checks.test.ts). */
const FAULTS: [string, (s: SnapshotInput) => void][] = [
  [
    'missing-masquerade',
    (s) => void removeRules(s, (r) => r.target === 'MASQUERADE' && r.match.includes('172.28.0.0/16 ! -o'))
  ],
  [
    'forward-drop',
    (s) =>
      void removeRules(
        s,
        (r) =>
          r.table === 'filter' && r.chain === 'FORWARD' && r.target === 'ACCEPT' && r.match.includes('br-08358af093c8')
      )
  ],
  [
    'bridge-down',
    (s) => {
      const br = inputIface(s, 'br-08358af093c8')
      br.state = 'DOWN'
      br.flags = ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP']
      const port = inputIface(s, 'vethc8ca41f')
      port.state = 'DOWN'
      port.flags = ['BROADCAST', 'MULTICAST']
    }
  ],
  [
    'veth-down',
    (s) => {
      const v = inputIface(s, 'vethc8ca41f')
      v.state = 'LOWERLAYERDOWN'
      v.flags = ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP', 'M-DOWN']
      inputContainer(s, 'nltmp-ll-multi').interfaces[0].state = 'DOWN'
    }
  ],
  [
    'veth-orphan',
    (s) => {
      inputIface(s, 'vethc8ca41f').master = null
      s.bridges = s.bridges.map((b) => ({ ...b, ports: b.ports.filter((p) => p !== 'vethc8ca41f') }))
    }
  ],
  ['container-no-address', (s) => void (inputContainer(s, 'nltmp-ll-web').interfaces[0].addresses = [])],
  [
    'container-no-default-route',
    (s) => {
      const web = inputContainer(s, 'nltmp-ll-web')
      web.routes = web.routes!.filter((r) => r.dst !== 'default')
      web.defaultGateway = null
    }
  ],
  [
    'port-no-dnat',
    (s) => {
      removeRules(s, (r) => r.target === 'DNAT' && r.match.includes('--dport 18080'))
      s.publishedPorts[0].rule = null
    }
  ],
  [
    'dnat-dangling',
    (s) =>
      addRule(
        s,
        'nat',
        '-A DOCKER ! -i br-08358af093c8 -p tcp -m tcp --dport 18081 -m comment --comment "a \\"quoted\\" $(reboot)" -j DNAT --to-destination 172.28.0.9:80'
      )
  ],
  ['docker-user-drop', (s) => addRule(s, 'filter', '-A DOCKER-USER -i nlpw0 -s 198.51.100.0/24 -j DROP', 'first')],
  ['mtu-mismatch', (s) => void (inputIface(s, 'eth0').mtu = 1400)],
  ['mtu-mismatch', (s) => void (inputIface(s, 'veth8eac795').mtu = 1400)],
  ['rp-filter-strict', (s) => void (s.host.sysctls!['net.ipv4.conf.all.rp_filter'] = '1')],
  ['container-mode-stopped', (s) => void (inputContainer(s, 'nltmp-ll-def').state = 'exited')],
  [
    'hairpin-off',
    (s) =>
      void s.conntrack.entries.push({
        proto: 'tcp',
        state: 'SYN_SENT',
        original: { src: '172.28.0.2', dst: '192.0.2.2', sport: 50000, dport: 18080 },
        reply: { src: '172.28.0.2', dst: '172.28.0.1', sport: 80, dport: 50000 },
        nat: 'SNAT+DNAT',
        containers: ['nltmp-ll-web'],
        flags: ['UNREPLIED'],
        raw: 'ipv4 2 tcp 6 118 SYN_SENT src=172.28.0.2 dst=192.0.2.2 sport=50000 dport=18080 [UNREPLIED] src=172.28.0.2 dst=172.28.0.1 sport=80 dport=50000'
      })
  ]
]

const COMMANDS = ['ip', 'iptables', 'nsenter', 'docker', 'sysctl', 'conntrack', 'bridge', 'modprobe', 'reboot', 'id']
let stubs: string
let log: string
let marker: string

beforeAll(() => {
  stubs = mkdtempSync(join(tmpdir(), 'netlens-fix-stubs-'))
  log = join(stubs, 'calls.log')
  marker = join(stubs, 'REBOOT-RAN')
  for (const name of COMMANDS) {
    const body =
      name === 'reboot' || name === 'id'
        ? `#!/bin/sh\n: > '${marker}'\n`
        : // Each call: its argv, NUL-separated, then a record separator. docker inspect answers a pid.
          `#!/bin/sh\nprintf '%s\\0' "${name}" "$@" >> '${log}'\nprintf '\\036' >> '${log}'\n` +
          (name === 'docker' ? `[ "$1" = inspect ] && echo 4242\n` : '') +
          'exit 0\n'
    writeFileSync(join(stubs, name), body)
    chmodSync(join(stubs, name), 0o755)
  }
})
afterAll(() => rmSync(stubs, { recursive: true, force: true }))

/** Runs a fix with only the stubs on PATH; returns each recorded call's argv. */
function runFix(fix: string): string[][] {
  writeFileSync(log, '')
  const run = spawnSync('/bin/sh', ['-c', fix], { env: { PATH: stubs }, encoding: 'utf8' })
  expect(run.status, `${fix}\n${run.stderr}`).toBe(0)
  return readFileSync(log, 'utf8')
    .split('\u001e')
    .filter(Boolean)
    .map((call) => call.split('\0').slice(0, -1))
}

function hostileFindings(): Finding[] {
  const findings: Finding[] = []
  for (const [id, fault] of FAULTS) {
    const input = healthyInput()
    fault(input)
    const snapshot = Snapshot.parse(renamed(input))
    const hits = diagnose(snapshot).filter((f) => f.id === id)
    expect(hits.length, `${id} fires on the hostile snapshot`).toBeGreaterThan(0)
    findings.push(...hits)
  }
  return findings
}

describe('diagnose fixes on a host with hostile names', () => {
  it('quote every host-derived word: run by sh, they call only the intended commands, with each name as one argument', () => {
    const findings = hostileFindings()
    const withFix = findings.filter((f) => f.fix !== null)
    expect(new Set(withFix.map((f) => f.id)).size).toBeGreaterThanOrEqual(13)
    const hostileNames = HOSTILE.map(([, to]) => to)
    let namesSeen = 0
    for (const finding of withFix) {
      const calls = runFix(finding.fix!)
      expect(existsSync(marker), `${finding.id} ran reboot: ${finding.fix}`).toBe(false)
      expect(calls.length, finding.fix!).toBeGreaterThan(0)
      for (const call of calls) {
        expect(COMMANDS).toContain(call[0])
        for (const arg of call.slice(1)) {
          // A hostile name is either a whole argument or part of one word (a sysctl key, a comment):
          // never split across arguments.
          expect(arg === 'reboot' || arg === '#', `${finding.id}: ${JSON.stringify(call)}`).toBe(false)
        }
        namesSeen += call.filter((arg) => hostileNames.some((name) => arg.includes(name))).length
      }
    }
    expect(namesSeen).toBeGreaterThan(10)
  })

  it('never uses a pid read at capture time', () => {
    for (const finding of hostileFindings()) {
      expect(finding.fix ?? '').not.toMatch(/nsenter -t|\/proc\/\d+/)
    }
  })

  it('enters a container namespace through docker inspect at run time', () => {
    const fix = hostileFindings().find((f) => f.id === 'container-no-default-route')!.fix!
    const calls = runFix(fix)
    expect(calls[0]).toEqual(['docker', 'inspect', '-f', '{{.State.Pid}}', '--', 'web$(reboot) `reboot`'])
    expect(calls[1]).toEqual([
      'nsenter',
      '--net=/proc/4242/ns/net',
      'ip',
      'route',
      'add',
      'default',
      'via',
      '172.28.0.1',
      'dev',
      'eth0'
    ])
  })
})

describe('names with control or bidi characters', () => {
  it('get no fix at all: it could not be shown as it runs, and pasting it would act on the terminal', () => {
    const input = healthyInput()
    inputIface(input, 'vethc8ca41f').master = null
    input.bridges = input.bridges.map((b) => ({ ...b, ports: b.ports.filter((p) => p !== 'vethc8ca41f') }))
    for (const name of ['veth\u001b]0;x\u0007', 'veth\u202eevil', 'veth\nreboot']) {
      const snapshot = Snapshot.parse(
        JSON.parse(JSON.stringify(input).split('vethc8ca41f').join(JSON.stringify(name).slice(1, -1)))
      )
      const finding = diagnose(snapshot).find((f) => f.id === 'veth-orphan')!
      expect(finding.title.en).toContain(name)
      expect(finding.fix).toBeNull()
    }
  })
})

describe('deleteRuleCommand', () => {
  const rule = (line: string, table = 'filter') => natFromIptablesSave(`*${table}\n${line}\nCOMMIT\n`).rules[0]

  it('quotes each word of the parsed rule, counters dropped', () => {
    const line = '[5:300] -A DOCKER-USER -s 10.0.0.0/8 -m comment --comment "say \\"hi\\"; $(reboot)" -j DROP'
    const fix = deleteRuleCommand('filter', rule(line))!
    expect(fix).toBe(`iptables -D DOCKER-USER -s 10.0.0.0/8 -m comment --comment 'say "hi"; $(reboot)' -j DROP`)
    expect(runFix(fix)[0]).toEqual([
      'iptables',
      '-D',
      'DOCKER-USER',
      '-s',
      '10.0.0.0/8',
      '-m',
      'comment',
      '--comment',
      'say "hi"; $(reboot)',
      '-j',
      'DROP'
    ])
    expect(existsSync(marker)).toBe(false)
    expect(
      deleteRuleCommand(
        'nat',
        rule('-A DOCKER ! -i br-x -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80', 'nat')
      )
    ).toBe('iptables -t nat -D DOCKER ! -i br-x -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2:80')
  })

  it('gives no command for a rule not read from iptables-save syntax, or with a word that cannot be quoted', () => {
    const base = rule('-A X -j ACCEPT')
    expect(deleteRuleCommand('filter', { ...base, family: 'nft' })).toBeNull()
    expect(
      deleteRuleCommand('filter', {
        ...base,
        options: [{ option: 'ADDRTYPE match dst-type LOCAL', negated: false, values: [] }]
      })
    ).toBeNull()
    expect(deleteRuleCommand('filter', { ...base, target: '\0' })).toBeNull()
  })
})
