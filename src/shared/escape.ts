/**
 * Escaping for host-derived strings. Container names, interface names and rule comments come from
 * the host and are attacker-controlled. Vue text interpolation escapes by itself; this helper is for
 * the few places that build strings some other renderer could read as markup (ECharts formatters,
 * SVG export, titles). Every ECharts formatter that returns a string passes its parts through here.
 */
const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;'
}

export function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  return text.replace(/[&<>"'`]/g, (ch) => HTML_ESCAPES[ch] ?? ch)
}

/**
 * ECharts rich-text labels treat `{name|…}` as style markup: a container named `{a|x}` would restyle
 * its label. Braces are replaced by look-alike full-width braces in label text only.
 */
export function escapeRichText(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  return text.replace(/\{/g, '｛').replace(/\}/g, '｝')
}

/** Shortens long labels for chart nodes (the full text stays in tooltips and the details panel). */
export function truncateLabel(value: string, max = 28): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value
}
