/**
 * The training simulator: scenarios (resources/scenarios/*.yaml) rendered into the same Capture a
 * real host's probe produces, lessons built on them, and grading of the lesson checks.
 */
import { diagnose } from '../../shared/diagnose/index'
import { buildSnapshot } from '../model/build-snapshot'
import { readFileSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { Capture } from '../capture/capture-types'
import { fail, ok, toAppError, type Result } from '../../shared/result'
import type { Lesson, LessonGrade, ScenarioSummary } from '../../shared/training/types'
import type { Finding } from '../../shared/diagnose/types'
import { formatScenarioError, loadScenarioFile, parseScenarioText, scenarioFiles, userScenariosDir } from './load'
import type { Scenario } from './scenario-schema'
import { buildWorld } from './world'
import { counterTexts, renderWorld } from './render'
import { LESSONS, gradeLessonAnswer } from './lessons'
import {
  contentHash,
  gradeScenarioLesson,
  isScenarioLessonId,
  scenarioLessonId,
  scenarioLessons,
  type ScenarioLessonDef
} from './scenario-lessons'

export type { Scenario } from './scenario-schema'
export { parseScenarioText, formatScenarioError, userScenariosDir, type ScenarioError } from './load'

/** The moment a simulated capture is "taken" at atMs = 0 (fixed so renders are reproducible). */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 12, 10, 0, 0)

/**
 * `sim:<ref>`: a ref with a slash or a .yaml/.yml ending is a scenario file (relative to the
 * working directory); anything else is the id of a built-in scenario, else of one in the user's
 * scenario folder.
 */
export const isScenarioPath = (ref: string): boolean => /[\\/]/.test(ref) || /\.ya?ml$/i.test(ref)

const SCENARIO_ID = /^[a-z0-9][a-z0-9-]*$/

/** Parsed files, keyed by path and invalidated when the file changes (authors edit and reload). */
const cache = new Map<string, { stamp: string; scenario: Result<Scenario>; hash: string }>()

function fileStamp(file: string): string {
  try {
    const info = statSync(file)
    return `${info.mtimeMs}:${info.size}`
  } catch {
    return 'missing'
  }
}

function loadFile(file: string, shownAs: string): Result<Scenario> {
  const stamp = fileStamp(file)
  const cached = cache.get(file)
  if (cached && cached.stamp === stamp) return cached.scenario
  const loaded = loadScenarioFile(file)
  const scenario: Result<Scenario> = loaded.ok
    ? ok(loaded.scenario)
    : fail('parse-error', `scenario ${shownAs} is invalid`, {
        detail: loaded.errors.map(formatScenarioError).join('\n')
      })
  // Only a file that loaded is read again for its hash: a refused one (a device like /dev/zero,
  // a FIFO) must never be read.
  let hash = ''
  if (loaded.ok)
    try {
      hash = contentHash(readFileSync(file, 'utf8'))
    } catch {
      // gone since: no lesson id, the next load says why
    }
  cache.set(file, { stamp, scenario, hash })
  return scenario
}

const idOfFile = (file: string): string => basename(file).replace(/\.ya?ml$/i, '')

function fileForId(id: string, userDir: string): string | undefined {
  const named = (f: string): boolean => idOfFile(f) === id
  return scenarioFiles().find(named) ?? scenarioFiles(userDir).find(named)
}

export function loadScenario(ref: string, userDir = userScenariosDir()): Result<Scenario> {
  if (isScenarioPath(ref)) {
    const file = resolve(ref)
    if (fileStamp(file) === 'missing')
      return fail('not-found', `${ref}: no such scenario file`, { remedy: 'Give the path of a scenario .yaml file.' })
    return loadFile(file, ref)
  }
  if (!SCENARIO_ID.test(ref)) return fail('invalid-argument', `not a scenario id: ${JSON.stringify(ref)}`)
  const file = fileForId(ref, userDir)
  if (!file)
    return fail('not-found', `no training scenario "${ref}"`, { remedy: 'Run `netlens scenarios` to list them.' })
  const loaded = loadFile(file, ref)
  if (loaded.ok && loaded.value.id !== ref)
    return fail('parse-error', `${file}: id "${loaded.value.id}" does not match the file name`)
  return loaded
}

/** The lesson a scenario belongs to: a built-in lesson's id, or the id of its own lesson or exercise. */
function lessonOf(s: Scenario, file?: string): string | null {
  if (typeof s.lesson === 'string') return s.lesson
  const hash = file ? cache.get(file)?.hash : undefined
  if (!hash) return null
  if (s.lesson) return scenarioLessonId(hash, 'lesson')
  return s.exercise ? scenarioLessonId(hash, 'exercise') : null
}

const summaryOf = (s: Scenario, source: string, origin: ScenarioSummary['origin'], file?: string): ScenarioSummary => ({
  id: s.id,
  title: s.title,
  description: s.description,
  lesson: lessonOf(s, file),
  hosts: s.hosts.map((h) => h.name),
  source,
  origin,
  ...(file ? { file } : {})
})

