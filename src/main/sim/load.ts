/**
 * Loads training scenarios from resources/scenarios/*.yaml. YAML is parsed with `yaml`
 * (parseDocument keeps node ranges), validated with zod, then cross-checked (names that must
 * exist). Every error names the file, line and column of the offending node.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LineCounter, parseDocument, isNode, type Document } from 'yaml'
import type { z } from 'zod'
import { ScenarioSchema, type Scenario } from './scenario-schema'
import { isIpv4 } from '../../shared/net/ip'
import { FINDING_IDS } from '../../shared/diagnose/index'

export interface ScenarioError {
  file: string
  line: number
  column: number
  path: string
  message: string
}

export type LoadResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] }

/** resources/scenarios, found from this module's location (works from src/ and from the bundle). */
export function scenariosDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources', 'scenarios')
    if (existsSync(candidate)) return candidate
    dir = resolve(dir, '..')
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../resources/scenarios')
}

/**
 * The user's own scenarios: $XDG_CONFIG_HOME/netlens/scenarios (~/.config/netlens/scenarios), or
 * NETLENS_SCENARIOS_DIR. Instructors drop exercise files there; they join the training list.
 */
export function userScenariosDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NETLENS_SCENARIOS_DIR) return resolve(env.NETLENS_SCENARIOS_DIR)
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'netlens', 'scenarios')
}

export function scenarioFiles(dir = scenariosDir()): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f))
}

type PathKey = string | number

function positionOf(doc: Document, lc: LineCounter, path: PathKey[]): { line: number; column: number } {
  // Walk up the path until a node with a range is found (a missing key points at its parent map).
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)
    if (isNode(node) && node.range) {
      const pos = lc.linePos(node.range[0])
      return { line: pos.line, column: pos.col }
    }
  }
  return { line: 1, column: 1 }
}

const pathText = (path: PathKey[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)'

/** Aliases a scenario may expand (real scenarios use a handful; yaml's default is 100). */
const MAX_ALIAS_COUNT = 100

/** Largest scenario file (the shipped ones are a few KB). */
const MAX_SCENARIO_CHARS = 1024 * 1024
/**
 * Longest run of indentation and collection indicators (`- - - [ {`) a line may start with. `yaml`
 * runs out of memory compiling a pattern for a line of 50,000 nested `- ` (an abort, not an
 * exception), so such a document is refused before it is parsed.
 */
const MAX_NESTING_PREFIX = 1000

/**
 * The 1-based number of the first line nested deeper than MAX_NESTING_PREFIX, or null: by its
 * leading indicators, or by open flow collections anywhere (`x: [[[[…`, which `yaml` cannot compile
 * either). Quotes are not looked at: a real scenario never has 1,000 unclosed brackets.
 */
function tooDeeplyNested(text: string): number | null {
  let line = 1
  let prefix = 0
  let atStart = true
  let flowDepth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 91 || c === 123) {
      if (++flowDepth > MAX_NESTING_PREFIX) return line
    } else if ((c === 93 || c === 125) && flowDepth > 0) flowDepth--
    if (c === 10) {
      line++
      prefix = 0
      atStart = true
    } else if (atStart && (c === 32 || c === 9 || c === 45 || c === 91 || c === 123 || c === 63 || c === 58)) {
      if (++prefix > MAX_NESTING_PREFIX) return line
    } else atStart = false
  }
  return null
}

/** Parses and validates one scenario text. `file` is only used in messages. Never throws. */
export function parseScenarioText(text: string, file: string): LoadResult {
  const refuse = (line: number, message: string): LoadResult => ({
    ok: false,
    errors: [{ file, line, column: 1, path: '', message }]
  })
  if (text.length > MAX_SCENARIO_CHARS)
    return refuse(1, `scenario file too large (${text.length} characters; limit ${MAX_SCENARIO_CHARS})`)
  const deep = tooDeeplyNested(text)
  if (deep !== null) return refuse(deep, `nested more than ${MAX_NESTING_PREFIX} levels deep`)
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false })
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0])
        return { file, line: pos.line, column: pos.col, path: '', message: e.message.split('\n')[0] }
      })
    }
  }
  let data: unknown
  try {
    // `yaml` refuses documents whose aliases would expand past maxAliasCount (a "billion laughs"
    // bomb) by throwing; that, like anything else it throws, is an error of this file.
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (e) {
    return refuse(1, `cannot expand the YAML document: ${e instanceof Error ? e.message : String(e)}`)
  }
  const parsed = ScenarioSchema.safeParse(data)
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error.issues, doc, lc, file) }
  const refErrors = [...crossCheck(parsed.data), ...crossCheckLessons(parsed.data)].map(({ path, message }) => ({
    file,
    ...positionOf(doc, lc, path),
    path: pathText(path),
    message
  }))
  if (refErrors.length > 0) return { ok: false, errors: refErrors }
  return { ok: true, scenario: parsed.data }
}

