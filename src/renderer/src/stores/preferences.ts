import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '@renderer/api'
import { DEFAULT_PREFERENCES, type LessonProgress, type Preferences } from '@shared/api/types'
import { setLocale, type Locale } from '@renderer/i18n'

type PreferencesPatch = Partial<Preferences>

export const usePreferencesStore = defineStore('preferences', () => {
  const prefs = ref<Preferences>({ ...DEFAULT_PREFERENCES })
  const loaded = ref(false)

  function apply(): void {
    setLocale(prefs.value.locale)
    if (typeof document !== 'undefined') document.documentElement.dataset.theme = prefs.value.theme
  }

  async function load(): Promise<void> {
    const result = await api.getPreferences({})
    if (result.ok) prefs.value = { ...DEFAULT_PREFERENCES, ...result.value }
    loaded.value = true
    apply()
  }

  async function save(patch: PreferencesPatch): Promise<void> {
    prefs.value = { ...prefs.value, ...patch }
    apply()
    // Plain data only: Electron IPC cannot structured-clone Vue proxies.
    const result = await api.setPreferences(JSON.parse(JSON.stringify(patch)) as PreferencesPatch)
    if (result.ok) prefs.value = { ...DEFAULT_PREFERENCES, ...result.value }
  }

  const setLanguage = (locale: Locale): Promise<void> => save({ locale })
  const setTheme = (theme: 'light' | 'dark'): Promise<void> => save({ theme })
  const toggleTheme = (): Promise<void> => setTheme(prefs.value.theme === 'dark' ? 'light' : 'dark')

  function rememberHost(hostId: string): Promise<void> {
    const recent = [hostId, ...prefs.value.recentHosts.filter((h) => h !== hostId)].slice(0, 10)
    return save({ recentHosts: recent })
  }

  function saveLessonProgress(lessonId: string, progress: LessonProgress): Promise<void> {
    return save({ lessonProgress: { ...prefs.value.lessonProgress, [lessonId]: progress } })
  }

  return { prefs, loaded, load, save, setLanguage, setTheme, toggleTheme, rememberHost, saveLessonProgress }
})
