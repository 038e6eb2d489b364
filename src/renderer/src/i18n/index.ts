import { createI18n, useI18n } from 'vue-i18n'
import type { Localized } from '@shared/api/types'
import { en } from './locales/en'
import { zhCN } from './locales/zh-CN'

export type Locale = 'en' | 'zh-CN'
export const LOCALES: { value: Locale; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'zh-CN', label: '简体中文' }
]

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN }
})

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

/**
 * useI18n plus `L`, which picks the UI's language from a backend Localized text: what a component
 * that shows host or engine texts (findings, lessons, trace hops) needs.
 */
export function useLocalized() {
  const composer = useI18n()
  const L = (text: Localized | null | undefined): string => localized(text, composer.locale.value as Locale)
  return { t: composer.t, te: composer.te, locale: composer.locale, L }
}

/** Picks the current language from a backend Localized text (falls back to English). */
export function localized(text: Localized | null | undefined, locale: Locale = currentLocale()): string {
  if (!text) return ''
  return text[locale] || text.en
}
