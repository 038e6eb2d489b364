/**
 * The app's "Save as training scenario…" and "New exercise from this host" (#19 item 4): a host's
 * snapshot exported as a scenario file (scenario-export.ts) into the user's scenario folder, so it
 * joins the training list at once, with the exercise the author wrote.
 *
 * An exercise is only worth saving when the learner can pass it: each picked finding is checked by
 * the diagnose engine on the scenario as it will be opened (rendered from the written text). A
 * finding the scenario format cannot reproduce is left out of the exercise and reported back; with
 * none left nothing is written. The explanation quotes the engine's findings on the saved scenario
 * (after --anonymize they name the stand-ins, never the host's names).
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { diagnose } from '../../shared/diagnose/index'
import type { Finding } from '../../shared/diagnose/types'
import type { Localized } from '../../shared/localized'
import type { ExerciseFind, SavedScenario } from '../../shared/training/types'
import type { Snapshot } from '../../shared/snapshot/schema'
import { fail, ok, type Result } from '../../shared/result'
import { buildSnapshot } from '../model/build-snapshot'
import { formatScenarioError, listScenarios, parseScenarioText, renderScenario, userScenariosDir } from './index'
import { exportScenario, type ScenarioExportOptions } from './scenario-export'
import { contentHash, engineReports, scenarioLessonId } from './scenario-lessons'

export interface SaveScenarioRequest {
  anonymize: boolean
  exercise?: { title?: Localized; question: Localized; find: ExerciseFind[] }
}

const L = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh })
const DEFAULT_TITLE = L('What is broken on this host?', '这台主机哪里出了问题？')

/** An id no built-in and no file of the folder has: `from-<host>`, else `from-<host>-2`, … */
function freeId(base: string, dir: string): string {
  const builtins = new Set(listScenarios().map((s) => s.id))
  const taken = (id: string): boolean => builtins.has(id) || existsSync(join(dir, `${id}.yaml`))
  if (!taken(base)) return base
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`
}

/** The engine's findings on the scenario as written: what the learner will see. */
function findingsOfText(text: string, name: string): Result<Finding[]> {
  const parsed = parseScenarioText(text, name)
  if (!parsed.ok)
    return fail('parse-error', 'The scenario does not load as written: nothing was written.', {
      detail: parsed.errors.map(formatScenarioError).slice(0, 12).join('\n')
    })
  const capture = renderScenario(parsed.scenario)
  return capture.ok ? ok(diagnose(buildSnapshot(capture.value))) : capture
}

const titlesOf = (findings: Finding[]): Localized =>
  L(
    `The diagnose engine reports: ${findings.map((f) => f.title.en).join('; ')}.`,
    `诊断引擎报告：${findings.map((f) => f.title['zh-CN']).join('；')}。`
  )

export function saveScenario(snapshot: Snapshot, req: SaveScenarioRequest, dir = userScenariosDir()): Result<SavedScenario> {
  const draft = exportScenario(snapshot, { anonymize: req.anonymize })
  const id = freeId(draft.scenario.id, dir)
  const fileName = `${id}.yaml`
  const options: ScenarioExportOptions = { id, anonymize: req.anonymize, fileName }
  let exported = exportScenario(snapshot, options)
  let exercise: SavedScenario['exercise'] = null
  if (req.exercise) {
    const spec = {
      title: req.exercise.title ?? DEFAULT_TITLE,
      summary: L('Find what is wrong on this host, and where.', '找出这台主机上哪里出了什么问题。'),
      question: req.exercise.question,
      explanation: L('-', '-'),
      find: req.exercise.find
    }
    const first = exportScenario(snapshot, { ...options, exercise: spec })
    const findings = findingsOfText(first.text, fileName)
    if (!findings.ok) return findings
    // The finds that got a stand-in, in order, beside their names in the written exercise.
    const named = first.scenario.exercise?.find ?? []
    const pairs = spec.find.filter((f) => !first.findsLeftOut.includes(f)).map((f, i) => ({ f, as: named[i] }))
    const keptPairs = pairs.filter((p) => engineReports(findings.value, p.as.check, p.as.object))
    const kept = keptPairs.map((p) => p.f)
    const leftOut = spec.find.filter((f) => !kept.includes(f))
    if (!kept.length)
      return fail('invalid-argument', 'None of the picked findings shows on the saved scenario: nothing was written.', {
        remedy: 'Pick a finding the scenario format can express (docs/scenario-format.md, "faults").'
      })
    const reported = findings.value.filter((f) => keptPairs.some((p) => engineReports([f], p.as.check, p.as.object)))
    exported = exportScenario(snapshot, { ...options, exercise: { ...spec, find: kept, explanation: titlesOf(reported) } })
    exercise = { lessonId: scenarioLessonId(contentHash(exported.text), 'exercise'), find: kept, leftOut }
  }
  if (exported.loadErrors.length)
    return fail('parse-error', 'The scenario does not load as written: nothing was written.', {
      detail: exported.loadErrors.slice(0, 12).join('\n'),
      remedy: 'Save it anonymized: names the scenario format does not accept are replaced.'
    })
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    // wx: never overwrite a file someone wrote since freeId looked.
    writeFileSync(join(dir, fileName), exported.text, { mode: 0o600, flag: 'wx' })
  } catch (e) {
    return fail('permission-denied', `cannot write ${join(dir, fileName)}: ${(e as Error).message}`)
  }
  return ok({ id, path: join(dir, fileName), source: `sim:${id}`, fileName, content: exported.text, exercise })
}
