/** Number formatting shared by views and chart option builders (pure, no DOM). */
const UNITS = ['', 'k', 'M', 'G', 'T']

export function formatRate(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `– ${unit}`
  let v = Math.abs(value)
  let i = 0
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000
    i++
  }
  const digits = v >= 100 || i === 0 ? 0 : 1
  return `${value < 0 ? '-' : ''}${v.toFixed(digits)} ${UNITS[i]}${unit}`
}

export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = value
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–'
  return value.toLocaleString('en-US')
}

export function formatTime(iso: string | undefined | null, locale: string): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(locale, { hour12: false })
}

/** A host's name in the current UI language (training hosts carry their scenario title in both). */
export function hostLabel(host: { label: string; title?: { en: string; 'zh-CN': string } }, locale: string): string {
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
