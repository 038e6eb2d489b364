/**
 * Every string the backend sends the UI (names, rule text, evidence, messages, event payloads) with
 * its Unicode bidi controls shown as visible marks (`⟨U+202E⟩`, src/shared/text-safety.ts), so a
 * container named `evil\u202Egnp.exe` cannot pose as `evilexe.png` in any view, chart, tooltip or
 * error box. Done once, at the API door, so no view can forget it. Vue's text interpolation already
 * escapes markup; this is about what the text looks like.
 */
import type { ApiEventName, ApiEvents, NetLensApi } from '@shared/api/contract'
import { hasBidiControls, markBidiControls } from '@shared/text-safety'

/** The value with bidi controls marked in every string (keys too); the same object when nothing changes. */
export function markBidiDeep<T>(value: T): T {
  if (typeof value === 'string') return (hasBidiControls(value) ? markBidiControls(value) : value) as T
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      const marked = markBidiDeep(item)
      if (marked !== item) (copy ??= value.slice())[i] = marked
    }
    return (copy ?? value) as T
  }
  if (value !== null && typeof value === 'object') {
    let copy: Record<string, unknown> | null = null
    const record = value as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const item = record[key]
      const marked = markBidiDeep(item)
      const markedKey = hasBidiControls(key) ? markBidiControls(key) : key
      if (marked !== item || markedKey !== key) {
        copy ??= { ...record }
        if (markedKey !== key) delete copy[key]
        copy[markedKey] = marked
      }
    }
    return (copy ?? value) as T
  }
  return value
}

/** The API with every answer and pushed event passed through markBidiDeep. */
export function withVisibleText(api: NetLensApi): NetLensApi {
  const wrapped: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(api)) {
    wrapped[name] =
      name === 'subscribe'
        ? <E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) =>
            api.subscribe(event, (payload) => listener(markBidiDeep(payload)))
        : async (args: unknown) => markBidiDeep(await (method as (a: unknown) => Promise<unknown>)(args))
  }
  return wrapped as unknown as NetLensApi
}
