/**
 * The SOURCE vocabulary, parsed once. Every door that takes a SOURCE (each CLI command, the
 * backend's hosts, watch, traffic, packets, the fleet) turns the user's text into a SourceRef
 * here and nowhere else:
 *   local                    the probe on this machine
 *   sim:<scenario>[#<host>]  a training scenario: a built-in id, an id from the user's scenario
 *                            folder, or a scenario file's path; `#<host>` picks one host of a
 *                            multi-host scenario (else its first host)
 *   <path>.yaml | .yml       an existing scenario file: the same training host as sim:<path>
 *   ssh:<alias>              the probe over ssh (an alias from ~/.ssh/config or user@host)
 *   file:<path> | <path>     a file: a capture (NETLENS-CAPTURE header), a snapshot JSON, a pcap
 *   <anything else>          an ssh alias, if it is a valid one (src/shared/ssh-alias.ts)
 */
import { statSync } from 'node:fs'
import { fail, ok, type Result } from '../../shared/result'
import { checkSshAlias, isValidSshAlias } from '../../shared/ssh-alias'

export type SourceRef =
  | { kind: 'local' }
  | { kind: 'ssh'; alias: string }
  /** `scenario` is an id or a scenario file's path; `host` one host of a multi-host scenario. */
  | { kind: 'sim'; scenario: string; host: string | null }
  | { kind: 'file'; path: string }

export type SourceKind = SourceRef['kind']

const SOURCE_REMEDY =
  'SOURCE is local, sim:<scenario>, ssh:<alias>, an alias from ~/.ssh/config, or a capture, snapshot or scenario (.yaml) file.'

const looksLikePath = (s: string): boolean =>
  /[/\\]/.test(s) || /\.(cap|capture|json|txt|ya?ml|pcap|pcapng)$/i.test(s) || s.startsWith('.')

export const isScenarioFileName = (s: string): boolean => /\.ya?ml$/i.test(s)

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** `overlay#node2` → ['overlay', 'node2']; `overlay` → ['overlay', null] (a path may hold `#`: the last one counts). */
function splitScenarioHost(rest: string): [string, string | null] {
  const hash = rest.lastIndexOf('#')
  return hash < 0 ? [rest, null] : [rest.slice(0, hash), rest.slice(hash + 1)]
}

/** The alias, checked by the one alias rule (a refused alias never reaches ssh, not even `ssh -G`). */
export function sshRef(alias: string): Result<SourceRef> {
  const checked = checkSshAlias(alias)
  return checked.ok ? ok({ kind: 'ssh', alias }) : checked
}

/**
 * SOURCE text → a typed reference. Reads nothing but whether a bare path is an existing regular
 * file (that decides file, scenario file or ssh alias); files themselves are read, and sniffed,
 * when the source is used (src/main/sources/file.ts).
 */
export function parseSource(text: string): Result<SourceRef> {
  if (!text) return fail('invalid-argument', 'No SOURCE given (local, sim:<scenario>, ssh:<alias>, an alias, or a file).')
  if (text === 'local') return ok({ kind: 'local' })
  if (text.startsWith('sim:')) {
    const [scenario, host] = splitScenarioHost(text.slice(4))
    if (!scenario) return fail('invalid-argument', 'sim: needs a scenario (netlens scenarios lists them).')
    return ok({ kind: 'sim', scenario, host: host || null })
  }
  if (text.startsWith('ssh:')) return sshRef(text.slice(4))
  if (text.startsWith('file:')) {
    const path = text.slice(5)
    return path ? ok({ kind: 'file', path }) : fail('invalid-argument', 'file: needs a path.')
  }
  if (isFile(text)) return ok(isScenarioFileName(text) ? { kind: 'sim', scenario: text, host: null } : { kind: 'file', path: text })
  if (looksLikePath(text)) return fail('not-found', `${text}: no such file.`, { remedy: SOURCE_REMEDY })
  if (!isValidSshAlias(text))
    return fail('invalid-argument', `${JSON.stringify(text)}: no such file, and not a valid ssh host alias.`, {
      remedy: SOURCE_REMEDY
    })
  return ok({ kind: 'ssh', alias: text })
}

/**
 * The canonical SOURCE text of a reference, which parseSource reads back to the same reference:
 * also the host id of the app's hosts and watch's samples (`local`, `ssh:<alias>`, `sim:<id>[#<host>]`, `file:<path>`).
 */
export function sourceText(ref: SourceRef): string {
  switch (ref.kind) {
    case 'local':
      return 'local'
    case 'ssh':
      return `ssh:${ref.alias}`
    case 'sim':
      // A scenario path holding `#` ends in `#` when it names no host, so the last `#` still splits.
      return `sim:${ref.scenario}${ref.host !== null ? `#${ref.host}` : ref.scenario.includes('#') ? '#' : ''}`
    case 'file':
      return `file:${ref.path}`
  }
}

/**
 * A host id (the app's hosts: `local`, `ssh:<alias>`, `sim:<id>[#<host>]`, `file:<name>`) as a
 * reference. Ids come from the renderer: only the prefixed forms are read, so an id never makes
 * the backend look at its file system the way a bare path SOURCE does.
 */
export function parseHostId(id: string): Result<SourceRef> {
  if (id === 'local' || /^(sim|ssh|file):/.test(id)) return parseSource(id)
  return fail('invalid-argument', `Not a host id: ${JSON.stringify(id)}`)
}
