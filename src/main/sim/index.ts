/**
 * The training simulator: scenarios (resources/scenarios/*.yaml) rendered into the same Capture a
 * real host's probe produces, lessons built on them, and grading of the lesson checks.
 */
import { diagnose } from '../../shared/diagnose/index'
import { buildSnapshot } from '../model/build-snapshot'
import { basename } from 'node:path'
import type { Capture } from '../capture/capture-types'
import { fail, ok, toAppError, type Result } from '../../shared/result'
import type { Lesson, LessonGrade, ScenarioSummary } from '../../shared/api/types'
import { formatScenarioError, loadScenarioFile, scenarioFiles } from './load'
import type { Scenario } from './scenario-schema'
import { buildWorld } from './world'
import { counterTexts, renderWorld } from './render'
import { LESSONS, gradeLessonAnswer } from './lessons'

export type { Scenario } from './scenario-schema'
export { parseScenarioText, formatScenarioError, type ScenarioError } from './load'

/** The moment a simulated capture is "taken" at atMs = 0 (fixed so renders are reproducible). */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 12, 10, 0, 0)

const cache = new Map<string, Result<Scenario>>()

function fileForId(id: string): string | undefined {
  return scenarioFiles().find((f) => basename(f).replace(/\.ya?ml$/, '') === id)
}

export function loadScenario(id: string): Result<Scenario> {
  const cached = cache.get(id)
  if (cached) return cached
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) return fail('invalid-argument', `not a scenario id: ${JSON.stringify(id)}`)
  const file = fileForId(id)
  if (!file)
    return fail('not-found', `no training scenario "${id}"`, { remedy: 'Run `netlens scenarios` to list them.' })
  const loaded = loadScenarioFile(file)
  const result: Result<Scenario> = loaded.ok
    ? loaded.scenario.id === id
      ? ok(loaded.scenario)
      : fail('parse-error', `${file}: id "${loaded.scenario.id}" does not match the file name`)
    : fail('parse-error', `scenario ${id} is invalid`, { detail: loaded.errors.map(formatScenarioError).join('\n') })
  cache.set(id, result)
  return result
}

export function listScenarios(): ScenarioSummary[] {
  const out: ScenarioSummary[] = []
  for (const file of scenarioFiles()) {
    const id = basename(file).replace(/\.ya?ml$/, '')
    const s = loadScenario(id)
    if (s.ok) out.push({ id, title: s.value.title, description: s.value.description, lesson: s.value.lesson })
  }
  return out
}

export function renderScenarioCapture(id: string, opts: { atMs?: number; host?: string } = {}): Result<Capture> {
  const s = loadScenario(id)
  if (!s.ok) return s
  return renderScenario(s.value, opts)
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

export function listLessons(): Lesson[] {
  return LESSONS.map((l) => structuredClone(l.lesson))
}

/** The diagnose engine's check ids on a scenario: troubleshooting exercises are graded by it. */
function scenarioFindings(scenarioId: string): string[] {
  const capture = renderScenarioCapture(scenarioId)
  if (!capture.ok) return []
  return diagnose(buildSnapshot(capture.value)).map((finding) => finding.id)
}

export function gradeLesson(lessonId: string, answer: number): LessonGrade {
  return gradeLessonAnswer(lessonId, answer, scenarioFindings)
}