/** The built-in scenarios (resources/scenarios). */
export function listScenarios(): ScenarioSummary[] {
  const out: ScenarioSummary[] = []
  for (const file of scenarioFiles()) {
    const id = idOfFile(file)
    const s = loadScenario(id)
    if (s.ok) out.push(summaryOf(s.value, `sim:${id}`, 'builtin'))
  }
  return out
}

export interface ScenarioListing {
  scenarios: ScenarioSummary[]
  /** User scenario files that do not load, each with its file:line:column errors. */
  invalid: { file: string; message: string; detail?: string }[]
}

/**
 * Built-in scenarios, then the user's folder. A user file is `sim:<id>` when its file name is its
 * id and no built-in has that id, else `sim:<its absolute path>`: both always name that file.
 */
export function listAllScenarios(userDir = userScenariosDir()): ScenarioListing {
  const scenarios = listScenarios()
  const builtinIds = new Set(scenarios.map((s) => s.id))
  const invalid: ScenarioListing['invalid'] = []
  for (const file of scenarioFiles(userDir)) {
    const s = loadFile(file, file)
    if (!s.ok) {
      invalid.push({ file, message: s.error.message, detail: s.error.detail })
      continue
    }
    const byId = s.value.id === idOfFile(file) && !builtinIds.has(s.value.id)
    scenarios.push(summaryOf(s.value, byId ? `sim:${s.value.id}` : `sim:${file}`, 'user', file))
  }
  return { scenarios, invalid }
}

export function renderScenarioCapture(id: string, opts: { atMs?: number; host?: string } = {}): Result<Capture> {
  const s = loadScenario(id)
  if (!s.ok) return s
  return renderScenario(s.value, opts)
}

/**
 * A scenario file's text (File → Open in the app, where the renderer has the content, not a path)
 * rendered into a capture; errors keep `name:line:column`.
 */
export function renderScenarioText(text: string, name: string): Result<Capture> {
  const parsed = parseScenarioText(text, name)
  if (!parsed.ok)
    return fail('parse-error', `${name} is not a valid scenario.`, {
      detail: parsed.errors.map(formatScenarioError).join('\n')
    })
  return renderScenario(parsed.scenario)
}

/** Renders an already-parsed scenario (tests and the fuzzer use this directly). */
export function renderScenario(scenario: Scenario, opts: { atMs?: number; host?: string } = {}): Result<Capture> {
  if (opts.host && !scenario.hosts.some((h) => h.name === opts.host))
    return fail('not-found', `scenario ${scenario.id} has no host "${opts.host}"`, {
      remedy: `Hosts: ${scenario.hosts.map((h) => h.name).join(', ')}`
    })
  try {
    const atMs = opts.atMs ?? 0
    const world = buildWorld(scenario, opts.host)
    return ok(renderWorld(world, scenario, atMs, new Date(SIM_EPOCH_MS + atMs).toISOString()))
  } catch (e) {
    return { ok: false, error: toAppError(e) }
  }
}

/** /proc/net/dev texts (host and each container netns) at atMs, for counter frames. */
export function scenarioCounterTexts(
  scenario: Scenario,
  atMs: number,
  host?: string
): { netns: string; text: string }[] {
  return counterTexts(buildWorld(scenario, host), scenario, atMs)
}

/** Lessons and exercises carried by the scenario files of the user's folder, with the engine's findings on each. */
function userLessons(userDir = userScenariosDir()): { def: ScenarioLessonDef; findings: Finding[] }[] {
  const out: { def: ScenarioLessonDef; findings: Finding[] }[] = []
  for (const summary of listAllScenarios(userDir).scenarios) {
    if (summary.origin !== 'user' || !summary.file) continue
    const loaded = loadFile(summary.file, summary.file)
    const hash = cache.get(summary.file)?.hash
    if (!loaded.ok || !hash || (!loaded.value.exercise && typeof loaded.value.lesson !== 'object')) continue
    let findings: Finding[] = []
    if (loaded.value.exercise) {
      const capture = renderScenario(loaded.value)
      if (capture.ok) findings = diagnose(buildSnapshot(capture.value))
    }
    for (const def of scenarioLessons(loaded.value, summary.source.slice('sim:'.length), hash, findings))
      // The same file twice in the folder is one lesson (same content, same id, same progress).
      if (!out.some((o) => o.def.lesson.id === def.lesson.id)) out.push({ def, findings })
  }
  return out
}

export function listLessons(): Lesson[] {
  return [...LESSONS.map((l) => structuredClone(l.lesson)), ...userLessons().map((u) => u.def.lesson)]
}

/** The diagnose engine's check ids on a scenario: troubleshooting exercises are graded by it. */
function scenarioFindings(scenarioId: string): string[] {
  const capture = renderScenarioCapture(scenarioId)
  if (!capture.ok) return []
  return diagnose(buildSnapshot(capture.value)).map((finding) => finding.id)
}

export function gradeLesson(lessonId: string, answer: number): LessonGrade {
  if (isScenarioLessonId(lessonId)) {
    const own = userLessons().find((u) => u.def.lesson.id === lessonId)
    if (own) return gradeScenarioLesson(own.def, answer, own.findings)
  }
  return gradeLessonAnswer(lessonId, answer, scenarioFindings)
}
