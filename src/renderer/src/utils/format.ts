/** Number formatting shared by views and chart option builders (pure, no DOM). */
const UNITS = ['', 'k', 'M', 'G', 'T']

/**
 * A rate with SI prefixes. Below 1000 it keeps the decimals that matter, so axis ticks of 0.2,
 * 0.4 … read as such and never round to "1, 1, 1, 0, 0".
 */
export function formatRate(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `– ${unit}`
  let v = Math.abs(value)
  let i = 0
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000
    i++
  }
  const text =
    i > 0
      ? v.toFixed(v >= 100 ? 0 : 1)
      : String(Number(v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)))
  return `${value < 0 ? '-' : ''}${text} ${UNITS[i]}${unit}`
}

/**
 * The locale numbers and dates are written in: the UI language, refined by the browser's own
 * region when it speaks that language (`en` + an en-GB browser → 12/01/2026, not the US 1/12/2026).
 */
export function formattingLocale(uiLocale: string, browserLocales: readonly string[] = browserLanguages()): string {
  const language = uiLocale.split('-')[0].toLowerCase()
  const regional = browserLocales.find((l) => l.split('-')[0].toLowerCase() === language && l.includes('-'))
  if (regional && (uiLocale === language || regional.toLowerCase() === uiLocale.toLowerCase())) return regional
  return uiLocale
}

function browserLanguages(): readonly string[] {
  return typeof navigator !== 'undefined' && Array.isArray(navigator.languages) ? navigator.languages : []
}

const numberFormats = new Map<string, Intl.NumberFormat>()
function numberFormat(locale: string, digits: number): Intl.NumberFormat {
  const key = `${locale}|${digits}`
  let f = numberFormats.get(key)
  if (!f) {
    f = new Intl.NumberFormat(formattingLocale(locale), { maximumFractionDigits: digits, minimumFractionDigits: digits })
    numberFormats.set(key, f)
  }
  return f
}

export function formatBytes(value: number | null | undefined, locale = 'en'): string {
  if (value === null || value === undefined) return '–'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = value
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${numberFormat(locale, i === 0 ? 0 : 1).format(v)} ${units[i]}`
}

export function formatCount(value: number | null | undefined, locale = 'en'): string {
  if (value === null || value === undefined) return '–'
  return numberFormat(locale, 0).format(value)
}

const compactFormats = new Map<string, Intl.NumberFormat>()
/** Short counts for narrow places (1.1M, 105.9万); show the exact value in a tooltip beside it. */
export function formatCompact(value: number | null | undefined, locale = 'en'): string {
  if (value === null || value === undefined) return '–'
  let f = compactFormats.get(locale)
  if (!f) {
    f = new Intl.NumberFormat(formattingLocale(locale), { notation: 'compact', maximumFractionDigits: 1 })
    compactFormats.set(locale, f)
  }
  return f.format(value)
}

export function formatTime(iso: string | undefined | null, locale: string): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(formattingLocale(locale), { hour12: false })
}

/** A host's name in the current UI language (training hosts carry their scenario title in both). */
export function hostLabel(
  host: { kind?: string; label: string; title?: { en: string; 'zh-CN': string } },
  locale: string
): string {
  // The local host is "Local" in the backend's list; in Chinese it is 本机, like its group.
  if (host.kind === 'local' && host.label === 'Local') return locale === 'zh-CN' ? '本机' : host.label
  if (!host.title) return host.label
  return locale === 'zh-CN' ? host.title['zh-CN'] : host.title.en
}

/**
 * A trace hop's `where` label in the UI language. The label mixes host-derived names (kept as they
 * are) with a few fixed English words from src/shared/trace, which are translated word by word.
 */
const WHERE_ZH: [RegExp, string][] = [
  [/^host routing decision$/, '宿主机路由决策'],
  [/^conntrack \(reply, (PREROUTING|POSTROUTING)\)$/, 'conntrack（回包，$1）'],
  [/ routing table$/, ' 的路由表'],
  [/ loopback$/, ' 的回环网卡'],
  [/^host socket$/, '宿主机套接字'],
  [/^uplink$/, '上行网卡'],
  [/^host$/, '宿主机'],
  [/^host /, '宿主机 '],
  [/ → host /, ' → 宿主机 ']
]
export function localizeWhere(where: string, locale: string): string {
  if (locale !== 'zh-CN') return where
  let out = where
  for (const [pattern, replacement] of WHERE_ZH) out = out.replace(pattern, replacement)
  return out
}