/**
 * A union (`lesson`: an id or a lesson of its own) fails as one "Invalid input": report the issues
 * of the branch whose type the value has (its issues are not about the value's own type).
 */
function unionBranchIssues(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || !('errors' in issue) || !Array.isArray(issue.errors)) return [issue]
    const branch = (issue.errors as z.core.$ZodIssue[][]).find(
      (b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === 0)
    )
    return branch ? unionBranchIssues(branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] }))) : [issue]
  })
}

function issuesToErrors(issues: z.core.$ZodIssue[], doc: Document, lc: LineCounter, file: string): ScenarioError[] {
  return unionBranchIssues(issues).map((issue) => {
    const path = issue.path.filter((p): p is PathKey => typeof p === 'string' || typeof p === 'number')
    // An unknown key is reported on its parent object: point at the key itself.
    let target = path
    let pos: { line: number; column: number } | null = null
    if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
      target = [...path, issue.keys[0]]
      pos = positionOfKey(doc, lc, target)
    }
    pos ??= positionOf(doc, lc, target)
    return { file, ...pos, path: pathText(target), message: issue.message }
  })
}

/** For a map key, the key's own position (value nodes of scalars start after `key: `). */
function positionOfKey(doc: Document, lc: LineCounter, path: PathKey[]): { line: number; column: number } | null {
  if (path.length === 0) return null
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true)
  const last = path[path.length - 1]
  if (!parent || typeof last !== 'string' || !('items' in (parent as object))) return null
  const items = (parent as { items: { key?: unknown }[] }).items
  for (const item of items) {
    const key = item.key
    if (isNode(key) && 'value' in key && (key as { value: unknown }).value === last && key.range) {
      const pos = lc.linePos(key.range[0])
      return { line: pos.line, column: pos.col }
    }
  }
  return null
}

/** References that zod cannot check: containers, networks and hosts named elsewhere. */
function crossCheck(s: Scenario): { path: PathKey[]; message: string }[] {
  const errors: { path: PathKey[]; message: string }[] = []
  const overlayNames = new Set(s.overlays.map((o) => o.name))
  const hostNames = new Set<string>()
  s.hosts.forEach((h, hi) => {
    if (hostNames.has(h.name)) errors.push({ path: ['hosts', hi, 'name'], message: `duplicate host "${h.name}"` })
    hostNames.add(h.name)
    const nets = new Set(['bridge', 'podman', ...h.networks.map((n) => n.name)])
    const runtimeOf = (net: string): string =>
      net === 'podman' ? 'podman' : (h.networks.find((n) => n.name === net)?.runtime ?? 'docker')
    h.networks.forEach((n, ni) => {
      if (['bridge', 'host', 'none'].includes(n.name) && n.name !== 'bridge')
        errors.push({ path: ['hosts', hi, 'networks', ni, 'name'], message: `"${n.name}" is a built-in network` })
      if (n.runtime === 'podman' && (n.driver !== 'bridge' || n.name === 'bridge'))
        errors.push({ path: ['hosts', hi, 'networks', ni], message: 'a podman network is a bridge network other than "bridge"' })
      if (n.name === 'podman' && n.runtime !== 'podman')
        errors.push({ path: ['hosts', hi, 'networks', ni, 'name'], message: '"podman" is Podman\'s default network' })
      if (n.driver === 'macvlan' && !n.parent)
        errors.push({ path: ['hosts', hi, 'networks', ni], message: 'a macvlan network needs a parent NIC' })
      if (n.parent && !h.nics.some((nic) => nic.name === n.parent))
        errors.push({
          path: ['hosts', hi, 'networks', ni, 'parent'],
          message: `no NIC named "${n.parent}" on host ${h.name}`
        })
    })
    const names = new Set<string>()
    h.containers.forEach((c, ci) => {
      if (names.has(c.name))
        errors.push({ path: ['hosts', hi, 'containers', ci, 'name'], message: `duplicate container "${c.name}"` })
      names.add(c.name)
    })
    h.containers.forEach((c, ci) => {
      if (c.mode.startsWith('container:')) {
        const target = c.mode.slice('container:'.length)
        const t = h.containers.find((o) => o.name === target)
        if (!t || target === c.name)
          errors.push({
            path: ['hosts', hi, 'containers', ci, 'mode'],
            message: `no other container named "${target}" on host ${h.name}`
          })
        else if (t.mode.startsWith('container:'))
          errors.push({
            path: ['hosts', hi, 'containers', ci, 'mode'],
            message: `"${target}" itself borrows a namespace: point at its owner`
          })
        else if (t.runtime !== c.runtime)
          errors.push({
            path: ['hosts', hi, 'containers', ci, 'mode'],
            message: `"${target}" runs in ${t.runtime}: a ${c.runtime} container cannot join its namespace`
          })
      }
      if (c.mode !== 'bridge' && c.networks && c.networks.length > 0)
        errors.push({ path: ['hosts', hi, 'containers', ci, 'networks'], message: `mode ${c.mode} takes no networks` })
      if (c.mode !== 'bridge' && c.ports.length > 0)
        errors.push({ path: ['hosts', hi, 'containers', ci, 'ports'], message: `mode ${c.mode} cannot publish ports` })
      ;(c.networks ?? []).forEach((n, ni) => {
        const netName = typeof n === 'string' ? n : n.name
        if (!nets.has(netName) && !overlayNames.has(netName))
          errors.push({
            path: ['hosts', hi, 'containers', ci, 'networks', ni],
            message: `no network named "${netName}" on host ${h.name}`
          })
        else if (nets.has(netName) && runtimeOf(netName) !== c.runtime)
          errors.push({
            path: ['hosts', hi, 'containers', ci, 'networks', ni],
            message: `"${netName}" is a ${runtimeOf(netName)} network: a ${c.runtime} container cannot join it`
          })
      })
    })
    h.flows.forEach((f, fi) => {
      if (!names.has(f.from) && !isIpv4(f.from))
        errors.push({
          path: ['hosts', hi, 'flows', fi, 'from'],
          message: `"${f.from}" is neither a container on ${h.name} nor an IPv4 address`
        })
      const toName = f.to.split(':')[0]
      if (f.to !== 'host' && !names.has(toName) && !isIpv4(f.to) && !allContainers(s).has(toName))
        errors.push({
          path: ['hosts', hi, 'flows', fi, 'to'],
          message: `"${f.to}" is neither a container, "host" nor an IPv4 address`
        })
      if (f.proto !== 'icmp' && f.port === undefined)
        errors.push({ path: ['hosts', hi, 'flows', fi], message: `a ${f.proto} flow needs a port` })
    })
    h.faults.forEach((f, fi) => {
      if ('container' in f && f.container !== undefined && !names.has(f.container))
        errors.push({
          path: ['hosts', hi, 'faults', fi, 'container'],
          message: `no container named "${f.container}" on host ${h.name}`
        })
      if (f.type === 'missing-rule' && !nets.has(f.network))
        errors.push({
          path: ['hosts', hi, 'faults', fi, 'network'],
          message: `no network named "${f.network}" on host ${h.name}`
        })
      if (
        (f.type === 'overlay-vni' || f.type === 'missing-vtep' || f.type === 'stale-vtep') &&
        !overlayNames.has(f.network)
      )
        errors.push({
          path: ['hosts', hi, 'faults', fi, 'network'],
          message: `no overlay named "${f.network}" in this scenario`
        })
      if (f.type === 'missing-vtep' && (f.host === h.name || !s.hosts.some((o) => o.name === f.host)))
        errors.push({
          path: ['hosts', hi, 'faults', fi, 'host'],
          message: `"${f.host}" is not another host of this scenario`
        })
      if (f.type === 'interface-down' && !f.interface && !f.container)
        errors.push({ path: ['hosts', hi, 'faults', fi], message: 'interface-down needs an interface or a container' })
    })
  })
  return errors
}

