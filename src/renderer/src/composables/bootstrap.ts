/**
 * Startup: preferences (language, theme), hosts and their push events, then the host to show:
 * the last one used, else the first training host with its first lesson offered (`npm start`).
 */
import { usePreferencesStore } from '@renderer/stores/preferences'
import { useHostsStore } from '@renderer/stores/hosts'
import { useRouterStore, parseHash } from '@renderer/stores/router'
import { useTrainingStore } from '@renderer/stores/training'

export async function bootstrap(): Promise<void> {
  const prefs = usePreferencesStore()
  const hosts = useHostsStore()
  const router = useRouterStore()
  await prefs.load()
  hosts.subscribe()
  await hosts.load()
  const remembered = prefs.prefs.recentHosts.some((id) => hosts.hosts.some((h) => h.id === id))
  let first = hosts.initialHost(prefs.prefs.recentHosts)
  if (!remembered) {
    // A first start opens the host of the first lesson, so the offered lesson matches what is shown.
    const training = useTrainingStore()
    await training.load()
    const lessonHost = training.lessons?.[0] ? `sim:${training.lessons[0].scenario}` : null
    if (lessonHost && hosts.hosts.some((h) => h.id === lessonHost)) first = lessonHost
  }
  if (!first) return
  const host = hosts.hosts.find((h) => h.id === first)
  const hashView = typeof location !== 'undefined' ? parseHash(location.hash) : null
  if (!remembered && host?.kind === 'training' && !hashView) router.go('training')
  await hosts.select(first)
}
