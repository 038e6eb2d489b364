/**
 * Startup: preferences (language, theme), hosts and their push events, then the host to show:
 * the last one used, else the first training host with its first lesson offered (`npm start`).
 */
import { usePreferencesStore } from '@renderer/stores/preferences'
import { useHostsStore } from '@renderer/stores/hosts'
import { useRouterStore, parseHash } from '@renderer/stores/router'

export async function bootstrap(): Promise<void> {
  const prefs = usePreferencesStore()
  const hosts = useHostsStore()
  const router = useRouterStore()
  await prefs.load()
  hosts.subscribe()
  await hosts.load()
  const remembered = prefs.prefs.recentHosts.some((id) => hosts.hosts.some((h) => h.id === id))
  const first = hosts.initialHost(prefs.prefs.recentHosts)
  if (!first) return
  const host = hosts.hosts.find((h) => h.id === first)
  const hashView = typeof location !== 'undefined' ? parseHash(location.hash) : null
  if (!remembered && host?.kind === 'training' && !hashView) router.go('training')
  await hosts.select(first)
}
