/**
 * Runs resources/probe.sh on a target in one round trip and returns the parsed Capture.
 *   local: sh -s -- BOUNDARY CAP SUDO            (script on stdin, no shell in between)
 *   ssh:   ssh -T -o BatchMode=yes … -- ALIAS 'sh -s -- BOUNDARY CAP SUDO'   (script on stdin)
 * Host key checking is never weakened: unknown or changed keys come back as errors with a remedy.
 */
import { createHash } from 'node:crypto'
import { lstat, mkdir, mkdtemp, readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { execa } from 'execa'
import { fail, ok, type Result } from '../../shared/result'
import { DEFAULT_CONNTRACK_CAP, formatMegabytes, MAX_SOURCE_FILE_BYTES } from '../../shared/limits'
import { classifySshFailure, TailBuffer, type SshTargetHint } from '../hosts/ssh-errors'
import { checkSshAlias } from '../../shared/ssh-alias'
import { sshEffectiveSettingsResult } from '../hosts/ssh-config'
import { newBoundary, parseCaptureFile } from './capture-file'
import { CaptureStream } from './capture-stream'
import type { Capture } from './capture-types'
import { SECTION } from './sections'
import { packageRoot } from '../package-root'

export type ProbeTarget = { kind: 'local' } | { kind: 'ssh'; alias: string }

/** One event per finished section (shape-compatible with CaptureProgress in src/shared/api/types.ts). */
export interface ProbeProgress {
  phase: 'section'
  section: string
  status: string
  done: number
  total: number
}

export interface ProbeOptions {
  /** Run privileged sections through `sudo -n` (never prompts). */
  sudo?: boolean
  /** At most this many conntrack entries (default 200000). */
  conntrackCap?: number
  signal?: AbortSignal
  onProgress?(p: ProbeProgress): void
  /**
   * The sections the topology is drawn from, as a capture of their own, as soon as they have all
   * arrived (capture-stream.ts): before netfilter, conntrack and the rest are read. At most once.
   */
  onTopologySections?(capture: Capture): void
  /** `ssh -F FILE` (tests, or a user-chosen config). */
  sshConfigFile?: string
  /** Script text to run instead of resources/probe.sh (tests). */
  script?: string
}

export { DEFAULT_CONNTRACK_CAP }
/** Host sections a typical probe run emits before the per-namespace ones (progress estimate). */
const HOST_SECTION_ESTIMATE = 25
/** Of those, the ones it emits after the per-namespace ones (LATE_SECTIONS that usually run). */
const LATE_SECTION_ESTIMATE = 10

export function probeScriptPath(): string {
  const candidates = [
    join(packageRoot(), 'resources', 'probe.sh'),
    ...(typeof (process as { resourcesPath?: string }).resourcesPath === 'string'
      ? [join((process as { resourcesPath?: string }).resourcesPath as string, 'probe.sh')]
      : [])
  ]
  return candidates.find((p) => existsSync(p)) ?? candidates[0]
}

export const targetLabel = (t: ProbeTarget): string => (t.kind === 'local' ? 'local' : `ssh:${t.alias}`)

/** A 0700 directory owned by us for ControlMaster sockets (never a shared or symlinked one). */
async function privateControlDir(): Promise<string> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0
  const base = tmpdir().length > 40 ? '/tmp' : tmpdir()
  const dir = join(base, `netlens-ssh-${uid}`)
  try {
    await mkdir(dir, { mode: 0o700 })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  const st = await lstat(dir)
  if (st.isDirectory() && !st.isSymbolicLink() && st.uid === uid && (st.mode & 0o077) === 0) return dir
  return mkdtemp(join(base, 'netlens-ssh-'))
}

/**
 * Per alias and config file: %C alone is shared by every alias that resolves to the same
 * host/port/user, so a master opened for one alias would serve another alias whose own settings
 * (known_hosts file, identity) were never checked.
 */
function controlTag(alias: string, configFile: string | undefined): string {
  return createHash('sha256')
    .update(`${alias}\0${configFile ?? ''}`)
    .digest('hex')
    .slice(0, 10)
}

/** Streams probe stdout and reports each section as its header (written when it ends) arrives. */
class ProgressScanner {
  private decoder = new StringDecoder('utf8')
  private partial = ''
  private boundary: string | null = null
  private inHeader = false
  private name = ''
  private inHead = true
  private inNsMap = false
  private nsSections = 0
  private hostInode = ''
  private nsInodes = new Set<string>()
  private rootish = false
  done = 0
  total = HOST_SECTION_ESTIMATE

  constructor(private readonly emit: (p: ProbeProgress) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk))
    const lines = text.split('\n')
    this.partial = lines.pop() ?? ''
    // Very long body lines never matter for progress; do not let them pile up.
    if (this.partial.length > 4096 && !this.partial.startsWith('--')) this.partial = ''
    for (const line of lines) this.line(line)
  }

  /** How many sections the probe will emit for one netns.map line (see docs/capture-format.md). */
  private countNamespace(line: string): void {
    // The writer's newline before the next marker leaves an empty last line.
    if (line === '') return
    const [nsid = '', inode = '-'] = line.split(' ')
    if (nsid === 'host') {
      this.hostInode = inode
      return
    }
    if (inode !== '-' && (inode === this.hostInode || this.nsInodes.has(inode))) return
    if (inode !== '-') this.nsInodes.add(inode)
    // As root: link, addr, route and bridge fdb through nsenter; any user: four /proc files by pid.
    if (nsid.startsWith('pid:')) this.nsSections += this.rootish ? 8 : 4
    else if (this.rootish) this.nsSections += 4
  }

  private line(line: string): void {
    if (this.boundary !== null && line.startsWith(`--${this.boundary} `)) {
      this.inHead = false
      const what = line.slice(this.boundary.length + 3)
      // Fields come after `section` (name, command) and, in format 2, after `result` (status).
      this.inHeader = what === 'section' || what === 'result'
      if (this.inNsMap && (what === 'result' || what === 'stderr')) {
        this.inNsMap = false
        this.total = Math.max(this.total, this.done + this.nsSections + LATE_SECTION_ESTIMATE)
      }
      if (what === 'stdout') this.inNsMap = this.name === SECTION.netnsMap
      return
    }
    if (this.inHead) {
      const b = /^boundary: (\S+)$/.exec(line)
      if (b) this.boundary = b[1]
      if (/^(uid: 0|sudo: 1)$/.test(line)) this.rootish = true
      return
    }
    if (this.inNsMap) {
      this.countNamespace(line)
      return
    }
    if (!this.inHeader) return
    if (line.startsWith('name: ')) this.name = line.slice(6)
    else if (line.startsWith('status: ')) {
      this.done++
      if (this.done > this.total) this.total = this.done
      this.emit({ phase: 'section', section: this.name, status: line.slice(8), done: this.done, total: this.total })
    }
  }
}

