/**
 * Fleet members from what the user named: SSH aliases, capture files, folders of captures (an
 * Ansible `dest`), `local`, and multi-host training scenarios (one member per scenario host).
 * Each argument is a SOURCE (src/main/sources: parseSource) or a folder; each member is then
 * captured through its Source like any single host.
 */
import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import type { AppError } from '../../shared/result'
import { loadScenario } from '../sim/index'
import { parseSource, sourceText, type SourceRef } from '../sources/ref'

export type FleetMemberKind = 'ssh' | 'file' | 'sim' | 'local'

export interface FleetMemberRef {
  /** Stable id, also the SOURCE string: `ssh:<alias>`, `file:<path>`, `sim:<scenario>#<host>`, `local`. */
  id: string
  /** The name the table shows: alias, file name without extension, scenario host. */
  label: string
  kind: FleetMemberKind
  /** The member's source (sourceFromRef captures it). */
  source: SourceRef
}

export interface FleetMemberProblem {
  arg: string
  error: AppError
}

/** File names a folder of captures may hold (what `netlens capture -o` and the playbook write). */
export const CAPTURE_FILE = /\.(cap|capture|netlens|json)$/i
/** At most this many files are read from one folder (a typo'd `/` must not read a whole disk). */
export const MAX_FOLDER_FILES = 5000

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
  return { id: `file:${abs}`, label: basename(abs, extname(abs)), kind: 'file', source: { kind: 'file', path: abs } }
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

const member = (source: SourceRef, label: string): FleetMemberRef => ({
  id: sourceText(source),
  label,
  kind: source.kind,
  source
})

function scenarioMembers(ref: Extract<SourceRef, { kind: 'sim' }>): FleetMemberRef[] | AppError {
  const { scenario: id, host } = ref
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
    return [member(ref, host)]
  }
  if (hosts.length < 2) return [member(ref, hosts[0] ?? id)]
  return hosts.map((h) => member({ kind: 'sim', scenario: id, host: h }, h))
}

async function membersOf(arg: string): Promise<FleetMemberRef[] | AppError> {
  const folder = arg.startsWith('file:') ? arg.slice(5) : arg
  if (!/^(sim|ssh):/.test(arg) && (await statOf(folder)) === 'dir') return folderMembers(folder)
  const ref = parseSource(arg)
  if (!ref.ok) return ref.error
  const source = ref.value
  switch (source.kind) {
    case 'local':
      return [member(source, 'local')]
    case 'ssh':
      return [member(source, source.alias)]
    case 'sim':
      return scenarioMembers(source)
    case 'file':
      return [fileMember(source.path)]
  }
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
