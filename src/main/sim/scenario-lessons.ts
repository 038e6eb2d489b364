/**
 * Lessons and exercises carried by a scenario file (docs/scenario-format.md, "Lessons and exercises
 * in a scenario file"), as the same `Lesson` the built-in ones are, so the training view shows them.
 *
 * Ids, and with them the saved progress (Preferences.lessonProgress), are keyed by the file's
 * content hash (`x-<16 hex of sha256>-lesson` / `-exercise`), not its path: a path is reused when an
 * instructor overwrites last week's exercise with this week's (old progress would claim a pass on a
 * new question), while the same file copied or moved elsewhere is the same exercise. Editing the
 * file makes a new exercise, which is right: its question or answer may have changed.
 *
 * An exercise is graded like the built-in troubleshooting exercise: by the diagnose engine on the
 * rendered scenario. The learner names a fault and its object; the choice is right when it is one of
 * the exercise's `find` and the engine reports that check on that object.
 */
import type { Lesson, LessonGrade } from '../../shared/training/types'
import type { Finding } from '../../shared/diagnose/types'
import type { Localized } from '../../shared/localized'
import type { Scenario, ScenarioExercise, ScenarioLesson } from './scenario-schema'
import { sha } from './world'

const L = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh })

export interface ScenarioLessonDef {
  lesson: Lesson
  /** Multiple-choice lesson: the right index. */
  answer?: number
  /** Exercise: which (check, object) each choice names, and the `find`s (the right ones). */
  engine?: { choices: { check: string; object: string }[]; finds: { check: string; object: string }[] }
  explanation: Localized
}

export const contentHash = (text: string): string => sha(text).slice(0, 16)
export const scenarioLessonId = (hash: string, kind: 'lesson' | 'exercise'): string => `x-${hash}-${kind}`
export const isScenarioLessonId = (id: string): boolean => /^x-[0-9a-f]{16}-(lesson|exercise)$/.test(id)

const CHECK_LABELS: Record<string, Localized> = {
  'ip-forward-off': L('IP forwarding is off', 'IP 转发被关闭'),
  'missing-masquerade': L('the MASQUERADE rule is missing', '缺少 MASQUERADE 规则'),
  'bridge-down': L('the bridge is down', '网桥是 down 状态'),
  'port-no-dnat': L('the published port has no DNAT rule', '端口映射缺少 DNAT 规则'),
  'veth-down': L('the veth is down', 'veth 是 down 状态'),
  'veth-orphan': L('the veth is not on a bridge', 'veth 没有接到网桥上'),
  'mtu-mismatch': L('MTU mismatch', 'MTU 不一致')
}
const DISTRACTORS = Object.keys(CHECK_LABELS)

const choiceText = (check: string, object: string): Localized => {
  const label = CHECK_LABELS[check] ?? L(check, check)
  return L(`${object}: ${label.en}`, `${object}：${label['zh-CN']}`)
}

/** Whether the engine reports `check` on `object` (ip-forward-off is reported on the host). */
export const engineReports = (findings: Finding[], check: string, object: string): boolean =>
  findings.some((f) => f.id === check && f.objects.some((o) => o.id === object))

/** The Lesson the training view shows, for a lesson or an exercise of a scenario file. */
const lessonOf = (
  id: string,
  ref: string,
  spec: Pick<ScenarioLesson, 'title' | 'summary' | 'steps'>,
  question: Localized,
  choices: Localized[]
): Lesson => ({
  id,
  scenario: ref,
  title: spec.title,
  summary: spec.summary,
  steps: spec.steps.map((s) => ({ ...s })),
  check: { kind: 'choice', question, choices }
})

function lessonFrom(id: string, ref: string, spec: ScenarioLesson): ScenarioLessonDef {
  return {
    lesson: lessonOf(id, ref, spec, spec.check.question, spec.check.choices),
    answer: spec.check.answer,
    explanation: spec.check.explanation
  }
}

function exerciseFrom(id: string, ref: string, spec: ScenarioExercise, findings: Finding[]): ScenarioLessonDef {
  const finds = spec.find.map((f) => ({ check: f.check, object: f.object }))
  const objects = [...new Set(finds.map((f) => f.object))]
  // Wrong answers: faults the engine does not report, on the same objects.
  const distractors = DISTRACTORS.flatMap((check) => objects.map((object) => ({ check, object })))
    .filter(
      (d) =>
        !engineReports(findings, d.check, d.object) && !finds.some((f) => f.check === d.check && f.object === d.object)
    )
    .slice(0, Math.max(2, 4 - finds.length))
  const choices = [...finds, ...distractors]
  // A fixed order per exercise that does not put the right answers first.
  const order = choices
    .map((c) => ({ c, key: sha(`${id}/${c.check}/${c.object}`) }))
    .sort((a, b) => a.key.localeCompare(b.key))
  return {
    lesson: lessonOf(
      id,
      ref,
      spec,
      spec.question,
      order.map(({ c }) => choiceText(c.check, c.object))
    ),
    engine: { choices: order.map(({ c }) => c), finds },
    explanation: spec.explanation
  }
}

/**
 * The lesson and the exercise of one scenario file. `ref` opens it (`sim:<ref>`), `hash` is its
 * content hash, `findings` the diagnose engine's on its rendered first host.
 */
export function scenarioLessons(
  scenario: Scenario,
  ref: string,
  hash: string,
  findings: Finding[]
): ScenarioLessonDef[] {
  const out: ScenarioLessonDef[] = []
  if (scenario.lesson && typeof scenario.lesson === 'object')
    out.push(lessonFrom(scenarioLessonId(hash, 'lesson'), ref, scenario.lesson))
  if (scenario.exercise) out.push(exerciseFrom(scenarioLessonId(hash, 'exercise'), ref, scenario.exercise, findings))
  return out
}

export function gradeScenarioLesson(def: ScenarioLessonDef, answer: number, findings: Finding[]): LessonGrade {
  const lessonId = def.lesson.id
  if (!Number.isInteger(answer) || answer < 0 || answer >= def.lesson.check.choices.length)
    return { lessonId, passed: false, explanation: L('Pick one of the choices.', '请选择一个选项。') }
  if (def.engine) {
    const chosen = def.engine.choices[answer]
    const wanted = def.engine.finds.some((f) => f.check === chosen.check && f.object === chosen.object)
    return {
      lessonId,
      passed: wanted && engineReports(findings, chosen.check, chosen.object),
      explanation: def.explanation
    }
  }
  return { lessonId, passed: answer === def.answer, explanation: def.explanation }
}
