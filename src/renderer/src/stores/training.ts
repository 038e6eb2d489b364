/** Lessons: list, the open lesson and step, grading and saved progress. */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Lesson, LessonGrade } from '@shared/api/types'
import type { AppError } from '@shared/result'
import { api } from '@renderer/api'
import { usePreferencesStore } from './preferences'

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

  function progressOf(id: string): { completedSteps: string[]; passed: boolean } {
    return usePreferencesStore().prefs.lessonProgress[id] ?? { completedSteps: [], passed: false }
  }

  function open(id: string): void {
    currentId.value = id
    const done = progressOf(id).completedSteps
    const lesson = lessons.value?.find((l) => l.id === id)
    const firstOpen = lesson ? lesson.steps.findIndex((s) => !done.includes(s.id)) : 0
    stepIndex.value = firstOpen < 0 ? (lesson?.steps.length ?? 0) : firstOpen
    answer.value = null
    grade.value = null
  }

  function close(): void {
    currentId.value = null
  }

  async function markStep(lesson: Lesson, stepId: string): Promise<void> {
    const p = progressOf(lesson.id)
    if (!p.completedSteps.includes(stepId))
      await usePreferencesStore().saveLessonProgress(lesson.id, { ...p, completedSteps: [...p.completedSteps, stepId] })
  }

  /** Moves on at once; the progress is saved in the background. */
  async function next(): Promise<void> {
    const lesson = current.value
    const s = step.value
    if (!lesson || !s) return
    stepIndex.value++
    await markStep(lesson, s.id)
  }
  function prev(): void {
    if (stepIndex.value > 0) stepIndex.value--
  }

  async function submit(): Promise<void> {
    const lesson = current.value
    if (!lesson || answer.value === null) return
    grading.value = true
    const result = await api.gradeLesson({ lessonId: lesson.id, answer: answer.value })
    grading.value = false
    if (!result.ok) {
      error.value = result.error
      return
    }
    grade.value = result.value
    if (result.value.passed) {
      const p = progressOf(lesson.id)
      await usePreferencesStore().saveLessonProgress(lesson.id, { completedSteps: p.completedSteps, passed: true })
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
    progressOf,
    open,
    close,
    next,
    prev,
    submit
  }
})
