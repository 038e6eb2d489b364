/** A user-visible text in every UI language (English and Simplified Chinese). */
export interface Localized {
  en: string
  'zh-CN': string
}
