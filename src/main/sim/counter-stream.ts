/**
 * Counter frames for a training scenario: the scenario's /proc/net/dev texts (host and each
 * container netns) advancing with its flows in real time, one frame every intervalS seconds.
 */
import type { CounterFrame, CounterStream } from '../traffic/types'
import { loadScenario, scenarioCounterTexts } from './index'

export function createSimCounterStream(scenarioId: string, intervalS: number): CounterStream {
  const loaded = loadScenario(scenarioId)
  const scenario = loaded.ok ? loaded.value : null
  const intervalMs = Math.max(50, Math.round((Number.isFinite(intervalS) && intervalS > 0 ? intervalS : 1) * 1000))
  const start = Date.now()
  let stopped = false
  let wake: (() => void) | null = null
  let timer: ReturnType<typeof setTimeout> | null = null

  async function* frames(): AsyncGenerator<CounterFrame> {
    if (!scenario) return
    while (!stopped) {
      const t = Date.now()
      yield { t, dev: scenarioCounterTexts(scenario, t - start) }
      if (stopped) return
      await new Promise<void>((resolve) => {
        wake = resolve
        timer = setTimeout(resolve, intervalMs)
      })
      wake = null
    }
  }

  return {
    frames: frames(),
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      wake?.()
    }
  }
}
