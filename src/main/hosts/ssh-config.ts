/**
 * SSH hosts from the user's OpenSSH config. Listing reads `Host` lines (and `Include`d files) only;
 * the effective settings for one alias always come from OpenSSH itself (`ssh -G`), so Match,
 * wildcards, ProxyJump and defaults behave exactly as in the user's terminal.
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fail, ok, type Result } from '../../shared/result'
import { checkSshAlias, isValidSshAlias } from '../../shared/ssh-alias'

export interface SshHostEntry {
  alias: string
  /** The config file the alias was found in. */
  file: string
}

/** OpenSSH's own include depth limit (READCONF_MAX_DEPTH). */
const MAX_INCLUDE_DEPTH = 16

/** The alias rule lives in src/shared/ssh-alias.ts (one rule for every door). */
export { isValidSshAlias }

export const defaultSshConfigPath = (): string => join(homedir(), '.ssh', 'config')

/** Splits a config line into keyword and arguments (`Key value`, `Key=value`, quoted args). */
function splitConfigLine(line: string): { keyword: string; args: string[] } | null {
  const trimmed = line.trim()
  if (!trimmed || trimmed.startsWith('#')) return null
  const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$/.exec(trimmed)
  if (!m) return { keyword: trimmed.toLowerCase(), args: [] }
  const args: string[] = []
  const re = /"([^"]*)"|(\S+)/g
  let t: RegExpExecArray | null
  while ((t = re.exec(m[2])) !== null) {
    const word = t[1] ?? t[2]
    if (word.startsWith('#') && t[1] === undefined) break
    args.push(word)
  }
  return { keyword: m[1].toLowerCase(), args }
}

const hasGlob = (s: string): boolean => /[*?[]/.test(s)

function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (const ch of pattern) {
    if (ch === '*') re += '[^/]*'
    else if (ch === '?') re += '[^/]'
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** Expands `*` and `?` in any path component (no `**`), sorted like glob(3). */
async function expandGlob(pattern: string): Promise<string[]> {
  if (!hasGlob(pattern)) {
    try {
      return (await stat(pattern)).isFile() ? [pattern] : []
    } catch {
      return []
    }
  }
  const parts = pattern.split('/')
  let bases = [parts[0] === '' ? '/' : parts[0]]
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]
    if (part === '') continue
    const next: string[] = []
    for (const base of bases) {
      if (!hasGlob(part)) {
        next.push(join(base, part))
        continue
      }
      const re = globToRegExp(part)
      let names: string[] = []
      try {
        names = await readdir(base)
      } catch {
        continue
      }
      for (const n of names.sort())
        if (re.test(n) && (part.startsWith('.') || !n.startsWith('.'))) next.push(join(base, n))
    }
    bases = next
  }
  const files: string[] = []
  for (const p of bases) {
    try {
      if ((await stat(p)).isFile()) files.push(p)
    } catch {
      /* vanished or unreadable: OpenSSH skips it too */
    }
  }
  return files
}

function resolveIncludePath(arg: string, includeBase: string): string {
  if (arg.startsWith('~/')) return join(homedir(), arg.slice(2))
  if (isAbsolute(arg)) return arg
  return resolve(includeBase, arg)
}

/**
 * Aliases in `configPath` and its Includes, in file order, first occurrence wins. Skips wildcard
 * (`*`, `?`) and negated (`!`) patterns and everything inside `Match` blocks.
 * `includeBase` is where relative Include paths start (OpenSSH: ~/.ssh for the user config).
 */
export async function listSshHosts(
  configPath: string = defaultSshConfigPath(),
  opts: { includeBase?: string } = {}
): Promise<SshHostEntry[]> {
  const includeBase = opts.includeBase ?? join(homedir(), '.ssh')
  const seenAliases = new Set<string>()
  const out: SshHostEntry[] = []
  const active = new Set<string>()

  async function readConfig(file: string, depth: number): Promise<void> {
    if (depth > MAX_INCLUDE_DEPTH || active.has(file)) return
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      return
    }
    active.add(file)
    let inMatch = false
    for (const line of text.split(/\r?\n/)) {
      const parsed = splitConfigLine(line)
      if (!parsed) continue
      const { keyword, args } = parsed
      if (keyword === 'match') {
        inMatch = true
        continue
      }
      if (keyword === 'host') {
        inMatch = false
        for (const a of args) {
          if (hasGlob(a) || a.startsWith('!') || !isValidSshAlias(a) || seenAliases.has(a)) continue
          seenAliases.add(a)
          out.push({ alias: a, file })
        }
        continue
      }
      if (keyword === 'include' && !inMatch) {
        for (const a of args) {
          for (const f of await expandGlob(resolveIncludePath(a, includeBase))) await readConfig(f, depth + 1)
        }
      }
    }
    active.delete(file)
  }

  await readConfig(resolve(configPath), 0)
  return out
}

