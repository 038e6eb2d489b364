/**
 * A host's snapshot written as a scenario file (`netlens scenario-from`, and the app's "Save as
 * training scenario…"): scenario-from, then YAML with a comment block saying where it came from
 * and what the format could not express, then the file checked by the same loader that will open
 * it, so a name the format refuses is reported with its line and column before anyone trips on it.
 */
import { diagnose } from '../../shared/diagnose/index'
import type { FindingObject } from '../../shared/diagnose/types'
import type { ExerciseFind } from '../../shared/training/types'
import type { Snapshot } from '../../shared/snapshot/schema'
import { formatScenarioError, parseScenarioText } from './load'
import { scenarioFromSnapshot, type ScenarioDocument, type ScenarioExerciseDocument } from './scenario-from'
import { scenarioToYaml } from './scenario-yaml'
import { anonymizeScenario } from './anonymize'

export interface ScenarioExport {
  text: string
  scenario: ScenarioDocument
  notes: string[]
  /** file:line:column errors of the written text (empty: it loads as a scenario). */
  loadErrors: string[]
  /** Exercise finds left out: their object has no stand-in in the anonymized scenario (a rule or route line). */
  findsLeftOut: ExerciseFind[]
}


/** An exercise to carry, with its finds named as on the source host (anonymize renames them). */
export type ExerciseRequest = Omit<ScenarioExerciseDocument, 'find'> & { find: ExerciseFind[] }

export interface ScenarioExportOptions {
  id?: string
  /** Replace names and addresses (anonymize.ts); the header then names the kinds replaced, not the source. */
  anonymize?: boolean
  /** The name errors are reported under (the output file). */
  fileName?: string
  exercise?: ExerciseRequest
}

export function exportScenario(snapshot: Snapshot, opts: ScenarioExportOptions = {}): ScenarioExport {
  const made = scenarioFromSnapshot(snapshot, { id: opts.id, findings: diagnose(snapshot) })
  let { scenario, notes } = made
  let objectName = (o: FindingObject): string | undefined => o.id
  let origin = [
    `NetLens training scenario made by \`netlens scenario-from\` from ${snapshot.host.source} (captured ${snapshot.host.capturedAt}).`
  ]
  if (opts.anonymize) {
    const anonymized = anonymizeScenario(scenario, notes, made.noteNames)
    scenario = { ...anonymized.scenario, id: opts.id ?? anonymized.scenario.id }
    notes = anonymized.notes
    objectName = (o) => anonymized.standIn(o.kind, o.id)
    origin = [
      'NetLens training scenario made by `netlens scenario-from --anonymize`. Replaced consistently:',
      ...anonymized.replaced.map((kind) => `- ${kind}`)
    ]
  }
  const header = [
    ...origin,
    'Format: docs/scenario-format.md. Open it with `netlens inspect FILE.yaml` or File → Open.',
    `Flows are inferred from conntrack (who talks to whom); their rate is a placeholder.`,
    ...(notes.length ? ['', 'Not in this scenario (the format cannot express it):', ...notes.map((n) => `- ${n}`)] : [])
  ]
  const findsLeftOut: ExerciseFind[] = []
  if (opts.exercise) {
    const find: ScenarioExerciseDocument['find'] = []
    for (const f of opts.exercise.find) {
      const object = objectName(f.object)
      if (object === undefined) findsLeftOut.push(f)
      else find.push({ check: f.check, object })
    }
    // Read first, above the hosts: what the learner is asked.
    const { hosts, ...head } = scenario
    if (find.length) scenario = { ...head, exercise: { ...opts.exercise, find }, hosts }
  }
  const text = scenarioToYaml(scenario, header)
  const parsed = parseScenarioText(text, opts.fileName ?? `${scenario.id}.yaml`)
  return { text, scenario, notes, loadErrors: parsed.ok ? [] : parsed.errors.map(formatScenarioError), findsLeftOut }
}
