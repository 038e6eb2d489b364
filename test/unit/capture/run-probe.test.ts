import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runProbe, type ProbeProgress } from '../../../src/main/capture/run-probe'
import { forgetSshSettings } from '../../../src/main/hosts/ssh-config'

/** A tiny stand-in for probe.sh: same argument contract, same output format (2: result after stdout). */
const fakeProbe = `
B=$1; CAP=$2; SUDO=$3
printf '%s\\n' 'NETLENS-CAPTURE 2' "boundary: $B" 'source: manual' 'capturedAt: 2026-01-02T03:04:05Z' 'uid: 0'
for n in meta.hostname ip.link netns.map; do
  printf '%s\\n' "--$B section" "name: $n" "command: fake $n" "--$B stdout"
  if [ "$n" = netns.map ]; then printf 'host 1\\npid:10 2 abc\\npid:11 3\\npid:12 4\\npid:13 5\\n'; else printf 'args %s %s\\n' "$CAP" "$SUDO"; fi
  printf '\\n%s\\n' "--$B result"
  printf '%s\\n' 'exit: 0' 'ms: 1' 'status: ok' "--$B stderr"
  printf '\\n%s\\n' "--$B end"
done
printf '%s\\n' "--$B done"
`
/** The same in format 1 (exit/ms/status before stdout), which older probes printed. */
const fakeProbeV1 = `
B=$1; CAP=$2; SUDO=$3
printf '%s\\n' 'NETLENS-CAPTURE 1' "boundary: $B" 'source: manual' 'capturedAt: 2026-01-02T03:04:05Z' 'uid: 0'
for n in meta.hostname ip.link netns.map; do
  printf '%s\\n' "--$B section" "name: $n" "command: fake $n" 'exit: 0' 'ms: 1' 'status: ok' "--$B stdout"
  if [ "$n" = netns.map ]; then printf 'host 1\\npid:10 2 abc\\npid:11 3\\npid:12 4\\npid:13 5\\n'; else printf 'args %s %s\\n' "$CAP" "$SUDO"; fi
  printf '\\n%s\\n' "--$B stderr"
  printf '\\n%s\\n' "--$B end"
done
printf '%s\\n' "--$B done"
`

describe('runProbe (local, fake script)', () => {
  it.each([
    ['format 2', fakeProbe],
    ['format 1', fakeProbeV1]
  ])(
    'passes boundary, conntrack cap and sudo flag, parses the capture and reports progress per section (%s)',
    async (format, script) => {
      const events: ProbeProgress[] = []
      const r = await runProbe(
        { kind: 'local' },
        { script, conntrackCap: 1234, sudo: true, onProgress: (p) => events.push(p) }
      )
      expect(r.ok).toBe(true)
      if (!r.ok) return
      expect(r.value.source).toBe('local')
      expect(r.value.capturedAt).toBe('2026-01-02T03:04:05Z')
      expect(r.value.sections.map((s) => s.name)).toEqual(['meta.hostname', 'ip.link', 'netns.map'])
      expect(r.value.sections[0].stdout).toBe('args 1234 1\n')
      expect(events.map((e) => [e.section, e.status, e.done])).toEqual([
        ['meta.hostname', 'ok', 1],
        ['ip.link', 'ok', 2],
        ['netns.map', 'ok', 3]
      ])
      for (const e of events) expect(e.total).toBeGreaterThanOrEqual(e.done)
      // netns.map lists four container namespaces: once its list has arrived (2 sections done before
      // it), 8 sections each are expected as root, then about 10 late host sections (netfilter,
      // conntrack, counters, listeners, sysctls); its blank last line is not a namespace. (Format 1
      // reports a section's status before its output, so there the estimate shows from the next one.)
      if (format === 'format 2') expect(events.at(-1)?.total).toBe(2 + 4 * 8 + 10)
    }
  )

  it('rejects a bad conntrack cap', async () => {
    const r = await runProbe({ kind: 'local' }, { script: fakeProbe, conntrackCap: -1 })
    expect(!r.ok && r.error.code).toBe('invalid-argument')
  })

  it('loads what a probe that stops half way printed, marked truncated', async () => {
    // Cut after the second section: the third is never started, and `done` never comes.
    const stopped = fakeProbe
      .replace('for n in meta.hostname ip.link netns.map; do', 'for n in meta.hostname ip.link; do')
      .replace(/printf '%s\\n' "--\$B done"/, 'exit 3')
    const r = await runProbe({ kind: 'local' }, { script: stopped })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.sections.map((s) => s.name)).toEqual(['meta.hostname', 'ip.link'])
    expect(r.value.truncated).toEqual({ after: 'ip.link', cut: null })
  })

  it('reports a probe that stops before any section as an error, not a capture', async () => {
    const r = await runProbe(
      { kind: 'local' },
      { script: `B=$1; printf '%s\\n' 'NETLENS-CAPTURE 2' "boundary: $B" "--$B section" 'name: meta.hostname'; exit 3` }
    )
    expect(r.ok).toBe(false)
  })

  it('cancels: the AbortSignal kills the probe and the result is "cancelled"', async () => {
    const controller = new AbortController()
    const slow = `B=$1; printf '%s\\n' 'NETLENS-CAPTURE 1' "boundary: $B" "--$B section" 'name: meta.uid' 'command: id' 'exit: 0' 'ms: 1' 'status: ok' "--$B stdout"; exec sleep 30`
    const r = await runProbe(
      { kind: 'local' },
      { script: slow, signal: controller.signal, onProgress: () => controller.abort() }
    )
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('cancelled')
  })

  it('does not start when the signal is already aborted', async () => {
    const r = await runProbe({ kind: 'local' }, { script: fakeProbe, signal: AbortSignal.abort() })
    expect(!r.ok && r.error.code).toBe('cancelled')
  })
})