function validCap(cap: number | undefined): number | null {
  if (cap === undefined) return DEFAULT_CONNTRACK_CAP
  return Number.isInteger(cap) && cap > 0 && cap <= 100_000_000 ? cap : null
}

/**
 * argv for running REMOTE_COMMAND on ALIAS through the system ssh, the way the probe does: never
 * prompting (BatchMode), failing fast, noticing dead links, one ControlMaster per alias and config
 * unless the user's config sets its own ControlPath. Host keys stay checked. Packet captures and
 * their conntrack lookups reuse it.
 */
export async function sshCommand(
  alias: string,
  sshConfigFile: string | undefined,
  remoteCommand: string
): Promise<Result<{ file: 'ssh'; args: string[]; hint: SshTargetHint }>> {
  const checked = checkSshAlias(alias)
  if (!checked.ok) return checked
  const settings = await sshEffectiveSettingsResult(alias, sshConfigFile)
  if (!settings.ok) return settings
  const s = settings.value
  const hint = { alias, hostname: s.hostname, port: s.port ? Number(s.port) : undefined }
  const userControlPath = s.controlpath && s.controlpath !== 'none'
  const control = userControlPath
    ? []
    : [
        '-o',
        'ControlMaster=auto',
        '-o',
        `ControlPath=${join(await privateControlDir(), `${controlTag(alias, sshConfigFile)}-%C`)}`,
        '-o',
        'ControlPersist=60'
      ]
  const args = [
    '-T',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=10',
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ServerAliveCountMax=3',
    ...control,
    ...(sshConfigFile ? ['-F', sshConfigFile] : []),
    '--',
    alias,
    remoteCommand
  ]
  return ok({ file: 'ssh', args, hint })
}

