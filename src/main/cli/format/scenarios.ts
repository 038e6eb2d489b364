/** `netlens scenarios`'s text: one row per scenario (its SOURCE, lesson, origin, title), then the user's folder. */
import type { ScenarioListing } from '../../sim/index'
import { clean, table } from './terminal'

export function formatScenarioList(listing: ScenarioListing, lang: 'en' | 'zh-CN', userFolder: string): string {
  // User files are attacker-controllable text (a shared exercise folder): cleaned before printing.
  const rows = listing.scenarios.map((s) => [
    clean(s.source),
    clean(s.lesson ?? '-'),
    s.origin === 'builtin' ? 'built-in' : 'yours',
    clean(s.title[lang])
  ])
  const yours = listing.scenarios.filter((s) => s.origin !== 'builtin').length
  return [
    ...table([['SOURCE', 'LESSON', 'ORIGIN', 'TITLE'], ...rows]),
    '',
    `Your scenario folder: ${clean(userFolder)} (${yours} loaded, ${listing.invalid.length} invalid)`
  ].join('\n')
}