describe('runProbe (ssh, fake ssh client on PATH)', () => {
  // Each test's stand-in ssh answers `ssh -G` its own way: none may reuse another's answer.
  beforeEach(() => forgetSshSettings())
  let dir: string
  let savedPath: string | undefined
  const log = (): string[] => readFileSync(join(dir, 'args.log'), 'utf8').split('\n').filter(Boolean)

  /** Fake `ssh`: `-G` prints settings from $dir/g.out; otherwise logs argv and runs the remote command locally. */
  const writeFakeSsh = (mode: 'run' | 'hostkey'): void => {
    const script = `#!/bin/sh
if [ "$1" = -G ]; then cat "${'$'}{NLTEST_DIR}/g.out"; exit 0; fi
for a in "$@"; do printf '%s\\n' "$a" >> "${'$'}{NLTEST_DIR}/args.log"; done
${mode === 'hostkey' ? "printf 'Host key verification failed.\\r\\n' >&2; exit 255" : 'for a in "$@"; do last=$a; done; exec sh -c "$last"'}
`
    writeFileSync(join(dir, 'ssh'), script)
    chmodSync(join(dir, 'ssh'), 0o755)
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nltmp-fakessh-'))
    savedPath = process.env.PATH
    process.env.PATH = `${dir}:${savedPath ?? ''}`
    process.env.NLTEST_DIR = dir
  })
  afterAll(() => {
    process.env.PATH = savedPath
    delete process.env.NLTEST_DIR
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs ssh -T with BatchMode, timeouts, a private ControlPath and the alias after --; never weakens host key checks', async () => {
    writeFakeSsh('run')
    writeFileSync(join(dir, 'g.out'), 'hostname 127.0.0.1\nport 2222\nuser u\ncontrolmaster false\n')
    rmSync(join(dir, 'args.log'), { force: true })
    const r = await runProbe({ kind: 'ssh', alias: 'lab-host' }, { script: fakeProbe, sshConfigFile: join(dir, 'cfg') })
    expect(r.ok).toBe(true)
    expect(r.ok && r.value.source).toBe('ssh:lab-host')
    const args = log()
    expect(args[0]).toBe('-T')
    for (const o of [
      'BatchMode=yes',
      'ConnectTimeout=10',
      'ServerAliveInterval=15',
      'ServerAliveCountMax=3',
      'ControlMaster=auto',
      'ControlPersist=60'
    ]) {
      expect(args).toContain(o)
    }
    const cp = args.find((a) => a.startsWith('ControlPath='))
    expect(cp).toMatch(/^ControlPath=\/.*netlens-ssh-[^/]+\/[0-9a-f]{10}-%C$/)
    expect(args.slice(args.indexOf('-F'), args.indexOf('-F') + 2)).toEqual(['-F', join(dir, 'cfg')])
    const dd = args.indexOf('--')
    expect(args[dd + 1]).toBe('lab-host')
    expect(args[dd + 2]).toMatch(/^sh -s -- nl-[0-9a-f-]{36} 200000 0$/)
    expect(args.join(' ')).not.toMatch(/StrictHostKeyChecking|UserKnownHostsFile|GlobalKnownHostsFile/i)
  })

  it("keeps the user's own ControlPath when ssh -G shows one", async () => {
    writeFakeSsh('run')
    writeFileSync(join(dir, 'g.out'), 'hostname h\nport 22\ncontrolpath /home/u/.ssh/cm-%C\n')
    rmSync(join(dir, 'args.log'), { force: true })
    const r = await runProbe({ kind: 'ssh', alias: 'lab-host' }, { script: fakeProbe })
    expect(r.ok).toBe(true)
    expect(log().some((a) => a.startsWith('Control'))).toBe(false)
  })

  it('maps ssh exit 255 + stderr to an AppError with a remedy', async () => {
    writeFakeSsh('hostkey')
    writeFileSync(join(dir, 'g.out'), 'hostname 127.0.0.1\nport 2222\n')
    const r = await runProbe({ kind: 'ssh', alias: 'lab-host' }, { script: fakeProbe })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('unknown-host-key')
    expect(r.error.remedy).toContain('ssh-keyscan -p 2222 127.0.0.1 | ssh-keygen -lf -')
    expect(r.error.remedy).toContain('ssh lab-host')
  })

  it.each(['-oProxyCommand=touch /tmp/x', 'a;b', 'a b', '$(id)', 'host\nx', ''])(
    'refuses the alias %j without running ssh',
    async (alias) => {
      writeFakeSsh('run')
      rmSync(join(dir, 'args.log'), { force: true })
      const r = await runProbe({ kind: 'ssh', alias }, { script: fakeProbe })
      expect(!r.ok && r.error.code).toBe('invalid-argument')
      expect(existsSync(join(dir, 'args.log'))).toBe(false)
    }
  )
})