export async function runProbe(target: ProbeTarget, opts: ProbeOptions = {}): Promise<Result<Capture>> {
  const cap = validCap(opts.conntrackCap)
  if (cap === null)
    return fail('invalid-argument', `--conntrack-max must be a positive integer, got ${String(opts.conntrackCap)}`)
  if (opts.signal?.aborted) return fail('cancelled', 'Capture cancelled.')
  let script = opts.script
  if (script === undefined) {
    try {
      script = await readFile(probeScriptPath(), 'utf8')
    } catch (e) {
      return fail('internal', `Cannot read the probe script: ${(e as Error).message}`)
    }
  }
  const boundary = newBoundary()
  const probeArgs = [boundary, String(cap), opts.sudo ? '1' : '0']

  let file: string
  let args: string[]
  let sshHint: SshTargetHint | null = null
  if (target.kind === 'local') {
    file = 'sh'
    args = ['-s', '--', ...probeArgs]
  } else {
    const ssh = await sshCommand(target.alias, opts.sshConfigFile, `sh -s -- ${probeArgs.join(' ')}`)
    if (!ssh.ok) return ssh
    ;({ file, args, hint: sshHint } = ssh.value)
  }

  const scanner = new ProgressScanner((p) => opts.onProgress?.(p))
  const onTopologySections = opts.onTopologySections
  const early = onTopologySections
    ? new CaptureStream((c) => onTopologySections({ ...c, source: targetLabel(target) }), { conntrackCap: cap })
    : null
  // stdout is the capture: at most what NetLens reads from a file. Of stderr (ssh's own messages,
  // and whatever a hostile peer prints before them) only the tail is kept and classified.
  const child = execa(file, args, {
    input: script,
    reject: false,
    stripFinalNewline: false,
    buffer: { stdout: true, stderr: false },
    maxBuffer: { stdout: MAX_SOURCE_FILE_BYTES },
    cancelSignal: opts.signal,
    forceKillAfterDelay: 2000,
    env: { LC_ALL: 'C' }
  })
  const stderrTail = new TailBuffer()
  child.stdout?.on('data', (chunk: Buffer) => {
    scanner.push(chunk)
    early?.push(chunk)
  })
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => stderrTail.push(chunk))
  const r = await child

  if (r.isCanceled || opts.signal?.aborted) return fail('cancelled', 'Capture cancelled.')
  const stderr = stderrTail.toString()
  if (r.isMaxBuffer) {
    return fail(
      'too-large',
      `The probe on ${targetLabel(target)} wrote more than ${formatMegabytes(MAX_SOURCE_FILE_BYTES)}; NetLens reads captures up to ${formatMegabytes(MAX_SOURCE_FILE_BYTES)}.`,
      {
        remedy:
          'Capture again with a smaller conntrack cap (--conntrack-max N): the conntrack list is what grows on a busy host.'
      }
    )
  }
  if ((r as { code?: string }).code === 'ENOENT') {
    return fail('missing-tool', `${file} is not installed on this machine.`, {
      remedy: file === 'ssh' ? 'Install OpenSSH (openssh-client).' : undefined
    })
  }
  const parsed = parseCaptureFile(String(r.stdout ?? ''), { conntrackCap: cap })
  // A session that dropped after sections arrived left a truncated capture: show what it has.
  if (sshHint && r.exitCode === 255 && !(parsed.ok && parsed.value.capture.truncated)) {
    const e = classifySshFailure(255, stderr, sshHint)
    if (e) return { ok: false, error: e }
  }
  if (!parsed.ok) {
    return fail(
      r.exitCode === 0 ? 'parse-error' : 'internal',
      `The probe on ${targetLabel(target)} did not return a complete capture (exit ${String(r.exitCode)}).`,
      {
        detail: [parsed.error.message, stderr.trim()].filter(Boolean).join('\n')
      }
    )
  }
  const capture: Capture = {
    ...parsed.value.capture,
    source: targetLabel(target),
    capturedAt: parsed.value.capture.capturedAt || new Date().toISOString()
  }
  return ok(capture)
}