/** Settings worth showing or using from `ssh -G` (keys are lowercase, as ssh -G prints them). */
export const SHOWN_SSH_SETTINGS = [
  'hostname',
  'user',
  'port',
  'proxyjump',
  'proxycommand',
  'identityfile',
  'controlpath',
  'controlmaster'
] as const

/**
 * How long one alias's `ssh -G` answer is reused. Listing the hosts asks it for every alias and each
 * capture asks again: one `ssh -G` costs 45–470 ms (a process, the whole config read), on the path
 * from a click to the topology and once per host of a fleet (issue #16, #18). An edit of the config
 * file (its mtime or size) ends the reuse at once; an Include'd file's edit shows within this time.
 */
export const SSH_SETTINGS_REUSE_MS = 30_000

const settingsCache = new Map<string, { at: number; stamp: string; result: Promise<Result<Record<string, string>>> }>()

/** Forgets every kept `ssh -G` answer (tests whose stand-in ssh answers differently each time). */
export function forgetSshSettings(): void {
  settingsCache.clear()
}

/** The config files' mtimes and sizes: a cached answer is stale once one of them changed. */
async function configStamp(configFile: string | undefined): Promise<string> {
  const files = [configFile ?? defaultSshConfigPath(), '/etc/ssh/ssh_config']
  const parts = await Promise.all(
    files.map(async (file) => {
      try {
        const st = await stat(file)
        return `${st.mtimeMs}:${st.size}`
      } catch {
        return '-'
      }
    })
  )
  return parts.join(' ')
}

/**
 * Effective settings for `alias` from `ssh -G` (does not connect). identityfile lists are joined
 * with `, `. Missing keys are omitted. A successful answer is reused for SSH_SETTINGS_REUSE_MS while
 * the config file is unchanged; concurrent asks for one alias share one `ssh -G`.
 */
export async function sshEffectiveSettingsResult(
  alias: string,
  configFile?: string
): Promise<Result<Record<string, string>>> {
  const checked = checkSshAlias(alias)
  if (!checked.ok) return checked
  if (configFile !== undefined && (configFile.startsWith('-') || configFile.includes('\n'))) {
    return fail('invalid-argument', `Not a valid ssh config file path: ${JSON.stringify(configFile)}`)
  }
  const key = `${alias}\0${configFile ?? ''}`
  const stamp = await configStamp(configFile)
  const cached = settingsCache.get(key)
  let result: Promise<Result<Record<string, string>>>
  if (cached && cached.stamp === stamp && Date.now() - cached.at < SSH_SETTINGS_REUSE_MS) result = cached.result
  else {
    result = askSsh(alias, configFile)
    const entry = { at: Date.now(), stamp, result }
    settingsCache.set(key, entry)
    // Failures are not kept: the next ask runs ssh -G again.
    void result.then((r) => {
      if (!r.ok && settingsCache.get(key) === entry) settingsCache.delete(key)
    })
  }
  const r = await result
  return r.ok ? ok({ ...r.value }) : r
}

async function askSsh(alias: string, configFile: string | undefined): Promise<Result<Record<string, string>>> {
  const args = ['-G', ...(configFile ? ['-F', configFile] : []), '--', alias]
  // Loaded here: the alias check and the config listing are on paths (a capture file) that run no ssh.
  const { execa } = await import('execa')
  const r = await execa('ssh', args, { reject: false, timeout: 10_000, stdin: 'ignore' })
  if (r.failed || r.exitCode !== 0) {
    const missing = (r as { code?: string }).code === 'ENOENT'
    return fail(
      missing ? 'missing-tool' : 'invalid-argument',
      missing ? 'The ssh client is not installed.' : `ssh -G ${alias} failed.`,
      {
        detail: String(r.stderr ?? ''),
        remedy: missing ? 'Install OpenSSH (openssh-client).' : `Check ${configFile ?? '~/.ssh/config'} for errors.`
      }
    )
  }
  const settings: Record<string, string> = {}
  for (const line of String(r.stdout).split('\n')) {
    const sp = line.indexOf(' ')
    if (sp <= 0) continue
    const key = line.slice(0, sp)
    const value = line.slice(sp + 1).trim()
    if (!(SHOWN_SSH_SETTINGS as readonly string[]).includes(key)) continue
    settings[key] = key === 'identityfile' && settings[key] ? `${settings[key]}, ${value}` : value
  }
  return ok(settings)
}

/** Like sshEffectiveSettingsResult, for display: an empty record when ssh -G fails. */
export async function sshEffectiveSettings(alias: string, configFile?: string): Promise<Record<string, string>> {
  const r = await sshEffectiveSettingsResult(alias, configFile)
  return r.ok ? r.value : {}
}

/** The directory of a config file, for callers that want Include paths relative to it. */
export const configDir = (configPath: string): string => dirname(resolve(configPath))
