import type { CounterFrame } from '../../../src/main/traffic/types'
import { describe, expect, it } from 'vitest'
import { createSimCounterStream } from '../../../src/main/sim/counter-stream'
import { parseProcNetDev } from '../../../src/main/parsers/proc-net-dev'
import { command } from '../../../src/main/cli/commands/scenarios'
import { listScenarios } from '../../../src/main/sim/index'

describe('sim counter stream', () => {
  it('yields host and container frames whose counters never go backwards', async () => {
    const stream = createSimCounterStream('nat-mode', 0.05)
    const frames: CounterFrame[] = []
    for await (const f of stream.frames) {
      frames.push(f)
      if (frames.length === 3) stream.stop()
    }
    expect(frames).toHaveLength(3)
    const netns = frames[0].dev.map((d) => d.netns)
    expect(netns[0]).toBe('host')
    expect(netns.filter((n) => /^pid:\d+$/.test(n)).length).toBe(2)
    const tx = (i: number): number =>
      parseProcNetDev(frames[i].dev[0].text).value.find((r) => r.iface === 'ens33')!.txBytes
    expect(tx(2)).toBeGreaterThanOrEqual(tx(0))
  })

  it('ends at once for an unknown scenario', async () => {
    const stream = createSimCounterStream('no-such-scenario', 1)
    const frames: CounterFrame[] = []
    for await (const f of stream.frames) frames.push(f)
    expect(frames).toEqual([])
  })
})

describe('netlens scenarios', () => {
  const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = ''
    let err = ''
    const code = await command.run(argv, {
      out: (t) => (out += t + '\n'),
      err: (t) => (err += t + '\n'),
      signal: new AbortController().signal
    })
    return { code, out, err }
  }
  it('--json lists every scenario with id, title and lesson', async () => {
    const r = await run(['--json'])
    expect(r.code).toBe(0)
    const list = JSON.parse(r.out) as { id: string; lesson: string | null; title: { en: string } }[]
    expect(list.map((s) => s.id).sort()).toEqual(
      listScenarios()
        .map((s) => s.id)
        .sort()
    )
    expect(list.find((s) => s.id === 'nat-mode-no-masquerade')!.lesson).toBe('nat-mode')
  })
  it('prints a table and rejects unknown options', async () => {
    const r = await run(['--lang', 'zh-CN'])
    expect(r.out).toMatch(/^SOURCE\s+LESSON\s+ORIGIN\s+TITLE/)
    expect(r.out).toContain('bridge 模式')
    expect((await run(['--bogus'])).code).toBe(2)
  })
})
