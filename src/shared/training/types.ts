/** Training: the simulator's scenarios and lessons as the sidebar and the training view list them. */
import type { Localized } from '../localized'
import type { FindingObject } from '../diagnose/types'

export interface ScenarioSummary {
  id: string
  title: Localized
  description: Localized
  lesson: string | null
  /** The SOURCE that renders it: `sim:<id>`, or `sim:<path>` for a user file named otherwise. */
  source: string
  /** Shipped with NetLens, or a file in the user's scenario folder. */
  origin: 'builtin' | 'user'
  /** The user file it was read from. */
  file?: string
  /** The scenario's host names: two or more make it a fleet (`sim:<id>#<host>` each). */
  hosts?: string[]
}

export interface LessonStep {
  id: string
  text: Localized
  /** Route in the UI the step points at: `topology`, `nat`, `traffic`, `diagnose`, `training`. */
  view: string
  /** Optional node to highlight. */
  focus?: string
  /** The tab of that view the step talks about (NAT: `rules`, `ports` or `conntrack`). */
  tab?: string
}

export interface LessonCheck {
  question: Localized
  choices: Localized[]
  /** Index into choices. Graded in the backend so the answer is not in the renderer's hands. */
  kind: 'choice'
}

export interface Lesson {
  id: string
  scenario: string
  title: Localized
  summary: Localized
  steps: LessonStep[]
  check: LessonCheck
}

export interface LessonGrade {
  lessonId: string
  passed: boolean
  explanation: Localized
}

/** A finding an exercise's learner must name, as the host's diagnose reported it. */
export interface ExerciseFind {
  check: string
  object: FindingObject
}

/** A host saved as a training scenario in the user's scenario folder ("Save as training scenario…"). */
export interface SavedScenario {
  id: string
  /** Where it was written (the user's scenario folder, on the machine the backend runs on). */
  path: string
  /** The training host it is: `sim:<id>`. */
  source: string
  fileName: string
  content: string
  /** The exercise's lesson id, the finds it kept and those the saved scenario does not show; null without one. */
  exercise: { lessonId: string; find: ExerciseFind[]; leftOut: ExerciseFind[] } | null
}