/** A lesson's answer must be one of its choices; an exercise's finds must be checks the engine has. */
function crossCheckLessons(s: Scenario): { path: PathKey[]; message: string }[] {
  const errors: { path: PathKey[]; message: string }[] = []
  if (s.lesson && typeof s.lesson === 'object' && s.lesson.check.answer >= s.lesson.check.choices.length)
    errors.push({
      path: ['lesson', 'check', 'answer'],
      message: `answer ${s.lesson.check.answer} is not one of the ${s.lesson.check.choices.length} choices`
    })
  s.exercise?.find.forEach((f, i) => {
    if (!FINDING_IDS.includes(f.check))
      errors.push({ path: ['exercise', 'find', i, 'check'], message: `the diagnose engine has no check "${f.check}"` })
  })
  return errors
}

function allContainers(s: Scenario): Set<string> {
  return new Set(s.hosts.flatMap((h) => h.containers.map((c) => c.name)))
}

export function loadScenarioFile(path: string): LoadResult {
  let text: string
  try {
    // A scenario path comes from the user (or a folder anyone may drop files into): refuse what is
    // not a regular file, or too big to be a scenario, before reading it (/dev/zero, a 4 GB log).
    const info = statSync(path)
    if (!info.isFile())
      return { ok: false, errors: [{ file: path, line: 1, column: 1, path: '', message: 'not a regular file' }] }
    if (info.size > MAX_SCENARIO_CHARS * 4)
      return {
        ok: false,
        errors: [{ file: path, line: 1, column: 1, path: '', message: `scenario file too large (${info.size} bytes)` }]
      }
    text = readFileSync(path, 'utf8')
  } catch (e) {
    return { ok: false, errors: [{ file: path, line: 1, column: 1, path: '', message: (e as Error).message }] }
  }
  return parseScenarioText(text, path)
}

export const formatScenarioError = (e: ScenarioError): string =>
  `${e.file}:${e.line}:${e.column}: ${e.path ? e.path + ': ' : ''}${e.message}`
