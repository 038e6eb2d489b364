/**
 * Keyboard shortcuts: Ctrl/Cmd+K search, Ctrl/Cmd+R or F5 refresh, Alt+1..7 views, Alt+↑/↓ hosts,
 * `?` help, Escape closes. Pure decision function (tested) + a listener installer.
 */
import { VIEWS, type ViewName } from '@renderer/stores/router'

export type ShortcutAction =
  | { type: 'search' }
  | { type: 'refresh' }
  | { type: 'view'; view: ViewName }
  | { type: 'host'; delta: number }
  | { type: 'help' }
  | { type: 'escape' }

export interface KeyLike {
  key: string
  code?: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
  /** True when focus is in a text field (plain keys like `?` then belong to the field). */
  typing: boolean
}

export function shortcutFor(e: KeyLike): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey
  const key = e.key.toLowerCase()
  if (mod && !e.altKey && key === 'k') return { type: 'search' }
  if ((mod && !e.altKey && key === 'r') || e.key === 'F5') return { type: 'refresh' }
  if (e.altKey && !mod) {
    const digit = e.code?.startsWith('Digit') ? Number(e.code.slice(5)) : Number(e.key)
    if (digit >= 1 && digit <= VIEWS.length) return { type: 'view', view: VIEWS[digit - 1] }
    if (e.key === 'ArrowUp') return { type: 'host', delta: -1 }
    if (e.key === 'ArrowDown') return { type: 'host', delta: 1 }
  }
  if (e.key === 'Escape') return { type: 'escape' }
  if (!e.typing && !mod && !e.altKey && e.key === '?') return { type: 'help' }
  return null
}

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el || !el.tagName) return false
  const tag = el.tagName.toLowerCase()
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable === true
}

export function installShortcuts(handler: (action: ShortcutAction) => void): () => void {
  const listener = (e: KeyboardEvent): void => {
    const action = shortcutFor({
      key: e.key,
      code: e.code,
      ctrlKey: e.ctrlKey,
      metaKey: e.metaKey,
      altKey: e.altKey,
      shiftKey: e.shiftKey,
      typing: isTyping(e.target)
    })
    if (!action) return
    if (action.type !== 'escape') e.preventDefault()
    handler(action)
  }
  window.addEventListener('keydown', listener)
  return () => window.removeEventListener('keydown', listener)
}
