/**
 * Lessons: list, the open lesson and step, grading and saved progress.
 *
 * A step is done when its check passes: the learner has opened what the step points at (its view
 * and tab, with sampling running for a traffic step) on the lesson's training host. "Next" only
 * moves on. A passed lesson keeps the answer that passed it, so reopening it shows that answer.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { Lesson, LessonGrade, LessonProgress, LessonStep } from '@shared/api/types'
import type { AppError } from '@shared/result'
import { api } from '@renderer/api'
import { usePreferencesStore } from './preferences'
import { useRouterStore } from './router'
import { useHostsStore } from './hosts'
import { useNatStore } from './nat'
import { useTrafficStore } from './traffic'

export const lessonHostId = (lesson: Pick<Lesson, 'scenario'>): string => `sim:${lesson.scenario}`

export const useTrainingStore = defineStore('training', () => {
  const lessons = shallowRef<Lesson[] | null>(null)
  const loading = ref(false)
  const error = ref<AppError | null>(null)
  const currentId = ref<string | null>(null)
  const stepIndex = ref(0)
  const answer = ref<number | null>(null)
  const grade = ref<LessonGrade | null>(null)
  const grading = ref(false)

  const current = computed(() => lessons.value?.find((l) => l.id === currentId.value) ?? null)
  const step = computed(() => current.value?.steps[stepIndex.value] ?? null)
  const onCheck = computed(() => !!current.value && stepIndex.value >= current.value.steps.length)

  async function load(): Promise<void> {
    if (lessons.value || loading.value) return
    loading.value = true
    const result = await api.listLessons({})
    loading.value = false
    if (result.ok) lessons.value = result.value
    else error.value = result.error
  }

  /** Reads the list again: a scenario file saved from a host brought its own lesson or exercise. */
  async function reload(): Promise<void> {
    lessons.value = null
    error.value = null
    await load()
  }

  function progressOf(id: string): LessonProgress {
    return usePreferencesStore().prefs.lessonProgress[id] ?? { completedSteps: [], passed: false }
  }

  function open(id: string): void {
    currentId.value = id
    const progress = progressOf(id)
    const lesson = lessons.value?.find((l) => l.id === id)
    const firstOpen = lesson ? lesson.steps.findIndex((s) => !progress.completedSteps.includes(s.id)) : 0
    // A passed lesson opens on its check, showing the answer that passed it.
    stepIndex.value = firstOpen < 0 || progress.passed ? (lesson?.steps.length ?? 0) : firstOpen
    answer.value = null
    grade.value = null
    // A passed lesson shows the answer that passed it, graded again for its explanation.
    if (progress.passed && progress.answer !== undefined) {
      answer.value = progress.answer
      void regrade(id, progress.answer)
    }
  }

  async function regrade(lessonId: string, choice: number): Promise<void> {
    const result = await api.gradeLesson({ lessonId, answer: choice })
    if (result.ok && currentId.value === lessonId && answer.value === choice) grade.value = result.value
  }

  function close(): void {
    currentId.value = null
  }

  async function markStep(lesson: Lesson, stepId: string): Promise<void> {
    const p = progressOf(lesson.id)
    if (!p.completedSteps.includes(stepId))
      await usePreferencesStore().saveLessonProgress(lesson.id, { ...p, completedSteps: [...p.completedSteps, stepId] })
  }

  /** True when the screen shows what the step points at, on the lesson's host. */
  function stepTargetShown(lesson: Lesson, s: LessonStep): boolean {
    if (useHostsStore().selectedId !== lessonHostId(lesson)) return false
    if (useRouterStore().view !== s.view) return false
    if (s.view === 'nat' && s.tab && useNatStore().tab !== s.tab) return false
    if (s.view === 'traffic' && !useTrafficStore().sampling) return false
    return true
  }

  // The check of the open step passes as soon as its target is on screen.
  watch(
    () => {
      const lesson = current.value
      const s = step.value
      return lesson && s && stepTargetShown(lesson, s) ? `${lesson.id}/${s.id}` : null
    },
    (done) => {
      const lesson = current.value
      if (done && lesson) void markStep(lesson, done.slice(lesson.id.length + 1))
    }
  )

  function isDone(lessonId: string, stepId: string): boolean {
    return progressOf(lessonId).completedSteps.includes(stepId)
  }

  function next(): void {
    const lesson = current.value
    if (lesson && stepIndex.value < lesson.steps.length) stepIndex.value++
  }
  function prev(): void {
    if (stepIndex.value > 0) stepIndex.value--
  }

  async function submit(): Promise<void> {
    const lesson = current.value
    if (!lesson || answer.value === null) return
    grading.value = true
    const chosen = answer.value
    const result = await api.gradeLesson({ lessonId: lesson.id, answer: chosen })
    grading.value = false
    if (!result.ok) {
      error.value = result.error
      return
    }
    grade.value = result.value
    if (result.value.passed) {
      const p = progressOf(lesson.id)
      await usePreferencesStore().saveLessonProgress(lesson.id, { ...p, passed: true, answer: chosen })
    }
  }

  return {
    lessons,
    loading,
    error,
    currentId,
    current,
    stepIndex,
    step,
    onCheck,
    answer,
    grade,
    grading,
    load,
    reload,
    progressOf,
    isDone,
    open,
    close,
    next,
    prev,
    submit
  }
})
