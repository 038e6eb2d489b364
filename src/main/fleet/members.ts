/**
 * Fleet members from what the user named: SSH aliases, capture files, folders of captures (an
 * Ansible `dest`), `local`, and multi-host training scenarios (one member per scenario host).
 * This is the one place that turns fleet arguments into SOURCEs; each member is then captured
 * through resolveSource like any single host.
 */
import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import type { AppError } from '../../shared/result'
import { isValidSshAlias } from '../hosts/ssh-config'
import { loadScenario } from '../sim/index'
import { splitScenarioSource } from '../sources'

export type FleetMemberKind = 'ssh' | 'file' | 'sim' | 'local'

export interface FleetMemberRef {
  /** Stable id, also the SOURCE string: `ssh:<alias>`, `file:<path>`, `sim:<scenario>#<host>`, `local`. */
  id: string
  /** The name the table shows: alias, file name without extension, scenario host. */
  label: string
  kind: FleetMemberKind
  /** What resolveSource is given. */
  source: string
}

export interface FleetMemberProblem {
  arg: string
  error: AppError
}

/** File names a folder of captures may hold (what `netlens capture -o` and the playbook write). */
export const CAPTURE_FILE = /\.(cap|capture|netlens|json)$/i
/** At most this many files are read from one folder (a typo'd `/` must not read a whole disk). */
export const MAX_FOLDER_FILES = 5000

const looksLikePath = (s: string): boolean => /[/\\]/.test(s) || s.startsWith('.') || CAPTURE_FILE.test(s)

async function statOf(path: string): Promise<'file' | 'dir' | null> {
  try {
    const st = await stat(path)
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : null
  } catch {
    return null
  }
}

const fileMember = (path: string): FleetMemberRef => {
  const abs = resolve(path)
  return { id: `file:${abs}`, label: basename(abs, extname(abs)), kind: 'file', source: abs }
}

async function folderMembers(dir: string): Promise<FleetMemberRef[] | AppError> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return {
      code: code === 'EACCES' || code === 'EPERM' ? 'permission-denied' : 'not-found',
      message: `${dir}: ${(e as Error).message}`
    }
  }
  const files = names.filter((n) => CAPTURE_FILE.test(n)).sort()
  if (!files.length)
    return {
      code: 'not-found',
      message: `${dir} holds no capture files (*.cap, *.capture, *.netlens, *.json).`,
      remedy:
        'Write them with `netlens fleet HOST… -o DIR`, `netlens capture -o DIR/HOST.cap`, or the Ansible playbook (resources/ansible).'
    }
  const members: FleetMemberRef[] = []
  for (const name of files.slice(0, MAX_FOLDER_FILES)) {
    if ((await statOf(join(dir, name))) === 'file') members.push(fileMember(join(dir, name)))
  }
  return members
}

function scenarioMembers(arg: string): FleetMemberRef[] | AppError {
  const [id, host] = splitScenarioSource(arg)
  const loaded = loadScenario(id)
  if (!loaded.ok) return loaded.error
  const hosts = loaded.value.hosts.map((h) => h.name)
  if (host !== null) {
    if (!hosts.includes(host))
      return {
        code: 'not-found',
        message: `scenario ${id} has no host "${host}"`,
        remedy: `Hosts: ${hosts.join(', ')}`
      }
    return [{ id: `sim:${id}#${host}`, label: host, kind: 'sim', source: `sim:${id}#${host}` }]
  }
  if (hosts.length < 2) return [{ id: `sim:${id}`, label: hosts[0] ?? id, kind: 'sim', source: `sim:${id}` }]
  return hosts.map((h) => ({ id: `sim:${id}#${h}`, label: h, kind: 'sim' as const, source: `sim:${id}#${h}` }))
}

async function membersOf(arg: string): Promise<FleetMemberRef[] | AppError> {
  if (arg === 'local') return [{ id: 'local', label: 'local', kind: 'local', source: 'local' }]
  if (arg.startsWith('sim:')) return scenarioMembers(arg)
  if (arg.startsWith('ssh:') || (!looksLikePath(arg) && (await statOf(arg)) === null)) {
    const alias = arg.startsWith('ssh:') ? arg.slice(4) : arg
    if (!isValidSshAlias(alias))
      return {
        code: 'invalid-argument',
        message: `${JSON.stringify(arg)} is not a valid ssh host alias.`,
        remedy: 'Use a Host alias from ~/.ssh/config or user@host (letters, digits, . _ - @ : +; not starting with -).'
      }
    return [{ id: `ssh:${alias}`, label: alias, kind: 'ssh', source: `ssh:${alias}` }]
  }
  const path = arg.startsWith('file:') ? arg.slice(5) : arg
  const kind = await statOf(path)
  if (kind === 'dir') return folderMembers(path)
  if (kind === 'file') return [fileMember(path)]
  return { code: 'not-found', message: `${path}: no such file or folder.` }
}

/** Expands fleet arguments into members (in argument order, duplicates dropped) and problems. */
export async function expandFleetSources(
  args: string[]
): Promise<{ members: FleetMemberRef[]; problems: FleetMemberProblem[] }> {
  const members: FleetMemberRef[] = []
  const problems: FleetMemberProblem[] = []
  const seen = new Set<string>()
  const labels = new Map<string, number>()
  for (const arg of args) {
    const result = await membersOf(arg)
    if (!Array.isArray(result)) {
      problems.push({ arg, error: result })
      continue
    }
    for (const m of result) {
      if (seen.has(m.id)) continue
      seen.add(m.id)
      // Two files called node1.cap in two folders: the second is `node1 (2)` in the table.
      const n = (labels.get(m.label) ?? 0) + 1
      labels.set(m.label, n)
      members.push(n === 1 ? m : { ...m, label: `${m.label} (${n})` })
    }
  }
  return { members, problems }
}
